//! Stopping the server of the current connection, as mysqltest does it:
//! `shutdown_server [timeout]` asks the server for its pid file, reads the
//! pid, sends COM_SHUTDOWN (unless the timeout is 0), waits for the process
//! to go, then aborts and finally kills it; `send_shutdown` only sends
//! COM_SHUTDOWN. The harness is not involved: it learns that the server went
//! down on purpose from the test's `.expect` file, as mtr does.

use std::io::Read;
use std::time::{Duration, Instant};

use super::flow::{Stop, show};
use super::interpreter::Interpreter;
use crate::client::Response;
use crate::script::Command;

/// Seconds `shutdown_server` waits when `--wait-for-pos-timeout` is 0.
const FALLBACK_TIMEOUT: i64 = 300;
/// The least time a process gets to die after SIGABRT.
const ABORT_GRACE: i64 = 5;
/// The time a process gets to disappear after SIGKILL.
const KILL_GRACE: i64 = 5;
/// How often a dying process is looked at.
const POLL: Duration = Duration::from_millis(20);
/// The query that names the pid file.
const PID_FILE_QUERY: &str = "SHOW VARIABLES LIKE 'pid_file'";
/// How much of the pid file mysqltest reads.
const PID_FILE_READ: usize = 32;

impl Interpreter {
    /// `shutdown_server [timeout]`.
    pub(crate) fn cmd_shutdown_server(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &[], 1)?;
        let timeout = if args[0].is_empty() {
            self.default_shutdown_timeout()
        } else {
            parse_timeout(&args[0])?
        };
        let pid = read_pid(&self.pid_file_name()?)?;
        if timeout != 0 {
            let current = self.current_session()?;
            if let Err(err) = self.with_connection(current, |c| c.shutdown()) {
                let mut ds = Vec::new();
                let result = self.handle_error(
                    u32::from(err.code()),
                    err.message(),
                    err.sqlstate(),
                    &mut ds,
                );
                self.out.push(&ds);
                return result;
            }
        }
        self.make_dead(pid, timeout)
    }

    /// `send_shutdown`: COM_SHUTDOWN, failures judged like a command's.
    pub(crate) fn cmd_send_shutdown(&mut self) -> Result<(), Stop> {
        let current = self.current_session()?;
        let failed = self.with_connection(current, |c| c.shutdown()).is_err();
        self.command_result(u32::from(failed), 0)
    }

    /// mysqltest's default: a fifth of `--wait-for-pos-timeout`, or 300.
    fn default_shutdown_timeout(&self) -> i64 {
        match self.cfg.wait_for_pos_timeout {
            0 => FALLBACK_TIMEOUT,
            wait => i64::from(wait / 5),
        }
    }

    /// The server's `pid_file` variable, read on the current connection.
    fn pid_file_name(&mut self) -> Result<String, Stop> {
        let current = self.current_session()?;
        let responses = self
            .with_connection(current, |c| c.query(PID_FILE_QUERY.as_bytes()))
            .map_err(|e| {
                Stop::die(format!(
                    "'{PID_FILE_QUERY}' failed: {} {}",
                    e.code(),
                    show(e.message())
                ))
            })?;
        let rows = responses.into_iter().find_map(|r| match r {
            Response::ResultSet(rs) => Some(rs.rows),
            Response::Ok(_) => None,
        });
        let Some(rows) = rows else {
            return Err(Stop::die("Failed to store result: 0 "));
        };
        let row = rows
            .into_iter()
            .next()
            .ok_or_else(|| Stop::die("Failed to get pid_file from server"))?;
        Ok(row
            .get(1)
            .cloned()
            .flatten()
            .map_or_else(|| "NULL".to_string(), |v| show(&v)))
    }

    /// Waits for `pid` to go; past the timeout aborts it, then kills it.
    /// A timeout of 0 kills at once; a negative one waits for good.
    fn make_dead(&self, pid: i32, timeout: i64) -> Result<(), Stop> {
        if timeout != 0 && self.wait_until_dead(pid, timeout)? {
            return Ok(());
        }
        if timeout != 0 {
            signal(pid, libc::SIGABRT);
            if self.wait_until_dead(pid, timeout.max(ABORT_GRACE))? {
                return Ok(());
            }
        }
        signal(pid, libc::SIGKILL);
        self.wait_until_dead(pid, KILL_GRACE)?;
        Ok(())
    }

    /// Whether `pid` went within `timeout` seconds (negative: no limit).
    fn wait_until_dead(&self, pid: i32, timeout: i64) -> Result<bool, Stop> {
        let deadline = u64::try_from(timeout)
            .ok()
            .map(|secs| Instant::now() + Duration::from_secs(secs));
        loop {
            if !is_alive(pid) {
                return Ok(true);
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(false);
            }
            self.sleep(POLL)?;
        }
    }
}

/// The timeout argument, read like `strtol` with nothing allowed after it.
fn parse_timeout(arg: &[u8]) -> Result<i64, Stop> {
    match strtol(arg) {
        (value, []) => Ok(value),
        _ => Err(Stop::die(format!(
            "Illegal argument for timeout: '{}'",
            show(arg)
        ))),
    }
}

