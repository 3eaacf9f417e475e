//! When the running statement started, as MariaDB keeps it per statement:
//! NOW() and its kin read it (so they agree within one statement), and the
//! binary log writes it into the statement's Query event. Reading the
//! microseconds marks them used; only then does the event carry them
//! (Q_HRNOW), so a slave's NOW() gets the master's fraction too.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::binlog::event::StatementTime;

/// The running statement's start time.
#[derive(Debug, Default, Clone, Copy)]
pub struct QueryStart {
    /// Seconds since the epoch, with the fraction.
    at: f64,
    /// NOW() or kin read the time during this statement.
    used: bool,
}

impl QueryStart {
    /// A new statement starts: at SET TIMESTAMP's value if fixed, else now.
    pub fn begin(&mut self, fixed: Option<f64>) {
        self.at = fixed.unwrap_or_else(clock);
        self.used = false;
    }

    /// The start time, read by NOW() and its kin.
    pub fn read(&mut self, fixed: Option<f64>) -> f64 {
        if let Some(fixed) = fixed {
            // SET TIMESTAMP inside the statement (stored programs) wins.
            self.at = fixed;
        } else if self.at == 0.0 {
            self.at = clock();
        }
        self.used = true;
        self.at
    }

    /// The whole seconds of the start time (UNIX_TIMESTAMP()): the Query
    /// event's header carries them, so the fraction stays unused.
    pub fn seconds(&mut self, fixed: Option<f64>) -> u64 {
        let used = self.used;
        let at = self.read(fixed);
        self.used = used;
        at.max(0.0) as u64
    }

    /// The time the statement's Query event carries.
    pub fn statement_time(&self) -> StatementTime {
        let at = if self.at > 0.0 { self.at } else { clock() };
        let seconds = at.trunc();
        let micros = ((at - seconds) * 1_000_000.0).round().min(999_999.0) as u32;
        StatementTime {
            seconds: seconds as u32,
            micros: self.used.then_some(micros),
        }
    }
}

fn clock() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_micros() as f64 / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_timestamp_is_logged_with_its_fraction_only_once_read() {
        let mut start = QueryStart::default();
        start.begin(Some(1_293_839_999.999_999));
        assert_eq!(start.statement_time().micros, None);
        assert_eq!(start.statement_time().seconds, 1_293_839_999);
        assert_eq!(start.read(None), 1_293_839_999.999_999);
        assert_eq!(start.statement_time().micros, Some(999_999));
        start.begin(Some(1.5));
        assert_eq!(start.statement_time().micros, None);
    }

    #[test]
    fn without_set_timestamp_reads_agree_within_a_statement() {
        let mut start = QueryStart::default();
        start.begin(None);
        let first = start.read(None);
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert_eq!(start.read(None), first);
    }
}
