//! Tokens of a stored program's text, with their byte spans: enough for the
//! compound-statement layer to find keywords, labels and statement ends.
//! Quoted strings and identifiers and comments are single tokens (comments
//! are dropped), so a `;` or `END` inside them never counts.

use crate::sql::parse::scan::{comment_end, is_dash_comment, line_end, quoted_end};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An unquoted word: keyword, name or number.
    Word,
    /// A `backtick`-quoted name.
    Quoted,
    /// A '…' or "…" literal.
    Text,
    /// Any other character (`;`, `(`, `:`, `=`, …), one per token.
    Symbol,
}

/// One token: its kind and where it is in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }

    /// Whether the token is the keyword `word` (any case).
    pub fn is(&self, source: &str, word: &str) -> bool {
        self.kind == Kind::Word && self.text(source).eq_ignore_ascii_case(word)
    }

    /// Whether the token is the one-character symbol `c`.
    pub fn is_symbol(&self, source: &str, c: char) -> bool {
        self.kind == Kind::Symbol && self.text(source).starts_with(c)
    }

    /// A name's value: backticks removed (doubled ones kept once).
    pub fn name(&self, source: &str) -> String {
        let text = self.text(source);
        match self.kind {
            Kind::Quoted => text[1..text.len().saturating_sub(1).max(1)].replace("``", "`"),
            _ => text.to_string(),
        }
    }
}

/// The tokens of `source`, comments and whitespace left out.
pub fn tokenize(source: &str) -> Vec<Token> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let (kind, end) = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'#' => {
                i = line_end(bytes, i);
                continue;
            }
            b'-' if is_dash_comment(bytes, i) => {
                i = line_end(bytes, i);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = comment_end(bytes, i);
                continue;
            }
            b'\'' | b'"' => (Kind::Text, quoted_end(bytes, i, c)),
            b'`' => (Kind::Quoted, quoted_end(bytes, i, c)),
            c if is_word_byte(c) => (Kind::Word, word_end(bytes, i)),
            _ => (Kind::Symbol, i + char_len(source, i)),
        };
        tokens.push(Token {
            kind,
            start: i,
            end,
        });
        i = end;
    }
    tokens
}

/// Letters, digits, `_`, `$`, `@` (user variables) and non-ASCII bytes.
fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'@') || c >= 0x80
}

fn word_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len()
        && (is_word_byte(bytes[i]) || (bytes[i] == b'.' && is_number(bytes, from, i)))
    {
        i += 1;
    }
    i
}

/// A `.` continues a word only inside a number (`1.5`).
fn is_number(bytes: &[u8], from: usize, dot: usize) -> bool {
    bytes[from..dot].iter().all(u8::is_ascii_digit)
        && bytes.get(dot + 1).is_some_and(u8::is_ascii_digit)
}

fn char_len(source: &str, i: usize) -> usize {
    source[i..].chars().next().map_or(1, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> Vec<&str> {
        tokenize(source).iter().map(|t| t.text(source)).collect()
    }

    #[test]
    fn words_strings_names_and_symbols() {
        assert_eq!(
            texts("SET x = 'a;b' + 1.5; -- c;\nEND `my;name`"),
            [
                "SET",
                "x",
                "=",
                "'a;b'",
                "+",
                "1.5",
                ";",
                "END",
                "`my;name`"
            ]
        );
        assert_eq!(
            texts("l1: LOOP#x\n/* END; */a<=b"),
            ["l1", ":", "LOOP", "a", "<", "=", "b"]
        );
        assert_eq!(texts("@x := t.c"), ["@x", ":", "=", "t", ".", "c"]);
    }

    #[test]
    fn quoted_names_lose_their_backticks() {
        let source = "`a``b`";
        let token = tokenize(source)[0];
        assert_eq!(
            (token.kind, token.name(source)),
            (Kind::Quoted, "a`b".to_string())
        );
        assert!(tokenize("begin")[0].is("begin", "BEGIN"));
    }
}
