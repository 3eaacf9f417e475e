//! Reading an expression's text piece by piece, as the parser asks for it:
//! operators, quoted strings (a backslash hides the next byte and is kept),
//! function names, and unquoted words, which run to the next operator
//! character and lose their surrounding whitespace. Nothing is read ahead,
//! so an error in later text never hides an earlier one. Words become values
//! in [`super::literal`].

use super::error::ExprError;

/// Bytes that end an unquoted word.
fn ends_word(b: u8) -> bool {
    matches!(
        b,
        b'+' | b'-'
            | b'*'
            | b'/'
            | b'%'
            | b'<'
            | b'>'
            | b'='
            | b'!'
            | b'&'
            | b'|'
            | b'^'
            | b'~'
            | b'('
            | b')'
            | b','
    )
}

/// Whitespace as C's `isspace` sees it.
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Bytes of a function name.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A position in an expression's text.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a [u8]) -> Self {
        Cursor { text, pos: 0 }
    }

    pub fn skip_space(&mut self) {
        while self.text.get(self.pos).is_some_and(|&b| is_space(b)) {
            self.pos += 1;
        }
    }

    /// Whether only whitespace is left.
    pub fn at_end(&mut self) -> bool {
        self.skip_space();
        self.pos >= self.text.len()
    }

    /// The next byte after whitespace.
    pub fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.get(self.pos).copied()
    }

    /// Steps over the byte [`Cursor::peek`] returned.
    pub fn advance(&mut self) {
        self.pos = (self.pos + 1).min(self.text.len());
    }

    /// Whether `op` comes next, not followed by any byte of `not_before`.
    pub fn sees(&mut self, op: &[u8], not_before: &[u8]) -> bool {
        self.skip_space();
        let rest = &self.text[self.pos..];
        rest.starts_with(op) && rest.get(op.len()).is_none_or(|b| !not_before.contains(b))
    }

    /// Consumes `op` if [`Cursor::sees`] it.
    pub fn eat(&mut self, op: &[u8], not_before: &[u8]) -> bool {
        let seen = self.sees(op, not_before);
        if seen {
            self.pos += op.len();
        }
        seen
    }

    /// Whether an operand cannot start here (end of text or an operator).
    pub fn at_operator(&mut self) -> bool {
        self.peek().is_none_or(ends_word)
    }

    /// A quoted string whose opening quote is next; its bytes as written.
    pub fn quoted(&mut self) -> Result<Vec<u8>, ExprError> {
        self.skip_space();
        let quote = self.text[self.pos];
        let start = self.pos + 1;
        let mut i = start;
        while i < self.text.len() {
            match self.text[i] {
                b'\\' => i += 2,
                b if b == quote => {
                    self.pos = i + 1;
                    return Ok(self.text[start..i].to_vec());
                }
                _ => i += 1,
            }
        }
        Err(ExprError::UnmatchedQuote)
    }

    /// A function name directly followed by `(`, consuming both.
    pub fn function_name(&mut self) -> Option<&'a [u8]> {
        self.skip_space();
        let rest = &self.text[self.pos..];
        let len = rest.iter().take_while(|&&b| is_name_byte(b)).count();
        if len == 0 || rest.get(len) != Some(&b'(') {
            return None;
        }
        self.pos += len + 1;
        Some(&rest[..len])
    }

    /// An unquoted word: up to the next operator byte, trimmed.
    pub fn word(&mut self) -> &'a [u8] {
        self.skip_space();
        let rest = &self.text[self.pos..];
        let len = rest.iter().take_while(|&&b| !ends_word(b)).count();
        self.pos += len;
        let word = &rest[..len];
        let end = word
            .iter()
            .rposition(|&b| !is_space(b))
            .map_or(0, |i| i + 1);
        &word[..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stop_at_operators_and_lose_outer_spaces() {
        let mut c = Cursor::new(b"  hello   world  == x");
        assert_eq!(c.word(), b"hello   world");
        assert!(c.eat(b"==", b""));
        assert_eq!(c.word(), b"x");
        assert!(c.at_end());
        assert_eq!(Cursor::new(b"a'b'.c,d").word(), b"a'b'.c");
    }

    #[test]
    fn quoted_strings_keep_backslashes() {
        let mut c = Cursor::new(br#" 'a\'b' "x""#);
        assert_eq!(c.quoted().unwrap(), br"a\'b");
        assert_eq!(c.quoted().unwrap(), b"x");
        assert_eq!(
            Cursor::new(br"'a\'").quoted(),
            Err(ExprError::UnmatchedQuote)
        );
    }

    #[test]
    fn function_names_need_an_adjacent_parenthesis() {
        let mut c = Cursor::new(b"abs(1)");
        assert_eq!(c.function_name(), Some(&b"abs"[..]));
        assert_eq!(Cursor::new(b"abs (1)").function_name(), None);
        assert_eq!(Cursor::new(b"a.b(1)").function_name(), None);
    }

    #[test]
    fn operators_respect_longer_neighbours() {
        let mut c = Cursor::new(b"<< 1");
        assert!(!c.sees(b"<", b"<="));
        assert!(c.eat(b"<<", b""));
        assert!(!Cursor::new(b"||").sees(b"|", b"|"));
    }
}
