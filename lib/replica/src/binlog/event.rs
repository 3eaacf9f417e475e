//! Binlog events in MariaDB's v4 format: a 19-byte header (timestamp,
//! type, server id, size, end position, flags), a body, and a CRC32 of
//! both. Each function here builds one kind of event's body; `frame`
//! puts the header and checksum around it once its position is known.

use super::crc::crc32;
use super::gtid::Gtid;

/// The common header's length.
pub const HEADER_LEN: usize = 19;
/// The checksum's length after every event.
pub const CHECKSUM_LEN: usize = 4;

/// Event type codes, as in the header's type byte.
pub mod kind {
    pub const QUERY: u8 = 2;
    pub const STOP: u8 = 3;
    pub const ROTATE: u8 = 4;
    pub const INTVAR: u8 = 5;
    pub const RAND: u8 = 13;
    pub const FORMAT_DESCRIPTION: u8 = 15;
    pub const XID: u8 = 16;
    pub const BINLOG_CHECKPOINT: u8 = 0xa1;
    pub const GTID: u8 = 0xa2;
    pub const GTID_LIST: u8 = 0xa3;
}

/// Header flags MariaDB sets.
pub mod flag {
    /// On the first event of a file still open for writing.
    pub const BINLOG_IN_USE: u16 = 0x1;
    /// On statements that may use temporary tables (DROP TABLE).
    pub const THREAD_SPECIFIC: u16 = 0x4;
    /// The reader must not `use` the event's database.
    pub const SUPPRESS_USE: u16 = 0x8;
}

/// GTID event flags (the byte after the domain id).
pub mod gtid_flag {
    pub const STANDALONE: u8 = 0x1;
    /// FL_GROUP_COMMIT_ID: an 8-byte commit id follows the flags.
    pub const GROUP_COMMIT_ID: u8 = 0x2;
    pub const TRANSACTIONAL: u8 = 0x4;
    pub const ALLOW_PARALLEL: u8 = 0x8;
    /// The transaction waited for a row lock on the master.
    pub const WAITED: u8 = 0x10;
    pub const DDL: u8 = 0x20;
}

/// The fixed bytes the protocol calls a server version field.
const SERVER_VERSION_LEN: usize = 50;

/// Post-header lengths per event type (index = type - 1), as 10.11 announces them.
fn post_header_lengths() -> [u8; 171] {
    let mut lengths = [0u8; 171];
    let known: [(usize, u8); 33] = [
        (0, 56),
        (1, 13),
        (3, 8),
        (5, 18),
        (7, 4),
        (8, 4),
        (9, 4),
        (10, 4),
        (11, 18),
        (14, 228),
        (16, 4),
        (17, 26),
        (18, 8),
        (22, 8),
        (23, 8),
        (24, 8),
        (25, 2),
        (29, 10),
        (30, 10),
        (31, 10),
        (38, 10),
        (39, 10),
        (40, 10),
        (160, 4),
        (161, 19),
        (162, 4),
        (164, 13),
        (165, 8),
        (166, 8),
        (167, 8),
        (168, 10),
        (169, 10),
        (170, 10),
    ];
    for (index, length) in known {
        lengths[index] = length;
    }
    lengths
}

/// One event before framing: its type, header fields and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: u8,
    pub timestamp: u32,
    pub flags: u16,
    pub body: Vec<u8>,
}

impl Event {
    /// The framed event's length.
    pub fn len(&self) -> u64 {
        (HEADER_LEN + self.body.len() + CHECKSUM_LEN) as u64
    }

    /// Whether the body is empty (Stop events).
    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }

    /// The bytes written at file offset `pos` by server `server_id`.
    pub fn frame(&self, server_id: u32, pos: u64) -> Vec<u8> {
        let size = self.len();
        let mut out = Vec::with_capacity(size as usize);
        out.extend_from_slice(&self.timestamp.to_le_bytes());
        out.push(self.kind);
        out.extend_from_slice(&server_id.to_le_bytes());
        out.extend_from_slice(&(size as u32).to_le_bytes());
        out.extend_from_slice(&((pos + size) as u32).to_le_bytes());
        out.extend_from_slice(&self.flags.to_le_bytes());
        out.extend_from_slice(&self.body);
        // The format description is checksummed as if no longer in use,
        // so that closing the file may clear the flag in place.
        let mut summed = out.clone();
        if self.kind == kind::FORMAT_DESCRIPTION {
            summed[17] &= !(flag::BINLOG_IN_USE as u8);
        }
        out.extend_from_slice(&crc32(&summed).to_le_bytes());
        out
    }
}

