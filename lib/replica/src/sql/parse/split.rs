//! Splitting a COM_QUERY text into its statements at top-level `;`, as the
//! server's multi-statement handling sees them: semicolons inside quotes,
//! backticks and comments don't count, and empty statements between
//! separators are dropped, as is a piece holding only comments
//! (`INSERT ...; # why`). A CREATE PROCEDURE / FUNCTION / TRIGGER whose
//! body is a compound statement runs to the body's END, as in MariaDB.
//! Each piece keeps the line it starts on, so a syntax error can report
//! MariaDB's "at line N".

use super::scan::{comment_end, is_dash_comment, line_end, quoted_end};

/// One statement of a multi-statement query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'a> {
    pub text: &'a str,
    /// 1-based line of the query on which the statement starts.
    pub line: usize,
}

/// The statements of `query`, in order (an empty query gives none).
pub fn split_statements(query: &str) -> Vec<Piece<'_>> {
    let bytes = query.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if matches!(bytes[i], b'C' | b'c') && bytes[start..i].iter().all(u8::is_ascii_whitespace) {
            if let Some(end) = crate::sql::routines::compound_create_end(query, i) {
                i = end;
                continue;
            }
        }
        i = match bytes[i] {
            b';' => {
                push_piece(query, start, i, &mut pieces);
                start = i + 1;
                i + 1
            }
            quote @ (b'\'' | b'"' | b'`') => quoted_end(bytes, i, quote),
            b'#' => line_end(bytes, i),
            b'-' if is_dash_comment(bytes, i) => line_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => comment_end(bytes, i),
            _ => i + 1,
        };
    }
    push_piece(query, start, bytes.len(), &mut pieces);
    pieces
}

fn push_piece<'a>(query: &'a str, start: usize, end: usize, pieces: &mut Vec<Piece<'a>>) {
    let raw = &query[start..end];
    let trimmed = raw.trim_start();
    let text = trimmed.trim_end();
    if only_comments(text.as_bytes()) {
        return;
    }
    let leading = start + (raw.len() - trimmed.len());
    let line = 1 + query[..leading].matches('\n').count();
    pieces.push(Piece { text, line });
}

/// Whether `text` holds nothing but whitespace and plain comments (a
/// `/*!` or `/*M!` comment is code, so it counts as a statement).
fn only_comments(text: &[u8]) -> bool {
    let mut i = 0;
    while i < text.len() {
        i = match text[i] {
            b if b.is_ascii_whitespace() => i + 1,
            b'#' => line_end(text, i),
            b'-' if is_dash_comment(text, i) => line_end(text, i),
            b'/' if text.get(i + 1) == Some(&b'*')
                && !matches!(text.get(i + 2), Some(b'!' | b'M')) =>
            {
                comment_end(text, i)
            }
            _ => return false,
        };
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(query: &str) -> Vec<&str> {
        split_statements(query).iter().map(|p| p.text).collect()
    }

    #[test]
    fn splits_at_top_level_semicolons_only() {
        assert_eq!(
            texts("SELECT 'a;b'; SELECT `x;y` ;SELECT \"c\\\";d\""),
            ["SELECT 'a;b'", "SELECT `x;y`", "SELECT \"c\\\";d\""]
        );
        assert_eq!(
            texts("SELECT 1 /* ; */; # ;\nSELECT 2"),
            ["SELECT 1 /* ; */", "# ;\nSELECT 2"]
        );
        assert_eq!(
            texts("SELECT 1 -- ;\n; SELECT 2--1"),
            ["SELECT 1 -- ;", "SELECT 2--1"]
        );
    }

    #[test]
    fn drops_a_piece_of_comments_only_but_not_executable_comments() {
        assert_eq!(
            texts("INSERT INTO t VALUES (1); # why"),
            ["INSERT INTO t VALUES (1)"]
        );
        assert_eq!(texts("SELECT 1; -- a\n/* b */ "), ["SELECT 1"]);
        assert_eq!(
            texts("SELECT 1; /*!40101 SET NAMES utf8 */"),
            ["SELECT 1", "/*!40101 SET NAMES utf8 */"]
        );
        assert_eq!(
            texts("SELECT 1; /*M!100101 SET @a=1 */"),
            ["SELECT 1", "/*M!100101 SET @a=1 */"]
        );
    }

    #[test]
    fn drops_empty_statements_and_keeps_start_lines() {
        let pieces = split_statements(";;\nSELECT 1;\n\n  SELECT 2;  ");
        assert_eq!(pieces.len(), 2);
        assert_eq!((pieces[0].text, pieces[0].line), ("SELECT 1", 2));
        assert_eq!((pieces[1].text, pieces[1].line), ("SELECT 2", 4));
        assert!(split_statements("  ").is_empty());
    }

    #[test]
    fn doubled_quotes_stay_inside_the_string() {
        assert_eq!(
            texts("SELECT 'it''s;'; SELECT 3"),
            ["SELECT 'it''s;'", "SELECT 3"]
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_pieces_are_substrings(query in "[ -~\\n]{0,80}") {
            for piece in split_statements(&query) {
                proptest::prop_assert!(query.contains(piece.text));
                proptest::prop_assert!(!piece.text.is_empty());
            }
        }
    }
}
