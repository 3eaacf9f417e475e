//! SQL: parse statements, evaluate expressions, execute against storage.

pub mod eval;
pub mod parse;
pub mod types;
pub mod value;

use crate::session::{Session, StatementResult};

/// Executes one query's text in a session.
pub fn execute(session: &mut Session, text: &str) -> StatementResult {
    let _ = session;
    Err(crate::session::not_supported(text))
}
