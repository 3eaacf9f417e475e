//! `optimizer_trace`: the next query that succeeds shows its optimizer
//! trace after its own output, as mariadb-test 10.11 does. The command turns
//! tracing on in the current session (saving the old setting in a user
//! variable); the query path then calls [`Interpreter::show_optimizer_trace`],
//! which selects the trace and restores the setting on whatever connection
//! is current by then. These statements are mysqltest's own: never echoed,
//! printed through the switches and replacements in force, and an error in
//! them is printed, never fatal.

use super::flow::Stop;
use super::interpreter::{CommandContext, Interpreter};
use super::query::QueryFlags;
use crate::script::Command;

/// Turns tracing on, keeping the session's setting to restore.
const ENABLE: &[u8] =
    b"SET @mysqltest_save_optimzer_trace=@@optimizer_trace,@@optimizer_trace=\"enabled=on\"";
/// Shows the trace of the statement before.
const DISPLAY: &[u8] = b"SELECT * from information_schema.optimizer_trace";
/// Puts back the setting `ENABLE` saved.
const RESTORE: &[u8] = b"SET @@optimizer_trace=@mysqltest_save_optimzer_trace";

impl Interpreter {
    /// `optimizer_trace`: trace the next query; all output of this is dropped.
    pub(crate) fn cmd_optimizer_trace(&mut self, command: &Command) -> Result<(), Stop> {
        self.no_args(command)?;
        let current = self.current_session()?;
        if self.sessions[current].conn.is_none() {
            return Ok(());
        }
        let mut discarded = Vec::new();
        self.run_own_query(current, ENABLE, &mut discarded)?;
        self.optimizer_trace = true;
        Ok(())
    }

    /// After a query that succeeded: its trace, if `optimizer_trace` asked.
    pub(crate) fn show_optimizer_trace(
        &mut self,
        current: usize,
        ds: &mut Vec<u8>,
    ) -> Result<(), Stop> {
        if !std::mem::take(&mut self.optimizer_trace) {
            return Ok(());
        }
        self.run_own_query(current, DISPLAY, ds)?;
        self.run_own_query(current, RESTORE, ds)
    }

    /// A statement mysqltest sends for itself: no echo, no `--error`.
    fn run_own_query(
        &mut self,
        current: usize,
        query: &[u8],
        ds: &mut Vec<u8>,
    ) -> Result<(), Stop> {
        let own = CommandContext {
            line: self.ctx.line,
            query: query.to_vec(),
            ..CommandContext::default()
        };
        let saved = std::mem::replace(&mut self.ctx, own);
        let result = self.run_query_normal(current, query, QueryFlags::FULL, ds);
        let used_replace = self.ctx.used_replace;
        self.ctx = saved;
        self.ctx.used_replace |= used_replace;
        result
    }
}
