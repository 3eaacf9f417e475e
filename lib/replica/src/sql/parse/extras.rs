//! Statements sqlparser cannot parse, or parses losing what MariaDB does
//! with them, read by hand from the statement's words.

use super::split::Piece;
use crate::error::ServerResult;

/// A hand-parsed statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extra {
    /// `SHOW CREATE DATABASE|SCHEMA [IF NOT EXISTS] name`.
    ShowCreateDatabase { name: String, if_not_exists: bool },
    /// `SHOW COUNT(*) WARNINGS|ERRORS`.
    ShowWarningCount { errors_only: bool },
}

/// The hand-parsed statement `piece` is, if it is one.
pub fn parse(piece: &Piece<'_>) -> ServerResult<Option<Extra>> {
    let words: Vec<String> = piece
        .text
        .split_whitespace()
        .map(|w| w.to_ascii_uppercase())
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    Ok(match words.as_slice() {
        ["SHOW", "CREATE", "DATABASE" | "SCHEMA", rest @ ..] => show_create_database(piece, rest),
        ["SHOW", "COUNT(*)", "WARNINGS"] => Some(Extra::ShowWarningCount { errors_only: false }),
        ["SHOW", "COUNT(*)", "ERRORS"] => Some(Extra::ShowWarningCount { errors_only: true }),
        _ => None,
    })
}

fn show_create_database(piece: &Piece<'_>, rest: &[&str]) -> Option<Extra> {
    let if_not_exists = rest.starts_with(&["IF", "NOT", "EXISTS"]);
    let original = piece.text.split_whitespace().last()?;
    (rest.len() == if if_not_exists { 4 } else { 1 }).then(|| Extra::ShowCreateDatabase {
        name: original.trim_matches('`').to_string(),
        if_not_exists,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extra(text: &str) -> Option<Extra> {
        parse(&Piece { text, line: 1 }).unwrap()
    }

    #[test]
    fn reads_show_create_database_and_warning_counts() {
        assert_eq!(
            extra("show create database `Db1`"),
            Some(Extra::ShowCreateDatabase {
                name: "Db1".into(),
                if_not_exists: false
            })
        );
        assert_eq!(
            extra("SHOW CREATE SCHEMA IF NOT EXISTS d"),
            Some(Extra::ShowCreateDatabase {
                name: "d".into(),
                if_not_exists: true
            })
        );
        assert_eq!(
            extra("SHOW COUNT(*) ERRORS"),
            Some(Extra::ShowWarningCount { errors_only: true })
        );
        assert_eq!(extra("SHOW CREATE TABLE t"), None);
    }
}
