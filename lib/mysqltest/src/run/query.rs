//! Running SQL the way mysqltest's `run_query` does: echo the query (through
//! the replacements), send it, read every result of it, print result sets,
//! `affected rows`, warnings (`SHOW WARNINGS` after the last result), and
//! match errors against `--error`. `send` only sends; `reap` only reads.
//! A query that succeeds is followed by its optimizer trace when
//! `optimizer_trace` asked for one.

use super::flow::{Stop, show};
use super::format::{
    append_header, append_info, append_result_set, append_rows, append_session_track, append_sorted,
};
use super::interpreter::Interpreter;
use super::properties::Prop;
use crate::client::{ClientError, Response};
use crate::errors::mysqltest_errname;
use crate::script::Command;

/// Which halves of a query to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryFlags {
    pub send: bool,
    pub reap: bool,
    /// Echo the text before variable expansion (`evalp`).
    pub print_original: bool,
    /// Expand variables first (`eval`, `send_eval`, `evalp`).
    pub eval: bool,
}

impl QueryFlags {
    pub const FULL: QueryFlags = QueryFlags {
        send: true,
        reap: true,
        print_original: false,
        eval: false,
    };
}

/// Text that mysqltest reports when a query runs on a closed connection.
const GONE_AWAY: &[u8] = b"MariaDB server has gone away";

impl Interpreter {
    /// Runs `text` (the query part of `command`) on the current connection.
    pub(crate) fn run_query(
        &mut self,
        command: &Command,
        text: &[u8],
        flags: QueryFlags,
    ) -> Result<(), Stop> {
        let current = self.current_session()?;
        let pending = self.sessions[current].pending;
        if pending && flags.send {
            return Err(Stop::die(
                "Cannot run query on connection between send and reap",
            ));
        }
        if !flags.send && !pending {
            return Err(Stop::die(
                "Cannot reap on a connection without pending send",
            ));
        }
        let query = if flags.eval {
            self.expand(text, false)?
        } else {
            text.to_vec()
        };
        self.ctx.query = text.to_vec();
        if !self.props.get(Prop::QueryLog) && flags.send {
            let shown = if flags.print_original {
                text
            } else {
                &query[..]
            };
            let mut echo = Vec::new();
            self.rep.append(&mut echo, shown, self.charset);
            echo.extend_from_slice(&self.delimiter);
            echo.push(b'\n');
            self.out.push(&echo);
        }
        self.out.flush();
        let _ = command;
        let mut buffer = Vec::new();
        let result = self.run_query_normal(current, &query, flags, &mut buffer);
        match self.require_file.take() {
            // A required result is compared, never printed.
            Some(file) => {
                result?;
                self.check_require(&buffer, &file)
            }
            // A dying command's own output never reaches the log.
            None if matches!(result, Err(Stop::Die(_))) => result,
            None => {
                self.out.push(&buffer);
                result
            }
        }
    }

    pub(crate) fn run_query_normal(
        &mut self,
        current: usize,
        query: &[u8],
        flags: QueryFlags,
        ds: &mut Vec<u8>,
    ) -> Result<(), Stop> {
        if self.sessions[current].conn.is_none() {
            self.sessions[current].pending = false;
            self.set_errno(2006);
            return self.handle_error(2006, GONE_AWAY, "000000", ds);
        }
        if flags.send {
            let sent = self.with_connection(current, |c| c.send_query(query));
            if let Err(err) = sent {
                self.note_lost(current, &err);
                return self.finish_with_error(current, &err, ds);
            }
        }
        if !flags.reap {
            self.sessions[current].pending = true;
            return Ok(());
        }
        self.read_all_results(current, ds)
    }

    /// Reads every result of the query in flight and prints it.
    fn read_all_results(&mut self, current: usize, ds: &mut Vec<u8>) -> Result<(), Stop> {
        loop {
            let response = match self.with_connection(current, |c| c.read_response()) {
                Ok(response) => response,
                Err(err) => {
                    self.note_lost(current, &err);
                    return self.finish_with_error(current, &err, ds);
                }
            };
            self.sessions[current].status = response.status_flags();
            let more = response.more_results();
            if !self.props.get(Prop::ResultLog) {
                self.print_response(current, &response, more, ds)?;
            }
            if !more {
                break;
            }
        }
        self.handle_no_error()?;
        self.props.revert(&mut self.vars);
        self.sessions[current].pending = false;
        self.set_errno(0);
        self.show_optimizer_trace(current, ds)
    }

    fn print_response(
        &mut self,
        current: usize,
        response: &Response,
        more: bool,
        ds: &mut Vec<u8>,
    ) -> Result<(), Stop> {
        let shape = self.shape();
        let info = match response {
            Response::ResultSet(rs) if self.rep.sorted => {
                // 10.11 sorts the rows of each result set, headings apart.
                append_header(ds, rs, shape, &self.rep);
                let mut rows = Vec::new();
                append_rows(&mut rows, rs, shape, &self.rep);
                append_sorted(ds, &rows, false);
                None
            }
            Response::ResultSet(rs) => {
                append_result_set(ds, rs, shape, &self.rep);
                None
            }
            Response::Ok(ok) => (!ok.info.is_empty()).then(|| ok.info.clone()),
        };
        if !self.props.get(Prop::Info) {
            append_info(ds, response.affected_rows(), info.as_deref());
        }
        if self.props.get(Prop::SessionTrack) {
            if let Some(conn) = &self.sessions[current].conn {
                append_session_track(ds, conn.session_state());
            }
        }
        if !self.props.get(Prop::Warnings) && !more && response.warnings() > 0 {
            let warnings = self.fetch_warnings(current)?;
            ds.extend_from_slice(b"Warnings:\n");
            ds.extend_from_slice(&warnings);
        }
        Ok(())
    }

