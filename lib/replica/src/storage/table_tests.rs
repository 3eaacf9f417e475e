//! Tables driven through transactions step by step, some from threads:
//! visibility, lock waits, timeouts, deadlocks, KILL, undo, unique keys,
//! AUTO_INCREMENT and the non-transactional engines.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::*;
use crate::session::kill::KillSwitch;
use crate::sql::types::{IntWidth, SqlType};
use crate::sql::value::Value;
use crate::storage::Storage;
use crate::storage::schema::{ColumnDef, Engine, KeyDef, KeyKind};

const BOUND: Duration = Duration::from_secs(5);

fn column(name: &str, ty: SqlType, auto_increment: bool) -> ColumnDef {
    ColumnDef {
        name: name.to_string(),
        ty,
        nullable: !auto_increment,
        default: None,
        auto_increment,
        on_update_now: false,
        comment: None,
    }
}

fn int() -> SqlType {
    SqlType::Int {
        width: IntWidth::Int,
        unsigned: false,
        zerofill: false,
        display: None,
    }
}

/// `t(a INT PRIMARY KEY [AUTO_INCREMENT], b VARCHAR(10), c INT, UNIQUE KEY a(b, c))`.
fn def(name: &str, engine: Engine, auto: bool) -> TableDef {
    TableDef {
        schema: "test".to_string(),
        name: name.to_string(),
        columns: vec![
            column("a", int(), auto),
            column(
                "b",
                SqlType::Varchar {
                    length: 10,
                    binary: false,
                },
                false,
            ),
            column("c", int(), false),
        ],
        keys: vec![
            KeyDef {
                name: "PRIMARY".to_string(),
                kind: KeyKind::Primary,
                columns: vec![0],
            },
            KeyDef {
                name: "a".to_string(),
                kind: KeyKind::Unique,
                columns: vec![1, 2],
            },
        ],
        engine,
        auto_increment: 1,
        charset: "latin1".to_string(),
        comment: None,
        temporary: false,
    }
}

fn row(a: i64, b: &str, c: Option<i64>) -> Row {
    vec![
        Value::Int(a),
        Value::text(b),
        c.map_or(Value::Null, Value::Int),
    ]
}

fn setup(engine: Engine) -> (Storage, Arc<Table>) {
    let storage = Storage::new();
    storage
        .create_table(def("t", engine, false), false)
        .unwrap();
    let table = storage.table("test", "t").unwrap();
    (storage, table)
}

fn firsts(rows: Vec<(RowId, Row)>) -> Vec<i64> {
    rows.into_iter()
        .map(|(_, r)| match r[0] {
            Value::Int(i) => i,
            _ => -1,
        })
        .collect()
}

fn scan_firsts(t: &Table, txn: &mut Transaction, kill: &KillSwitch) -> Vec<i64> {
    firsts(t.scan(txn, &Wait::new(BOUND, kill)).unwrap())
}

/// Inserts and commits one row; returns its id.
fn committed_row(storage: &Storage, t: &Table, r: Row) -> RowId {
    let kill = KillSwitch::default();
    let mut txn = storage.begin(99);
    let id = t.insert(&mut txn, r, &Wait::new(BOUND, &kill)).unwrap().id;
    txn.commit();
    id
}

#[test]
fn consistent_read_sees_only_commits_before_its_snapshot() {
    let (storage, t) = setup(Engine::InnoDb);
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let mut a = storage.begin(1);
    let mut b = storage.begin(2);
    assert!(!b.is_active());
    assert_eq!(scan_firsts(&t, &mut b, &kill), Vec::<i64>::new());
    assert!(b.is_active());
    t.insert(&mut a, row(1, "x", Some(1)), &w).unwrap();
    assert_eq!(scan_firsts(&t, &mut a, &kill), vec![1]);
    assert_eq!(scan_firsts(&t, &mut b, &kill), Vec::<i64>::new());
    a.commit();
    assert_eq!(scan_firsts(&t, &mut b, &kill), Vec::<i64>::new());
    b.commit();
    assert_eq!(scan_firsts(&t, &mut b, &kill), vec![1]);
}

#[test]
fn autocommit_statements_read_fresh_snapshots() {
    let (storage, t) = setup(Engine::InnoDb);
    let kill = KillSwitch::default();
    let mut b = storage.begin(2);
    b.set_autocommit_snapshot(true);
    b.start_statement();
    assert_eq!(scan_firsts(&t, &mut b, &kill), Vec::<i64>::new());
    committed_row(&storage, &t, row(1, "x", None));
    assert_eq!(scan_firsts(&t, &mut b, &kill), Vec::<i64>::new());
    b.start_statement();
    assert_eq!(scan_firsts(&t, &mut b, &kill), vec![1]);
}

