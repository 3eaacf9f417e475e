//! What the IO thread does with one event from the master (MariaDB's
//! `queue_event`): check its checksum, count heartbeats, skip what a
//! reconnect re-sends, rotate the relay log on the master's Rotate, append
//! the bytes as received, and advance the master position and Gtid_IO_Pos.
//! Event bytes enter; the relay log grows and the master info and IO
//! status change. Malformed bytes are errors, never panics.

use crate::binlog::crc::crc32;
use crate::binlog::event::{HEADER_LEN, kind};
use crate::binlog::gtid::Gtid;
use crate::replication::channel::{IoStatus, MasterInfo};

use super::relay_log::RelayLog;

/// HEARTBEAT_LOG_EVENT: the master is alive; nothing to store.
const HEARTBEAT: u8 = 27;

/// What became of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    Written,
    /// Already received before a reconnect, or the slave's own.
    Skipped,
    Heartbeat,
    /// The master's Gtid_list that ends a START SLAVE UNTIL master_gtid_pos
    /// dump (written like any other): the IO thread stops.
    UntilReached,
}

/// Why an event could not be queued: the IO thread stops with this error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueError {
    pub code: u32,
    pub message: String,
}

/// The IO thread's reading state for one connection to the master.
#[derive(Debug, Clone, Default)]
pub struct QueueState {
    /// The master's events carry checksums.
    pub checksummed: bool,
    /// The slave's own server id: its own events come back in circles.
    pub own_server_id: u32,
    /// After a reconnect: events up to this master file and position were
    /// already queued and are skipped.
    pub resume: Option<(String, u64)>,
    /// The master file the stream is in, while skipping.
    pub current_file: String,
}

/// Queues one event's bytes.
pub fn queue_event(
    bytes: &[u8],
    state: &mut QueueState,
    relay: &mut RelayLog,
    info: &mut MasterInfo,
    io: &mut IoStatus,
) -> Result<Queued, QueueError> {
    let header = Header::read(bytes).ok_or_else(write_failure)?;
    if state.checksummed && !checksum_ok(bytes, header.kind) {
        return Err(QueueError {
            code: 1743,
            message: "Replication event checksum verification failed while reading from network"
                .into(),
        });
    }
    if header.kind == HEARTBEAT {
        io.received_heartbeats += 1;
        return Ok(Queued::Heartbeat);
    }
    let body = &bytes[HEADER_LEN..bytes.len() - if state.checksummed { 4 } else { 0 }];
    if skip_resent(state, &header, body) {
        return Ok(Queued::Skipped);
    }
    let write = |relay: &mut RelayLog, rotate_first: bool| {
        if rotate_first {
            relay.rotate()?;
        }
        relay.append(bytes)
    };
    let own = header.server_id == state.own_server_id && header.kind != kind::ROTATE;
    if !own {
        write(relay, header.kind == kind::ROTATE).map_err(|_| write_failure())?;
    }
    advance(&header, body, info, io);
    io.relay_log_file = relay.current();
    io.relay_log_space = relay.space();
    Ok(if own {
        Queued::Skipped
    } else if header.kind == kind::GTID_LIST && until_reached_flag(body) {
        Queued::UntilReached
    } else {
        Queued::Written
    })
}

/// Whether a Gtid_list carries the master's "until reached" flag (bit 28 of its count).
fn until_reached_flag(body: &[u8]) -> bool {
    const FLAG_UNTIL_REACHED: u32 = 1 << 28;
    u32_at(body, 0).is_some_and(|count| count & FLAG_UNTIL_REACHED != 0)
}

/// The fields of an event header this needs.
#[derive(Debug, Clone, Copy)]
struct Header {
    kind: u8,
    server_id: u32,
    end_log_pos: u64,
}

impl Header {
    /// The header, if the bytes are one whole event.
    fn read(bytes: &[u8]) -> Option<Header> {
        if bytes.len() < HEADER_LEN {
            return None;
        }
        let size = u32_at(bytes, 9)? as usize;
        (size == bytes.len()).then_some(Header {
            kind: bytes[4],
            server_id: u32_at(bytes, 5)?,
            end_log_pos: u64::from(u32_at(bytes, 13)?),
        })
    }
}

/// CRC32 of everything but the last four bytes; a Format_description is
/// summed with its in-use flag cleared, as the master sums it.
fn checksum_ok(bytes: &[u8], event_kind: u8) -> bool {
    if bytes.len() < HEADER_LEN + 4 {
        return false;
    }
    let (data, sum) = bytes.split_at(bytes.len() - 4);
    let mut data = data.to_vec();
    if event_kind == kind::FORMAT_DESCRIPTION {
        data[17] &= !1;
    }
    crc32(&data).to_le_bytes() == sum
}

/// Whether a reconnect re-sent this event (it is at or before `resume`).
fn skip_resent(state: &mut QueueState, header: &Header, body: &[u8]) -> bool {
    let Some((file, pos)) = state.resume.clone() else {
        return false;
    };
    if header.kind == kind::ROTATE {
        let (name, _) = rotate_target(body);
        state.current_file = name.clone();
        if name.as_str() <= file.as_str() {
            return true;
        }
    } else if state.current_file.as_str() < file.as_str()
        || (state.current_file == file && (header.end_log_pos == 0 || header.end_log_pos <= pos))
    {
        return true;
    }
    state.resume = None;
    false
}

/// Moves the master position (and Gtid_IO_Pos) past the event.
fn advance(header: &Header, body: &[u8], info: &mut MasterInfo, io: &mut IoStatus) {
    match header.kind {
        kind::ROTATE => {
            let (name, pos) = rotate_target(body);
            info.log_file = name;
            info.log_pos = pos;
        }
        kind::GTID if body.len() >= 12 => {
            let gtid = Gtid {
                seq_no: u64::from_le_bytes(body[0..8].try_into().unwrap_or_default()),
                domain_id: u32_at(body, 8).unwrap_or(0),
                server_id: header.server_id,
            };
            io.gtid_io_pos = merge_gtid(&io.gtid_io_pos, gtid);
        }
        _ => {}
    }
    if header.kind != kind::ROTATE && header.end_log_pos != 0 {
        info.log_pos = header.end_log_pos;
    }
    io.master_log_file = info.log_file.clone();
    io.read_master_log_pos = info.log_pos;
}

/// A Rotate's next file and position.
fn rotate_target(body: &[u8]) -> (String, u64) {
    let pos = body
        .get(..8)
        .map_or(4, |b| u64::from_le_bytes(b.try_into().unwrap_or_default()));
    let name = String::from_utf8_lossy(body.get(8..).unwrap_or_default()).into_owned();
    (name, pos)
}

/// A GTID position text with `gtid` replacing its domain's entry.
pub fn merge_gtid(position: &str, gtid: Gtid) -> String {
    let mut list = crate::binlog::gtid::parse_list(position).unwrap_or_default();
    list.retain(|g| g.domain_id != gtid.domain_id);
    list.push(gtid);
    list.sort_by_key(|g| g.domain_id);
    crate::binlog::gtid::list_text(&list)
}

fn write_failure() -> QueueError {
    QueueError {
        code: 1595,
        message: "Relay log write failure: could not queue event from master".into(),
    }
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
#[path = "queue_tests.rs"]
mod tests;