    /// Runs `SHOW WARNINGS` and formats its rows (sorted under `sorted_result`).
    pub(crate) fn fetch_warnings(&mut self, current: usize) -> Result<Vec<u8>, Stop> {
        let responses = self
            .with_connection(current, |c| c.query(b"SHOW WARNINGS"))
            .map_err(|e| {
                Stop::die(format!(
                    "Error running query \"SHOW WARNINGS\": {}",
                    show(e.message())
                ))
            })?;
        let Some(Response::ResultSet(rs)) = responses.into_iter().next() else {
            return Err(Stop::die("Warning count is 0 but didn't get any warnings"));
        };
        let mut rows = Vec::new();
        append_rows(&mut rows, &rs, self.shape(), &self.rep);
        if self.rep.sorted {
            let mut sorted = Vec::new();
            append_sorted(&mut sorted, &rows, false);
            return Ok(sorted);
        }
        Ok(rows)
    }

    /// After a failed statement: match it against `--error`, then clean up.
    fn finish_with_error(
        &mut self,
        current: usize,
        err: &ClientError,
        ds: &mut Vec<u8>,
    ) -> Result<(), Stop> {
        self.sessions[current].pending = false;
        let code = u32::from(err.code());
        let result = self.handle_error(code, err.message(), err.sqlstate(), ds);
        self.set_errno(code);
        result
    }

    /// mysqltest's `handle_error`: print `ERROR …` and accept or die.
    pub(crate) fn handle_error(
        &mut self,
        code: u32,
        message: &[u8],
        sqlstate: &str,
        ds: &mut Vec<u8>,
    ) -> Result<(), Stop> {
        self.vars.set_int("errno", code as i32);
        self.ctx.used_replace = true;
        if self.ctx.abort_on_error {
            return Err(Stop::die(format!(
                "query '{}' failed: {} ({}): {}",
                show(&self.ctx.query),
                mysqltest_errname(code),
                code,
                show(message)
            )));
        }
        let matched = self.ctx.expected.find(code, Some(sqlstate))?;
        let log = !self.props.get(Prop::ResultLog);
        if matched.is_some() {
            if log {
                if self.ctx.expected.len() == 1 {
                    self.append_error_line(ds, sqlstate, message);
                } else if self.ctx.expected.expects_failure_or_state() {
                    ds.extend_from_slice(b"Got one of the listed errors\n");
                }
            }
            self.props.revert(&mut self.vars);
            return Ok(());
        }
        if log {
            self.append_error_line(ds, sqlstate, message);
        }
        if !self.ctx.expected.is_empty() {
            return Err(self.wrong_error(code, message, sqlstate));
        }
        self.props.revert(&mut self.vars);
        Ok(())
    }

    fn append_error_line(&self, ds: &mut Vec<u8>, sqlstate: &str, message: &[u8]) {
        ds.extend_from_slice(b"ERROR ");
        self.rep.append(ds, sqlstate.as_bytes(), self.charset);
        ds.extend_from_slice(b": ");
        self.rep.append(ds, message, self.charset);
        ds.push(b'\n');
    }

    fn wrong_error(&self, code: u32, message: &[u8], sqlstate: &str) -> Stop {
        use super::expected::Expected;
        match self.ctx.expected.first() {
            Some(Expected::Code(want)) => Stop::die(format!(
                "query '{}' failed with wrong errno {} ({}): '{}', instead of {} ({})...",
                show(&self.ctx.query),
                mysqltest_errname(code),
                code,
                show(message),
                mysqltest_errname(*want),
                want
            )),
            Some(Expected::SqlState(want)) => Stop::die(format!(
                "query '{}' failed with wrong sqlstate {}: '{}', instead of {}...",
                show(&self.ctx.query),
                sqlstate,
                show(message),
                want
            )),
            None => Stop::die("internal: no expected error"),
        }
    }

    /// mysqltest's `handle_no_error`: an expected error that did not happen.
    pub(crate) fn handle_no_error(&self) -> Result<(), Stop> {
        use super::expected::Expected;
        match self.ctx.expected.first() {
            Some(Expected::Code(want)) if *want != 0 => Err(Stop::die(format!(
                "query '{}' succeeded - should have failed with error {} ({})...",
                show(&self.ctx.query),
                mysqltest_errname(*want),
                want
            ))),
            Some(Expected::SqlState(want)) if want != "00000" => Err(Stop::die(format!(
                "query '{}' succeeded - should have failed with sqlstate {}...",
                show(&self.ctx.query),
                want
            ))),
            _ => Ok(()),
        }
    }

    /// `$mysql_errno` and `$mysql_errname` after a statement.
    pub(crate) fn set_errno(&mut self, code: u32) {
        self.vars.set_int("mysql_errno", code as i32);
        let name = if code == u32::MAX {
            "<No error>"
        } else {
            mysqltest_errname(code)
        };
        self.vars.set_str("mysql_errname", name);
    }

    /// `--require`: a mismatch skips the test.
    fn check_require(&mut self, output: &[u8], file: &std::path::Path) -> Result<(), Stop> {
        let expected = std::fs::read(file).unwrap_or_default();
        if expected == output {
            return Ok(());
        }
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Err(Stop::Skip(format!("Test requires: '{name}'")))
    }
}

impl super::expected::ExpectedErrors {
    /// Whether "Got one of the listed errors" is printed: the first entry is a
    /// SQLSTATE or a non-zero code.
    pub fn expects_failure_or_state(&self) -> bool {
        use super::expected::Expected;
        match self.first() {
            Some(Expected::SqlState(_)) => true,
            Some(Expected::Code(c)) => *c != 0,
            None => false,
        }
    }
}
