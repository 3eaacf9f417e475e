//! Commands that start processes: `exec` (output into the result), `system`
//! (output discarded) and `perl` blocks (run with the system perl, or
//! `$MTR_PERL`). Children run through `/bin/sh -c` in the test's
//! environment, from the tree root, in their own process group so that a
//! cancelled test kills them.
//!
//! mysqltest reads a child's output with `fgets` into a 512-byte buffer and
//! appends each piece as a C string, so the replacements see one line (or
//! 511 bytes) at a time and a piece ends at its first NUL byte.

use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command as Process, Stdio};

use super::flow::{Stop, show};
use super::interpreter::Interpreter;
use super::properties::Prop;
use crate::script::Command;
use crate::script::lexer::is_space;

/// The size of mysqltest's `fgets` buffer for child output.
const FGETS_BUFFER: usize = 512;

/// The pieces `fgets` reads: up to a newline (kept) or 511 bytes, each cut
/// at its first NUL as the C string it is then used as.
fn fgets_pieces(output: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = output;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let limit = rest.len().min(FGETS_BUFFER - 1);
        let end = rest[..limit]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(limit, |i| i + 1);
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        let nul = piece.iter().position(|&b| b == 0).unwrap_or(piece.len());
        Some(&piece[..nul])
    })
}

/// What a finished child gave back.
struct Finished {
    stdout: Vec<u8>,
    /// The raw wait status (mysqltest's `error`).
    raw: i32,
    /// The exit code (`WEXITSTATUS`).
    code: i32,
}

impl Interpreter {
    /// Runs a shell command line and collects its standard output.
    fn run_shell(&mut self, line: &[u8]) -> Result<Finished, Stop> {
        let mut process = Process::new("/bin/sh");
        process
            .arg("-c")
            .arg(std::ffi::OsStr::from_bytes(line))
            .current_dir(&self.cfg.basedir)
            .env_clear()
            .envs(self.vars.env())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(self.child_stderr())
            .process_group(0);
        self.run_child(process)
    }

