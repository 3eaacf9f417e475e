//! MariaDB's `LOCK IN SHARE MODE` ending of a SELECT, which sqlparser does
//! not know: the token stream is rewritten to the `FOR SHARE` it does know,
//! before parsing, so the statement means the same and error positions in
//! the rest of the text stay right. Tokens come in from the tokenizer and
//! go out to the parser.

use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

/// The words replaced, in order, with whitespace between them.
const SHARE_MODE: [&str; 4] = ["LOCK", "IN", "SHARE", "MODE"];

/// `tokens` with every `LOCK IN SHARE MODE` replaced by `FOR SHARE`.
pub fn rewrite(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        match share_mode_end(&tokens, i) {
            Some(end) => {
                let span = tokens[i].span.union(&tokens[end].span);
                out.push(TokenWithSpan::new(Token::make_keyword("FOR"), span));
                out.push(TokenWithSpan::new(
                    Token::Whitespace(Whitespace::Space),
                    span,
                ));
                out.push(TokenWithSpan::new(Token::make_keyword("SHARE"), span));
                i = end + 1;
            }
            None => {
                out.push(tokens[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// The index of `MODE` when the words of [`SHARE_MODE`] start at `start`.
fn share_mode_end(tokens: &[TokenWithSpan], start: usize) -> Option<usize> {
    let mut i = start;
    for (n, word) in SHARE_MODE.iter().enumerate() {
        if n > 0 {
            i += 1;
            while matches!(tokens.get(i)?.token, Token::Whitespace(_)) {
                i += 1;
            }
        }
        match &tokens.get(i)?.token {
            Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word) => {}
            _ => return None,
        }
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::tokenizer::Tokenizer;

    fn rewritten(sql: &str) -> String {
        let tokens = Tokenizer::new(&MySqlDialect {}, sql)
            .tokenize_with_location()
            .unwrap();
        rewrite(tokens)
            .iter()
            .map(|t| t.token.to_string())
            .collect()
    }

    #[test]
    fn share_mode_becomes_for_share() {
        assert_eq!(
            rewritten("SELECT * FROM t lock  in\nshare MODE"),
            "SELECT * FROM t FOR SHARE"
        );
    }

    #[test]
    fn quoted_words_and_strings_stay() {
        let sql = "SELECT 'LOCK IN SHARE MODE', `lock` IN (1)";
        assert_eq!(rewritten(sql), sql);
    }
}
