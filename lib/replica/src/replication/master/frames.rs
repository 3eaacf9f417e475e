//! The events a master sends that are not in its files, and the changes
//! it makes to the ones that are: the artificial Rotate naming the file
//! (timestamp 0, log_pos 0, LOG_EVENT_ARTIFICIAL_F), the artificial
//! Gtid_list marking the slave's start as reached, Heartbeat events, and
//! the Format_description with its in-use flag cleared (and log_pos and
//! `created` zeroed when the slave starts past it). Values come in, whole
//! event bytes go out, a checksum added when the stream carries them.

use crate::binlog::crc::crc32;
use crate::binlog::event::{CHECKSUM_LEN, HEADER_LEN, flag, kind};
use crate::binlog::gtid::Gtid;

/// Header flag of events the master made up for the stream.
pub const ARTIFICIAL: u16 = 0x20;
/// The Heartbeat event's type code.
pub const HEARTBEAT: u8 = 27;

/// Offsets in the common header.
const LOG_POS_AT: usize = 13;
const FLAGS_AT: usize = 17;
/// `created` in the Format_description body: after binlog version and server version.
const CREATED_AT: usize = HEADER_LEN + 2 + 50;

/// One event's header fields, read from untrusted bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub kind: u8,
    pub server_id: u32,
    /// The whole event's length, header and checksum included.
    pub size: usize,
}

/// The header of the event at the start of `bytes`, if 19 bytes are there.
pub fn header(bytes: &[u8]) -> Option<Header> {
    let h = bytes.get(..HEADER_LEN)?;
    Some(Header {
        kind: h[4],
        server_id: u32::from_le_bytes([h[5], h[6], h[7], h[8]]),
        size: u32::from_le_bytes([h[9], h[10], h[11], h[12]]) as usize,
    })
}

/// Whether a Format_description says its file's events carry CRC32s.
pub fn format_checksums(fd: &[u8]) -> bool {
    fd.len() > HEADER_LEN + CHECKSUM_LEN && fd[fd.len() - CHECKSUM_LEN - 1] == 1
}

/// An event the master makes up: header, body, checksum if `checksum`.
fn artificial(
    kind: u8,
    server_id: u32,
    log_pos: u32,
    flags: u16,
    body: &[u8],
    checksum: bool,
) -> Vec<u8> {
    let size = HEADER_LEN + body.len() + if checksum { CHECKSUM_LEN } else { 0 };
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&0u32.to_le_bytes());
    out.push(kind);
    out.extend_from_slice(&server_id.to_le_bytes());
    out.extend_from_slice(&(size as u32).to_le_bytes());
    out.extend_from_slice(&log_pos.to_le_bytes());
    out.extend_from_slice(&flags.to_le_bytes());
    out.extend_from_slice(body);
    if checksum {
        let crc = crc32(&out);
        out.extend_from_slice(&crc.to_le_bytes());
    }
    out
}

/// The Rotate that opens each file's stream: where to start in `file`.
pub fn fake_rotate(server_id: u32, file: &str, pos: u64, checksum: bool) -> Vec<u8> {
    let mut body = pos.to_le_bytes().to_vec();
    body.extend_from_slice(file.as_bytes());
    artificial(kind::ROTATE, server_id, 0, ARTIFICIAL, &body, checksum)
}

/// The Gtid_list sent once the slave's start is reached, at `log_pos`.
pub fn fake_gtid_list(server_id: u32, list: &[Gtid], log_pos: u32, checksum: bool) -> Vec<u8> {
    flagged_gtid_list(server_id, list, 0, log_pos, checksum)
}

/// An artificial Gtid_list whose count carries flags in its top four bits
/// (e.g. "until reached").
pub fn flagged_gtid_list(
    server_id: u32,
    list: &[Gtid],
    flags: u32,
    log_pos: u32,
    checksum: bool,
) -> Vec<u8> {
    let mut body = (list.len() as u32 | flags).to_le_bytes().to_vec();
    for g in list {
        body.extend_from_slice(&g.domain_id.to_le_bytes());
        body.extend_from_slice(&g.server_id.to_le_bytes());
        body.extend_from_slice(&g.seq_no.to_le_bytes());
    }
    artificial(
        kind::GTID_LIST,
        server_id,
        log_pos,
        ARTIFICIAL,
        &body,
        checksum,
    )
}

