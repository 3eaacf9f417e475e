//! A position in the tokens of one statement's text, with the helpers the
//! header and body parsers share: keywords, names, spans of text, and
//! MariaDB's syntax error (1064) quoting the text from the failing token.

use super::lexer::{Kind, Token, tokenize};
use crate::error::{ServerError, ServerResult};

/// Tokens of `source` and the next one to read.
pub struct Cursor<'a> {
    pub source: &'a str,
    pub tokens: Vec<Token>,
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(source: &'a str) -> Cursor<'a> {
        Cursor {
            source,
            tokens: tokenize(source),
            pos: 0,
        }
    }

    pub fn peek(&self) -> Option<Token> {
        self.tokens.get(self.pos).copied()
    }

    pub fn peek_at(&self, ahead: usize) -> Option<Token> {
        self.tokens.get(self.pos + ahead).copied()
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    /// Whether the next token is the keyword `word`.
    pub fn at(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| t.is(self.source, word))
    }

    /// Whether the next token is the symbol `c`.
    pub fn at_symbol(&self, c: char) -> bool {
        self.peek().is_some_and(|t| t.is_symbol(self.source, c))
    }

    /// Consumes the keyword `word` if it is next.
    pub fn eat(&mut self, word: &str) -> bool {
        let found = self.at(word);
        if found {
            self.pos += 1;
        }
        found
    }

    /// Consumes the keywords `words` if they are all next.
    pub fn eat_all(&mut self, words: &[&str]) -> bool {
        let found = words
            .iter()
            .enumerate()
            .all(|(i, w)| self.peek_at(i).is_some_and(|t| t.is(self.source, w)));
        if found {
            self.pos += words.len();
        }
        found
    }

    pub fn eat_symbol(&mut self, c: char) -> bool {
        let found = self.at_symbol(c);
        if found {
            self.pos += 1;
        }
        found
    }

    /// The keyword `word`, or 1064 at the next token.
    pub fn expect(&mut self, word: &str) -> ServerResult<()> {
        if self.eat(word) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    pub fn expect_symbol(&mut self, c: char) -> ServerResult<()> {
        if self.eat_symbol(c) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    /// A name (plain word or backtick-quoted).
    pub fn name(&mut self) -> ServerResult<String> {
        match self.peek() {
            Some(t) if matches!(t.kind, Kind::Word | Kind::Quoted) => {
                self.pos += 1;
                Ok(t.name(self.source))
            }
            _ => Err(self.error()),
        }
    }

    /// `name` or `schema.name`.
    pub fn qualified_name(&mut self) -> ServerResult<(Option<String>, String)> {
        let first = self.name()?;
        if self.eat_symbol('.') {
            Ok((Some(first), self.name()?))
        } else {
            Ok((None, first))
        }
    }

    /// A '…' literal's value.
    pub fn string(&mut self) -> ServerResult<String> {
        match self.peek() {
            Some(t) if t.kind == Kind::Text => {
                self.pos += 1;
                Ok(unquote(t.text(self.source)))
            }
            _ => Err(self.error()),
        }
    }

    /// Byte offset where the next token starts (the text's end at the end).
    pub fn offset(&self) -> usize {
        self.peek().map_or(self.source.len(), |t| t.start)
    }

    /// Byte offset where the last consumed token ends.
    pub fn end_of_previous(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(0, |t| t.end)
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        1 + self.source[..offset.min(self.source.len())]
            .matches('\n')
            .count()
    }

    /// 1064 quoting the text from the next token on.
    pub fn error(&self) -> ServerError {
        self.error_at(self.offset())
    }

    /// 1064 quoting the text from `offset` on.
    pub fn error_at(&self, offset: usize) -> ServerError {
        crate::sql::parse::syntax_error_near(&self.source[offset..], self.line_of(offset))
    }
}

/// A quoted literal's value: quotes removed, doubled quotes and the common
/// backslash escapes resolved.
pub fn unquote(text: &str) -> String {
    let quote = text.chars().next().unwrap_or('\'');
    let inner = &text[1..text.len().saturating_sub(1).max(1)];
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('0') => out.push('\0'),
                Some(other) => out.push(other),
                None => {}
            },
            c if c == quote && chars.peek() == Some(&quote) => {
                chars.next();
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keywords_names_and_strings() {
        let mut c = Cursor::new("IF NOT EXISTS db.`p 1` 'it''s'");
        assert!(c.eat_all(&["IF", "NOT", "EXISTS"]));
        assert_eq!(
            c.qualified_name().unwrap(),
            (Some("db".to_string()), "p 1".to_string())
        );
        assert_eq!(c.string().unwrap(), "it's");
        assert!(c.at_end());
    }

    #[test]
    fn errors_quote_from_the_failing_token_with_its_line() {
        let mut c = Cursor::new("BEGIN\n  FOO bar");
        c.expect("BEGIN").unwrap();
        let e = c.expect("END").unwrap_err();
        assert_eq!(e.code, 1064);
        assert!(
            e.message.ends_with("near 'FOO bar' at line 2"),
            "{}",
            e.message
        );
    }
}
