use std::sync::Arc;

use super::*;
use crate::sql::types::{IntWidth, LobSize, SqlType};
use crate::sql::value::{Decimal, Temporal, TemporalKind, Value};
use crate::storage::schema::{ColumnDef, Engine, TableDef};

fn hex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

fn column(name: &str, ty: SqlType, nullable: bool) -> ColumnDef {
    ColumnDef::plain(name, ty, nullable)
}

fn int(width: IntWidth, unsigned: bool) -> SqlType {
    SqlType::Int {
        width,
        unsigned,
        zerofill: false,
        display: None,
    }
}

fn chars(length: u32, binary: bool, var: bool) -> SqlType {
    match var {
        true => SqlType::Varchar { length, binary },
        false => SqlType::Char { length, binary },
    }
}

/// The 29-column table of the 10.11 dump these bytes come from (its
/// utf8mb4 CHAR(3) is a BINARY(12) here, which packs 'é' the same).
fn every_type() -> TableDef {
    let members = |m: &[&str]| m.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let decimal = |precision, scale| SqlType::Decimal {
        precision,
        scale,
        unsigned: false,
    };
    let types = vec![
        int(IntWidth::Int, false),
        int(IntWidth::Tiny, false),
        int(IntWidth::Small, true),
        int(IntWidth::Medium, false),
        int(IntWidth::Big, false),
        SqlType::Float { unsigned: false },
        SqlType::Double { unsigned: false },
        decimal(10, 3),
        chars(5, false, false),
        chars(10, false, true),
        chars(300, false, true),
        SqlType::Text(LobSize::Normal),
        SqlType::Blob(LobSize::Normal),
        SqlType::Date,
        SqlType::Time { fsp: 3 },
        SqlType::DateTime { fsp: 0 },
        SqlType::Timestamp { fsp: 6 },
        SqlType::Year,
        SqlType::Bit(10),
        SqlType::Enum(members(&["x", "y", "z"])),
        SqlType::Set(members(&["p", "q", "r"])),
        chars(4, true, false),
        chars(7, true, true),
        SqlType::Text(LobSize::Tiny),
        SqlType::Blob(LobSize::Long),
        chars(12, true, false),
        decimal(30, 10),
        SqlType::Time { fsp: 0 },
        SqlType::DateTime { fsp: 2 },
    ];
    TableDef {
        schema: "test".into(),
        name: "t1".into(),
        columns: types
            .into_iter()
            .enumerate()
            .map(|(i, ty)| column(&format!("c{i}"), ty, i > 0))
            .collect(),
        keys: vec![],
        engine: Engine::InnoDb,
        auto_increment: 1,
        charset: "latin1".into(),
        comment: None,
        temporary: false,
    }
}

fn every_value() -> Vec<Value> {
    let dt = |s: &str| Value::Temporal(Temporal::parse_datetime(s).unwrap());
    let time = |s: &str, fsp| {
        let mut t = Temporal::parse_time(s).unwrap();
        t.fsp = fsp;
        Value::Temporal(t)
    };
    let date = Temporal::parse_datetime("2024-02-29")
        .unwrap()
        .with_kind(TemporalKind::Date);
    vec![
        Value::Int(1),
        Value::Int(-5),
        Value::Int(65535),
        Value::Int(-8_388_608),
        Value::Int(-1),
        Value::Double(1.5),
        Value::Double(-2.25),
        Value::Decimal(Decimal::parse("-1234567.891").unwrap()),
        Value::text("ab"),
        Value::text("hello"),
        Value::text("x"),
        Value::text("txt"),
        Value::Bytes(vec![0, 1]),
        Value::Temporal(date),
        time("-12:34:56.789", 3),
        dt("2024-01-02 03:04:05"),
        dt("2024-01-02 03:04:05.123456"),
        Value::Int(2024),
        Value::Int(0b10_1010_1010),
        Value::text("y"),
        Value::text("p,r"),
        Value::Bytes(b"ab\0\0".to_vec()),
        Value::text("xyz"),
        Value::text("tt"),
        Value::text("lb"),
        Value::text("é"),
        Value::Decimal(Decimal::parse("-12345678901234567890.0123456789").unwrap()),
        time("838:59:59", 0),
        dt("9999-12-31 23:59:59.99"),
    ]
}

fn facts() -> StatementFacts<'static> {
    StatementFacts {
        timestamp: 7,
        text: "insert into t1 values (...)",
        annotate: true,
        utc_offset: 0,
    }
}

