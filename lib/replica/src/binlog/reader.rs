//! Reading a binlog file back: its events as SHOW BINLOG EVENTS lists
//! them (name, position, type, server id, end position, info), and the
//! GTIDs it holds for the state at start-up. Bytes in, rows out.

use super::event::{HEADER_LEN, kind};
use super::gtid::Gtid;
use super::rows::events::{STMT_END_F, kind as rows_kind};
use super::rows::table_map::TABLE_MAP;

/// One event as SHOW BINLOG EVENTS shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub pos: u64,
    pub event_type: String,
    pub server_id: u32,
    pub end_log_pos: u64,
    pub info: String,
}

/// One whole event of a file: its position, header and body (checksum cut).
struct Frame<'a> {
    pos: usize,
    header: &'a [u8],
    body: &'a [u8],
}

/// The whole events of a file, in order; stops at a truncated event.
fn frames(bytes: &[u8]) -> impl Iterator<Item = Frame<'_>> {
    let mut pos = 4usize;
    std::iter::from_fn(move || {
        let header = bytes.get(pos..pos + HEADER_LEN)?;
        let size = u32_at(header, 9) as usize;
        if size < HEADER_LEN + 4 || pos + size > bytes.len() {
            return None;
        }
        let frame = Frame {
            pos,
            header,
            body: &bytes[pos + HEADER_LEN..pos + size - 4],
        };
        pos += size;
        Some(frame)
    })
}

/// The events of a file, in order; stops at a truncated event.
pub fn events(bytes: &[u8]) -> Vec<EventRow> {
    frames(bytes)
        .map(|Frame { pos, header, body }| {
            let flags = u16::from_le_bytes([header[17], header[18]]);
            let (event_type, info) = describe(header[4], flags, u32_at(header, 5), body);
            EventRow {
                pos: pos as u64,
                event_type,
                server_id: u32_at(header, 5),
                end_log_pos: u64::from(u32_at(header, 13)),
                info,
            }
        })
        .collect()
}

/// The GTIDs a file records: its Gtid_list, then each group's GTID.
pub fn gtids(bytes: &[u8]) -> Vec<Gtid> {
    let mut out = Vec::new();
    for Frame { header, body, .. } in frames(bytes) {
        match header[4] {
            kind::GTID_LIST => out.extend(gtid_list(body)),
            kind::GTID if body.len() >= 12 => out.push(Gtid {
                seq_no: u64_at(body, 0),
                domain_id: u32_at(body, 8),
                server_id: u32_at(header, 5),
            }),
            _ => {}
        }
    }
    out
}

/// The file's Gtid_list: the state before its first group.
pub fn opening_gtid_list(bytes: &[u8]) -> Vec<Gtid> {
    frames(bytes)
        .find(|f| f.header[4] == kind::GTID_LIST)
        .map_or_else(Vec::new, |f| gtid_list(f.body))
}

/// An event's type name and info text.
fn describe(code: u8, flags: u16, server_id: u32, body: &[u8]) -> (String, String) {
    let (name, info) = match code {
        kind::FORMAT_DESCRIPTION => ("Format_desc", format_description_info(body)),
        kind::GTID_LIST => ("Gtid_list", gtid_list_info(body)),
        kind::BINLOG_CHECKPOINT => ("Binlog_checkpoint", text_after_length(body)),
        kind::GTID => ("Gtid", gtid_info(body, server_id)),
        kind::QUERY => ("Query", query_info(flags, body)),
        kind::XID => ("Xid", format!("COMMIT /* xid={} */", u64_at(body, 0))),
        kind::ROTATE => ("Rotate", rotate_info(body)),
        kind::RAND => (
            "RAND",
            format!(
                "rand_seed1={},rand_seed2={}",
                u64_at(body, 0),
                u64_at(body, 8)
            ),
        ),
        kind::STOP => ("Stop", String::new()),
        rows_kind::ANNOTATE_ROWS => ("Annotate_rows", String::from_utf8_lossy(body).into_owned()),
        TABLE_MAP => ("Table_map", table_map_info(body)),
        rows_kind::WRITE_ROWS_V1 => ("Write_rows_v1", rows_info(body)),
        rows_kind::UPDATE_ROWS_V1 => ("Update_rows_v1", rows_info(body)),
        rows_kind::DELETE_ROWS_V1 => ("Delete_rows_v1", rows_info(body)),
        _ => ("Unknown", String::new()),
    };
    (name.to_string(), info)
}

fn format_description_info(body: &[u8]) -> String {
    let version = body.get(2..52).unwrap_or_default();
    let end = version
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(version.len());
    format!(
        "Server ver: {}, Binlog ver: {}",
        String::from_utf8_lossy(&version[..end]),
        u16::from_le_bytes([body[0], body[1]])
    )
}

