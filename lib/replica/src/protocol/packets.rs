//! Encoders for the server's generic replies: OK, ERR, EOF, a column
//! definition and a text row. Each takes plain values and returns one
//! payload, ready for `PacketIo::queue`.

use mysql_common::constants::{CapabilityFlags, StatusFlags};

use super::wire::PutWire;
use crate::error::ServerError;
use crate::session::outcome::{Column, OkInfo};

/// What every OK and EOF packet carries besides its own fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trailer {
    pub status: StatusFlags,
    pub warnings: u16,
}

/// An OK packet; `info` is length-encoded when the client tracks session state.
pub fn ok(info: &OkInfo, trailer: Trailer, caps: CapabilityFlags) -> Vec<u8> {
    let mut p = vec![0x00];
    p.put_lenenc_int(info.affected_rows);
    p.put_lenenc_int(info.last_insert_id);
    p.put_u16(trailer.status.bits());
    p.put_u16(trailer.warnings);
    if !info.info.is_empty() {
        if caps.contains(CapabilityFlags::CLIENT_SESSION_TRACK) {
            p.put_lenenc_str(info.info.as_bytes());
        } else {
            p.extend_from_slice(info.info.as_bytes());
        }
    }
    p
}

/// An ERR packet in the 4.1 format (with SQLSTATE).
pub fn err(e: &ServerError) -> Vec<u8> {
    let mut p = vec![0xFF];
    p.put_u16(e.code);
    p.push(b'#');
    p.extend_from_slice(&sqlstate_bytes(e.sqlstate));
    p.extend_from_slice(e.message.as_bytes());
    p
}

/// Exactly five SQLSTATE bytes, whatever the error carried.
fn sqlstate_bytes(s: &str) -> [u8; 5] {
    let mut out = *b"HY000";
    for (o, b) in out.iter_mut().zip(s.bytes()) {
        *o = b;
    }
    out
}

/// An EOF packet.
pub fn eof(trailer: Trailer) -> Vec<u8> {
    let mut p = vec![0xFE];
    p.put_u16(trailer.warnings);
    p.put_u16(trailer.status.bits());
    p
}

/// The column count that opens a result set.
pub fn column_count(n: usize) -> Vec<u8> {
    let mut p = Vec::new();
    p.put_lenenc_int(n as u64);
    p
}

/// A 4.1 column definition.
pub fn column_definition(c: &Column) -> Vec<u8> {
    let mut p = Vec::new();
    p.put_lenenc_str(b"def");
    p.put_lenenc_str(c.schema.as_bytes());
    p.put_lenenc_str(c.table.as_bytes());
    p.put_lenenc_str(c.org_table.as_bytes());
    p.put_lenenc_str(c.name.as_bytes());
    p.put_lenenc_str(c.org_name.as_bytes());
    p.put_lenenc_int(0x0C);
    p.put_u16(c.charset);
    p.put_u32(c.length);
    p.put_u8(c.column_type as u8);
    p.put_u16(c.flags.bits());
    p.put_u8(c.decimals);
    p.put_u16(0);
    p
}

/// A text-protocol row: each value length-encoded, NULL as 0xFB.
pub fn text_row(values: &[Option<Vec<u8>>]) -> Vec<u8> {
    let mut p = Vec::new();
    for v in values {
        match v {
            Some(bytes) => p.put_lenenc_str(bytes),
            None => p.put_u8(0xFB),
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn autocommit() -> Trailer {
        Trailer {
            status: StatusFlags::SERVER_STATUS_AUTOCOMMIT,
            warnings: 0,
        }
    }

    #[test]
    fn plain_ok_matches_mariadb_bytes() {
        let p = ok(&OkInfo::default(), autocommit(), CapabilityFlags::empty());
        assert_eq!(p, [0, 0, 0, 2, 0, 0, 0]);
    }

    #[test]
    fn ok_info_is_lenenc_only_with_session_tracking() {
        let info = OkInfo {
            affected_rows: 3,
            last_insert_id: 0,
            info: "Records: 3".into(),
        };
        let raw = ok(&info, autocommit(), CapabilityFlags::empty());
        assert_eq!(&raw[7..], b"Records: 3");
        let tracked = ok(&info, autocommit(), CapabilityFlags::CLIENT_SESSION_TRACK);
        assert_eq!(tracked[7], 10);
        assert_eq!(&tracked[8..], b"Records: 3");
    }

    #[test]
    fn err_matches_mariadb_bytes() {
        let e = ServerError::new(1046, "3D000", "No database selected");
        assert_eq!(err(&e), b"\xff\x16\x04#3D000No database selected");
    }

    #[test]
    fn eof_matches_mariadb_bytes() {
        assert_eq!(eof(autocommit()), [0xFE, 0, 0, 2, 0]);
    }

    #[test]
    fn row_writes_null_as_fb() {
        assert_eq!(text_row(&[Some(b"1".to_vec()), None]), [1, b'1', 0xFB]);
    }

    #[test]
    fn integer_column_definition_layout() {
        let p = column_definition(&Column::integer("1"));
        assert_eq!(&p[..4], b"\x03def");
        // schema, table, org_table empty; name and org_name "1".
        assert_eq!(&p[4..11], b"\x00\x00\x00\x011\x011");
        assert_eq!(p[11], 0x0C);
        assert_eq!(u16::from_le_bytes([p[12], p[13]]), 63);
        assert_eq!(p[18], 8);
        assert_eq!(p.len(), 11 + 13);
    }
}
