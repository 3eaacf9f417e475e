//! The error log (`log-error`), in mariadbd's line format:
//! `2026-11-21 10:00:00 0 [Note] replica: ready for connections.` Lines
//! enter as messages with a level and leave appended to the file, or to
//! stderr when no file is configured, as mariadbd does.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::Mutex;

/// Where log lines go.
#[derive(Debug)]
pub struct ErrorLog {
    file: Option<Mutex<File>>,
}

impl ErrorLog {
    /// Opens (appending) the log file, or stderr for `None`.
    pub fn open(path: Option<&Path>) -> io::Result<ErrorLog> {
        let file = match path {
            Some(p) => Some(Mutex::new(
                OpenOptions::new().create(true).append(true).open(p)?,
            )),
            None => None,
        };
        Ok(ErrorLog { file })
    }

    /// A `[Note]` line from thread 0.
    pub fn note(&self, message: &str) {
        self.line(&format!("{} 0 [Note] {message}", timestamp()));
    }

    /// A `[Warning]` line from thread 0.
    pub fn warning(&self, message: &str) {
        self.line(&format!("{} 0 [Warning] {message}", timestamp()));
    }

    /// A line as is (mariadbd's `Version: …` line has no timestamp).
    pub fn line(&self, text: &str) {
        match &self.file {
            Some(f) => {
                let _ = writeln!(f.lock().unwrap(), "{text}");
            }
            None => eprintln!("{text}"),
        }
    }
}

/// Local time as `YYYY-MM-DD HH:MM:SS`.
pub fn timestamp() -> String {
    // SAFETY: time(NULL) and localtime_r into a zeroed struct we own.
    let tm = unsafe {
        let now = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&now, &mut tm);
        tm
    };
    format!(
        "{:04}-{:02}-{:02} {:2}:{:02}:{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_has_mariadb_shape() {
        let t = timestamp();
        assert_eq!(t.len(), 19, "{t}");
        assert_eq!(&t[4..5], "-");
        assert_eq!(&t[13..14], ":");
    }

    #[test]
    fn notes_are_appended_to_the_file() {
        let path = std::env::temp_dir().join(format!("replica-errlog-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let log = ErrorLog::open(Some(&path)).unwrap();
        log.note("replica: ready for connections.");
        log.line("Version: 'x'");
        let text = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .ends_with(" 0 [Note] replica: ready for connections.")
        );
        assert_eq!(lines.next(), Some("Version: 'x'"));
    }
}
