//! Storage opened on a datadir, changed, dropped and opened again, step by
//! step: committed, rolled-back and non-transactional changes, DDL, a torn
//! log tail and a corrupt snapshot.

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use super::*;
use crate::session::kill::KillSwitch;
use crate::sql::types::{IntWidth, SqlType};
use crate::sql::value::{Decimal, Row, Temporal, TemporalKind, Value};
use crate::storage::Wait;
use crate::storage::schema::{ColumnDef, KeyDef, KeyKind, TableDef};

fn datadir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("replica-persist-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn def(schema: &str, name: &str, engine: Engine) -> TableDef {
    let column = |name: &str, ty| ColumnDef {
        name: name.into(),
        ty,
        nullable: name != "a",
        default: None,
        auto_increment: name == "a",
        on_update_now: false,
        comment: None,
    };
    let int = SqlType::Int {
        width: IntWidth::Int,
        unsigned: false,
        zerofill: false,
        display: None,
    };
    TableDef {
        schema: schema.into(),
        name: name.into(),
        columns: vec![column("a", int), column("b", SqlType::Date)],
        keys: vec![KeyDef {
            name: "PRIMARY".into(),
            kind: KeyKind::Primary,
            columns: vec![0],
        }],
        engine,
        auto_increment: 1,
        charset: "latin1".into(),
        comment: None,
        temporary: false,
    }
}

fn date() -> Value {
    Value::Temporal(Temporal {
        kind: TemporalKind::Date,
        negative: false,
        year: 2024,
        month: 2,
        day: 29,
        hour: 0,
        minute: 0,
        second: 0,
        micros: 0,
        fsp: 0,
    })
}

/// Inserts `rows` into `schema.name` in one transaction; commits or not.
fn insert(s: &Storage, schema: &str, name: &str, rows: Vec<Row>, commit: bool) {
    let kill = KillSwitch::default();
    let wait = Wait::new(Duration::from_secs(5), &kill);
    let table = s.table(schema, name).unwrap();
    let mut txn = s.begin(1);
    for row in rows {
        table.insert(&mut txn, row, &wait).unwrap();
    }
    if commit {
        txn.commit();
    } else {
        txn.rollback();
    }
}

fn rows(s: &Storage, schema: &str, name: &str) -> Vec<Row> {
    let kill = KillSwitch::default();
    let wait = Wait::new(Duration::from_secs(5), &kill);
    let mut txn = s.begin(2);
    let table = s.table(schema, name).unwrap();
    table
        .scan(&mut txn, &wait)
        .unwrap()
        .into_iter()
        .map(|(_, r)| r)
        .collect()
}