#[test]
fn writer_waits_for_the_lock_then_sees_the_latest_version() {
    let (storage, t) = setup(Engine::InnoDb);
    let id = committed_row(&storage, &t, row(1, "x", Some(1)));
    let kill = KillSwitch::default();
    let mut a = storage.begin(1);
    let mut b = storage.begin(2);
    assert_eq!(scan_firsts(&t, &mut b, &kill), vec![1]);
    t.update(&mut a, id, row(2, "x", Some(1)), &Wait::new(BOUND, &kill))
        .unwrap();
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        let waiter = s.spawn(|| {
            let kill_b = KillSwitch::default();
            let report = move |waiting: bool| tx.send(waiting).unwrap();
            let w = Wait {
                timeout: BOUND,
                kill: &kill_b,
                on_wait: Some(&report),
            };
            t.lock_row(&mut b, id, LockMode::Exclusive, &w).unwrap()
        });
        assert_eq!(rx.recv_timeout(BOUND), Ok(true));
        a.commit();
        assert_eq!(waiter.join().unwrap(), Some(row(2, "x", Some(1))));
    });
    assert_eq!(rx.recv_timeout(BOUND), Ok(false));
    assert_eq!(
        scan_firsts(&t, &mut b, &kill),
        vec![1],
        "snapshot unchanged"
    );
}

#[test]
fn lock_wait_times_out_with_1205() {
    let (storage, t) = setup(Engine::InnoDb);
    let id = committed_row(&storage, &t, row(1, "x", None));
    let kill = KillSwitch::default();
    let mut a = storage.begin(1);
    let mut b = storage.begin(2);
    t.delete(&mut a, id, &Wait::new(BOUND, &kill)).unwrap();
    let short = Wait::new(Duration::from_millis(20), &kill);
    let e = t.update(&mut b, id, row(5, "y", None), &short).unwrap_err();
    assert_eq!((e.code, e.sqlstate), (1205, "HY000"));
    assert_eq!(
        e.message,
        "Lock wait timeout exceeded; try restarting transaction"
    );
    let e = t
        .lock_row(&mut b, id, LockMode::Shared, &short)
        .unwrap_err();
    assert_eq!(e.code, 1205);
}

#[test]
fn shared_locks_do_not_block_each_other() {
    let (storage, t) = setup(Engine::InnoDb);
    let id = committed_row(&storage, &t, row(1, "x", None));
    let kill = KillSwitch::default();
    let short = Wait::new(Duration::from_millis(20), &kill);
    let mut a = storage.begin(1);
    let mut b = storage.begin(2);
    assert!(
        t.lock_row(&mut a, id, LockMode::Shared, &short)
            .unwrap()
            .is_some()
    );
    assert!(
        t.lock_row(&mut b, id, LockMode::Shared, &short)
            .unwrap()
            .is_some()
    );
    assert_eq!(t.delete(&mut b, id, &short).unwrap_err().code, 1205);
}

#[test]
fn deadlock_between_two_transactions_fails_at_once_with_1213() {
    let (storage, t) = setup(Engine::InnoDb);
    let r1 = committed_row(&storage, &t, row(1, "x", None));
    let r2 = committed_row(&storage, &t, row(2, "y", None));
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let mut a = storage.begin(1);
    let mut b = storage.begin(2);
    t.lock_row(&mut a, r1, LockMode::Exclusive, &w).unwrap();
    t.lock_row(&mut b, r2, LockMode::Exclusive, &w).unwrap();
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        let waiter = s.spawn(|| {
            let kill_a = KillSwitch::default();
            let report = move |waiting: bool| tx.send(waiting).unwrap();
            let w = Wait {
                timeout: BOUND,
                kill: &kill_a,
                on_wait: Some(&report),
            };
            let got = t.lock_row(&mut a, r2, LockMode::Exclusive, &w);
            (got, a)
        });
        assert_eq!(rx.recv_timeout(BOUND), Ok(true));
        let e = t.lock_row(&mut b, r1, LockMode::Exclusive, &w).unwrap_err();
        assert_eq!((e.code, e.sqlstate), (1213, "40001"));
        assert_eq!(
            e.message,
            "Deadlock found when trying to get lock; try restarting transaction"
        );
        b.rollback();
        let (got, mut a) = waiter.join().unwrap();
        assert_eq!(got.unwrap(), Some(row(2, "y", None)));
        a.commit();
    });
}

