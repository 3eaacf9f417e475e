//! Reading what a dump needs from the binlog files besides the events it
//! streams: each file's opening Gtid_list (to find the start file), the
//! binlog state over all files (to check the slave's start), and the GTID
//! position at a file offset (BINLOG_GTID_POS). File bytes come in,
//! GTIDs go out; a damaged file reads as far as its events are whole.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use super::frames::header;
use super::gtid_start::BinlogState;
use crate::binlog::BinaryLog;
use crate::binlog::event::{HEADER_LEN, kind};
use crate::binlog::gtid::Gtid;
use crate::binlog::reader;

/// The event at `pos` in `file`, whole; None at the end or a truncated one.
pub fn event_at(file: &mut File, pos: u64) -> io::Result<Option<Vec<u8>>> {
    file.seek(SeekFrom::Start(pos))?;
    let mut head = vec![0u8; HEADER_LEN];
    if read_full(file, &mut head)? < HEADER_LEN {
        return Ok(None);
    }
    let size = header(&head).map_or(0, |h| h.size);
    if size < HEADER_LEN {
        return Ok(None);
    }
    head.resize(size, 0);
    Ok((read_full(file, &mut head[HEADER_LEN..])? == size - HEADER_LEN).then_some(head))
}

/// Fills `buf` unless the file ends first; how much was read.
fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// The GTIDs of a Gtid_list event's body (count, then 16 bytes each).
pub fn gtid_list_body(body: &[u8]) -> Vec<Gtid> {
    let count = body.get(..4).map_or(0, |b| {
        u32::from_le_bytes([b[0], b[1], b[2], b[3]]) & 0x0fff_ffff
    }) as usize;
    body.get(4..)
        .unwrap_or_default()
        .chunks_exact(16)
        .take(count)
        .map(|c| Gtid {
            domain_id: u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
            server_id: u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            seq_no: u64::from_le_bytes([c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15]]),
        })
        .collect()
}

/// The Gtid_list that opens a file: among its first events, before any group.
pub fn opening_gtid_list(file: &mut File) -> io::Result<Vec<Gtid>> {
    let mut pos = 4;
    while let Some(event) = event_at(file, pos)? {
        match event[4] {
            kind::GTID_LIST => return Ok(gtid_list_body(&event[HEADER_LEN..])),
            kind::GTID | kind::QUERY => break,
            _ => pos += event.len() as u64,
        }
    }
    Ok(Vec::new())
}

/// Every file in the index with its opening Gtid_list, oldest first.
pub fn file_lists(log: &BinaryLog) -> Vec<(String, Vec<Gtid>)> {
    log.names()
        .into_iter()
        .filter_map(|name| {
            let mut file = File::open(log.path_of(&name)?).ok()?;
            Some((name, opening_gtid_list(&mut file).ok()?))
        })
        .collect()
}

/// The binlog state: the first file's Gtid_list, then every group's GTID,
/// without the domains FLUSH BINARY LOGS DELETE_DOMAIN_ID dropped since.
pub fn binlog_state(log: &BinaryLog) -> BinlogState {
    let mut state = BinlogState::default();
    for name in log.names() {
        for g in log
            .read(&name)
            .map(|b| reader::gtids(&b))
            .unwrap_or_default()
        {
            state.record(g);
        }
    }
    let live = log.gtid_state();
    state.retain_domains(|domain_id| live.get(domain_id).is_some());
    state
}

/// BINLOG_GTID_POS(file, pos): the state at `pos` in `bytes`, which must
/// be where an event starts (or the end); None when it is not. The
/// file's Gtid_list counts even when `pos` is before it.
pub fn gtid_pos_at(bytes: &[u8], pos: u64) -> Option<String> {
    let pos = pos.max(4) as usize;
    let mut state = BinlogState::default();
    let (mut at, mut valid, mut listed) = (4usize, false, false);
    loop {
        valid |= at == pos;
        if at >= pos && listed {
            break;
        }
        let size = bytes.get(at..).and_then(header).map_or(0, |h| h.size);
        if size < HEADER_LEN || at + size > bytes.len() {
            return None;
        }
        let event = &bytes[at..at + size];
        match event[4] {
            kind::GTID_LIST => {
                listed = true;
                gtid_list_body(&event[HEADER_LEN..])
                    .into_iter()
                    .for_each(|g| state.record(g));
            }
            kind::GTID if at < pos => state.record(group_gtid(event)?),
            _ => {}
        }
        at += size;
    }
    valid.then(|| crate::binlog::gtid::list_text(&state_by_domain(&state)))
}

