//! The errors a binlog dump ends with, in MariaDB 10.11's words: 1236
//! (ER_MASTER_FATAL_ERROR_READING_BINLOG) with a plain reason before any
//! file is open, or with the reason and the coordinates read so far once
//! one is; the GTID start errors; 1105 for a malformed connect state.

use super::gtid_start::StartError;
use super::skip::SkipError;
use crate::binlog::gtid::Gtid;
use crate::error::ServerError;

/// Where a dump stood when it failed, for the coordinates in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordinates {
    /// The file the slave asked for (empty in GTID mode) and its position.
    pub start_file: String,
    pub start_pos: u64,
    /// The file being read, where its last event started, and how far.
    pub file: String,
    pub last_pos: u64,
    pub pos: u64,
}

/// 1236 with a reason alone.
pub fn fatal(reason: &str) -> ServerError {
    ServerError::new(1236, "HY000", reason)
}

/// 1236 with the reason and the coordinates.
pub fn fatal_at(reason: &str, at: &Coordinates) -> ServerError {
    fatal(&format!(
        "{reason}; the first event '{}' at {}, the last event read from '{}' at {}, the last byte read from '{}' at {}.",
        base_name(&at.start_file),
        at.start_pos,
        base_name(&at.file),
        at.last_pos,
        base_name(&at.file),
        at.pos
    ))
}

/// 1236 for a start position outside the file.
pub fn impossible_position(file: &str, pos: u64) -> ServerError {
    let name = base_name(file);
    fatal(&format!(
        "Client requested master to start replication from impossible position; the first event '{name}' at {pos}, the last event read from '{name}' at 4, the last byte read from '{name}' at 4."
    ))
}

/// The error for a refused GTID start.
pub fn start(e: &StartError) -> ServerError {
    match e {
        StartError::Malformed => ServerError::new(
            1105,
            "HY000",
            "Out of memory or malformed slave request when obtaining start position from GTID state",
        ),
        StartError::NotInBinlog(g) => fatal(&format!(
            "Error: connecting slave requested to start from GTID {}, which is not in the master's binlog",
            text(g)
        )),
        StartError::Diverged(g) => fatal(&format!(
            "Error: connecting slave requested to start from GTID {}, which is not in the master's binlog. Since the master's binlog contains GTIDs with higher sequence numbers, it probably means that the slave has diverged due to executing extra erroneous transactions",
            text(g)
        )),
        StartError::NoFile => fatal(
            "Could not find GTID state requested by slave in any binlog files. Probably the slave state is too old and required binlog files have been purged.",
        ),
    }
}

/// The error for a GTID problem found while streaming.
pub fn skip(e: &SkipError) -> ServerError {
    match e {
        SkipError::Start(s) => start(s),
        SkipError::Hole(g) => fatal(&format!(
            "The binlog on the master is missing the GTID {} requested by the slave (even though both a prior and a subsequent sequence number does exist), and GTID strict mode is enabled",
            text(g)
        )),
    }
}

fn text(g: &Gtid) -> String {
    g.to_string()
}

/// The name without its directory; MariaDB shows "." for none.
fn base_name(file: &str) -> &str {
    match file.rsplit('/').next() {
        Some("") | None => ".",
        Some(name) => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_read_as_mariadbs_after_reset_master() {
        let at = Coordinates {
            start_file: String::new(),
            start_pos: 4,
            file: "master-bin.000002".into(),
            last_pos: 523,
            pos: 554,
        };
        let e = fatal_at("could not find next log", &at);
        assert_eq!(e.code, 1236);
        assert_eq!(
            e.message,
            "could not find next log; the first event '.' at 4, the last event read from 'master-bin.000002' at 523, the last byte read from 'master-bin.000002' at 554."
        );
    }

    #[test]
    fn start_errors_read_as_mariadbs() {
        let g = Gtid {
            domain_id: 0,
            server_id: 1,
            seq_no: 100,
        };
        assert_eq!(
            start(&StartError::NotInBinlog(g)).message,
            "Error: connecting slave requested to start from GTID 0-1-100, which is not in the master's binlog"
        );
        assert_eq!(
            impossible_position("master-bin.000001", 100000).message,
            "Client requested master to start replication from impossible position; the first event 'master-bin.000001' at 100000, the last event read from 'master-bin.000001' at 4, the last byte read from 'master-bin.000001' at 4."
        );
    }
}
