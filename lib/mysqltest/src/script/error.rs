//! Errors found while reading a script, worded as mysqltest words them and
//! carrying the line where they occur.

use thiserror::Error;

/// A problem in the text of a script.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct ParseError {
    pub line: u32,
    pub message: String,
}

impl ParseError {
    pub fn new(line: u32, message: impl Into<String>) -> Self {
        ParseError {
            line,
            message: message.into(),
        }
    }
}
