//! MariaDB's spellings that sqlparser does not know but that mean a form
//! it does: `DROP [TEMPORARY] TABLES …` is `DROP [TEMPORARY] TABLE …`,
//! `LOCK TABLE …` is `LOCK TABLES …`, the operator `a MOD b` is `a % b`,
//! and the table list `UPDATE t1, t2 SET …` is `UPDATE t1 CROSS JOIN t2 SET …`.
//! The token stream from the tokenizer is rewritten in place (spans kept,
//! so error positions stay right) and goes on to the parser.

use sqlparser::tokenizer::{Token, TokenWithSpan};

/// `tokens` with a leading `DROP [TEMPORARY] TABLES` read as `DROP [TEMPORARY] TABLE`.
pub fn rewrite(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    infix_mod(&mut tokens);
    let words: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_)))
        .map(|(i, _)| i)
        .take(3)
        .collect();
    let is = |n: usize, word: &str| {
        words.get(n).is_some_and(|&i| {
            matches!(&tokens[i].token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
        })
    };
    if is(0, "UPDATE") {
        return update_commas(tokens);
    }
    if is(0, "LOCK") && is(1, "TABLE") {
        tokens[words[1]].token = Token::make_keyword("TABLES");
        return tokens;
    }
    if !is(0, "DROP") {
        return tokens;
    }
    let tables = if is(1, "TEMPORARY") { 2 } else { 1 };
    if is(tables, "TABLES") {
        let at = words[tables];
        tokens[at].token = Token::make_keyword("TABLE");
    }
    tokens
}

/// `x MOD y` (the operator, not the function `MOD(x, y)`) as `x % y`.
fn infix_mod(tokens: &mut [TokenWithSpan]) {
    let solid: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_)))
        .map(|(i, _)| i)
        .collect();
    for (n, &i) in solid.iter().enumerate() {
        let is_mod = matches!(&tokens[i].token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("MOD"));
        let after_operand = n > 0
            && matches!(
                tokens[solid[n - 1]].token,
                Token::Word(_) | Token::Number(..) | Token::RParen | Token::SingleQuotedString(_)
            );
        let call = solid
            .get(n + 1)
            .is_some_and(|&j| tokens[j].token == Token::LParen);
        if is_mod && after_operand && !call {
            tokens[i].token = Token::Mod;
        }
    }
}

/// The commas of UPDATE's table list (outside parentheses, before SET) as CROSS JOIN.
fn update_commas(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut depth = 0usize;
    let mut in_tables = true;
    for t in tokens {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Word(w)
                if depth == 0 && w.quote_style.is_none() && w.value.eq_ignore_ascii_case("SET") =>
            {
                in_tables = false;
            }
            Token::Comma if depth == 0 && in_tables => {
                for token in [
                    Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
                    Token::make_keyword("CROSS"),
                    Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
                    Token::make_keyword("JOIN"),
                ] {
                    out.push(TokenWithSpan::new(token, t.span));
                }
                continue;
            }
            _ => {}
        }
        out.push(t);
    }
    out
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
    fn drop_tables_is_drop_table() {
        assert_eq!(
            rewritten("drop tables if exists t1"),
            "drop TABLE if exists t1"
        );
        assert_eq!(
            rewritten("DROP  TEMPORARY tables t1, t2"),
            "DROP  TEMPORARY TABLE t1, t2"
        );
    }

    #[test]
    fn the_mod_operator_is_percent_and_the_function_stays() {
        assert_eq!(
            rewritten("UPDATE t1 SET b=b+1 WHERE a=((1+2) MOD 5)"),
            "UPDATE t1 SET b=b+1 WHERE a=((1+2) % 5)"
        );
        assert_eq!(rewritten("SELECT a mod 3 FROM t"), "SELECT a % 3 FROM t");
        assert_eq!(rewritten("SELECT MOD(a, 3)"), "SELECT MOD(a, 3)");
    }

    #[test]
    fn lock_table_is_lock_tables() {
        assert_eq!(rewritten("LOCK TABLE t2 WRITE"), "LOCK TABLES t2 WRITE");
        assert_eq!(rewritten("lock tables t2 read"), "lock tables t2 read");
    }

    #[test]
    fn update_table_lists_are_cross_joins() {
        assert_eq!(
            rewritten("UPDATE t2, (SELECT a, b FROM t1) AS t SET t2.b = t.a, t2.c = 1"),
            "UPDATE t2 CROSS JOIN (SELECT a, b FROM t1) AS t SET t2.b = t.a, t2.c = 1"
        );
        assert_eq!(
            rewritten("update t set a = 1, b = 2"),
            "update t set a = 1, b = 2"
        );
    }

    #[test]
    fn other_statements_and_quoted_words_stay() {
        for sql in [
            "DROP `TABLES`",
            "SELECT tables FROM t",
            "DROP DATABASE tables",
        ] {
            assert_eq!(rewritten(sql), sql);
        }
    }
}
