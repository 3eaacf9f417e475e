//! Decoding one relay-log event for applying: the common header, then a
//! typed body for the events the SQL thread acts on (Format_description,
//! Rotate, Gtid, Query and Query_compressed, Xid, Intvar, Rand, User_var,
//! Table_map and rows events through `rows`, Stop) and a name for those
//! it passes over. Bytes in (one whole event,
//! checksum already stripped), an [`Event`] or a [`DecodeError`] out;
//! nothing here panics on any input.

use super::query_status::{QueryStatus, parse_status};
use super::rows::event::{RowsEvent, rows_kind};
use super::rows::table_map::TableMap;
use super::rows::{compressed, table_map};
use crate::binlog::event::{HEADER_LEN, kind};
use crate::binlog::gtid::Gtid;

/// Event types beyond those the binlog writer builds.
pub mod more_kinds {
    pub const INTVAR: u8 = 5;
    pub const RAND: u8 = 13;
    pub const USER_VAR: u8 = 14;
    pub const TABLE_MAP: u8 = 19;
    pub const ANNOTATE_ROWS: u8 = 0xa0;
    pub const QUERY_COMPRESSED: u8 = 0xa5;
    pub const START_ENCRYPTION: u8 = 0xa4;
}

/// Why an event could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("event too short: {0} bytes")]
    Short(usize),
    #[error("malformed {0} event")]
    Malformed(&'static str),
}

/// The common header of every event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub timestamp: u32,
    pub kind: u8,
    pub server_id: u32,
    pub size: u32,
    /// The end of the event in the MASTER's binlog (0 for artificial events).
    pub log_pos: u32,
    pub flags: u16,
}

/// A decoded event body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    FormatDescription(FormatDescription),
    Rotate {
        pos: u64,
        file: String,
    },
    Gtid(GtidEvent),
    Query(QueryEvent),
    Xid(u64),
    Intvar {
        kind: u8,
        value: u64,
    },
    Rand {
        seed1: u64,
        seed2: u64,
    },
    UserVar(UserVar),
    TableMap(TableMap),
    Rows(RowsEvent),
    Stop,
    /// Events that carry nothing to apply (Gtid_list, Binlog_checkpoint, Annotate_rows, …).
    Ignored,
    /// Events this server cannot apply (LOAD DATA, …), by type code.
    Unsupported(u8),
}

/// One decoded event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub header: Header,
    pub body: Body,
}

/// A Format_description event's facts the reader needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatDescription {
    pub server_version: String,
    /// Non-zero when the server wrote it at start-up (a master restart).
    pub created: u32,
    /// Whether the events after it end with a CRC32.
    pub checksum: bool,
}

/// A Gtid event: the start of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GtidEvent {
    pub gtid: Gtid,
    pub flags: u8,
    pub commit_id: Option<u64>,
}

impl GtidEvent {
    /// A group of one statement, with no BEGIN (DDL).
    pub fn standalone(&self) -> bool {
        self.flags & crate::binlog::event::gtid_flag::STANDALONE != 0
    }
}

/// A Query event.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryEvent {
    pub thread_id: u32,
    pub exec_time: u32,
    pub error_code: u16,
    pub db: String,
    pub status: QueryStatus,
    pub text: Vec<u8>,
}

/// A User_var event: `@name` set before the statement that reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct UserVar {
    pub name: String,
    /// None for NULL.
    pub value: Option<UserVarValue>,
}

/// The typed value of a User_var event.
#[derive(Debug, Clone, PartialEq)]
pub enum UserVarValue {
    String { bytes: Vec<u8>, charset: u32 },
    Real(f64),
    Int { value: i64, unsigned: bool },
    Decimal(String),
}

/// The header of an event (at least 19 bytes).
pub fn header(bytes: &[u8]) -> Result<Header, DecodeError> {
    if bytes.len() < HEADER_LEN {
        return Err(DecodeError::Short(bytes.len()));
    }
    Ok(Header {
        timestamp: u32_at(bytes, 0),
        kind: bytes[4],
        server_id: u32_at(bytes, 5),
        size: u32_at(bytes, 9),
        log_pos: u32_at(bytes, 13),
        flags: u16::from_le_bytes([bytes[17], bytes[18]]),
    })
}

