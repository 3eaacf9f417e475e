//! Running tests: per-worker servers and their restarts, the environment a
//! test sees, the interpreter under a time limit with its servers watched,
//! the checks before and after it, and the scheduling of the whole run.

mod check_testcase;
mod client_defaults;
mod environment;
mod monitor;
pub mod options;
mod ports;
pub mod schedule;
mod server_set;
mod warnings;
mod worker;

#[cfg(test)]
pub(crate) use worker::variant_names;