#[test]
fn an_empty_datadir_opens_with_mysql_and_test() {
    let d = datadir("fresh");
    let s = Storage::open(&d).unwrap();
    assert_eq!(s.database_names(), ["mysql", "test"]);
    drop(s);
    assert_eq!(
        Storage::open(&d).unwrap().database_names(),
        ["mysql", "test"]
    );
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn committed_rows_and_ddl_survive_reopening_twice() {
    let d = datadir("replay");
    let s = Storage::open(&d).unwrap();
    s.create_database("db", false).unwrap();
    s.create_database("gone", false).unwrap();
    s.drop_database("gone", false).unwrap();
    s.create_table(def("db", "t", Engine::InnoDb), false)
        .unwrap();
    s.create_table(def("db", "m", Engine::MyIsam), false)
        .unwrap();
    s.create_table(def("db", "h", Engine::Memory), false)
        .unwrap();
    s.create_table(def("test", "x", Engine::InnoDb), false)
        .unwrap();
    s.rename_table(("test", "x"), ("db", "x2")).unwrap();
    let dec = Value::Decimal(Decimal::new(-150, 2));
    insert(
        &s,
        "db",
        "t",
        vec![vec![Value::Null, date()], vec![Value::Int(7), dec.clone()]],
        true,
    );
    insert(
        &s,
        "db",
        "t",
        vec![vec![Value::Null, Value::text("no")]],
        false,
    );
    insert(&s, "db", "m", vec![vec![Value::Int(3), Value::Null]], false);
    insert(&s, "db", "h", vec![vec![Value::Int(3), Value::Null]], true);
    drop(s);
    for _ in 0..2 {
        let s = Storage::open(&d).unwrap();
        assert_eq!(s.database_names(), ["db", "mysql", "test"]);
        assert_eq!(s.table_names("db").unwrap(), ["h", "m", "t", "x2"]);
        let t = rows(&s, "db", "t");
        assert_eq!(
            t,
            vec![
                vec![Value::Int(1), date()],
                vec![Value::Int(7), dec.clone()]
            ]
        );
        assert_eq!(s.table("db", "t").unwrap().next_auto_increment(), 9);
        assert_eq!(rows(&s, "db", "m"), vec![vec![Value::Int(3), Value::Null]]);
        assert!(rows(&s, "db", "h").is_empty());
        assert_eq!(s.table("db", "x2").unwrap().def().schema, "db");
    }
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn truncate_drop_and_alter_are_replayed_and_rows_keep_following() {
    let d = datadir("ddl");
    let s = Storage::open(&d).unwrap();
    s.create_table(def("test", "t", Engine::InnoDb), false)
        .unwrap();
    s.create_table(def("test", "u", Engine::Aria), false)
        .unwrap();
    insert(
        &s,
        "test",
        "t",
        vec![vec![Value::Int(1), Value::Null]],
        true,
    );
    insert(
        &s,
        "test",
        "u",
        vec![vec![Value::Int(1), Value::Null]],
        true,
    );
    s.table("test", "u").unwrap().truncate();
    insert(
        &s,
        "test",
        "u",
        vec![vec![Value::Int(2), Value::Null]],
        true,
    );
    let mut altered = def("test", "t2", Engine::MyIsam);
    altered.columns.pop();
    s.alter_table("test", "t", altered, &mut |mut r| {
        r.pop();
        Ok(r)
    })
    .unwrap();
    insert(&s, "test", "t2", vec![vec![Value::Int(5)]], true);
    s.create_table(def("test", "gone", Engine::InnoDb), false)
        .unwrap();
    s.drop_table("test", "gone", false).unwrap();
    drop(s);
    let s = Storage::open(&d).unwrap();
    assert_eq!(s.table_names("test").unwrap(), ["t2", "u"]);
    assert_eq!(
        rows(&s, "test", "u"),
        vec![vec![Value::Int(2), Value::Null]]
    );
    assert_eq!(
        rows(&s, "test", "t2"),
        vec![vec![Value::Int(1)], vec![Value::Int(5)]]
    );
    assert_eq!(s.table("test", "t2").unwrap().def().engine, Engine::MyIsam);
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn a_torn_last_log_record_loses_only_that_commit() {
    let d = datadir("torn");
    let s = Storage::open(&d).unwrap();
    s.create_table(def("test", "t", Engine::InnoDb), false)
        .unwrap();
    insert(
        &s,
        "test",
        "t",
        vec![vec![Value::Int(1), Value::Null]],
        true,
    );
    insert(
        &s,
        "test",
        "t",
        vec![vec![Value::Int(2), Value::Null]],
        true,
    );
    drop(s);
    let log = d.join(LOG_FILE);
    let len = fs::metadata(&log).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&log)
        .unwrap()
        .set_len(len - 3)
        .unwrap();
    let s = Storage::open(&d).unwrap();
    assert_eq!(
        rows(&s, "test", "t"),
        vec![vec![Value::Int(1), Value::Null]]
    );
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn a_corrupt_snapshot_fails_naming_file_and_offset() {
    let d = datadir("corrupt");
    let s = Storage::open(&d).unwrap();
    s.create_database("db", false).unwrap();
    drop(s);
    let s = Storage::open(&d).unwrap();
    drop(s);
    let snap = d.join(SNAPSHOT_FILE);
    let mut bytes = fs::read(&snap).unwrap();
    bytes[30] ^= 0x55;
    fs::write(&snap, bytes).unwrap();
    let err = Storage::open(&d).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{}: corrupt at offset ", snap.display())),
        "{text}"
    );
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn a_log_of_an_older_generation_is_not_replayed_again() {
    let d = datadir("generation");
    let s = Storage::open(&d).unwrap();
    s.create_table(def("test", "t", Engine::MyIsam), false)
        .unwrap();
    insert(
        &s,
        "test",
        "t",
        vec![vec![Value::Int(1), Value::Null]],
        true,
    );
    drop(s);
    let old_log = fs::read(d.join(LOG_FILE)).unwrap();
    let s = Storage::open(&d).unwrap();
    s.table("test", "t").unwrap().truncate();
    drop(s);
    // As if the crash came after the new snapshot, before the new log.
    let s = Storage::open(&d).unwrap();
    drop(s);
    fs::write(d.join(LOG_FILE), old_log).unwrap();
    let s = Storage::open(&d).unwrap();
    assert!(rows(&s, "test", "t").is_empty());
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn a_checkpoint_empties_the_log_and_keeps_everything() {
    let d = datadir("checkpoint");
    let s = Storage::open(&d).unwrap();
    s.create_table(def("test", "t", Engine::InnoDb), false)
        .unwrap();
    insert(
        &s,
        "test",
        "t",
        vec![vec![Value::Int(4), Value::Null]],
        true,
    );
    let log_len = || fs::metadata(d.join(LOG_FILE)).unwrap().len();
    assert!(log_len() > 16);
    s.checkpoint().unwrap();
    assert_eq!(log_len(), 16);
    insert(
        &s,
        "test",
        "t",
        vec![vec![Value::Int(5), Value::Null]],
        true,
    );
    drop(s);
    let s = Storage::open(&d).unwrap();
    let expected = vec![
        vec![Value::Int(4), Value::Null],
        vec![Value::Int(5), Value::Null],
    ];
    assert_eq!(rows(&s, "test", "t"), expected);
    assert_eq!(Storage::new().checkpoint().map_err(|e| e.kind()), Ok(()));
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn routines_and_triggers_survive_reopening_and_go_with_their_database_or_table() {
    use crate::storage::programs::{RoutineKind, StoredRoutine, StoredTrigger};
    let d = datadir("programs");
    let routine = |schema: &str, name: &str| StoredRoutine {
        kind: RoutineKind::Procedure,
        schema: schema.into(),
        name: name.into(),
        definition: format!("CREATE PROCEDURE {name}() SELECT 1"),
        sql_mode: "STRICT_TRANS_TABLES".into(),
        definer: "root@localhost".into(),
        created: "2024-01-01 00:00:00".into(),
    };
    let trigger = |table: &str, name: &str| StoredTrigger {
        schema: "test".into(),
        name: name.into(),
        table: table.into(),
        definition: format!(
            "CREATE TRIGGER {name} AFTER INSERT ON {table} FOR EACH ROW SET @a = 1"
        ),
        sql_mode: String::new(),
        definer: "root@localhost".into(),
        created: "2024-01-01 00:00:00.00".into(),
    };
    {
        let s = Storage::open(&d).unwrap();
        s.create_database("d2", false).unwrap();
        s.create_table(def("test", "t", Engine::InnoDb), false)
            .unwrap();
        s.create_table(def("test", "u", Engine::InnoDb), false)
            .unwrap();
        assert!(s.put_routine(routine("test", "p"), false));
        assert!(s.put_routine(routine("d2", "q"), false));
        assert!(s.put_trigger(trigger("t", "tr_t")));
        assert!(s.put_trigger(trigger("u", "tr_u")));
        s.drop_database("d2", false).unwrap();
        s.drop_table("test", "u", false).unwrap();
    }
    let s = Storage::open(&d).unwrap();
    let names: Vec<String> = s.routines().into_iter().map(|r| r.name).collect();
    assert_eq!(names, ["p"]);
    assert_eq!(
        s.routine(RoutineKind::Procedure, "test", "P")
            .unwrap()
            .sql_mode,
        "STRICT_TRANS_TABLES"
    );
    let triggers: Vec<String> = s.triggers().into_iter().map(|t| t.name).collect();
    assert_eq!(triggers, ["tr_t"]);
    s.checkpoint().unwrap();
    drop(s);
    let s = Storage::open(&d).unwrap();
    assert_eq!(s.routines().len(), 1);
    assert_eq!(s.triggers_of("test", "t").len(), 1);
}
