use std::fs;
use std::path::PathBuf;

use super::*;
use crate::binlog::event::{self, Event};
use crate::binlog::reader;
use crate::replication::slave::relay_log::RelaySettings;
use proptest::prelude::*;

fn relay(name: &str) -> (RelayLog, PathBuf) {
    let dir = std::env::temp_dir().join(format!("queue-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let settings = RelaySettings {
        base: dir.join("r-relay-bin"),
        index: dir.join("r-relay-bin.index"),
        version: "10.11.19-MariaDB-log".into(),
        server_id: 2,
        max_size: 1 << 30,
    };
    (RelayLog::open(settings, true).unwrap(), dir)
}

/// The stream a master with server id 1 sends for a dump from the start.
fn master_stream() -> Vec<Vec<u8>> {
    let mut fake_rotate = event::rotate(0, "master-bin.000001");
    fake_rotate.flags = 0x20;
    let mut out = vec![fake_rotate.frame(1, 0)];
    // A fake rotate's end position is 0.
    let len = out[0].len();
    out[0][13..17].copy_from_slice(&0u32.to_le_bytes());
    let crc = crate::binlog::crc::crc32(&out[0][..len - 4]);
    out[0][len - 4..].copy_from_slice(&crc.to_le_bytes());
    let mut pos = 4;
    let mut push = |e: Event, out: &mut Vec<Vec<u8>>| {
        let bytes = e.frame(1, pos);
        pos += bytes.len() as u64;
        out.push(bytes);
    };
    let mut fde = event::format_description(1, "10.11.19-MariaDB-log", 1);
    fde.flags = 0;
    push(fde, &mut out);
    push(event::gtid_list(1, &[]), &mut out);
    push(event::gtid(1, 1, 0, 0x21), &mut out);
    push(event::xid(1, 7), &mut out);
    out
}

#[test]
fn a_dump_lands_in_a_fresh_relay_file_and_moves_the_positions() {
    let (mut log, _dir) = relay("fresh");
    let (mut info, mut io) = (MasterInfo::default(), IoStatus::default());
    let mut state = QueueState {
        checksummed: true,
        own_server_id: 2,
        ..QueueState::default()
    };
    for bytes in master_stream() {
        let queued = queue_event(&bytes, &mut state, &mut log, &mut info, &mut io).unwrap();
        assert_eq!(queued, Queued::Written);
    }
    assert_eq!(log.current(), "r-relay-bin.000002");
    let rows = reader::events(&log.read("r-relay-bin.000002").unwrap());
    let types: Vec<&str> = rows.iter().map(|r| r.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "Format_desc",
            "Rotate",
            "Format_desc",
            "Gtid_list",
            "Gtid",
            "Xid"
        ]
    );
    assert_eq!(rows[1].info, "master-bin.000001;pos=4");
    assert_eq!(info.log_file, "master-bin.000001");
    assert_eq!(info.log_pos, rows[5].end_log_pos);
    assert_eq!(io.read_master_log_pos, info.log_pos);
    assert_eq!(io.gtid_io_pos, "0-1-1");
    assert_eq!(io.relay_log_space, log.space());
}

#[test]
fn a_reconnect_skips_what_was_already_queued() {
    let (mut log, _dir) = relay("resume");
    let (mut info, mut io) = (MasterInfo::default(), IoStatus::default());
    let mut state = QueueState {
        checksummed: true,
        own_server_id: 2,
        ..QueueState::default()
    };
    let stream = master_stream();
    for bytes in &stream {
        queue_event(bytes, &mut state, &mut log, &mut info, &mut io).unwrap();
    }
    let space = log.space();
    state.resume = Some((info.log_file.clone(), info.log_pos));
    for bytes in &stream {
        let queued = queue_event(bytes, &mut state, &mut log, &mut info, &mut io).unwrap();
        assert_eq!(queued, Queued::Skipped);
    }
    assert_eq!(log.space(), space);
}

#[test]
fn a_bad_checksum_and_a_short_event_are_errors() {
    let (mut log, _dir) = relay("bad");
    let (mut info, mut io) = (MasterInfo::default(), IoStatus::default());
    let mut state = QueueState {
        checksummed: true,
        ..QueueState::default()
    };
    let mut bytes = master_stream().remove(1);
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    let e = queue_event(&bytes, &mut state, &mut log, &mut info, &mut io).unwrap_err();
    assert_eq!(e.code, 1743);
    let e = queue_event(&[1, 2, 3], &mut state, &mut log, &mut info, &mut io).unwrap_err();
    assert_eq!(e.code, 1595);
}

#[test]
fn gtid_positions_merge_per_domain() {
    let g = |d, s, n| Gtid {
        domain_id: d,
        server_id: s,
        seq_no: n,
    };
    assert_eq!(merge_gtid("", g(0, 1, 1)), "0-1-1");
    assert_eq!(merge_gtid("0-1-1,2-1-5", g(0, 1, 2)), "0-1-2,2-1-5");
    assert_eq!(merge_gtid("2-1-5", g(1, 3, 1)), "1-3-1,2-1-5");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80), checksummed: bool) {
        let (mut log, _dir) = relay("prop");
        let (mut info, mut io) = (MasterInfo::default(), IoStatus::default());
        let mut state = QueueState { checksummed, resume: Some(("a".into(), 10)), ..QueueState::default() };
        let _ = queue_event(&bytes, &mut state, &mut log, &mut info, &mut io);
    }
}