/// A Heartbeat: the master is alive and has sent `file` up to `pos`.
pub fn heartbeat(server_id: u32, file: &str, pos: u64, checksum: bool) -> Vec<u8> {
    let log_pos = u32::try_from(pos).unwrap_or(0);
    artificial(HEARTBEAT, server_id, log_pos, 0, file.as_bytes(), checksum)
}

/// The file's Format_description as the slave gets it: not in use; with
/// log_pos 0 when the stream starts past it (`clear_log_pos`), and with
/// `created` 0 when the slave must keep its temporary tables.
pub fn format_description_for_slave(
    fd: &[u8],
    clear_log_pos: bool,
    clear_created: bool,
) -> Vec<u8> {
    let mut out = fd.to_vec();
    if out.len() < CREATED_AT + 4 + CHECKSUM_LEN {
        return out;
    }
    out[FLAGS_AT] &= !(flag::BINLOG_IN_USE as u8);
    if clear_log_pos {
        out[LOG_POS_AT..LOG_POS_AT + 4].fill(0);
    }
    if clear_log_pos || clear_created {
        out[CREATED_AT..CREATED_AT + 4].fill(0);
    }
    if format_checksums(fd) {
        let end = out.len() - CHECKSUM_LEN;
        let crc = crc32(&out[..end]);
        out[end..].copy_from_slice(&crc.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binlog::event;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn fake_rotate_matches_mariadbs_bytes() {
        let real = hex(
            "0000000004010000003000000000000000200004000000000000006d61737465722d62696e2e303030303031b8a9f18e",
        );
        assert_eq!(fake_rotate(1, "master-bin.000001", 4, true), real);
        let at_800 = hex(
            "0000000004010000003000000000000000200020030000000000006d61737465722d62696e2e303030303031b7047c9d",
        );
        assert_eq!(fake_rotate(1, "master-bin.000001", 800, true), at_800);
        let plain = fake_rotate(1, "master-bin.000001", 4, false);
        assert_eq!(
            plain,
            real[..real.len() - 4]
                .iter()
                .enumerate()
                .map(|(i, &b)| if i == 9 { 44 } else { b })
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn fake_gtid_list_matches_mariadbs_bytes() {
        let real = hex(
            "00000000a3010000002b0000002003000020000100000000000000010000000300000000000000f49cf37d",
        );
        let list = [Gtid {
            domain_id: 0,
            server_id: 1,
            seq_no: 3,
        }];
        assert_eq!(fake_gtid_list(1, &list, 800, true), real);
    }

    #[test]
    fn heartbeat_matches_mariadbs_bytes() {
        let real =
            hex("000000001b0100000028000000c703000000006d61737465722d62696e2e303030303031c6c17068");
        assert_eq!(heartbeat(1, "master-bin.000001", 967, true), real);
    }

    #[test]
    fn format_description_loses_in_use_and_keeps_a_valid_checksum() {
        let fd = event::format_description(1000, "10.11.19-MariaDB-log", 1000).frame(1, 4);
        assert_eq!(header(&fd).unwrap().kind, kind::FORMAT_DESCRIPTION);
        assert!(format_checksums(&fd));
        let sent = format_description_for_slave(&fd, false, false);
        assert_eq!(sent[FLAGS_AT] & 1, 0);
        // Clearing the flag leaves the checksum as written: it was computed without it.
        assert_eq!(sent[sent.len() - 4..], fd[fd.len() - 4..]);
        let past = format_description_for_slave(&fd, true, false);
        assert_eq!(&past[LOG_POS_AT..LOG_POS_AT + 4], &[0; 4]);
        assert_eq!(&past[CREATED_AT..CREATED_AT + 4], &[0; 4]);
        let end = past.len() - 4;
        assert_eq!(past[end..], crc32(&past[..end]).to_le_bytes());
    }

    #[test]
    fn short_bytes_have_no_header() {
        assert_eq!(header(&[0; 18]), None);
        assert_eq!(
            format_description_for_slave(&[1, 2, 3], true, true),
            vec![1, 2, 3]
        );
    }
}
