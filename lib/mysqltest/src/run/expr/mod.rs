//! `$(expression)`, the expression language MariaDB's mysqltest gained in
//! MDEV-36107: integers, strings and NULL, C-like operators, and a set of
//! SQL-like functions. The interpreter finds a `$(…)` in raw command text
//! with [`closing_paren`], expands the variables inside, and hands the text
//! to [`evaluate`]; the value that comes back is printed in its place.

mod error;
mod functions;
mod lexer;
mod literal;
#[cfg(test)]
mod measured;
mod operators;
mod parser;
mod scan;
mod value;

pub use parser::evaluate;
pub use scan::{closing_paren, unmatched};
