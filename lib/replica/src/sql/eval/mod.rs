//! Expression evaluation over sqlparser's expression tree: [`evaluate`]
//! takes an expression and the statement's [`EvalContext`] and gives a
//! value; [`Accumulator`] computes aggregates for the executor; literals,
//! truth and the text form are re-exported for the layers above.

mod aggregate;
mod arithmetic;
mod bits;
mod cast;
mod comparison;
pub mod context;
pub mod errors;
mod evaluate;
mod functions;
mod interval;
mod literal;
mod logic;
mod pattern;
pub mod random;
mod subquery;
mod typing;

pub use crate::sql::value::{result_column, store, store_in_table, table_column, to_text};
pub use aggregate::{Accumulator, AggregateKind, aggregate_kind};
pub use context::{EvalContext, VarScope};
pub use evaluate::{enum_position, evaluate};
pub use functions::{arity, name_const_label};
pub use literal::parse_literal;
pub use logic::truth;
pub use pattern::like_text;
pub use typing::{TypeEnv, expression_column};

#[cfg(test)]
mod evaluate_tests;
