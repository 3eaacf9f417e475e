use super::*;
use crate::binlog::event as build;
use crate::replication::channel::Channel;
use proptest::prelude::*;

/// A scratch relay-log directory for one test.
fn scratch(name: &str) -> RelayFiles {
    let dir = std::env::temp_dir().join(format!("relay-reader-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    RelayFiles {
        base: dir.join("relay-bin"),
        index: dir.join("relay-bin.index"),
    }
}

/// A relay file: magic, a Format_description, then `events`.
fn file_bytes(events: &[build::Event]) -> Vec<u8> {
    let mut bytes = vec![0xfe, b'b', b'i', b'n'];
    let fde = build::format_description(1, "10.11.19-MariaDB-log", 0);
    let mut all = vec![fde];
    all.extend_from_slice(events);
    for e in &all {
        let pos = bytes.len() as u64;
        bytes.extend(e.frame(2, pos));
    }
    bytes
}

fn write_files(files: &RelayFiles, contents: &[Vec<u8>]) {
    let mut index = String::new();
    for (i, bytes) in contents.iter().enumerate() {
        let name = format!("relay-bin.{:06}", i + 1);
        std::fs::write(files.base.with_file_name(&name), bytes).unwrap();
        index.push_str(&format!("./{name}\n"));
    }
    std::fs::write(&files.index, index).unwrap();
}

/// Every event the reader yields before it would wait.
fn read_all(reader: &mut RelayReader, channel: &Channel) -> Result<Vec<RawEvent>, ReadError> {
    let mut out = Vec::new();
    let tries = std::cell::Cell::new(0);
    // Stops at the first wait: the second check of the flag in a row.
    let stopping = || {
        tries.set(tries.get() + 1);
        tries.get() > 1
    };
    let control = Control {
        stopping: &stopping,
        waiting: &|| {},
    };
    while let Some(e) = reader.next(channel, &control)? {
        tries.set(0);
        out.push(e);
    }
    Ok(out)
}

#[test]
fn follows_the_index_from_file_to_file() {
    let files = scratch("follow");
    write_files(
        &files,
        &[
            file_bytes(&[build::xid(1, 1)]),
            file_bytes(&[build::xid(1, 2), build::xid(1, 3)]),
        ],
    );
    let channel = Channel::default();
    let mut reader = RelayReader::new(files, "", 4, true);
    let events = read_all(&mut reader, &channel).unwrap();
    let kinds: Vec<(String, u8)> = events
        .iter()
        .map(|e| (e.file.clone(), e.bytes[4]))
        .collect();
    assert_eq!(kinds.len(), 5);
    assert_eq!(kinds[0], ("relay-bin.000001".to_string(), 15));
    assert_eq!(kinds[4], ("relay-bin.000002".to_string(), 16));
    assert_eq!(reader.position().0, "relay-bin.000002");
}

#[test]
fn starts_mid_file_knowing_the_checksum_setting() {
    let files = scratch("mid");
    let bytes = file_bytes(&[build::xid(1, 1), build::xid(1, 2)]);
    write_files(&files, &[bytes]);
    let fde = build::format_description(1, "10.11.19-MariaDB-log", 0);
    let second = 4 + fde.len() + build::xid(1, 1).len();
    let mut reader = RelayReader::new(files, "relay-bin.000001", second, true);
    let events = read_all(&mut reader, &Channel::default()).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(&events[0].bytes[19..], &2u64.to_le_bytes());
}

#[test]
fn a_flipped_byte_fails_the_checksum() {
    let files = scratch("flip");
    let mut bytes = file_bytes(&[build::xid(1, 1)]);
    let last = bytes.len() - 6;
    bytes[last] ^= 0x40;
    write_files(&files, &[bytes]);
    let mut reader = RelayReader::new(files, "", 4, true);
    assert!(matches!(
        read_all(&mut reader, &Channel::default()),
        Err(ReadError::Corrupt(_))
    ));
}

#[test]
fn a_cut_event_that_cannot_grow_is_corrupt() {
    let files = scratch("cut");
    let mut bytes = file_bytes(&[build::xid(1, 1)]);
    bytes.truncate(bytes.len() - 10);
    write_files(&files, &[bytes]);
    let mut reader = RelayReader::new(files, "", 4, true);
    // The IO thread is stopped, so nothing can complete the event.
    let result = read_all(&mut reader, &Channel::default());
    assert!(matches!(result, Err(ReadError::Corrupt(m)) if m.contains("cut short")));
}

#[test]
fn a_cut_event_waits_while_the_io_thread_runs() {
    let files = scratch("grow");
    let mut bytes = file_bytes(&[build::xid(1, 1)]);
    bytes.truncate(bytes.len() - 10);
    write_files(&files, &[bytes]);
    let channel = Channel::default();
    channel.io.lock().unwrap().running = crate::replication::channel::IoRunning::Yes;
    let mut reader = RelayReader::new(files, "", 4, true);
    assert_eq!(read_all(&mut reader, &channel).unwrap().len(), 1);
}

proptest! {
    #[test]
    fn arbitrary_files_never_panic(body in proptest::collection::vec(any::<u8>(), 0..400), verify: bool) {
        let files = scratch("fuzz");
        let mut bytes = vec![0xfe, b'b', b'i', b'n'];
        bytes.extend_from_slice(&body);
        write_files(&files, &[bytes]);
        let mut reader = RelayReader::new(files, "", 4, verify);
        let _ = read_all(&mut reader, &Channel::default());
    }
}

#[test]
fn an_append_between_read_and_wait_is_not_waited_for() {
    // The racing order: the reader finds nothing, the IO thread appends
    // and notifies (nobody waits yet), then the reader starts to wait.
    let channel = Channel::default();
    let seen = relay_space(&channel);
    channel.io.lock().unwrap().relay_log_space += 19;
    channel.relay_grown.notify_all();
    let started = std::time::Instant::now();
    wait_for_growth(&channel, seen, &|| false);
    assert!(started.elapsed() < WAIT_SLICE);
}