#[test]
fn deadlock_victim_is_the_lighter_waiting_transaction() {
    let (storage, t) = setup(Engine::InnoDb);
    let r1 = committed_row(&storage, &t, row(1, "x", None));
    let r2 = committed_row(&storage, &t, row(2, "y", None));
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let mut a = storage.begin(1);
    let mut b = storage.begin(2);
    t.lock_row(&mut a, r1, LockMode::Exclusive, &w).unwrap();
    t.insert(&mut b, row(3, "z", None), &w).unwrap();
    t.lock_row(&mut b, r2, LockMode::Exclusive, &w).unwrap();
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        let light = s.spawn(|| {
            let report = move |waiting: bool| tx.send(waiting).unwrap();
            let w = Wait {
                timeout: BOUND,
                kill: &kill,
                on_wait: Some(&report),
            };
            let got = t.lock_row(&mut a, r2, LockMode::Exclusive, &w).map(|_| ());
            a.rollback();
            got
        });
        assert_eq!(rx.recv_timeout(BOUND), Ok(true));
        let heavy =
            s.spawn(|| t.lock_row(&mut b, r1, LockMode::Exclusive, &Wait::new(BOUND, &kill)));
        assert_eq!(light.join().unwrap().unwrap_err().code, 1213);
        assert_eq!(heavy.join().unwrap().unwrap(), Some(row(1, "x", None)));
    });
}

#[test]
fn kill_during_a_lock_wait_ends_it_with_1317() {
    let (storage, t) = setup(Engine::InnoDb);
    let id = committed_row(&storage, &t, row(1, "x", None));
    let kill = KillSwitch::default();
    let mut a = storage.begin(1);
    let mut b = storage.begin(2);
    t.lock_row(&mut a, id, LockMode::Exclusive, &Wait::new(BOUND, &kill))
        .unwrap();
    let kill_b = KillSwitch::default();
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        let waiter = s.spawn(|| {
            let report = move |waiting: bool| tx.send(waiting).unwrap();
            let w = Wait {
                timeout: BOUND,
                kill: &kill_b,
                on_wait: Some(&report),
            };
            t.delete(&mut b, id, &w)
        });
        assert_eq!(rx.recv_timeout(BOUND), Ok(true));
        kill_b.kill_query();
        let e = waiter.join().unwrap().unwrap_err();
        assert_eq!((e.code, e.sqlstate), (1317, "70100"));
    });
}

#[test]
fn rollback_to_savepoint_undoes_only_later_changes_and_forgets_later_savepoints() {
    let (storage, t) = setup(Engine::InnoDb);
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let mut a = storage.begin(1);
    t.insert(&mut a, row(1, "x", None), &w).unwrap();
    a.set_savepoint("S1", 7);
    t.insert(&mut a, row(2, "y", None), &w).unwrap();
    a.set_savepoint("s2", 9);
    t.insert(&mut a, row(3, "z", None), &w).unwrap();
    assert_eq!(a.rollback_to_savepoint("s1"), Some(7), "names ignore case");
    assert_eq!(scan_firsts(&t, &mut a, &kill), vec![1]);
    assert!(!a.release_savepoint("s2"), "a later savepoint is gone");
    assert_eq!(
        a.rollback_to_savepoint("s1"),
        Some(7),
        "the savepoint stays"
    );
    assert!(a.release_savepoint("s1"));
    assert_eq!(a.rollback_to_savepoint("s1"), None);
    a.set_savepoint("s3", 0);
    a.commit();
    assert_eq!(
        a.rollback_to_savepoint("s3"),
        None,
        "commit forgets savepoints"
    );
    assert_eq!(t.row_count(), 1);
}

#[test]
fn rollback_undoes_insert_update_and_delete() {
    let (storage, t) = setup(Engine::InnoDb);
    let r1 = committed_row(&storage, &t, row(1, "x", None));
    let r2 = committed_row(&storage, &t, row(2, "y", None));
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let mut a = storage.begin(1);
    t.insert(&mut a, row(3, "z", None), &w).unwrap();
    t.update(&mut a, r1, row(10, "x", None), &w).unwrap();
    t.update(&mut a, r1, row(11, "x", None), &w).unwrap();
    t.delete(&mut a, r2, &w).unwrap();
    assert_eq!(scan_firsts(&t, &mut a, &kill), vec![3, 11]);
    let report = a.rollback();
    assert!(!report.non_transactional_changed);
    assert_eq!(scan_firsts(&t, &mut a, &kill), vec![1, 2]);
    assert_eq!(t.row_count(), 2);
    let mut b = storage.begin(2);
    let short = Wait::new(Duration::from_millis(20), &kill);
    assert!(
        t.lock_row(&mut b, r1, LockMode::Exclusive, &short).is_ok(),
        "locks released"
    );
}

