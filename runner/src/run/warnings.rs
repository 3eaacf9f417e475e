//! The check of servers' error logs after each test, as mtr does it: the
//! lines a server wrote since the last check that look like problems
//! (`[ERROR]`, `[Warning]`, assertion failures, sanitizer reports, …), minus
//! known noise, minus what the server's `mtr.global_suppressions` and
//! `mtr.test_suppressions` tables match (`mtr.add_suppression()` fills the
//! latter; the server does the regular-expression matching, so patterns mean
//! exactly what they mean to mtr). Test suppressions are cleared afterwards.
//! The report reads like the output of mtr's `check-warnings.test`.

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

/// Lines mtr drops before asking the server (its list of anti-patterns in
/// `extract_warning_lines`): noise of start-up, shutdown and replication
/// reconnects that no suppression table needs to carry.
const NOISE_PATTERNS: &[&str] = &[
    r"error .*connecting to master",
    r"InnoDB: Dumping buffer pool.*",
    r"InnoDB: Buffer pool.*",
    // mtr's pattern is `io_setup(%d) returned.*`: a group around a literal.
    r"io_setup(%d) returned.*",
    r"InnoDB: native AIO failed: falling back to innodb_use_native_aio=OFF",
    r"InnoDB: Could not free any blocks in the buffer pool!",
    r"InnoDB: innodb_open_files .* should not be greater than",
    r"InnoDB: Trying to delete tablespace.*but there are.*pending",
    r"InnoDB: Tablespace 1[0-9]* was not found at .*, and innodb_force_recovery was set",
    r"InnoDB: Long wait \([0-9]+ seconds\) for double-write buffer flush",
    r"Slave: Unknown table 't1' .* 1051",
    r"Slave SQL:.*(Internal MariaDB error code: [[:digit:]]+|Query:.*)",
    r"slave SQL thread aborted",
    r"unknown option '--loose[-_]",
    r"unknown variable 'loose[-_]",
    r"Now setting lower_case_table_names to [02]",
    r"Setting lower_case_table_names=2",
    r"You have forced lower_case_table_names to 0",
    r"deprecated",
    r"Slave SQL thread retried transaction",
    r"Slave \(additional info\)",
    r"Incorrect information in file",
    r"Simulating error for",
    r"Slave I/O: Get master SERVER_ID failed with error:.*",
    r"Slave I/O: Get master clock failed with error:.*",
    r"Slave I/O: Get master COLLATION_SERVER failed with error:.*",
    r"Slave I/O: Get master TIME_ZONE failed with error:.*",
    r"Slave I/O: Get master @@GLOBAL.gtid_domain_id failed with error:.*",
    r"Slave I/O: Setting @slave_connect_state failed with error:.*",
    r"Slave I/O: Setting @slave_gtid_strict_mode failed with error:.*",
    r"Slave I/O: Setting @slave_gtid_ignore_duplicates failed with error:.*",
    r"Slave I/O: Setting @slave_until_gtid failed with error:.*",
    r"Slave I/O: Get master GTID position failed with error:.*",
    r"Slave I/O: error reconnecting to master '.*' - retry-time: [1-3]  retries",
    r"Slave I/0: Master command COM_BINLOG_DUMP failed",
    r"Error reading packet",
    r"Lost connection to MariaDB server at 'reading initial communication packet'",
    r"Could not read packet:.* state: [2-3] ",
    r"Could not read packet:.* errno: 104 ",
    r"Could not read packet:.* errno: 0 .* length: 0",
    r"Could not write packet:.* errno: 32 ",
    r"Could not write packet:.* errno: 104 ",
    r"Semisync ack receiver got error 1158",
    r"Semisync ack receiver got hangup",
    r"Connection was killed",
    r"Failed on request_dump",
    r"Slave: Can't drop database.* database doesn't exist",
    r"Slave: Operation DROP USER failed for 'create_rout_db'",
    r"Checking table:   '\..mtr.test_suppressions'",
    r"Table \./test/bug53592 has a primary key in InnoDB data dictionary, but not in",
    r"Table '\..mtr.test_suppressions' is marked as crashed and should be repaired",
    r"Table 'test_suppressions' is marked as crashed and should be repaired",
    r"Can't open shared library",
    r"Couldn't load plugin named .*EXAMPLE.*",
    r"InnoDB: Error: table 'test/bug39438'",
    r" entry '.*' ignored in --skip-name-resolve mode",
    r"mysqld got signal 6",
    r"Error while setting value 'pool-of-threads' to 'thread_handling'",
    r"Access denied for user",
    r"Aborted connection",
    r"table.*is full",
    // Aria recovery's empty error line; lines here carry no newline.
    r"\[ERROR\] (mysqld|mariadbd): $",
    r"Linux Native AIO",
    r"io_uring_queue_init\(\) failed with",
    r"InnoDB: io_uring failed: falling back to libaio",
    r"InnoDB: Failed to set O_DIRECT on file",
    r"setrlimit could not change the size of core files to 'infinity';",
    r"failed to retrieve the MAC address",
    r"Plugin 'FEEDBACK' init function returned error",
    r"Plugin 'FEEDBACK' registration as a INFORMATION SCHEMA failed",
    r"'log-bin-use-v1-row-events' is MySQL .* compatible option",
    r"InnoDB: Setting thread \d+ nice to \d+ failed, current nice \d+, errno 13",
    r"Failed to setup SSL",
    r"SSL error: Failed to set ciphers to use",
    r"Plugin 'InnoDB' will be forced to shutdown",
    r"Could not increase number of max_open_files to more than",
    r"Changed limits: max_open_files",
    r"InnoDB: Error table encrypted but encryption service not available.*",
    r"InnoDB: Could not find a valid tablespace file for*",
    r"InnoDB: Tablespace open failed for*",
    r"InnoDB: Failed to find tablespace for table*",
    r"InnoDB: Space *",
    r"InnoDB: You may have to recover from a backup",
    r"InnoDB: It is also possible that your operatingsystem has corrupted its own file cache",
    r"InnoDB: and rebooting your computer removes the error",
    r"InnoDB: If the corrupt page is an index page you can also try to",
    r"nnoDB: fix the corruption by dumping, dropping, and reimporting",
    r"InnoDB: the corrupt table. You can use CHECK",
    r"InnoDB: TABLE to scan your table for corruption",
    r"InnoDB: See also *",
    r"InnoDB: Cannot open .*ib_buffer_pool.* for reading: No such file or directory*",
    r"InnoDB: Table .*mysql.*innodb_table_stats.* not found.",
    r"InnoDB: User stopword table .* does not exist.",
    r"Dump thread [0-9]+ last sent to server [0-9]+ binlog file:pos .+",
    r"Detected table cache mutex contention at instance .* waits. Additional table cache instance cannot be activated: consider raising table_open_cache_instances. Number of active instances",
    r"WSREP: Failed to guess base node address",
    r"WSREP: Guessing address for incoming client",
    r"InnoDB: Difficult to find free blocks in the buffer pool*",
    r"runtime error: member call.*object.*'Handler_share'",
    r"sql_type\.cc.* runtime error: member call.*object.* 'Type_collection'",
];

