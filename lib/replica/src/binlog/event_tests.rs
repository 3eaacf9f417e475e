//! Events checked byte for byte against a binlog MariaDB 10.11.19 wrote
//! (server id 1, thread 10, default session) for the same statements:
//! RESET MASTER; CREATE DATABASE d2; USE d2; CREATE TABLE t (a int)
//! ENGINE=InnoDB; INSERT INTO t VALUES (1); FLUSH LOGS.

use super::*;

fn hex(text: &str) -> Vec<u8> {
    let digits: String = text.split_whitespace().collect();
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap())
        .collect()
}

const TS: u32 = 0x6b01_91b3;
const VERSION: &str = "10.11.19-MariaDB-0+deb12u1-log";

fn context(db: &str, xid: Option<u64>) -> QueryContext {
    QueryContext {
        thread_id: 10,
        error_code: 0,
        db: db.into(),
        flags2: 0x0100_0000,
        sql_mode: 0x5420_0000,
        charsets: [33, 33, 8],
        xid,
        time_zone: None,
    }
}

#[test]
fn opening_events_of_the_first_file() {
    let mut fd = format_description(TS, VERSION, TS).frame(1, 4);
    fd[17] = 0; // closed since: the flag is cleared in place
    let expected = hex(
        "b391016b0f01000000fc000000000100000000040031302e31312e31392d4d6172696144422d302b
         646562313275312d6c6f670000000000000000000000000000000000000000b391016b13380d0008
         00120004040404120000e400041a08000000080808020000000a0a0a0000000000000a0a0a000000
         00000000000000000000000000000000000000000000000000000000000000000000000000000000
         00000000000000000000000000000000000000000000000000000000000000000000000000000000
         00000000000000000000000000000000000000000000000000000000000000000000000004130400
         0d0808080a0a0a01703f0ecf",
    );
    assert_eq!(fd, expected);
    let expected = hex("b391016ba3010000001d0000001d0100000000000000000000f6910974");
    assert_eq!(gtid_list(TS, &[]).frame(1, 256), expected);
    let expected = hex(
        "b391016ba1010000002b000000480100000000100000006d7973716c2d62696e2e3030303030315cfa9b14",
    );
    assert_eq!(
        binlog_checkpoint(TS, "mysql-bin.000001").frame(1, 285),
        expected
    );
}

#[test]
fn create_database_is_a_standalone_ddl_group() {
    let flags = gtid_flag::STANDALONE | gtid_flag::ALLOW_PARALLEL | gtid_flag::DDL;
    let expected =
        hex("b391016ba2010000002a0000007201000008000100000000000000000000002900000000000046933b01");
    assert_eq!(gtid(TS, 1, 0, flags).frame(1, 328), expected);
    let e = query(
        TS,
        flag::SUPPRESS_USE,
        &context("d2", None),
        "create database d2",
    );
    let expected = hex(
        "b391016b020100000053000000c501000008000a000000000000000200001a0000000000010100002054
         00000000060373746404210021000800643200637265617465206461746162617365206432f77778cc",
    );
    assert_eq!(e.frame(1, 370), expected);
}

#[test]
fn create_table_carries_its_xid() {
    let text = "create table t (a int) engine=innodb";
    let e = query(TS, 0, &context("d2", Some(44)), text);
    let expected = hex(
        "b391016b02010000006e0000005d02000000000a0000000000000002000023000000000001010000205400
         000000060373746404210021000800812c00000000000000643200637265617465207461626c6520742028
         6120696e742920656e67696e653d696e6e6f6462dbcd6720",
    );
    assert_eq!(e.frame(1, 495), expected);
}

#[test]
fn an_innodb_insert_is_a_transaction_ended_by_xid() {
    let flags = gtid_flag::TRANSACTIONAL | gtid_flag::ALLOW_PARALLEL;
    let expected =
        hex("b391016ba2010000002a0000008702000008000300000000000000000000000c000000000000a9331c10");
    assert_eq!(gtid(TS, 3, 0, flags).frame(1, 605), expected);
    let e = query(TS, 0, &context("d2", None), "insert into t values (1)");
    let expected = hex(
        "b391016b020100000059000000e002000000000a000000000000000200001a00000000000101000020540000
         0000060373746404210021000800643200696e7365727420696e746f20742076616c7565732028312967434c3f",
    );
    assert_eq!(e.frame(1, 647), expected);
    let expected = hex("b391016b10010000001f000000ff02000000002d000000000000003ad67cce");
    assert_eq!(xid(TS, 45).frame(1, 736), expected);
}

#[test]
fn flush_logs_ends_the_file_with_rotate() {
    let expected = hex(
        "b391016b04010000002f0000002e030000000004000000000000006d7973716c2d62696e2e303030303032cdfcc3f3",
    );
    assert_eq!(rotate(TS, "mysql-bin.000002").frame(1, 767), expected);
}

#[test]
fn a_statement_that_read_the_microseconds_carries_them() {
    let time = StatementTime {
        seconds: 1_293_839_999,
        micros: Some(500_000),
    };
    let e = query_at(
        time,
        0,
        &context("test", None),
        "insert into t values (now())",
    );
    assert_eq!(e.timestamp, 1_293_839_999);
    let status_len = usize::from(u16::from_le_bytes([e.body[11], e.body[12]]));
    let status = &e.body[13..13 + status_len];
    let parsed = crate::replication::apply::query_status::parse_status(status).unwrap();
    assert_eq!(parsed.microseconds, Some(500_000));
    let plain = query(1, 0, &context("test", None), "insert into t values (1)");
    let status_len = usize::from(u16::from_le_bytes([plain.body[11], plain.body[12]]));
    let parsed =
        crate::replication::apply::query_status::parse_status(&plain.body[13..13 + status_len]);
    assert_eq!(parsed.unwrap().microseconds, None);
}