#[test]
fn statement_rollback_keeps_earlier_statements() {
    let (storage, t) = setup(Engine::InnoDb);
    let r1 = committed_row(&storage, &t, row(1, "x", None));
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let mut a = storage.begin(1);
    a.start_statement();
    t.update(&mut a, r1, row(5, "x", None), &w).unwrap();
    a.start_statement();
    t.update(&mut a, r1, row(6, "x", None), &w).unwrap();
    t.insert(&mut a, row(7, "q", None), &w).unwrap();
    a.rollback_statement();
    assert_eq!(scan_firsts(&t, &mut a, &kill), vec![5]);
    a.commit();
    let mut b = storage.begin(2);
    assert_eq!(scan_firsts(&t, &mut b, &kill), vec![5]);
}

#[test]
fn duplicate_keys_fail_with_mariadb_text_and_nulls_never_clash() {
    let (storage, t) = setup(Engine::InnoDb);
    committed_row(&storage, &t, row(1, "x", Some(2)));
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let mut a = storage.begin(1);
    let e = t.insert(&mut a, row(1, "y", Some(3)), &w).unwrap_err();
    assert_eq!((e.code, e.sqlstate), (1062, "23000"));
    assert_eq!(e.message, "Duplicate entry '1' for key 'PRIMARY'");
    let e = t.insert(&mut a, row(2, "x", Some(2)), &w).unwrap_err();
    assert_eq!(e.message, "Duplicate entry 'x-2' for key 'a'");
    t.insert(&mut a, row(3, "x", None), &w).unwrap();
    t.insert(&mut a, row(4, "x", None), &w).unwrap();
    let id = t.insert(&mut a, row(5, "v", None), &w).unwrap().id;
    let e = t.update(&mut a, id, row(3, "v", None), &w).unwrap_err();
    assert_eq!(e.message, "Duplicate entry '3' for key 'PRIMARY'");
    t.update(&mut a, id, row(5, "w", None), &w).unwrap();
}

#[test]
fn insert_clashing_with_uncommitted_row_waits_for_its_fate() {
    let (storage, t) = setup(Engine::InnoDb);
    let kill = KillSwitch::default();
    let mut a = storage.begin(1);
    let mut b = storage.begin(2);
    t.insert(&mut a, row(1, "x", None), &Wait::new(BOUND, &kill))
        .unwrap();
    let short = Wait::new(Duration::from_millis(20), &kill);
    assert_eq!(
        t.insert(&mut b, row(1, "y", None), &short)
            .unwrap_err()
            .code,
        1205
    );
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        let waiter = s.spawn(|| {
            let kill_b = KillSwitch::default();
            let report = move |waiting: bool| tx.send(waiting).unwrap();
            let w = Wait {
                timeout: BOUND,
                kill: &kill_b,
                on_wait: Some(&report),
            };
            t.insert(&mut b, row(1, "y", None), &w)
        });
        assert_eq!(rx.recv_timeout(BOUND), Ok(true));
        a.rollback();
        assert!(waiter.join().unwrap().is_ok());
    });
}

#[test]
fn auto_increment_generates_follows_and_is_not_rolled_back() {
    let storage = Storage::new();
    storage
        .create_table(def("t", Engine::InnoDb, true), false)
        .unwrap();
    let t = storage.table("test", "t").unwrap();
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let mut a = storage.begin(1);
    let got = t.insert(&mut a, row(0, "a", None), &w).unwrap();
    assert_eq!(got.generated, Some(1));
    let mut r = row(0, "b", None);
    r[0] = Value::Null;
    assert_eq!(t.insert(&mut a, r, &w).unwrap().generated, Some(2));
    assert_eq!(
        t.insert(&mut a, row(10, "c", None), &w).unwrap().generated,
        None
    );
    assert_eq!(t.next_auto_increment(), 11);
    a.rollback();
    assert_eq!(
        t.insert(&mut a, row(0, "d", None), &w).unwrap().generated,
        Some(11)
    );
    assert_eq!(scan_firsts(&t, &mut a, &kill), vec![11]);
    a.commit();
    t.set_auto_increment(5);
    assert_eq!(
        t.next_auto_increment(),
        12,
        "never at or below a value in use"
    );
    t.set_auto_increment(20);
    assert_eq!(t.next_auto_increment(), 20);
    t.truncate();
    assert_eq!(t.next_auto_increment(), 1);
}

