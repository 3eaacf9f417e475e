//! SQL: parse statements, evaluate expressions, execute against storage.

pub mod eval;
pub mod exec;
pub mod parse;
pub mod routines;
pub mod types;
pub mod value;