    /// Standard error for a child: the configured file, appended to.
    fn child_stderr(&self) -> Stdio {
        let file = self.cfg.child_stderr.as_ref().and_then(|path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()
        });
        file.map_or_else(Stdio::inherit, Stdio::from)
    }

    fn run_child(&mut self, mut process: Process) -> Result<Finished, Stop> {
        let mut child = process.spawn().map_err(|e| {
            Stop::die(format!(
                "popen(\"{:?}\", \"r\") failed: {e}",
                process.get_program()
            ))
        })?;
        let _registration = self.cancel.register_child(child.id());
        let mut stdout = Vec::new();
        if let Some(mut pipe) = child.stdout.take() {
            let _ = pipe.read_to_end(&mut stdout);
        }
        let status = child
            .wait()
            .map_err(|e| Stop::die(format!("waiting for a child failed: {e}")))?;
        if self.cancel.is_cancelled() {
            return Err(Stop::Cancelled);
        }
        Ok(Finished {
            stdout,
            raw: status.into_raw(),
            code: status.code().unwrap_or(0),
        })
    }

    /// A child's output as mysqltest appends it: piece by piece, rewritten.
    fn rewrite_child_output(&self, stdout: &[u8]) -> Vec<u8> {
        let mut text = Vec::new();
        for piece in fgets_pieces(stdout) {
            self.rep.append(&mut text, piece, self.charset);
        }
        text
    }

    /// `exec command`.
    pub(crate) fn cmd_exec(&mut self, command: &Command) -> Result<(), Stop> {
        let arg = command.argument();
        let arg = &arg[arg.iter().take_while(|b| is_space(**b)).count()..];
        if arg.is_empty() {
            return Err(Stop::die("Missing argument in exec"));
        }
        self.vars.set_int("sys_errno", 0);
        let mut line = self.expand(arg, true)?;
        let result_off = self.props.get(Prop::ResultLog);
        if result_off {
            line.extend_from_slice(b" 2>&1");
        }
        let done = self.run_shell(&line)?;
        let text = self.rewrite_child_output(&done.stdout);
        if self.rep.sorted {
            super::format::append_sorted(self.out.pending(), &text, false);
        } else {
            self.out.push(&text);
        }
        self.executed += 1;
        self.exec_status(command, &line, &done)?;
        if result_off {
            self.out.discard_pending();
        }
        Ok(())
    }

    /// Matches an `exec` exit status against `--error`.
    fn exec_status(&mut self, command: &Command, line: &[u8], done: &Finished) -> Result<(), Stop> {
        use super::expected::Expected;
        if done.raw != 0 {
            if self.ctx.abort_on_error {
                let before = show(self.out.log()) + &show(self.out.pending());
                return Err(Stop::die(format!(
                    "exec of '{}' failed, error: {}, status: {}, errno: {}\nOutput from before failure:\n{}\n",
                    show(line),
                    done.raw,
                    done.code,
                    0,
                    before
                )));
            }
            if self.ctx.expected.find(done.code as u32, None)?.is_none()
                && !self.ctx.expected.is_empty()
            {
                return Err(Stop::die(format!(
                    "command \"{}\" failed with wrong error: {}",
                    show(command.argument()),
                    done.code
                )));
            }
            self.vars.set_int("sys_errno", done.code);
        } else if let Some(Expected::Code(want)) = self.ctx.expected.first() {
            if *want != 0 {
                return Err(Stop::die(format!(
                    "command \"{}\" succeeded - should have failed with errno {}...",
                    show(command.argument()),
                    want
                )));
            }
        }
        Ok(())
    }

    /// `system command`: output is not part of the result.
    pub(crate) fn cmd_system(&mut self, command: &Command) -> Result<(), Stop> {
        if command.argument().is_empty() {
            return Err(Stop::die("Missing arguments to system, nothing to do!"));
        }
        let line = self.expand(command.argument(), true)?;
        let done = self.run_shell(&line)?;
        if done.raw != 0 {
            if self.ctx.abort_on_error {
                return Err(Stop::die(format!(
                    "system command '{}' failed",
                    show(command.argument())
                )));
            }
            let mut text = b"system command '".to_vec();
            self.rep.append(&mut text, command.argument(), self.charset);
            text.extend_from_slice(b"' failed\n");
            self.out.push(&text);
        }
        Ok(())
    }

    /// `perl [terminator]` with its here-document: run only in a block that runs.
    pub(crate) fn cmd_perl(&mut self, command: &Command) -> Result<(), Stop> {
        if !self.frame().block_ok() {
            return Ok(());
        }
        let script = command
            .heredoc
            .as_ref()
            .map(|h| h.body.clone())
            .unwrap_or_default();
        let vardir = self
            .vars
            .env_var("MYSQLTEST_VARDIR")
            .unwrap_or("/tmp")
            .to_string();
        let path = std::path::Path::new(&vardir).join(format!("tmp{}.pl", unique_suffix()));
        std::fs::write(&path, &script).map_err(|e| {
            Stop::die(format!(
                "Failed to create temporary file for perl command: {e}"
            ))
        })?;
        let perl = self.vars.env_var("MTR_PERL").unwrap_or("perl").to_string();
        let mut process = Process::new(&perl);
        process
            .arg(&path)
            .current_dir(&self.cfg.basedir)
            .env_clear()
            .envs(self.vars.env())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(self.child_stderr())
            .process_group(0);
        let done = self.run_child(process);
        let done = match done {
            Ok(done) => done,
            Err(Stop::Die(_)) => return Err(Stop::Skip("perl not found in path".into())),
            Err(other) => return Err(other),
        };
        if !self.props.get(Prop::ResultLog) {
            let text = self.rewrite_child_output(&done.stdout);
            self.out.push(&text);
        }
        if done.raw == 0 {
            let _ = std::fs::remove_file(&path);
        }
        if done.code == 127 {
            return Err(Stop::Skip("perl not found in path".into()));
        }
        self.command_result(done.code as u32, 0)
    }
}

/// A suffix that keeps temporary script names apart across threads.
fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(output: &[u8]) -> Vec<Vec<u8>> {
        fgets_pieces(output).map(<[u8]>::to_vec).collect()
    }

    /// main.mysql-interactive: `/Server version: .*/` must stop at its line.
    #[test]
    fn output_is_read_line_by_line() {
        assert_eq!(
            pieces(b"Server version: 1\r\n\r\nCopyright\n"),
            [&b"Server version: 1\r\n"[..], b"\r\n", b"Copyright\n"]
        );
        assert_eq!(pieces(b"no newline"), [b"no newline"]);
    }

    #[test]
    fn long_lines_come_in_511_byte_pieces() {
        let line = [b'a'; 1100];
        let got = pieces(&line);
        assert_eq!(got.iter().map(Vec::len).collect::<Vec<_>>(), [511, 511, 78]);
    }

    /// main.mysql: `mysql -r` prints a raw NUL first; the line is lost.
    #[test]
    fn a_piece_ends_at_its_first_nul() {
        assert_eq!(pieces(b"a\n\0b\0\nc\n"), [&b"a\n"[..], b"", b"c\n"]);
    }
}