#[test]
fn non_transactional_changes_survive_rollback_without_locks() {
    let (storage, t) = setup(Engine::MyIsam);
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let mut a = storage.begin(1);
    let mut b = storage.begin(2);
    assert_eq!(scan_firsts(&t, &mut b, &kill), Vec::<i64>::new());
    let id = t.insert(&mut a, row(1, "x", None), &w).unwrap().id;
    assert_eq!(scan_firsts(&t, &mut b, &kill), vec![1]);
    let short = Wait::new(Duration::from_millis(20), &kill);
    t.update(&mut b, id, row(2, "x", None), &short).unwrap();
    a.start_statement();
    t.insert(&mut a, row(3, "y", None), &w).unwrap();
    a.rollback_statement();
    let e = t.insert(&mut a, row(2, "z", None), &w).unwrap_err();
    assert_eq!(e.message, "Duplicate entry '2' for key 'PRIMARY'");
    assert!(a.rollback().non_transactional_changed);
    assert!(!a.rollback().non_transactional_changed);
    assert_eq!(scan_firsts(&t, &mut a, &kill), vec![2, 3]);
}

#[test]
fn temporary_tables_live_outside_the_catalog() {
    let storage = Storage::new();
    let t = Table::new_temporary(def("tmp", Engine::InnoDb, false));
    assert!(t.def().temporary);
    assert_eq!(storage.table("test", "tmp").unwrap_err().code, 1146);
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let mut a = storage.begin(1);
    t.insert(&mut a, row(1, "x", None), &w).unwrap();
    a.rollback();
    assert_eq!(scan_firsts(&t, &mut a, &kill), Vec::<i64>::new());
}

#[test]
fn dropping_an_unfinished_transaction_releases_its_locks() {
    let (storage, t) = setup(Engine::InnoDb);
    let id = committed_row(&storage, &t, row(1, "x", None));
    let kill = KillSwitch::default();
    let short = Wait::new(Duration::from_millis(20), &kill);
    let mut a = storage.begin(1);
    t.delete(&mut a, id, &short).unwrap();
    drop(a);
    let mut b = storage.begin(2);
    assert!(
        t.lock_row(&mut b, id, LockMode::Exclusive, &short)
            .unwrap()
            .is_some()
    );
}

#[test]
fn old_snapshots_keep_their_versions_across_later_commits() {
    let (storage, t) = setup(Engine::InnoDb);
    let id = committed_row(&storage, &t, row(1, "x", None));
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let mut reader = storage.begin(1);
    reader.start_snapshot();
    let mut a = storage.begin(2);
    for v in [2, 3, 4] {
        t.update(&mut a, id, row(v, "x", None), &w).unwrap();
        a.commit();
    }
    t.delete(&mut a, id, &w).unwrap();
    a.commit();
    assert_eq!(scan_firsts(&t, &mut reader, &kill), vec![1]);
    assert_eq!(scan_firsts(&t, &mut a, &kill), Vec::<i64>::new());
    assert_eq!(
        t.lock_row(&mut reader, id, LockMode::Shared, &w).unwrap(),
        None
    );
    reader.commit();
    a.commit();
    assert_eq!(t.row_count(), 0);
}

/// One step of the uniqueness property test.
#[derive(Debug, Clone)]
enum Step {
    Insert(i64),
    Update(usize, i64),
    Delete(usize),
    Commit,
    RollbackStatement,
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        (0i64..8).prop_map(Step::Insert),
        (0usize..8, 0i64..8).prop_map(|(i, k)| Step::Update(i, k)),
        (0usize..8).prop_map(Step::Delete),
        Just(Step::Commit),
        Just(Step::RollbackStatement),
    ]
}

proptest::proptest! {
    /// The indexed duplicate check agrees with a plain model of the keys.
    #[test]
    fn duplicate_checks_agree_with_a_model(steps in proptest::collection::vec(step(), 1..60)) {
        let (storage, t) = setup(Engine::InnoDb);
        let kill = KillSwitch::default();
        let w = Wait::new(BOUND, &kill);
        let mut txn = storage.begin(1);
        let mut model: Vec<(RowId, i64)> = Vec::new();
        let mut before = model.clone();
        for s in steps {
            if !matches!(s, Step::RollbackStatement) {
                txn.start_statement();
                before = model.clone();
            }
            match s {
                Step::Insert(k) => {
                    let got = t.insert(&mut txn, row(k, "x", None), &w);
                    proptest::prop_assert_eq!(got.is_err(), model.iter().any(|m| m.1 == k));
                    if let Ok(ins) = got {
                        model.push((ins.id, k));
                    }
                }
                Step::Update(i, k) if i < model.len() => {
                    let got = t.update(&mut txn, model[i].0, row(k, "x", None), &w);
                    let clash = model.iter().enumerate().any(|(j, m)| j != i && m.1 == k);
                    proptest::prop_assert_eq!(got.is_err(), clash);
                    if got.is_ok() {
                        model[i].1 = k;
                    }
                }
                Step::Delete(i) if i < model.len() => {
                    t.delete(&mut txn, model.remove(i).0, &w).unwrap();
                }
                Step::Commit => {
                    txn.commit();
                    before = model.clone();
                }
                Step::RollbackStatement => {
                    txn.rollback_statement();
                    model = before.clone();
                }
                _ => {}
            }
        }
        let mut seen = firsts(t.scan(&mut txn, &w).unwrap());
        let mut expected: Vec<i64> = model.iter().map(|m| m.1).collect();
        seen.sort();
        expected.sort();
        proptest::prop_assert_eq!(seen, expected);
    }
}

