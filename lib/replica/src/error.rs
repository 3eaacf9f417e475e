//! The server's one error type: what a statement or command failed with,
//! carried as MariaDB's numeric code, SQLSTATE and message text, exactly as
//! they go out in an ERR packet. Each layer builds its errors with the
//! constructors in `messages` (one per MariaDB error it raises) so that
//! codes and texts live in one table; warnings and notes share the shape.

use std::fmt;

/// A failed statement or command, as the client will see it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ERROR {code} ({sqlstate}): {message}")]
pub struct ServerError {
    /// MariaDB's error number, e.g. 1146.
    pub code: u16,
    /// Five-character SQLSTATE, e.g. `42S02`; `HY000` when MariaDB gives none.
    pub sqlstate: &'static str,
    /// The message with its arguments filled in.
    pub message: String,
}

impl ServerError {
    pub fn new(code: u16, sqlstate: &'static str, message: impl Into<String>) -> Self {
        ServerError {
            code,
            sqlstate,
            message: message.into(),
        }
    }

    /// The same condition as a warning of the given level (SHOW WARNINGS rows).
    pub fn as_condition(&self, level: Level) -> Condition {
        Condition {
            level,
            code: self.code,
            message: self.message.clone(),
        }
    }
}

/// Result of anything that can fail with a MariaDB error.
pub type ServerResult<T> = Result<T, ServerError>;

/// The level column of SHOW WARNINGS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Note => "Note",
            Level::Warning => "Warning",
            Level::Error => "Error",
        })
    }
}

/// One row of SHOW WARNINGS: a note, warning or error a statement raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub level: Level,
    pub code: u16,
    pub message: String,
}
