//! Expression evaluation over sqlparser's expression tree.

pub mod context;

pub use context::{EvalContext, VarScope};
