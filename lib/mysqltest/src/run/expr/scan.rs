//! Finding where a `$(…)` ends in raw command text, before any variable is
//! expanded: parentheses are counted outside `'…'` and `"…"` quotes, and
//! inside quotes a backslash hides the next byte. Backquotes and backslashes
//! outside quotes are ordinary bytes. Text enters as the bytes after `$`;
//! what leaves is the offset of the matching `)`, or mysqltest's complaint.

use super::error::ExprError;

/// How much of the text from `$(` an unmatched-parenthesis message quotes.
const QUOTED_PREFIX: usize = 10;

/// The offset of the `)` matching the `(` at `text[open]`; a NUL byte ends
/// the text.
pub fn closing_paren(text: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = open;
    while i < text.len() && text[i] != 0 {
        let b = text[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// mysqltest's message for a `$(` at `text[dollar]` that is never closed.
pub fn unmatched(text: &[u8], dollar: usize) -> ExprError {
    let rest = &text[dollar..];
    let end = rest
        .iter()
        .take(QUOTED_PREFIX)
        .position(|&b| b == 0)
        .unwrap_or(rest.len().min(QUOTED_PREFIX));
    ExprError::function(format!(
        "Unmatched parenthesis in expression starting at '{}'",
        String::from_utf8_lossy(&rest[..end])
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(text: &str) -> Option<usize> {
        closing_paren(text.as_bytes(), 1)
    }

    #[test]
    fn counts_parentheses_outside_quotes() {
        assert_eq!(close("$(1+(2*3)) x"), Some(9));
        assert_eq!(close("$(')' == \")\")"), Some(12));
        assert_eq!(close("$('\\')')"), Some(7));
        assert_eq!(close("$(length(`)`))"), Some(12));
        assert_eq!(close("$(\\))"), Some(3));
    }

    #[test]
    fn an_open_quote_or_parenthesis_never_closes() {
        assert_eq!(close("$((1 + 2)"), None);
        assert_eq!(close("$(ab\\\"c)"), None);
        assert_eq!(close("$(1\0)"), None);
    }

    #[test]
    fn the_message_quotes_ten_bytes() {
        let text = b"x $(((((((((((1+3";
        assert_eq!(
            unmatched(text, 2).to_string(),
            "Unmatched parenthesis in expression starting at '$((((((((('"
        );
        assert_eq!(
            unmatched(b"$((1+2", 0).to_string(),
            "Unmatched parenthesis in expression starting at '$((1+2'"
        );
    }
}
