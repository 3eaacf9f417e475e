//! The steps of a real 10.11 slave, replayed (see the spec, §7.2 and the
//! slave-side notes): each CHANGE MASTER and what SHOW SLAVE STATUS showed.

use super::*;

/// With both threads stopped, as MariaDB always requires.
fn apply(change: &ChangeMaster, info: &mut MasterInfo, sql: &mut SqlStatus) -> Effects {
    super::apply(change, info, sql, Flavor::MariaDb, Running::default())
}

fn configured() -> (MasterInfo, SqlStatus) {
    let mut info = fresh_info(60);
    let mut sql = SqlStatus::default();
    let change = ChangeMaster {
        host: Some("127.0.0.1".into()),
        port: Some(19520),
        user: Some("root".into()),
        connect_retry: Some(1),
        ..ChangeMaster::default()
    };
    let effects = apply(&change, &mut info, &mut sql);
    assert!(effects.notes.is_empty());
    assert!(effects.purge_relay_log);
    (info, sql)
}

#[test]
fn a_first_change_master_keeps_the_defaults_it_does_not_name() {
    let (info, sql) = configured();
    assert_eq!((info.port, info.connect_retry), (19520, 1));
    assert_eq!(info.heartbeat_period, 30.0);
    assert_eq!(info.use_gtid, UseGtid::SlavePos);
    assert_eq!((info.log_file.as_str(), info.log_pos), ("", 4));
    assert_eq!(sql.exec_master_log_pos, 0);
}

#[test]
fn a_log_position_switches_gtid_off_with_a_note_and_moves_the_sql_thread() {
    let (mut info, mut sql) = configured();
    let change = ChangeMaster {
        log_file: Some("master-bin.000001".into()),
        log_pos: Some(635),
        ..ChangeMaster::default()
    };
    let effects = apply(&change, &mut info, &mut sql);
    assert_eq!(
        effects.notes,
        vec![(
            4190,
            "CHANGE MASTER TO is implicitly changing the value of 'Using_Gtid' from 'Slave_Pos' to 'No'"
                .to_string()
        )]
    );
    assert_eq!(info.use_gtid, UseGtid::No);
    assert_eq!(
        (info.log_file.as_str(), info.log_pos),
        ("master-bin.000001", 635)
    );
    assert_eq!(sql.relay_master_log_file, "master-bin.000001");
    assert_eq!(sql.exec_master_log_pos, 635);

    // Only the mode: the position stays where the SQL thread is.
    let gtid = ChangeMaster {
        use_gtid: Some(UseGtid::CurrentPos),
        ..ChangeMaster::default()
    };
    assert!(apply(&gtid, &mut info, &mut sql).notes.is_empty());
    assert_eq!(
        (info.log_file.as_str(), info.log_pos),
        ("master-bin.000001", 635)
    );

    // A file alone also turns GTID off, and keeps the position.
    let file = ChangeMaster {
        log_file: Some("master-bin.000001".into()),
        ..ChangeMaster::default()
    };
    let effects = apply(&file, &mut info, &mut sql);
    assert!(effects.notes[0].1.contains("from 'Current_Pos' to 'No'"));
    assert_eq!(info.log_pos, 635);
}

#[test]
fn a_new_host_forgets_the_position_and_later_changes_resume_from_the_sql_thread() {
    let (mut info, mut sql) = configured();
    let at = ChangeMaster {
        log_file: Some("master-bin.000001".into()),
        log_pos: Some(635),
        ..ChangeMaster::default()
    };
    apply(&at, &mut info, &mut sql);
    let host = ChangeMaster {
        host: Some("127.0.0.1".into()),
        ..ChangeMaster::default()
    };
    apply(&host, &mut info, &mut sql);
    assert_eq!((info.log_file.as_str(), info.log_pos), ("", 4));
    assert_eq!(
        (sql.relay_master_log_file.as_str(), sql.exec_master_log_pos),
        ("", 0)
    );

    let pos = ChangeMaster {
        log_pos: Some(100),
        ..ChangeMaster::default()
    };
    apply(&pos, &mut info, &mut sql);
    assert_eq!(info.log_pos, 100);

    let delay = ChangeMaster {
        delay: Some(5),
        ignore_server_ids: Some(vec![4, 3]),
        ssl: Some(true),
        heartbeat_millis: Some(10_000),
        ..ChangeMaster::default()
    };
    apply(&delay, &mut info, &mut sql);
    assert_eq!(info.log_pos, 4);
    assert_eq!((info.delay, info.ssl), (5, true));
    assert_eq!(info.ignore_server_ids, vec![3, 4]);
    assert_eq!(info.heartbeat_period, 10.0);
}

#[test]
fn relay_log_options_move_the_sql_thread_without_purging() {
    let (mut info, mut sql) = configured();
    let change = ChangeMaster {
        relay_log_file: Some("slave-relay-bin.000003".into()),
        relay_log_pos: Some(1),
        ..ChangeMaster::default()
    };
    let effects = apply(&change, &mut info, &mut sql);
    assert!(!effects.purge_relay_log);
    assert_eq!(
        (sql.relay_log_file.as_str(), sql.relay_log_pos),
        ("slave-relay-bin.000003", 4)
    );
}

#[test]
fn connect_retry_zero_is_ignored() {
    let (mut info, mut sql) = configured();
    let change = ChangeMaster {
        connect_retry: Some(0),
        ..ChangeMaster::default()
    };
    apply(&change, &mut info, &mut sql);
    assert_eq!(info.connect_retry, 1);
}

#[test]
fn with_the_sql_thread_running_a_receiver_change_keeps_relay_log_and_positions() {
    let (mut info, mut sql) = configured();
    info.log_file = "master-bin.000001".into();
    info.log_pos = 900;
    sql.relay_log_file = "slave-relay-bin.000002".into();
    sql.relay_log_pos = 700;
    sql.relay_master_log_file = "master-bin.000001".into();
    sql.exec_master_log_pos = 600;
    let change = ChangeMaster {
        connect_retry: Some(7),
        ..ChangeMaster::default()
    };
    let running = Running {
        io: false,
        sql: true,
    };
    let effects = super::apply(&change, &mut info, &mut sql, Flavor::MySql, running);
    assert!(!effects.purge_relay_log);
    assert_eq!(info.connect_retry, 7);
    // The IO thread resumes after what it queued, not at the SQL position.
    assert_eq!(
        (info.log_file.as_str(), info.log_pos),
        ("master-bin.000001", 900)
    );
    assert_eq!((sql.relay_log_pos, sql.exec_master_log_pos), (700, 600));
}

#[test]
fn mysql_positions_switch_gtid_off_without_a_note_and_auto_position_sets_the_mode() {
    let (mut info, mut sql) = configured();
    let file = ChangeMaster {
        log_file: Some("master-bin.000001".into()),
        log_pos: Some(4),
        ..ChangeMaster::default()
    };
    let effects = super::apply(
        &file,
        &mut info,
        &mut sql,
        Flavor::MySql,
        Running::default(),
    );
    assert!(effects.notes.is_empty());
    assert_eq!(info.use_gtid, UseGtid::No);
    let auto = ChangeMaster {
        auto_position: Some(true),
        ..ChangeMaster::default()
    };
    super::apply(
        &auto,
        &mut info,
        &mut sql,
        Flavor::MySql,
        Running::default(),
    );
    assert_eq!(info.use_gtid, UseGtid::SlavePos);
}