#[test]
fn duplicate_check_waits_for_a_row_locked_for_update() {
    let (storage, t) = setup(Engine::InnoDb);
    let id = committed_row(&storage, &t, row(1, "x", None));
    let kill = KillSwitch::default();
    let short = Wait::new(Duration::from_millis(20), &kill);
    let mut a = storage.begin(1);
    let mut b = storage.begin(2);
    t.lock_row(&mut a, id, LockMode::Exclusive, &short).unwrap();
    assert_eq!(
        t.insert(&mut b, row(1, "y", None), &short)
            .unwrap_err()
            .code,
        1205
    );
    a.commit();
    assert_eq!(
        t.insert(&mut b, row(1, "y", None), &short)
            .unwrap_err()
            .code,
        1062
    );
}

#[test]
fn failed_duplicate_insert_keeps_a_shared_lock_on_the_clashing_row() {
    let (storage, t) = setup(Engine::InnoDb);
    let id = committed_row(&storage, &t, row(1, "x", None));
    let kill = KillSwitch::default();
    let short = Wait::new(Duration::from_millis(20), &kill);
    let mut a = storage.begin(1);
    let mut b = storage.begin(2);
    assert_eq!(
        t.insert(&mut a, row(1, "y", None), &short)
            .unwrap_err()
            .code,
        1062
    );
    assert!(t.lock_row(&mut b, id, LockMode::Shared, &short).is_ok());
    assert_eq!(t.delete(&mut b, id, &short).unwrap_err().code, 1205);
    a.rollback();
    t.delete(&mut b, id, &short).unwrap();
}

#[test]
fn insert_or_duplicate_names_and_locks_the_clashing_row() {
    let storage = Storage::new();
    storage
        .create_table(def("t", Engine::InnoDb, true), false)
        .unwrap();
    let t = storage.table("test", "t").unwrap();
    let id = committed_row(&storage, &t, row(1, "x", Some(2)));
    let kill = KillSwitch::default();
    let short = Wait::new(Duration::from_millis(20), &kill);
    let mut a = storage.begin(1);
    let mut b = storage.begin(2);
    let got = t
        .insert_or_duplicate(&mut a, row(0, "x", Some(2)), &short)
        .unwrap();
    let InsertOutcome::Duplicate(dup) = got else {
        panic!("expected a duplicate, got {got:?}");
    };
    assert_eq!((dup.id, dup.key, dup.generated), (id, 1, Some(2)));
    assert_eq!(dup.error.message, "Duplicate entry 'x-2' for key 'a'");
    assert_eq!(
        t.lock_row(&mut b, id, LockMode::Shared, &short)
            .unwrap_err()
            .code,
        1205
    );
    let got = t
        .insert_or_duplicate(&mut a, row(0, "y", Some(2)), &short)
        .unwrap();
    assert!(matches!(
        got,
        InsertOutcome::Inserted(Inserted {
            generated: Some(3),
            ..
        })
    ));
}

#[test]
fn innodb_scans_follow_the_primary_key_and_myisam_reuses_freed_slots() {
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let (storage, t) = setup(Engine::InnoDb);
    let mut a = storage.begin(1);
    for k in [3, 1, 2] {
        t.insert(&mut a, row(k, &k.to_string(), None), &w).unwrap();
    }
    assert_eq!(scan_firsts(&t, &mut a, &kill), vec![1, 2, 3]);
    let (storage, t) = setup(Engine::MyIsam);
    let mut a = storage.begin(1);
    let ids: Vec<RowId> = (1..=5)
        .map(|k| {
            t.insert(&mut a, row(k, &k.to_string(), None), &w)
                .unwrap()
                .id
        })
        .collect();
    t.delete(&mut a, ids[1], &w).unwrap();
    t.delete(&mut a, ids[3], &w).unwrap();
    t.insert(&mut a, row(6, "6", None), &w).unwrap();
    t.insert(&mut a, row(7, "7", None), &w).unwrap();
    assert_eq!(scan_firsts(&t, &mut a, &kill), vec![1, 7, 3, 6, 5]);
}