/// Decodes one event, `bytes` being header and body without checksum.
pub fn decode(bytes: &[u8]) -> Result<Event, DecodeError> {
    let header = header(bytes)?;
    let body = &bytes[HEADER_LEN..];
    let body = match header.kind {
        kind::FORMAT_DESCRIPTION => Body::FormatDescription(format_description(body)?),
        kind::ROTATE => rotate(body)?,
        kind::GTID => Body::Gtid(gtid(body, header.server_id)?),
        kind::QUERY => Body::Query(query(body)?),
        more_kinds::QUERY_COMPRESSED => Body::Query(query_compressed(body)?),
        more_kinds::TABLE_MAP => Body::TableMap(
            table_map::decode(body).map_err(|_| DecodeError::Malformed("Table_map"))?,
        ),
        code if rows_kind(code).is_some() => Body::Rows(
            super::rows::event::decode(code, body).map_err(|_| DecodeError::Malformed("Rows"))?,
        ),
        kind::XID => Body::Xid(u64_of(body, 0).ok_or(DecodeError::Malformed("Xid"))?),
        kind::STOP => Body::Stop,
        more_kinds::INTVAR => intvar(body)?,
        more_kinds::RAND => rand(body)?,
        more_kinds::USER_VAR => Body::UserVar(user_var(body)?),
        kind::GTID_LIST | kind::BINLOG_CHECKPOINT | more_kinds::ANNOTATE_ROWS => Body::Ignored,
        // Heartbeat and ignorable events never reach the applier as work.
        27 | 28 => Body::Ignored,
        other => Body::Unsupported(other),
    };
    Ok(Event { header, body })
}

/// Whether a Format_description event (header and body, checksum
/// included) announces CRC32 checksums; None when too short to tell.
pub fn announces_checksum(event: &[u8]) -> Option<bool> {
    let body = event.get(HEADER_LEN..)?;
    // The algorithm byte sits before the 4-byte checksum, after the
    // post-header lengths; an old-format body has no such byte.
    if body.len() < 2 + 50 + 4 + 1 + 5 {
        return Some(false);
    }
    Some(body[body.len() - 5] == 1)
}

fn format_description(body: &[u8]) -> Result<FormatDescription, DecodeError> {
    let version = body
        .get(2..52)
        .ok_or(DecodeError::Malformed("Format_description"))?;
    let end = version
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(version.len());
    Ok(FormatDescription {
        server_version: String::from_utf8_lossy(&version[..end]).into_owned(),
        created: u32_of(body, 52).unwrap_or(0),
        checksum: false,
    })
}

fn rotate(body: &[u8]) -> Result<Body, DecodeError> {
    let pos = u64_of(body, 0).ok_or(DecodeError::Malformed("Rotate"))?;
    Ok(Body::Rotate {
        pos,
        file: String::from_utf8_lossy(&body[8..]).into_owned(),
    })
}

fn gtid(body: &[u8], server_id: u32) -> Result<GtidEvent, DecodeError> {
    let malformed = DecodeError::Malformed("Gtid");
    let seq_no = u64_of(body, 0).ok_or(malformed.clone())?;
    let domain_id = u32_of(body, 8).ok_or(malformed.clone())?;
    let flags = *body.get(12).ok_or(malformed)?;
    // FL_GROUP_COMMIT_ID: a commit id follows the flags.
    let commit_id = (flags & 0x2 != 0).then(|| u64_of(body, 13)).flatten();
    Ok(GtidEvent {
        gtid: Gtid {
            domain_id,
            server_id,
            seq_no,
        },
        flags,
        commit_id,
    })
}

fn query(body: &[u8]) -> Result<QueryEvent, DecodeError> {
    let malformed = || DecodeError::Malformed("Query");
    if body.len() < 13 {
        return Err(malformed());
    }
    let db_len = usize::from(body[8]);
    let status_len = usize::from(u16::from_le_bytes([body[11], body[12]]));
    let status_bytes = body.get(13..13 + status_len).ok_or_else(malformed)?;
    let db_at = 13 + status_len;
    let db = body.get(db_at..db_at + db_len).ok_or_else(malformed)?;
    // The database name ends with a NUL the length does not count.
    let text = body.get(db_at + db_len + 1..).ok_or_else(malformed)?;
    Ok(QueryEvent {
        thread_id: u32_at(body, 0),
        exec_time: u32_at(body, 4),
        error_code: u16::from_le_bytes([body[9], body[10]]),
        db: String::from_utf8_lossy(db).into_owned(),
        status: parse_status(status_bytes).map_err(|_| malformed())?,
        text: text.to_vec(),
    })
}

