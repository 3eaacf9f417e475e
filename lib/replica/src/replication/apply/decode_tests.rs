use super::*;
use crate::binlog::event::{self as build, QueryContext};
use proptest::prelude::*;

/// An event as the binlog writer frames it, without the checksum.
fn framed(e: &build::Event, server_id: u32) -> Vec<u8> {
    let mut bytes = e.frame(server_id, 100);
    bytes.truncate(bytes.len() - 4);
    bytes
}

#[test]
fn decodes_what_the_binlog_writer_builds() {
    let g = decode(&framed(&build::gtid(7, 42, 3, 0x21), 9)).unwrap();
    assert_eq!(g.header.server_id, 9);
    let Body::Gtid(g) = g.body else { panic!() };
    assert_eq!(g.gtid.to_string(), "3-9-42");
    assert!(g.standalone());
    let context = QueryContext {
        thread_id: 5,
        error_code: 0,
        db: "test".into(),
        flags2: 0,
        sql_mode: 0,
        charsets: [33, 33, 8],
        xid: Some(4),
        time_zone: None,
    };
    let q = decode(&framed(
        &build::query(1, 0, &context, "CREATE TABLE t (a INT)"),
        1,
    ))
    .unwrap();
    let Body::Query(q) = q.body else { panic!() };
    assert_eq!(q.db, "test");
    assert_eq!(q.text, b"CREATE TABLE t (a INT)");
    assert_eq!(q.status.xid, Some(4));
    assert_eq!(q.thread_id, 5);
    let zoned = QueryContext {
        time_zone: Some("+10:30".into()),
        ..context
    };
    let q = decode(&framed(&build::query(1, 0, &zoned, "INSERT"), 1)).unwrap();
    let Body::Query(q) = q.body else { panic!() };
    assert_eq!(q.status.time_zone.as_deref(), Some("+10:30"));
    assert_eq!(q.status.xid, Some(4));
    let x = decode(&framed(&build::xid(1, 77), 1)).unwrap();
    assert_eq!(x.body, Body::Xid(77));
}

#[test]
fn decodes_a_string_user_variable() {
    // `SET @x := 'user var'` in utf8mb3_general_ci, as MariaDB logs it.
    let mut body = 1u32.to_le_bytes().to_vec();
    body.extend_from_slice(b"x");
    body.extend_from_slice(&[0, 0]);
    body.extend_from_slice(&33u32.to_le_bytes());
    body.extend_from_slice(&8u32.to_le_bytes());
    body.extend_from_slice(b"user var");
    let mut bytes = vec![0u8; HEADER_LEN];
    bytes[4] = more_kinds::USER_VAR;
    bytes.extend_from_slice(&body);
    let Body::UserVar(v) = decode(&bytes).unwrap().body else {
        panic!()
    };
    assert_eq!(v.name, "x");
    assert_eq!(
        v.value,
        Some(UserVarValue::String {
            bytes: b"user var".to_vec(),
            charset: 33
        })
    );
}

#[test]
fn decimal_user_variables_read_as_text() {
    // DECIMAL(4,2) 12.34 and -12.34 in MariaDB's packed format.
    assert_eq!(decimal_text(&[4, 2, 0x8c, 0x22]).as_deref(), Some("12.34"));
    assert_eq!(decimal_text(&[4, 2, 0x73, 0xdd]).as_deref(), Some("-12.34"));
}

#[test]
fn short_events_are_errors() {
    assert_eq!(decode(&[0; 5]), Err(DecodeError::Short(5)));
    let mut bytes = vec![0u8; HEADER_LEN];
    bytes[4] = kind::QUERY;
    assert_eq!(decode(&bytes), Err(DecodeError::Malformed("Query")));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode(&bytes);
        let _ = announces_checksum(&bytes);
    }

    #[test]
    fn arbitrary_bodies_of_every_known_kind_never_panic(
        kind in prop::sample::select(vec![
            2u8, 3, 4, 5, 13, 14, 15, 16, 19, 23, 24, 25, 30, 31, 32, 0xa0, 0xa1, 0xa2, 0xa3, 165,
            166, 167, 168, 169, 170, 171,
        ]),
        body in proptest::collection::vec(any::<u8>(), 0..120),
    ) {
        let mut bytes = vec![0u8; HEADER_LEN];
        bytes[4] = kind;
        bytes.extend_from_slice(&body);
        let _ = decode(&bytes);
    }
}
