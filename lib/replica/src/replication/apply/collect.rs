//! Cutting the relay log's event stream into what the SQL thread applies
//! as one unit: an event group (Gtid … Xid/COMMIT/ROLLBACK, a standalone
//! Gtid + statement, or a lone statement with its Intvar/User_var/Rand
//! events), or a single bookkeeping event (Format_description, Rotate,
//! Gtid_list, …). Raw events enter from the [`RelayReader`]; decoded
//! events leave one by one (`next_read`, for the serial thread, which
//! applies a group as it arrives), or as a whole group (`complete`, for
//! the pool and for skipped groups), with `opens_group`/`is_complete`
//! telling where a group starts and ends.

use super::decode::{Body, Event, GtidEvent, decode};
use super::errors::{SqlFailure, relay_read_failure};
use super::relay_reader::{Control, RawEvent, ReadError, RelayReader};
use crate::replication::channel::Channel;

/// One decoded event with where it came from.
#[derive(Debug, Clone)]
pub struct Read {
    pub raw: RawEvent,
    pub event: Event,
}

/// An event group, in order, with its Gtid event if it had one.
#[derive(Debug, Clone)]
pub struct Group {
    pub gtid: Option<GtidEvent>,
    pub events: Vec<Read>,
}

impl Group {
    /// Where the group starts in the relay log.
    pub fn start(&self) -> (&str, u64) {
        self.events
            .first()
            .map_or(("", 0), |r| (r.raw.file.as_str(), r.raw.pos))
    }

    /// The last event, whose end is the group's end.
    pub fn last(&self) -> Option<&Read> {
        self.events.last()
    }
}

/// Why collecting stopped.
#[derive(Debug)]
pub enum CollectError {
    /// The SQL thread stops with this error.
    Failed(SqlFailure),
    Io(std::io::Error),
}

/// Reads the rest of `group`; None when the caller stops while waiting.
pub fn complete(
    reader: &mut RelayReader,
    channel: &Channel,
    control: &Control<'_>,
    mut group: Group,
) -> Result<Option<Group>, CollectError> {
    while !is_complete(&group) {
        match next_read(reader, channel, control)? {
            Some(read) => group.events.push(read),
            None => return Ok(None),
        }
    }
    Ok(Some(group))
}

/// Whether `read` starts a group, and the group's Gtid event if it is one.
pub fn opens_group(read: &Read) -> Option<Option<GtidEvent>> {
    match &read.event.body {
        Body::Gtid(g) => Some(Some(*g)),
        Body::Query(_) | Body::Intvar { .. } | Body::Rand { .. } | Body::UserVar(_) => Some(None),
        _ => None,
    }
}

/// Whether `read` commits a transaction: an Xid event or a `COMMIT` query.
pub fn is_commit(read: &Read) -> bool {
    match &read.event.body {
        Body::Xid(_) => true,
        Body::Query(q) => q.text == b"COMMIT",
        _ => false,
    }
}

/// Whether the group has its last event.
pub fn is_complete(group: &Group) -> bool {
    let Some(last) = group.last() else {
        return false;
    };
    let transaction = match group.gtid {
        Some(g) => !g.standalone(),
        None => group.events.iter().any(|r| is_begin(&r.event)),
    };
    match &last.event.body {
        Body::Xid(_) => true,
        Body::Query(q) if transaction => {
            let text = String::from_utf8_lossy(&q.text);
            is_end_word(text.trim())
        }
        Body::Query(_) => true,
        // Row events and the like end nothing but must not hang a standalone group.
        Body::Unsupported(_) => !transaction,
        _ => false,
    }
}

fn is_begin(event: &Event) -> bool {
    matches!(&event.body, Body::Query(q) if q.text.eq_ignore_ascii_case(b"BEGIN"))
}

/// COMMIT or ROLLBACK, the statements that end a logged transaction.
pub fn is_end_word(text: &str) -> bool {
    text.eq_ignore_ascii_case("COMMIT") || text.eq_ignore_ascii_case("ROLLBACK")
}

/// The next event, decoded; a corrupt one is the 1594 failure.
pub fn next_read(
    reader: &mut RelayReader,
    channel: &Channel,
    control: &Control<'_>,
) -> Result<Option<Read>, CollectError> {
    let raw = match reader.next(channel, control) {
        Ok(Some(raw)) => raw,
        Ok(None) => return Ok(None),
        Err(ReadError::Corrupt(_)) => return Err(CollectError::Failed(relay_read_failure())),
        Err(ReadError::Io(e)) => return Err(CollectError::Io(e)),
    };
    let event = decode(&raw.bytes).map_err(|_| CollectError::Failed(relay_read_failure()))?;
    Ok(Some(Read { raw, event }))
}