/// Format_description: the first event of every file. `created` is the
/// start-up time in the first file of a run, else 0.
pub fn format_description(timestamp: u32, version: &str, created: u32) -> Event {
    let mut body = Vec::with_capacity(229);
    body.extend_from_slice(&4u16.to_le_bytes());
    let mut server_version = [0u8; SERVER_VERSION_LEN];
    let bytes = version.as_bytes();
    let n = bytes.len().min(SERVER_VERSION_LEN - 1);
    server_version[..n].copy_from_slice(&bytes[..n]);
    body.extend_from_slice(&server_version);
    body.extend_from_slice(&created.to_le_bytes());
    body.push(HEADER_LEN as u8);
    body.extend_from_slice(&post_header_lengths());
    body.push(1); // checksum algorithm: CRC32
    Event {
        kind: kind::FORMAT_DESCRIPTION,
        timestamp,
        flags: flag::BINLOG_IN_USE,
        body,
    }
}

/// Gtid_list: the binlog state when the file was opened.
pub fn gtid_list(timestamp: u32, state: &[Gtid]) -> Event {
    let mut body = Vec::new();
    body.extend_from_slice(&(state.len() as u32).to_le_bytes());
    for g in state {
        body.extend_from_slice(&g.domain_id.to_le_bytes());
        body.extend_from_slice(&g.server_id.to_le_bytes());
        body.extend_from_slice(&g.seq_no.to_le_bytes());
    }
    if state.is_empty() {
        // MariaDB writes an empty list with two bytes of padding.
        body.extend_from_slice(&[0, 0]);
    }
    Event {
        kind: kind::GTID_LIST,
        timestamp,
        flags: 0,
        body,
    }
}

/// Binlog_checkpoint: the oldest file crash recovery would need.
pub fn binlog_checkpoint(timestamp: u32, file: &str) -> Event {
    let mut body = (file.len() as u32).to_le_bytes().to_vec();
    body.extend_from_slice(file.as_bytes());
    Event {
        kind: kind::BINLOG_CHECKPOINT,
        timestamp,
        flags: 0,
        body,
    }
}

/// Gtid: opens an event group (MariaDB's GTID event, with its flags).
pub fn gtid(timestamp: u32, seq_no: u64, domain_id: u32, flags2: u8) -> Event {
    gtid_in_commit_group(timestamp, seq_no, domain_id, flags2, None)
}

/// Gtid with a group commit id: FL_GROUP_COMMIT_ID and the id take the
/// place of the zero padding, making the body 21 bytes instead of 19.
pub fn gtid_in_commit_group(
    timestamp: u32,
    seq_no: u64,
    domain_id: u32,
    flags2: u8,
    commit_id: Option<u64>,
) -> Event {
    let mut body = Vec::with_capacity(21);
    body.extend_from_slice(&seq_no.to_le_bytes());
    body.extend_from_slice(&domain_id.to_le_bytes());
    match commit_id {
        Some(id) => {
            body.push(flags2 | gtid_flag::GROUP_COMMIT_ID);
            body.extend_from_slice(&id.to_le_bytes());
        }
        None => {
            body.push(flags2 & !gtid_flag::GROUP_COMMIT_ID);
            body.extend_from_slice(&[0; 6]);
        }
    }
    Event {
        kind: kind::GTID,
        timestamp,
        flags: flag::SUPPRESS_USE,
        body,
    }
}

/// What a Query event carries besides its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryContext {
    pub thread_id: u32,
    pub error_code: u16,
    /// The `use` database, empty for none.
    pub db: String,
    /// OPTION_* bits: explicit_defaults_for_timestamp, autocommit off, foreign_key_checks and unique_checks off.
    pub flags2: u32,
    pub sql_mode: u64,
    /// character_set_client, collation_connection, collation_server ids.
    pub charsets: [u16; 3],
    /// The InnoDB xid DDL statements carry, if any.
    pub xid: Option<u64>,
    /// The session's time zone, when the statement read times through it.
    pub time_zone: Option<String>,
}

