//! MariaDB's syntax error from a sqlparser error: ER_PARSE_ERROR (1064)
//! quoting the statement from the token where parsing failed, at most 80
//! characters, with the line of that token.

use sqlparser::parser::ParserError;

use super::split::Piece;
use crate::error::ServerError;

/// The message prefix MariaDB gives every syntax error.
const PREFIX: &str = "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use";

/// 1064 for a statement sqlparser rejected.
pub fn from_parser(piece: &Piece<'_>, error: &ParserError) -> ServerError {
    let message = error.to_string();
    if location(&message).is_none() && message.ends_with("found: EOF") {
        // the statement ended too early: MariaDB quotes nothing, on its last line
        return near("", piece.text.lines().count().max(1));
    }
    let (line, column) = location(&message).unwrap_or((1, 1));
    let offset = byte_offset(piece.text, line, column);
    near(&piece.text[offset..], line)
}

/// 1064 quoting `rest` (the text from the failing token on).
pub fn near(rest: &str, line: usize) -> ServerError {
    let quoted: String = rest.chars().take(80).collect();
    ServerError::new(
        1064,
        "42000",
        format!("{PREFIX} near '{quoted}' at line {line}"),
    )
}

/// `Line: L, Column: C` of a sqlparser message.
fn location(message: &str) -> Option<(usize, usize)> {
    let at = message.rfind("Line: ")?;
    let rest = &message[at + "Line: ".len()..];
    let (line, rest) = rest.split_once(", Column: ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// Byte offset of a 1-based line and character column in `text`.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let line_text = &text[line_start.min(text.len())..];
    line_start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_from_the_failing_token() {
        let piece = Piece {
            text: "SELEC 1",
            line: 1,
        };
        let error = ParserError::ParserError(
            "Expected: an SQL statement, found: SELEC at Line: 1, Column: 1".into(),
        );
        let e = from_parser(&piece, &error);
        assert_eq!(e.code, 1064);
        assert!(
            e.message.ends_with("to use near 'SELEC 1' at line 1"),
            "{}",
            e.message
        );
    }

    #[test]
    fn an_early_end_quotes_nothing_on_the_last_line() {
        let text = "SELECT a\nFROM t WHERE";
        let piece = Piece { text, line: 1 };
        let error =
            sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::MySqlDialect {}, text)
                .unwrap_err();
        assert!(
            from_parser(&piece, &error)
                .message
                .ends_with("to use near '' at line 2"),
            "{error}"
        );
    }

    #[test]
    fn finds_offsets_on_later_lines() {
        assert_eq!(byte_offset("SELECT 1\nFROM x y z", 2, 8), 16);
        assert_eq!(byte_offset("ab", 5, 5), 2);
    }
}
