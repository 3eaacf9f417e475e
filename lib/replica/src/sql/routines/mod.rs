//! Stored programs: procedures, functions and triggers. `header` and
//! `body` parse a CREATE statement (the compound-statement layer by hand,
//! each leaf statement by the server's SQL parser) into `ast`; `ddl` runs
//! CREATE, DROP and SHOW CREATE against the catalog (`storage::programs`);
//! `call` invokes procedures and functions, `triggers` fires triggers, and
//! `interpreter` runs their bodies in a frame of the session's `state`;
//! `assign` is where expression evaluation and SET meet local variables
//! and NEW/OLD rows; `binlog_text` is what a procedure's statement is
//! logged as; `listing` builds information_schema.ROUTINES,
//! TRIGGERS and mysql.proc.

mod assign;
pub mod ast;
pub mod binlog_text;
mod body;
mod call;
mod cursor;
mod ddl;
mod header;
mod interpreter;
mod lexer;
pub mod listing;
pub mod state;
mod triggers;

pub use assign::{assign, read};
pub use call::{call, call_function};
pub use ddl::{logged_text, run};
pub use header::{ProgramKind, ProgramStatement, compound_create_end, recognize};
pub use interpreter::store_one_row;
pub use state::RoutineState;
pub use triggers::fire;

#[cfg(test)]
mod tests;