fn change(before: Option<Vec<Value>>, after: Option<Vec<Value>>) -> RowChange {
    RowChange {
        table_id: 8,
        table: Arc::new(every_type()),
        before,
        after,
    }
}

#[test]
fn an_insert_is_annotate_table_map_and_write_rows_as_mariadb_writes_them() {
    let events = statement_events(facts(), &[change(None, Some(every_value()))]).unwrap();
    let kinds: Vec<u8> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [160, 19, 23]);
    assert_eq!(events[0].body, b"insert into t1 values (...)");
    assert_eq!(
        events[1].body,
        hex(
            "08 00 00 00 00 00 01 00 04 74 65 73 74 00 02 74 31 00 1d 03 01 02 09 08 04 05 f6 fe \
             0f 0f fc fc 0a 13 12 11 0d 10 fe fe fe 0f fc fc fe f6 13 12 21 04 08 0a 03 fe 05 0a \
             00 2c 01 02 02 03 00 06 02 01 f7 01 f8 01 fe 04 07 00 01 04 fe 0c 1e 0a 00 02 fe ff \
             ff 1f"
        )
    );
    assert_eq!(
        events[2].body,
        hex(
            "08 00 00 00 00 00 01 00 1d ff ff ff 1f 00 00 00 e0 01 00 00 00 fb ff ff 00 00 80 ff \
             ff ff ff ff ff ff ff 00 00 c0 3f 00 00 00 00 00 00 02 c0 7f ed 29 78 fc 84 02 61 62 \
             05 68 65 6c 6c 6f 01 00 78 03 00 74 78 74 02 00 00 01 5d d0 0f 7f 37 47 e1 2e 99 b2 \
             44 31 05 65 93 7d 25 01 e2 40 7c 02 aa 02 05 02 61 62 03 78 79 7a 02 74 74 02 00 00 \
             00 6c 62 02 c3 a9 73 eb 65 5b ca f2 04 c7 2d ff 43 9e b1 f6 b4 6e fb fe f3 ff 7e fb 63"
        )
    );
}

#[test]
fn an_update_carries_both_images_and_both_bitmaps() {
    let mut before = vec![Value::Null; 29];
    before[0] = Value::Int(2);
    let mut after = before.clone();
    after[1] = Value::Int(7);
    let events = statement_events(facts(), &[change(Some(before), Some(after))]).unwrap();
    assert_eq!(events[2].kind, 24);
    assert_eq!(
        events[2].body,
        hex(
            "08 00 00 00 00 00 01 00 1d ff ff ff 1f ff ff ff 1f fe ff ff ff 02 00 00 00 fc ff ff \
             ff 02 00 00 00 07"
        )
    );
}

#[test]
fn runs_of_one_kind_share_an_event_and_only_the_last_ends_the_statement() {
    let row = |a: i64| {
        let mut r = vec![Value::Null; 29];
        r[0] = Value::Int(a);
        r
    };
    let changes = [
        change(None, Some(row(1))),
        change(None, Some(row(2))),
        change(Some(row(1)), None),
    ];
    let events = statement_events(facts(), &changes).unwrap();
    let kinds: Vec<(u8, u16)> = events[2..]
        .iter()
        .map(|e| (e.kind, u16::from_le_bytes([e.body[6], e.body[7]])))
        .collect();
    assert_eq!(kinds, [(23, 0), (25, STMT_END_F)]);
    assert_eq!(statement_events(facts(), &[]).unwrap(), vec![]);
}

#[test]
fn big_statements_split_rows_events_at_8192_bytes() {
    let mut row = vec![Value::Null; 29];
    row[0] = Value::Int(1);
    row[11] = Value::Bytes(vec![b'a'; 3000]);
    let changes: Vec<RowChange> = (0..5).map(|_| change(None, Some(row.clone()))).collect();
    let events = statement_events(facts(), &changes).unwrap();
    let sizes: Vec<usize> = events[2..].iter().map(|e| e.body.len()).collect();
    assert_eq!(sizes.len(), 3);
    assert!(sizes.iter().all(|&s| s <= 8192), "{sizes:?}");
}

#[test]
fn a_value_the_column_cannot_hold_refuses_the_statement() {
    let mut row = vec![Value::Null; 29];
    row[0] = Value::text("one");
    let refused = statement_events(facts(), &[change(None, Some(row))]).unwrap_err();
    assert_eq!(refused.column, "c0");
    assert_eq!(refused.table, "test.t1");
}
