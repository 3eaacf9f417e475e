use super::*;
use crate::binlog::reader;
use std::path::Path;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("relay-log-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn settings(dir: &Path, max_size: u64) -> RelaySettings {
    RelaySettings {
        base: dir.join("slave-relay-bin"),
        index: dir.join("slave-relay-bin.index"),
        version: "10.11.19-MariaDB-log".into(),
        server_id: 2,
        max_size,
    }
}

/// A master's Query event framed at `pos`, as the IO thread receives it.
fn master_query(pos: u64, text: &str) -> Vec<u8> {
    let context = event::QueryContext {
        thread_id: 1,
        error_code: 0,
        db: String::new(),
        flags2: 0,
        sql_mode: 0,
        charsets: [33, 33, 8],
        xid: None,
        time_zone: None,
    };
    event::query(1, 0, &context, text).frame(1, pos)
}

#[test]
fn opens_with_its_own_format_description_and_appends_events_as_received() {
    let dir = scratch("append");
    let mut log = RelayLog::open(settings(&dir, 1 << 30), true).unwrap();
    let q = master_query(500, "insert into t values (1)");
    log.append(&q).unwrap();
    let bytes = fs::read(dir.join("slave-relay-bin.000001")).unwrap();
    let rows = reader::events(&bytes);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].event_type.as_str(), rows[0].server_id),
        ("Format_desc", 2)
    );
    assert_eq!(rows[0].end_log_pos, 256);
    assert_eq!(bytes[4 + 17], RELAY_LOG_FLAG as u8);
    assert_eq!(rows[1].info, "insert into t values (1)");
    assert_eq!(rows[1].end_log_pos, 500 + q.len() as u64);
    assert!(bytes.ends_with(&q));
    assert_eq!(log.space(), bytes.len() as u64);
    assert_eq!(
        fs::read_to_string(dir.join("slave-relay-bin.index")).unwrap(),
        "./slave-relay-bin.000001\n"
    );
}

#[test]
fn rotate_closes_the_file_with_a_rotate_naming_the_next() {
    let dir = scratch("rotate");
    let mut log = RelayLog::open(settings(&dir, 1 << 30), true).unwrap();
    log.rotate().unwrap();
    assert_eq!(log.current(), "slave-relay-bin.000002");
    let first = reader::events(&log.read("slave-relay-bin.000001").unwrap());
    assert_eq!(first.len(), 2);
    assert_eq!(first[1].event_type, "Rotate");
    assert_eq!(first[1].info, "slave-relay-bin.000002;pos=4");
    assert_eq!((first[1].pos, first[1].end_log_pos), (256, 309));
    assert_eq!(log.names().len(), 2);
    assert_eq!(log.space(), 309 + 256);
}

#[test]
fn grows_past_the_limit_into_the_next_file() {
    let dir = scratch("limit");
    let mut log = RelayLog::open(settings(&dir, 300), false).unwrap();
    log.append(&master_query(256, "create table t (a int)"))
        .unwrap();
    assert_eq!(log.current(), "slave-relay-bin.000002");
    log.append(&master_query(400, "drop table t")).unwrap();
    let second = reader::events(&log.read("slave-relay-bin.000002").unwrap());
    assert_eq!(second[1].info, "drop table t");
}

#[test]
fn purge_starts_again_and_remove_all_leaves_nothing() {
    let dir = scratch("purge");
    let mut log = RelayLog::open(settings(&dir, 1 << 30), true).unwrap();
    log.rotate().unwrap();
    let log = log.purge_all().unwrap();
    assert_eq!(log.names(), ["slave-relay-bin.000001".to_string()]);
    assert!(!dir.join("slave-relay-bin.000002").exists());
    log.remove_all().unwrap();
    assert!(!dir.join("slave-relay-bin.000001").exists());
    assert!(!dir.join("slave-relay-bin.index").exists());
}

#[test]
fn reopening_continues_the_numbering_of_the_index() {
    let dir = scratch("reopen");
    drop(RelayLog::open(settings(&dir, 1 << 30), true).unwrap());
    let log = RelayLog::open(settings(&dir, 1 << 30), true).unwrap();
    assert_eq!(log.current(), "slave-relay-bin.000002");
    assert_eq!(log.first(), "slave-relay-bin.000001");
    // The earlier file's header counts as well as the new one's.
    assert_eq!(log.space(), 256 + 256);
}