/// The GTID of a whole Gtid event.
fn group_gtid(event: &[u8]) -> Option<Gtid> {
    let body = &event[HEADER_LEN..];
    Some(Gtid {
        domain_id: u32::from_le_bytes(body.get(8..12)?.try_into().ok()?),
        server_id: u32::from_le_bytes(event.get(5..9)?.try_into().ok()?),
        seq_no: u64::from_le_bytes(body.get(0..8)?.try_into().ok()?),
    })
}

/// One GTID per domain, the latest: what a position text shows.
fn state_by_domain(state: &BinlogState) -> Vec<Gtid> {
    let mut out: Vec<Gtid> = Vec::new();
    for g in state.list() {
        match out.last_mut() {
            Some(last) if last.domain_id == g.domain_id => *last = g,
            _ => out.push(g),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binlog::event::{self, QueryContext};
    use proptest::prelude::*;

    /// A small file: FD, Gtid_list [0-1-3], then groups 0-1-4 and 0-1-5.
    fn file_bytes() -> (Vec<u8>, Vec<u64>) {
        let ctx = QueryContext {
            thread_id: 1,
            error_code: 0,
            db: String::new(),
            flags2: 0,
            sql_mode: 0,
            charsets: [33, 33, 8],
            xid: None,
            time_zone: None,
        };
        let list = [Gtid {
            domain_id: 0,
            server_id: 1,
            seq_no: 3,
        }];
        let events = [
            event::format_description(1, "10.11.19-MariaDB-log", 0),
            event::gtid_list(1, &list),
            event::gtid(1, 4, 0, 1),
            event::query(1, 0, &ctx, "create table t (a int)"),
            event::gtid(1, 5, 0, 1),
            event::query(1, 0, &ctx, "drop table t"),
        ];
        let mut bytes = vec![0xfe, b'b', b'i', b'n'];
        let mut starts = Vec::new();
        for e in &events {
            starts.push(bytes.len() as u64);
            let framed = e.frame(1, bytes.len() as u64);
            bytes.extend(framed);
        }
        starts.push(bytes.len() as u64);
        (bytes, starts)
    }

    #[test]
    fn gtid_pos_follows_the_groups_and_needs_an_event_boundary() {
        let (bytes, starts) = file_bytes();
        assert_eq!(gtid_pos_at(&bytes, 4).as_deref(), Some("0-1-3"));
        assert_eq!(gtid_pos_at(&bytes, starts[2]).as_deref(), Some("0-1-3"));
        assert_eq!(gtid_pos_at(&bytes, starts[4]).as_deref(), Some("0-1-4"));
        assert_eq!(gtid_pos_at(&bytes, starts[6]).as_deref(), Some("0-1-5"));
        assert_eq!(gtid_pos_at(&bytes, starts[4] + 1), None);
        assert_eq!(gtid_pos_at(&bytes, starts[6] + 100), None);
    }

    #[test]
    fn reads_the_opening_gtid_list_of_a_file() {
        let (bytes, _) = file_bytes();
        let path = std::env::temp_dir().join(format!("scan-test-{}", std::process::id()));
        std::fs::write(&path, &bytes).unwrap();
        let mut file = File::open(&path).unwrap();
        let list = opening_gtid_list(&mut file).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            list,
            vec![Gtid {
                domain_id: 0,
                server_id: 1,
                seq_no: 3
            }]
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300), pos in 0u64..400) {
            let _ = gtid_pos_at(&bytes, pos);
            let _ = gtid_list_body(&bytes);
        }
    }
}
