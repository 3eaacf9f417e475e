//! How mysqltest splits a command's argument text into arguments: each is
//! either quoted (`'…'`, `"…"`, `` `…` ``) or runs to the separator (a space
//! or a comma, depending on the command); leading spaces are skipped. The
//! values come back unevaluated (variables are expanded by the interpreter),
//! together with any text left after the last one.

/// Arguments split from a command's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitArgs<'a> {
    /// At most the requested number of values, quotes removed.
    pub values: Vec<&'a [u8]>,
    /// Text after the last argument (for mysqltest's "Extra argument" check).
    pub rest: &'a [u8],
}

impl<'a> SplitArgs<'a> {
    /// The text after the last argument that is not allowed there: anything
    /// but spaces before a `#` comment.
    pub fn extra(&self) -> Option<&'a [u8]> {
        let end = self
            .rest
            .iter()
            .position(|&b| b == b'#')
            .unwrap_or(self.rest.len());
        let first = self.rest[..end].iter().position(|&b| b != b' ')?;
        Some(&self.rest[first..])
    }
}

/// Splits `text` into up to `count` arguments separated by `sep`.
pub fn split_args(text: &[u8], sep: u8, count: usize) -> Vec<&[u8]> {
    split_args_full(text, sep, count).values
}

/// Like [`split_args`], also returning what is left.
pub fn split_args_full(text: &[u8], sep: u8, count: usize) -> SplitArgs<'_> {
    let mut values = Vec::with_capacity(count);
    let mut pos = 0;
    let mut last = 0;
    for _ in 0..count {
        while pos < text.len() && text[pos] == b' ' {
            pos += 1;
        }
        let mut end_char = sep;
        let mut start = pos;
        if pos < text.len() && matches!(text[pos], b'\'' | b'`' | b'"') {
            end_char = text[pos];
            pos += 1;
            start = pos;
        }
        while pos < text.len() && text[pos] != end_char {
            pos += 1;
        }
        values.push(&text[start..pos]);
        while pos < text.len() && text[pos] != sep {
            pos += 1;
        }
        last = pos;
        if pos < text.len() {
            pos += 1;
        }
    }
    SplitArgs {
        values,
        rest: &text[last.min(text.len())..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_separator_and_quotes() {
        assert_eq!(split_args(b"a b c", b' ', 2), [&b"a"[..], b"b"]);
        assert_eq!(split_args(b"'x y' z", b' ', 2), [&b"x y"[..], b"z"]);
        assert_eq!(
            split_args(b"con1,localhost,root,,", b',', 5),
            [&b"con1"[..], b"localhost", b"root", b"", b""]
        );
        assert_eq!(split_args(b"", b' ', 1), [&b""[..]]);
    }

    #[test]
    fn reports_extra_text() {
        let s = split_args_full(b"f1 f2", b' ', 1);
        assert_eq!(s.extra(), Some(&b"f2"[..]));
        let s = split_args_full(b"f1   # comment", b' ', 1);
        assert_eq!(s.extra(), None);
        let s = split_args_full(b"f1", b' ', 1);
        assert_eq!(s.extra(), None);
    }
}
