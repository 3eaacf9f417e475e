//! Byte-level steps over SQL text shared by the statement splitter and the
//! stored-program lexer: past a quoted string, past a comment. Each takes
//! the text's bytes and a start offset and returns the offset just after.

/// Past a quoted string; a doubled quote or (outside backticks) a
/// backslash escape stays inside.
pub(crate) fn quoted_end(bytes: &[u8], open: usize, quote: u8) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote != b'`' => i += 2,
            c if c == quote && bytes.get(i + 1) == Some(&quote) => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// `-- ` starts a comment only when followed by a space or control char.
pub(crate) fn is_dash_comment(bytes: &[u8], i: usize) -> bool {
    bytes.get(i + 1) == Some(&b'-') && bytes.get(i + 2).is_none_or(|c| *c <= b' ')
}

/// Past the end of the line (a `#` or `-- ` comment).
pub(crate) fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |p| from + p + 1)
}

/// Past the `*/` of a block comment opened at `from`.
pub(crate) fn comment_end(bytes: &[u8], from: usize) -> usize {
    bytes[from + 2..]
        .windows(2)
        .position(|w| w == b"*/")
        .map_or(bytes.len(), |p| from + 2 + p + 2)
}
