//! The files a log writes, read back as SHOW BINLOG EVENTS lists them.

use super::*;
use crate::binlog::reader::events;

fn settings(dir: &Path) -> LogSettings {
    LogSettings {
        base: dir.join("mysql-bin"),
        index: dir.join("mysql-bin.index"),
        version: "10.11.19-MariaDB-log".into(),
        server_id: 1,
        max_size: 1 << 30,
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rmtr-binlog-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_new_log_opens_with_the_positions_mariadb_has() {
    let dir = scratch("open");
    let log = BinaryLog::open(settings(&dir)).unwrap();
    assert_eq!(log.status(), ("mysql-bin.000001".to_string(), 328));
    let rows = events(&log.read("mysql-bin.000001").unwrap());
    let kinds: Vec<(&str, u64)> = rows
        .iter()
        .map(|r| (r.event_type.as_str(), r.end_log_pos))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Format_desc", 256),
            ("Gtid_list", 285),
            ("Binlog_checkpoint", 328)
        ]
    );
    assert_eq!(rows[2].info, "mysql-bin.000001");
    assert_eq!(
        fs::read_to_string(dir.join("mysql-bin.index")).unwrap(),
        "./mysql-bin.000001\n"
    );
}

#[test]
fn flush_logs_rotates_and_carries_the_gtid_state() {
    let dir = scratch("rotate");
    let log = BinaryLog::open(settings(&dir)).unwrap();
    let g = log
        .write_group(0, 1, group_flags(true, false), Vec::new())
        .unwrap();
    assert_eq!(g.to_string(), "0-1-1");
    log.rotate().unwrap();
    let first = events(&log.read("mysql-bin.000001").unwrap());
    let last = first.last().unwrap();
    assert_eq!(
        (last.event_type.as_str(), last.info.as_str()),
        ("Rotate", "mysql-bin.000002;pos=4")
    );
    let second = events(&log.read("mysql-bin.000002").unwrap());
    let infos: Vec<&str> = second.iter().map(|r| r.info.as_str()).collect();
    assert_eq!(
        infos[1..],
        ["[0-1-1]", "mysql-bin.000001", "mysql-bin.000002"]
    );
    assert_eq!(second[3].end_log_pos, 385);
    log.purge_to("mysql-bin.000002").unwrap().unwrap();
    assert_eq!(log.files().len(), 1);
    assert_eq!(log.purge_to("nope").unwrap(), Err(PurgeError::NotFound));
    log.close().unwrap();
    let reopened = BinaryLog::open(settings(&dir)).unwrap();
    assert_eq!(reopened.gtid_pos(), "0-1-1");
    assert_eq!(reopened.status().0, "mysql-bin.000003");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_domain_leaves_the_state_once_the_files_holding_it_are_purged() {
    let dir = scratch("delete-domain");
    let log = BinaryLog::open(settings(&dir)).unwrap();
    log.write_group(0, 1, group_flags(true, false), Vec::new())
        .unwrap();
    log.write_group(11, 111, group_flags(true, false), Vec::new())
        .unwrap();
    let (warnings, reason) = log.delete_domains(&[11]).unwrap().unwrap_err();
    assert!(warnings.is_empty());
    assert!(reason.contains("domain ('11') being deleted"));
    assert_eq!(
        log.status().0,
        "mysql-bin.000001",
        "a refusal does not rotate"
    );
    log.rotate().unwrap();
    log.purge_to("mysql-bin.000002").unwrap().unwrap();
    let done = log.delete_domains(&[11]).unwrap().unwrap();
    assert!(done.changed);
    assert_eq!(log.gtid_pos(), "0-1-1");
    let third = events(&log.read("mysql-bin.000003").unwrap());
    assert_eq!(third[1].info, "[0-1-1]");
    let _ = fs::remove_dir_all(&dir);
}
