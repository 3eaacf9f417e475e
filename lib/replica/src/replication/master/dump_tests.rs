//! A dump driven over a real `BinaryLog` in a scratch directory, its
//! packets collected in memory: what it sends, in which order, and how it
//! ends.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::binlog::event::{self, QueryContext};
use crate::binlog::files::LogSettings;
use crate::session::registry::ThreadRegistry;

/// The packets a dump queued, and how many flushes it made.
#[derive(Default)]
struct Collected {
    packets: Vec<Vec<u8>>,
}

impl Sink for Collected {
    fn queue(&mut self, payload: &[u8]) {
        self.packets.push(payload.to_vec());
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rmtr-dump-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn open_log(dir: &Path) -> BinaryLog {
    BinaryLog::open(LogSettings {
        base: dir.join("m-bin"),
        index: dir.join("m-bin.index"),
        version: "10.11.19-MariaDB-log".into(),
        server_id: 1,
        max_size: 1 << 30,
    })
    .unwrap()
}

/// Logs one standalone statement.
fn statement(log: &BinaryLog, text: &str) {
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
    log.write_group(0, 1, 1, vec![event::query(1, 0, &ctx, text)])
        .unwrap();
}

fn gtid_options(state: &str) -> DumpOptions {
    DumpOptions {
        checksum_aware: true,
        checksum_crc32: true,
        capability: 4,
        connect_state: Some(state.into()),
        ..DumpOptions::default()
    }
}

fn request(file: &str, pos: u32, flags: u16) -> DumpRequest {
    DumpRequest {
        pos,
        flags,
        server_id: 2,
        file: file.into(),
    }
}

/// Runs a dump to its end; the packets and the ending.
fn dump(log: &BinaryLog, request: &DumpRequest, opts: &DumpOptions) -> (Vec<Vec<u8>>, Ending) {
    let thread = ThreadRegistry::default().register("root", "localhost", None);
    let env = DumpEnv {
        log: Some(log),
        server_id: 1,
        thread: &thread,
        stop: &|| false,
        xid_pause: None,
    };
    let mut sink = Collected::default();
    let ending = run(&mut sink, request, opts, &env);
    (sink.packets, ending)
}

/// Each packet's event type (after the OK byte), and Query texts.
fn kinds(packets: &[Vec<u8>]) -> Vec<String> {
    packets
        .iter()
        .map(|p| {
            assert_eq!(p[0], 0, "every event follows the OK byte");
            let e = &p[1..];
            match e[4] {
                kind::QUERY => {
                    let body = &e[HEADER_LEN..e.len() - 4];
                    let status = usize::from(u16::from_le_bytes([body[11], body[12]]));
                    String::from_utf8_lossy(&body[13 + status + usize::from(body[8]) + 1..])
                        .into_owned()
                }
                kind::ROTATE if e[0..4] == [0; 4] => "fake rotate".into(),
                kind::GTID_LIST if e[0..4] == [0; 4] => "fake gtid list".into(),
                k => format!("{k}"),
            }
        })
        .collect()
}

#[test]
fn a_non_blocking_dump_steps_through_every_file_then_ends() {
    let dir = scratch("files");
    let log = open_log(&dir);
    statement(&log, "create table t (a int)");
    log.rotate().unwrap();
    statement(&log, "drop table t");
    let (packets, ending) = dump(
        &log,
        &request("", 4, DUMP_NON_BLOCK),
        &gtid_options("").clone(),
    );
    assert_eq!(ending, Ending::Eof);
    let fd = kind::FORMAT_DESCRIPTION.to_string();
    let (list, checkpoint, gtid, rotate) = ("163", "161", "162", "4");
    assert_eq!(
        kinds(&packets),
        [
            "fake rotate",
            &fd,
            list,
            checkpoint,
            gtid,
            "create table t (a int)",
            rotate,
            "fake rotate",
            &fd,
            list,
            checkpoint,
            checkpoint,
            gtid,
            "drop table t",
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_gtid_start_skips_what_the_slave_has_and_marks_the_spot() {
    let dir = scratch("gtid");
    let log = open_log(&dir);
    for text in ["s1", "s2", "s3"] {
        statement(&log, text);
    }
    let (packets, _) = dump(
        &log,
        &request("", 4, DUMP_NON_BLOCK),
        &gtid_options("0-1-2"),
    );
    let texts = kinds(&packets);
    assert_eq!(texts[4..], ["fake gtid list", "162", "s3"]);
    // The Format_description keeps no `created` time before the start is reached.
    assert_eq!(&packets[1][1 + HEADER_LEN + 52..][..4], &[0; 4]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_position_start_sends_the_format_description_with_log_pos_zero() {
    let dir = scratch("pos");
    let log = open_log(&dir);
    statement(&log, "s1");
    let (file, middle) = log.status();
    statement(&log, "s2");
    let opts = DumpOptions {
        checksum_aware: true,
        ..DumpOptions::default()
    };
    let (packets, ending) = dump(&log, &request(&file, middle as u32, DUMP_NON_BLOCK), &opts);
    assert_eq!(ending, Ending::Eof);
    assert_eq!(kinds(&packets), ["fake rotate", "15", "162", "s2"]);
    // The slave asked for no checksum: the first Rotate has none; the file's events keep theirs.
    assert_eq!(packets[0].len(), 1 + HEADER_LEN + 8 + file.len());
    assert_eq!(&packets[1][1 + 13..1 + 17], &[0; 4]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refusals_carry_mariadbs_texts() {
    let dir = scratch("refuse");
    let log = open_log(&dir);
    statement(&log, "s1");
    let plain = DumpOptions::default();
    let (_, ending) = dump(&log, &request("", 4, 0), &plain);
    let Ending::Failed(e) = ending else {
        panic!("{ending:?}")
    };
    assert!(e.message.starts_with("Slave can not handle replication events with the checksum that master is configured to log; the first event '.' at 4, the last event read from 'm-bin.000001' at 4, the last byte read from 'm-bin.000001' at 256."), "{}", e.message);
    let aware = DumpOptions {
        checksum_aware: true,
        ..DumpOptions::default()
    };
    let (_, ending) = dump(&log, &request("m-bin.000009", 4, 0), &aware);
    assert_eq!(
        ending,
        Ending::Failed(errors::fatal(
            "Could not find first log file name in binary log index file"
        ))
    );
    let (_, ending) = dump(&log, &request("", 4, 0), &gtid_options("0-1-9"));
    assert_eq!(
        ending,
        Ending::Failed(errors::fatal(
            "Error: connecting slave requested to start from GTID 0-1-9, which is not in the master's binlog"
        ))
    );
    let (_, ending) = dump(&log, &request("m-bin.000001", 9999, 0), &aware);
    let Ending::Failed(e) = ending else {
        panic!("{ending:?}")
    };
    assert!(
        e.message
            .starts_with("Client requested master to start replication from impossible position")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_waiting_dump_wakes_for_new_events_and_ends_at_a_stop() {
    let dir = scratch("wait");
    let log = Arc::new(open_log(&dir));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (log2, stop2) = (Arc::clone(&log), Arc::clone(&stop));
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        statement(&log2, "late");
        std::thread::sleep(Duration::from_millis(50));
        stop2.store(true, std::sync::atomic::Ordering::SeqCst);
        log2.wake_waiters();
    });
    let thread = ThreadRegistry::default().register("root", "localhost", None);
    let check = || stop.load(std::sync::atomic::Ordering::SeqCst);
    let env = DumpEnv {
        log: Some(&log),
        server_id: 1,
        thread: &thread,
        stop: &check,
        xid_pause: None,
    };
    let mut sink = Collected::default();
    let ending = run(&mut sink, &request("", 4, 0), &gtid_options(""), &env);
    writer.join().unwrap();
    assert_eq!(ending, Ending::Closed);
    assert!(kinds(&sink.packets).contains(&"late".to_string()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reset_master_ends_a_waiting_dump_with_could_not_find_next_log() {
    let dir = scratch("reset");
    let log = Arc::new(open_log(&dir));
    let log2 = Arc::clone(&log);
    let resetter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        log2.reset().unwrap();
    });
    let opts = DumpOptions {
        heartbeat: Some(Duration::from_secs(5)),
        ..gtid_options("")
    };
    let (_, ending) = dump(&log, &request("", 4, 0), &opts);
    resetter.join().unwrap();
    let Ending::Failed(e) = ending else {
        panic!("{ending:?}")
    };
    assert!(e.message.starts_with("could not find next log; the first event '.' at 4, the last event read from 'm-bin.000001'"), "{}", e.message);
    let _ = std::fs::remove_dir_all(&dir);
}