/// C's `strtol` in base 10: the value (saturated) and what follows it;
/// without digits, 0 and the whole text.
fn strtol(text: &[u8]) -> (i64, &[u8]) {
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let mut i = start;
    let negative = text.get(i) == Some(&b'-');
    if matches!(text.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = text[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return (0, text);
    }
    let magnitude = text[i..i + digits].iter().fold(0i64, |acc, d| {
        acc.saturating_mul(10).saturating_add(i64::from(d - b'0'))
    });
    let value = if negative {
        magnitude.saturating_neg()
    } else {
        magnitude
    };
    (value, &text[i + digits..])
}

/// The pid in the server's pid file, with mysqltest's messages for a file
/// that cannot be opened, is empty, or holds no number.
fn read_pid(path: &str) -> Result<i32, Stop> {
    let mut file = std::fs::File::open(path)
        .map_err(|_| Stop::die(format!("Failed to open file '{path}'")))?;
    let mut buffer = [0u8; PID_FILE_READ];
    let read = file.read(&mut buffer).unwrap_or(0);
    if read == 0 {
        return Err(Stop::die("pid file was empty"));
    }
    match atoi(&buffer[..read]) {
        0 => Err(Stop::die("Pidfile didn't contain a valid number")),
        // A server in a container of its own pid namespace writes 1; here
        // that would be this machine's init, never a test server.
        pid if pid < 0 || pid == 1 => Err(Stop::die(format!(
            "pid file '{path}' names process {pid}, which is not a server this machine can signal"
        ))),
        pid => Ok(pid),
    }
}

/// C's `atoi`: `strtol` truncated to an `int`.
fn atoi(text: &[u8]) -> i32 {
    strtol(text).0 as i32
}

/// Whether the process still runs: it exists and is not a zombie (a server
/// started by the harness in this process stays one until reaped).
fn is_alive(pid: i32) -> bool {
    // SAFETY: kill() with signal 0 only checks; it has no memory effects.
    if unsafe { libc::kill(pid, 0) } < 0 {
        return false;
    }
    !is_zombie(pid)
}

/// Whether `/proc` shows the process as a zombie.
fn is_zombie(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .is_some_and(|state| state == "Z")
}

/// Sends a signal; a process already gone is no error.
fn signal(pid: i32, sig: i32) {
    // SAFETY: kill() has no memory-safety preconditions.
    unsafe {
        libc::kill(pid, sig);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtol_reads_like_c() {
        assert_eq!(strtol(b"60"), (60, &b""[..]));
        assert_eq!(strtol(b" -7x"), (-7, &b"x"[..]));
        assert_eq!(strtol(b"+3"), (3, &b""[..]));
        assert_eq!(strtol(b"abc"), (0, &b"abc"[..]));
        assert_eq!(strtol(b"-"), (0, &b"-"[..]));
        assert_eq!(strtol(b"99999999999999999999").0, i64::MAX);
    }

    #[test]
    fn timeout_must_be_a_whole_number() {
        assert_eq!(parse_timeout(b"0").ok(), Some(0));
        assert_eq!(parse_timeout(b"-1").ok(), Some(-1));
        match parse_timeout(b"10s") {
            Err(Stop::Die(m)) => assert_eq!(m, "Illegal argument for timeout: '10s'"),
            _ => panic!("10s accepted"),
        }
    }

    fn pid_file(name: &str, content: &[u8]) -> String {
        let dir = std::env::temp_dir().join(format!("rmtr-pid-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    }

    fn died_with(result: Result<i32, Stop>) -> String {
        match result {
            Err(Stop::Die(m)) => m,
            other => panic!("expected a failure, got {:?}", other.ok()),
        }
    }

    #[test]
    fn pid_file_is_read_like_mysqltest() {
        assert_eq!(read_pid(&pid_file("ok", b"1234\n")).ok(), Some(1234));
        assert_eq!(
            died_with(read_pid(&pid_file("empty", b""))),
            "pid file was empty"
        );
        assert_eq!(
            died_with(read_pid(&pid_file("junk", b"x12\n"))),
            "Pidfile didn't contain a valid number"
        );
        assert_eq!(
            died_with(read_pid("/nonexistent/mysqld.pid")),
            "Failed to open file '/nonexistent/mysqld.pid'"
        );
    }

    #[test]
    fn init_and_process_groups_are_never_signalled() {
        for (name, text) in [("init", &b"1\n"[..]), ("group", b"-42\n")] {
            let message = died_with(read_pid(&pid_file(name, text)));
            assert!(
                message.contains("which is not a server this machine can signal"),
                "{message}"
            );
        }
    }

    #[test]
    fn a_reaped_or_zombie_child_is_dead() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = child.id() as i32;
        assert!(is_alive(pid));
        signal(pid, libc::SIGKILL);
        let end = Instant::now() + Duration::from_secs(5);
        while is_alive(pid) && Instant::now() < end {
            std::thread::sleep(POLL);
        }
        assert!(!is_alive(pid), "an unreaped killed child counts as dead");
        child.wait().unwrap();
        assert!(!is_alive(pid));
    }
}