fn gtid_list(body: &[u8]) -> Vec<Gtid> {
    let count = (u32_at(body, 0) & 0x0fff_ffff) as usize;
    (0..count)
        .map(|i| 4 + i * 16)
        .filter(|at| at + 16 <= body.len())
        .map(|at| Gtid {
            domain_id: u32_at(body, at),
            server_id: u32_at(body, at + 4),
            seq_no: u64_at(body, at + 8),
        })
        .collect()
}

fn gtid_list_info(body: &[u8]) -> String {
    let texts: Vec<String> = gtid_list(body).iter().map(Gtid::to_string).collect();
    format!("[{}]", texts.join(","))
}

fn text_after_length(body: &[u8]) -> String {
    let len = u32_at(body, 0) as usize;
    String::from_utf8_lossy(body.get(4..4 + len).unwrap_or_default()).into_owned()
}

fn gtid_info(body: &[u8], server_id: u32) -> String {
    let seq_no = u64_at(body, 0);
    let domain_id = u32_at(body, 8);
    let flags = body.get(12).copied().unwrap_or(0);
    let begin = if flags & 1 != 0 { "" } else { "BEGIN " };
    let commit_id = if flags & 2 != 0 && body.len() >= 21 {
        format!(" cid={}", u64_at(body, 13))
    } else {
        String::new()
    };
    format!("{begin}GTID {domain_id}-{server_id}-{seq_no}{commit_id}")
}

fn query_info(flags: u16, body: &[u8]) -> String {
    if body.len() < 13 {
        return String::new();
    }
    let db_len = body[8] as usize;
    let status_len = u16::from_le_bytes([body[11], body[12]]) as usize;
    let db_at = 13 + status_len;
    let db = String::from_utf8_lossy(body.get(db_at..db_at + db_len).unwrap_or_default());
    let text = String::from_utf8_lossy(body.get(db_at + db_len + 1..).unwrap_or_default());
    if db.is_empty() || flags & super::event::flag::SUPPRESS_USE != 0 {
        text.into_owned()
    } else {
        format!("use `{db}`; {text}")
    }
}

/// The six-byte table number row events start with.
fn table_id(body: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a[..6].copy_from_slice(body.get(..6).unwrap_or(&[0; 6]));
    u64::from_le_bytes(a)
}

/// `table_id: N (db.table)`.
fn table_map_info(body: &[u8]) -> String {
    let name_at = |at: usize| {
        let len = usize::from(body.get(at).copied().unwrap_or(0));
        let name = String::from_utf8_lossy(body.get(at + 1..at + 1 + len).unwrap_or_default());
        (name.into_owned(), at + len + 2)
    };
    let (db, next) = name_at(8);
    let (table, _) = name_at(next);
    format!("table_id: {} ({db}.{table})", table_id(body))
}

/// `table_id: N`, with ` flags: STMT_END_F` on a statement's last.
fn rows_info(body: &[u8]) -> String {
    let flags = body
        .get(6..8)
        .map_or(0, |f| u16::from_le_bytes([f[0], f[1]]));
    let end = if flags & STMT_END_F != 0 {
        " flags: STMT_END_F"
    } else {
        ""
    };
    format!("table_id: {}{end}", table_id(body))
}

fn rotate_info(body: &[u8]) -> String {
    let pos = u64_at(body, 0);
    format!("{};pos={pos}", String::from_utf8_lossy(&body[8..]))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    bytes.get(at..at + 8).map_or(0, |b| {
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        u64::from_le_bytes(a)
    })
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn row_events_read_as_mariadb_lists_them() {
        // Bodies from a 10.11 binlog: Table_map of test.t1, Write_rows ending its statement.
        let table_map = [
            8, 0, 0, 0, 0, 0, 1, 0, 4, b't', b'e', b's', b't', 0, 2, b't', b'1', 0, 1, 3, 0, 0,
        ];
        assert_eq!(
            describe(19, 0, 1, &table_map),
            ("Table_map".into(), "table_id: 8 (test.t1)".into())
        );
        let mut rows = vec![8, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 5, 0, 0, 0];
        assert_eq!(
            describe(23, 0, 1, &rows),
            (
                "Write_rows_v1".into(),
                "table_id: 8 flags: STMT_END_F".into()
            )
        );
        rows[6] = 0;
        assert_eq!(
            describe(25, 0, 1, &rows),
            ("Delete_rows_v1".into(), "table_id: 8".into())
        );
        assert_eq!(
            describe(160, 0, 1, b"update t1 set b=7"),
            ("Annotate_rows".into(), "update t1 set b=7".into())
        );
    }
}