#[test]
fn alter_table_copies_converted_rows_and_checks_new_unique_keys() {
    let (storage, t) = setup(Engine::InnoDb);
    committed_row(&storage, &t, row(2, "x", Some(1)));
    committed_row(&storage, &t, row(1, "x", Some(2)));
    let kill = KillSwitch::default();
    let mut new_def = def("t2", Engine::MyIsam, false);
    new_def.keys[1].columns = vec![1];
    new_def.keys[1].name = "b".to_string();
    let e = storage
        .alter_table("test", "t", new_def.clone(), &mut |r| Ok(r))
        .unwrap_err();
    assert_eq!(e.message, "Duplicate entry 'x' for key 'b'");
    assert!(
        storage.table("test", "t").is_ok(),
        "a failed ALTER leaves the table"
    );
    let mut n = 0;
    let mut rename = |mut r: Row| {
        n += 1;
        r[1] = Value::text(&n.to_string());
        Ok(r)
    };
    storage
        .alter_table("test", "t", new_def, &mut rename)
        .unwrap();
    assert_eq!(storage.table("test", "t").unwrap_err().code, 1146);
    let t2 = storage.table("test", "t2").unwrap();
    assert_eq!(t2.def().engine, Engine::MyIsam);
    let mut a = storage.begin(1);
    let rows = t2.scan(&mut a, &Wait::new(BOUND, &kill)).unwrap();
    let seen: Vec<Row> = rows.into_iter().map(|(_, r)| r).collect();
    assert_eq!(seen, vec![row(1, "1", Some(2)), row(2, "2", Some(1))]);
}

#[test]
fn locking_scan_sees_newer_commits_and_locks_every_row() {
    let (storage, t) = setup(Engine::InnoDb);
    committed_row(&storage, &t, row(2, "x", None));
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let short = Wait::new(Duration::from_millis(20), &kill);
    let mut a = storage.begin(1);
    assert_eq!(scan_firsts(&t, &mut a, &kill), vec![2]);
    let id1 = committed_row(&storage, &t, row(1, "y", None));
    let rows = t.locking_scan(&mut a, LockMode::Exclusive, &w).unwrap();
    assert_eq!(firsts(rows), vec![1, 2]);
    assert_eq!(
        scan_firsts(&t, &mut a, &kill),
        vec![2],
        "snapshot unchanged"
    );
    let mut b = storage.begin(2);
    assert_eq!(t.delete(&mut b, id1, &short).unwrap_err().code, 1205);
    assert_eq!(
        t.locking_scan(&mut b, LockMode::Shared, &short)
            .unwrap_err()
            .code,
        1205
    );
}

#[test]
fn lookup_unique_finds_newest_versions_including_uncommitted_ones() {
    let (storage, t) = setup(Engine::InnoDb);
    let id = committed_row(&storage, &t, row(1, "x", Some(2)));
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    assert_eq!(t.lookup_unique(0, &[Value::Int(1)]), Some(vec![id]));
    assert_eq!(
        t.lookup_unique(1, &[Value::text("x"), Value::Int(2)]),
        Some(vec![id])
    );
    assert_eq!(t.lookup_unique(0, &[Value::Int(5)]), Some(vec![]));
    let mut a = storage.begin(1);
    let new = t.insert(&mut a, row(5, "y", None), &w).unwrap().id;
    assert_eq!(t.lookup_unique(0, &[Value::Int(5)]), Some(vec![new]));
    assert_eq!(t.lookup_unique(7, &[Value::Int(5)]), None);
}

#[test]
fn failed_inserts_use_up_generated_values_only_in_innodb() {
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    for (engine, next) in [(Engine::InnoDb, 3), (Engine::MyIsam, 2)] {
        let storage = Storage::new();
        storage.create_table(def("t", engine, true), false).unwrap();
        let t = storage.table("test", "t").unwrap();
        let mut a = storage.begin(1);
        t.insert(&mut a, row(0, "x", Some(1)), &w).unwrap();
        let e = t.insert(&mut a, row(50, "x", Some(1)), &w).unwrap_err();
        assert_eq!(e.message, "Duplicate entry 'x-1' for key 'a'");
        assert_eq!(
            t.next_auto_increment(),
            2,
            "{engine:?}: explicit value ignored"
        );
        assert!(t.insert(&mut a, row(0, "x", Some(1)), &w).is_err());
        assert_eq!(t.next_auto_increment(), next, "{engine:?}");
    }
}

/// Runs `f` with a wait that reports its start and end on `tx`.
fn reporting<T>(tx: mpsc::Sender<bool>, f: impl FnOnce(&Wait) -> T) -> T {
    let kill = KillSwitch::default();
    let report = move |waiting: bool| tx.send(waiting).unwrap();
    let w = Wait {
        timeout: BOUND,
        kill: &kill,
        on_wait: Some(&report),
    };
    f(&w)
}

