//! Running a parsed script: the interpreter and everything it uses —
//! variables and their expansion, switches, replacements, result formatting,
//! connections, queries, files and processes — plus the [`Host`] interface
//! through which the harness serves it and cancels it.

mod commands;
mod eval;
mod expected;
mod expr;
mod expression;
mod files;
mod flow;
mod format;
mod host;
mod interpreter;
mod latin1;
mod optimizer_trace;
mod output;
mod process;
mod properties;
mod query;
mod replace;
mod session;
mod sync;
mod variables;

pub use host::{CancelToken, Host, NoHost};
pub use interpreter::{End, RunConfig, RunOutcome, run_test};
