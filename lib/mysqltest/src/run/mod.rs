//! Running a parsed script: the interpreter and everything it uses —
//! variables and their expansion, switches, replacements, result formatting,
//! connections, queries, files and processes — plus the [`CancelToken`]
//! through which the harness cancels it.

mod cancel;
mod commands;
mod eval;
mod expected;
mod expr;
mod expression;
mod files;
mod flow;
mod format;
mod interpreter;
mod latin1;
mod optimizer_trace;
mod output;
mod process;
mod properties;
mod query;
mod replace;
mod session;
mod shutdown;
mod sync;
mod variables;

pub use cancel::CancelToken;
pub use interpreter::{End, RunConfig, RunOutcome, run_test};