/// [`NOISE_PATTERNS`] as one expression.
static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives: Vec<String> = NOISE_PATTERNS.iter().map(|p| format!("(?:{p})")).collect();
    Regex::new(&alternatives.join("|")).expect("valid pattern")
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

/// The suspicious lines of a log excerpt, minus a safemalloc dump.
pub fn suspicious(text: &[u8]) -> Vec<Vec<u8>> {
    let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    let dumped = safemalloc_dump(&lines);
    lines
        .iter()
        .zip(dumped)
        .filter(|(line, dumped)| {
            let line = String::from_utf8_lossy(line);
            !dumped && SUSPICIOUS.is_match(&line) && !NOISE.is_match(&line)
        })
        .map(|(line, _)| line.to_vec())
        .collect()
}

/// Which lines mtr ignores as part of a safemalloc memory dump: when the
/// excerpt has a dump, everything up to each `End` line and from each
/// `Begin` line (mtr starts out discarding, so lines before the first dump
/// go too).
fn safemalloc_dump(lines: &[&[u8]]) -> Vec<bool> {
    let has = |line: &[u8], what: &[u8]| line.windows(what.len()).any(|w| w == what);
    let begin = b"Begin safemalloc memory dump:";
    if !lines.iter().any(|l| has(l, begin)) {
        return vec![false; lines.len()];
    }
    let mut discard = true;
    lines
        .iter()
        .map(|line| {
            if has(line, begin) {
                discard = true;
            } else if has(line, b"End safemalloc memory dump.") {
                discard = false;
            }
            discard
        })
        .collect()
}

/// What mtr's `check-warnings.test` prints for one server's log: the
/// `line` column of the lines left, where they came from, and `ok`.
pub fn warnings_report(log: &Path, lines: &[Vec<u8>]) -> String {
    let mut report = String::from("line\n");
    for line in lines {
        report.push_str(&String::from_utf8_lossy(line));
        report.push('\n');
    }
    report.push_str(&format!("^ Found warnings in {}\nok\n", log.display()));
    report
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
    fn mtr_noise_is_dropped() {
        for noise in [
            "2026 [Warning] 'user' entry 'root@h1' ignored in --skip-name-resolve mode.",
            "2026 [Warning] InnoDB: Long wait (5 seconds) for double-write buffer flush",
            "2026 [ERROR] mariadbd: ",
            "2026 [Warning] Could not increase number of max_open_files to more than 20000",
            "2026 [ERROR] Slave I/O: error reconnecting to master 'root@127.0.0.1:1' - retry-time: 1  retries: 1",
            "2026 [Warning] InnoDB: Cannot open '/v/ib_buffer_pool' for reading: No such file or directory",
        ] {
            assert!(suspicious(noise.as_bytes()).is_empty(), "{noise}");
        }
    }

    #[test]
    fn only_mtr_noise_is_dropped() {
        // Broader than mtr's patterns would hide these; mtr reports them.
        for problem in [
            "2026 [ERROR] mariadbd: something broke",
            "2026 [Warning] InnoDB: io_setup() failed with EAGAIN",
            "2026 [ERROR] Slave I/O: Get master version failed with error: 2013",
            "2026 [Warning] Could not read packet: fd: 5  state: 1  errno: 11  length: 0",
            "2026 [ERROR] Semisync ack receiver got an unexpected reply",
        ] {
            assert_eq!(suspicious(problem.as_bytes()).len(), 1, "{problem}");
        }
    }

    #[test]
    fn a_safemalloc_dump_hides_what_precedes_and_fills_it() {
        let log = b"[ERROR] before\nBegin safemalloc memory dump:\n[ERROR] inside\n\
End safemalloc memory dump.\n[ERROR] after\n";
        assert_eq!(suspicious(log), vec![b"[ERROR] after".to_vec()]);
        assert_eq!(suspicious(b"[ERROR] alone\n").len(), 1);
    }

    #[test]
    fn the_report_reads_like_check_warnings() {
        let lines = vec![b"2026 [ERROR] zz: a real problem".to_vec()];
        assert_eq!(
            warnings_report(Path::new("/v/log/mysqld.1.err"), &lines),
            "line\n2026 [ERROR] zz: a real problem\n^ Found warnings in /v/log/mysqld.1.err\nok\n"
        );
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