#[test]
fn insert_of_a_key_value_an_update_found_absent_waits_for_its_commit() {
    let (storage, t) = setup(Engine::InnoDb);
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let short = Wait::new(Duration::from_millis(20), &kill);
    let (mut a, mut b) = (storage.begin(1), storage.begin(2));
    // A's UPDATE … WHERE a = 5 finds no row and locks the value.
    t.lock_key_value(&mut a, 0, &[Value::Int(5)], LockMode::Exclusive, &w)
        .unwrap();
    t.insert(&mut b, row(6, "y", None), &short).unwrap();
    let e = t.insert(&mut b, row(5, "x", None), &short).unwrap_err();
    assert_eq!((e.code, e.sqlstate), (1205, "HY000"));
    let (tx, rx) = mpsc::channel();
    let b_id = b.id();
    thread::scope(|s| {
        let waiter = s.spawn(|| reporting(tx, |w| t.insert(&mut b, row(5, "x", None), w)));
        assert_eq!(rx.recv_timeout(BOUND), Ok(true));
        assert_eq!(storage.row_lock_waiters(a.id()), [b_id]);
        a.commit();
        assert!(waiter.join().unwrap().is_ok());
    });
    b.commit();
    assert_eq!(scan_firsts(&t, &mut a, &kill), [5, 6]);
}

#[test]
fn key_value_locks_follow_the_key_collation_and_cover_unique_keys() {
    let (storage, t) = setup(Engine::InnoDb);
    let kill = KillSwitch::default();
    let short = Wait::new(Duration::from_millis(20), &kill);
    let (mut a, mut b) = (storage.begin(1), storage.begin(2));
    let values = [Value::text("X"), Value::Int(2)];
    t.lock_key_value(&mut a, 1, &values, LockMode::Shared, &short)
        .unwrap();
    let e = t.insert(&mut b, row(1, "x ", Some(2)), &short).unwrap_err();
    assert_eq!(e.code, 1205);
    t.insert(&mut b, row(1, "x", Some(3)), &short).unwrap();
    let id = committed_row(&storage, &t, row(2, "z", Some(2)));
    let e = t
        .update(&mut b, id, row(2, "x", Some(2)), &short)
        .unwrap_err();
    assert_eq!(e.code, 1205, "a row moving to a locked value waits too");
    b.rollback();
    t.update(&mut a, id, row(2, "x", Some(2)), &short)
        .expect("a transaction's own key-value lock does not block it");
}

#[test]
fn inserts_into_a_value_both_locked_deadlock_with_1213() {
    let (storage, t) = setup(Engine::InnoDb);
    let kill = KillSwitch::default();
    let w = Wait::new(BOUND, &kill);
    let (mut a, mut b) = (storage.begin(1), storage.begin(2));
    t.lock_key_value(&mut a, 0, &[Value::Int(5)], LockMode::Exclusive, &w)
        .unwrap();
    t.lock_key_value(&mut b, 0, &[Value::Int(5)], LockMode::Exclusive, &w)
        .unwrap();
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        let first = s.spawn(|| {
            let got = reporting(tx, |w| t.insert(&mut a, row(5, "a", None), w));
            (got, a)
        });
        assert_eq!(rx.recv_timeout(BOUND), Ok(true));
        let e = t.insert(&mut b, row(5, "b", None), &w).unwrap_err();
        assert_eq!((e.code, e.sqlstate), (1213, "40001"));
        b.rollback();
        let (got, mut a) = first.join().unwrap();
        got.unwrap();
        a.commit();
    });
}

#[test]
fn non_transactional_tables_lock_no_key_values() {
    let (storage, t) = setup(Engine::MyIsam);
    let kill = KillSwitch::default();
    let short = Wait::new(Duration::from_millis(20), &kill);
    let (mut a, mut b) = (storage.begin(1), storage.begin(2));
    t.lock_key_value(&mut a, 0, &[Value::Int(5)], LockMode::Exclusive, &short)
        .unwrap();
    t.insert(&mut b, row(5, "x", None), &short).unwrap();
}

#[test]
fn a_value_some_row_has_is_left_to_that_rows_lock() {
    let (storage, t) = setup(Engine::InnoDb);
    let id = committed_row(&storage, &t, row(5, "x", None));
    let kill = KillSwitch::default();
    let short = Wait::new(Duration::from_millis(20), &kill);
    let (mut a, mut b) = (storage.begin(1), storage.begin(2));
    t.delete(&mut a, id, &short).unwrap();
    // B's UPDATE … WHERE a = 5 finds A's deleted row and waits for its lock.
    t.lock_key_value(&mut b, 0, &[Value::Int(5)], LockMode::Exclusive, &short)
        .unwrap();
    t.insert(&mut a, row(5, "y", None), &short)
        .expect("A puts back the value it deleted without waiting for B");
    a.commit();
}