/// When a statement started: its second, and the microseconds when the
/// statement read them (NOW(6)), which the Query event then carries (Q_HRNOW).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementTime {
    pub seconds: u32,
    pub micros: Option<u32>,
}

/// Query: one statement as executed.
pub fn query(timestamp: u32, flags: u16, context: &QueryContext, text: &str) -> Event {
    let time = StatementTime {
        seconds: timestamp,
        micros: None,
    };
    query_at(time, flags, context, text)
}

/// Query, with the statement's microseconds when it used them.
pub fn query_at(time: StatementTime, flags: u16, context: &QueryContext, text: &str) -> Event {
    let mut status = vec![0u8];
    status.extend_from_slice(&context.flags2.to_le_bytes());
    status.push(1);
    status.extend_from_slice(&context.sql_mode.to_le_bytes());
    status.extend_from_slice(&[6, 3]);
    status.extend_from_slice(b"std");
    status.push(4);
    for id in context.charsets {
        status.extend_from_slice(&id.to_le_bytes());
    }
    if let Some(zone) = &context.time_zone {
        status.push(5); // Q_TIME_ZONE_CODE: a length-prefixed name
        status.push(zone.len() as u8);
        status.extend_from_slice(zone.as_bytes());
    }
    if let Some(micros) = time.micros {
        status.push(0x80);
        status.extend_from_slice(&micros.to_le_bytes()[..3]);
    }
    if let Some(xid) = context.xid {
        status.push(0x81);
        status.extend_from_slice(&xid.to_le_bytes());
    }
    let mut body = Vec::new();
    body.extend_from_slice(&context.thread_id.to_le_bytes());
    body.extend_from_slice(&0u32.to_le_bytes()); // exec_time
    body.push(context.db.len() as u8);
    body.extend_from_slice(&context.error_code.to_le_bytes());
    body.extend_from_slice(&(status.len() as u16).to_le_bytes());
    body.extend_from_slice(&status);
    body.extend_from_slice(context.db.as_bytes());
    body.push(0);
    body.extend_from_slice(text.as_bytes());
    Event {
        kind: kind::QUERY,
        timestamp: time.seconds,
        flags,
        body,
    }
}

/// Xid: commits a transactional group.
pub fn xid(timestamp: u32, xid: u64) -> Event {
    Event {
        kind: kind::XID,
        timestamp,
        flags: 0,
        body: xid.to_le_bytes().to_vec(),
    }
}

/// The Intvar kind that sets the next AUTO_INCREMENT value.
pub const INSERT_ID: u8 = 2;

/// Intvar: a value (`kind`: LAST_INSERT_ID 1, INSERT_ID 2) the statement that follows uses.
pub fn intvar(timestamp: u32, kind_of_value: u8, value: u64) -> Event {
    let mut body = vec![kind_of_value];
    body.extend_from_slice(&value.to_le_bytes());
    Event {
        kind: kind::INTVAR,
        timestamp,
        flags: 0,
        body,
    }
}

/// Rand: the seeds RAND() starts from in the statement that follows.
pub fn rand(timestamp: u32, seed1: u64, seed2: u64) -> Event {
    let mut body = seed1.to_le_bytes().to_vec();
    body.extend_from_slice(&seed2.to_le_bytes());
    Event {
        kind: kind::RAND,
        timestamp,
        flags: 0,
        body,
    }
}

/// Rotate: the last event of a file, naming the next one.
pub fn rotate(timestamp: u32, next_file: &str) -> Event {
    let mut body = 4u64.to_le_bytes().to_vec();
    body.extend_from_slice(next_file.as_bytes());
    Event {
        kind: kind::ROTATE,
        timestamp,
        flags: 0,
        body,
    }
}

/// Stop: the last event of the file open at a clean shutdown.
pub fn stop(timestamp: u32) -> Event {
    Event {
        kind: kind::STOP,
        timestamp,
        flags: 0,
        body: Vec::new(),
    }
}

#[cfg(test)]
#[path = "event_tests.rs"]
mod tests;
