//! The check of servers' error logs after each test, as mtr does it: the
//! lines a server wrote since the last check that look like problems
//! (`[ERROR]`, `[Warning]`, assertion failures, sanitizer reports, …), minus
//! known noise, minus what the server's `mtr.global_suppressions` and
//! `mtr.test_suppressions` tables match (`mtr.add_suppression()` fills the
//! latter; the server does the regular-expression matching, so patterns mean
//! exactly what they mean to mtr). Test suppressions are cleared afterwards.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use rmtr_mysqltest::client::{ConnectOptions, Connection, Response};

/// Lines that may be a problem.
static SUSPICIOUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^Warning|(mysqld|mariadbd): Warning|\[Warning\]",
        r"|^Error:|\[ERROR\]",
        r"|^==\d+==\s+\S",
        r"|InnoDB: Warning|InnoDB: Error",
        r"|^safe_mutex:|allocated at line",
        r"|missing DBUG_RETURN|Attempting backtrace|Assertion .* failed|Sanitizer|runtime error:",
    ))
    .expect("valid pattern")
});

/// Start-up and shutdown noise no test needs to see.
static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"InnoDB: (Dumping|Loading) buffer pool|InnoDB: Buffer pool|io_setup|native AIO|Linux Native AIO",
        r"|io_uring|Failed to set O_DIRECT|Could not increase number of max_open_files|Changed limits: max_open_files",
        r"|setrlimit could not change the size of core files|failed to retrieve the MAC address",
        r"|Plugin 'FEEDBACK'|unknown option '--loose[-_]|unknown variable 'loose[-_]|deprecated",
        r"|Aborted connection|Access denied for user|Slave SQL thread retried transaction|slave SQL thread aborted",
        r"|Error reading packet|Connection was killed|Semisync ack receiver|error .*connecting to master",
        r"|Slave I/O: Get master|Slave I/O: Setting|Slave I/O: error reconnecting to master",
        r"|Could not read packet|Could not write packet|Failed on request_dump",
        r"|Dump thread [0-9]+ last sent to server|InnoDB: Cannot open .*ib_buffer_pool",
        r"|Slave SQL:.*(Internal MariaDB error code: [0-9]+|Query:.*)|Slave: Unknown table 't1' .* 1051",
        r"|Slave \(additional info\)|Incorrect information in file|Simulating error for",
        r"|Lost connection to MariaDB server at 'reading initial communication packet'",
        r"|Slave: Can't drop database.* database doesn't exist|table.*is full",
    ))
    .expect("valid pattern")
});

/// Where each log was read up to.
#[derive(Debug, Default)]
pub struct LogPositions {
    read_to: HashMap<PathBuf, u64>,
}

impl LogPositions {
    /// Suspicious lines written to `log` since the last call.
    pub fn new_suspicious_lines(&mut self, log: &Path) -> Vec<Vec<u8>> {
        let start = self.read_to.get(log).copied().unwrap_or(0);
        let Ok(mut file) = std::fs::File::open(log) else {
            return Vec::new();
        };
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let start = if len < start { 0 } else { start };
        let mut text = Vec::new();
        if file.seek(SeekFrom::Start(start)).is_err() || file.read_to_end(&mut text).is_err() {
            return Vec::new();
        }
        self.read_to
            .insert(log.to_path_buf(), start + text.len() as u64);
        suspicious(&text)
    }

    /// Reads `log` from `offset` on at the next call.
    pub fn start_at(&mut self, log: &Path, offset: u64) {
        self.read_to.insert(log.to_path_buf(), offset);
    }

    /// Skips what `log` holds now (e.g. after a crash was reported).
    pub fn skip_to_end(&mut self, log: &Path) {
        let len = std::fs::metadata(log).map(|m| m.len()).unwrap_or(0);
        self.read_to.insert(log.to_path_buf(), len);
    }
}

/// The suspicious lines of a log excerpt.
pub fn suspicious(text: &[u8]) -> Vec<Vec<u8>> {
    text.split(|&b| b == b'\n')
        .filter(|line| {
            let line = String::from_utf8_lossy(line);
            SUSPICIOUS.is_match(&line) && !NOISE.is_match(&line)
        })
        .map(<[u8]>::to_vec)
        .collect()
}

/// Lines the server's suppression tables do not match; clears the test's
/// suppressions in any case.
pub fn unsuppressed(port: u16, lines: &[Vec<u8>]) -> anyhow::Result<Vec<Vec<u8>>> {
    let opts = ConnectOptions {
        port,
        database: None,
        ..ConnectOptions::default()
    };
    let mut conn = Connection::connect(&opts)?;
    conn.query(b"SET SESSION sql_log_bin=0")?;
    let mut left = Vec::new();
    for line in lines {
        let literal = format!("_latin1 X'{}'", hex(line));
        let query = format!(
            "SELECT (SELECT COUNT(*) FROM mtr.global_suppressions WHERE {literal} REGEXP pattern) + \
             (SELECT COUNT(*) FROM mtr.test_suppressions WHERE {literal} REGEXP pattern)"
        );
        let matched = match conn.query(query.as_bytes())?.into_iter().next() {
            Some(Response::ResultSet(rs)) => rs
                .rows
                .first()
                .and_then(|r| r[0].clone())
                .is_some_and(|v| v != b"0"),
            _ => false,
        };
        if !matched {
            left.push(line.clone());
        }
    }
    clear_test_suppressions(&mut conn)?;
    conn.quit();
    Ok(left)
}

/// Empties `mtr.test_suppressions` on a server (after every test).
pub fn clear_suppressions(port: u16) -> anyhow::Result<()> {
    let opts = ConnectOptions {
        port,
        database: None,
        ..ConnectOptions::default()
    };
    let mut conn = Connection::connect(&opts)?;
    clear_test_suppressions(&mut conn)?;
    conn.quit();
    Ok(())
}

fn clear_test_suppressions(conn: &mut Connection) -> anyhow::Result<()> {
    conn.query(b"SET SESSION sql_log_bin=0")?;
    // The table exists only where a tree's bootstrap created it.
    let _ = conn.query(b"TRUNCATE TABLE mtr.test_suppressions");
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_problems_and_drops_noise() {
        let log = b"2026 [Note] starting\n2026 [ERROR] Slave SQL: boom\n2026 [Warning] Aborted connection 5\n\
mariadbd: Warning: something\n2026 [Warning] InnoDB: Buffer pool(s) load completed\n";
        let lines = suspicious(log);
        assert_eq!(lines.len(), 2);
        assert!(lines[0].ends_with(b"boom"));
        assert!(lines[1].starts_with(b"mariadbd: Warning"));
    }

    #[test]
    fn positions_advance() {
        let dir = std::env::temp_dir().join(format!("rmtr-warn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("x.err");
        std::fs::write(&log, b"[ERROR] one\n").unwrap();
        let mut pos = LogPositions::default();
        assert_eq!(pos.new_suspicious_lines(&log).len(), 1);
        assert!(pos.new_suspicious_lines(&log).is_empty());
        std::fs::write(&log, b"[ERROR] one\n[ERROR] two\n").unwrap();
        assert_eq!(
            pos.new_suspicious_lines(&log),
            vec![b"[ERROR] two".to_vec()]
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