/// Query_compressed: a Query event whose text is a compressed payload.
fn query_compressed(body: &[u8]) -> Result<QueryEvent, DecodeError> {
    let mut q = query(body)?;
    q.text =
        compressed::inflate(&q.text).map_err(|_| DecodeError::Malformed("Query_compressed"))?;
    Ok(q)
}

fn intvar(body: &[u8]) -> Result<Body, DecodeError> {
    let kind = *body.first().ok_or(DecodeError::Malformed("Intvar"))?;
    let value = u64_of(body, 1).ok_or(DecodeError::Malformed("Intvar"))?;
    Ok(Body::Intvar { kind, value })
}

fn rand(body: &[u8]) -> Result<Body, DecodeError> {
    let seed1 = u64_of(body, 0).ok_or(DecodeError::Malformed("Rand"))?;
    let seed2 = u64_of(body, 8).ok_or(DecodeError::Malformed("Rand"))?;
    Ok(Body::Rand { seed1, seed2 })
}

fn user_var(body: &[u8]) -> Result<UserVar, DecodeError> {
    let malformed = || DecodeError::Malformed("User_var");
    let name_len = u32_of(body, 0).ok_or_else(malformed)? as usize;
    let name = body.get(4..4 + name_len).ok_or_else(malformed)?;
    let name = String::from_utf8_lossy(name).into_owned();
    let at = 4 + name_len;
    let is_null = *body.get(at).ok_or_else(malformed)? != 0;
    if is_null {
        return Ok(UserVar { name, value: None });
    }
    let kind = *body.get(at + 1).ok_or_else(malformed)?;
    let charset = u32_of(body, at + 2).ok_or_else(malformed)?;
    let len = u32_of(body, at + 6).ok_or_else(malformed)? as usize;
    let data = body.get(at + 10..at + 10 + len).ok_or_else(malformed)?;
    let flags = body.get(at + 10 + len).copied().unwrap_or(0);
    let value = match kind {
        0 => UserVarValue::String {
            bytes: data.to_vec(),
            charset,
        },
        1 => UserVarValue::Real(f64::from_le_bytes(
            data.try_into().map_err(|_| malformed())?,
        )),
        2 => UserVarValue::Int {
            value: i64::from_le_bytes(data.try_into().map_err(|_| malformed())?),
            unsigned: flags & 1 != 0,
        },
        3 => UserVarValue::Decimal(decimal_text(data).ok_or_else(malformed)?),
        _ => return Err(malformed()),
    };
    Ok(UserVar {
        name,
        value: Some(value),
    })
}

/// A binary DECIMAL (precision, scale, then MariaDB's packed digits) as text.
pub(crate) fn decimal_text(data: &[u8]) -> Option<String> {
    let precision = usize::from(*data.first()?);
    let scale = usize::from(*data.get(1)?);
    if scale > precision || precision == 0 {
        return None;
    }
    let mut bytes = data.get(2..)?.to_vec();
    let negative = bytes.first()? & 0x80 == 0;
    bytes[0] ^= 0x80;
    if negative {
        bytes.iter_mut().for_each(|b| *b = !*b);
    }
    let int_digits = precision - scale;
    // Integer part: partial word first; fraction: partial word last.
    let mut words = digit_words(int_digits % 9, int_digits / 9, true);
    let frac_at = words.len();
    words.extend(digit_words(scale % 9, scale / 9, false));
    let mut cursor = 0usize;
    let mut texts = Vec::with_capacity(words.len());
    for width in words {
        let n = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4][width];
        let chunk = bytes.get(cursor..cursor + n)?;
        cursor += n;
        let v = chunk.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b));
        texts.push(format!("{v:0width$}"));
    }
    let int_part = texts[..frac_at].concat();
    let int_part = int_part.trim_start_matches('0');
    let int_part = if int_part.is_empty() { "0" } else { int_part };
    let frac_part = texts[frac_at..].concat();
    let sign = if negative { "-" } else { "" };
    Some(if frac_part.is_empty() {
        format!("{sign}{int_part}")
    } else {
        format!("{sign}{int_part}.{frac_part}")
    })
}

/// The digit widths of a packed decimal part, in storage order.
fn digit_words(rest: usize, full: usize, rest_first: bool) -> Vec<usize> {
    let mut words = vec![9; full];
    if rest > 0 {
        if rest_first {
            words.insert(0, rest);
        } else {
            words.push(rest);
        }
    }
    words
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32_of(bytes, at).unwrap_or(0)
}

fn u32_of(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u64_of(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Some(u64::from_le_bytes(a))
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
