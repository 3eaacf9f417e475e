use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use super::*;
use crate::replication::parallel::order::{Finished, StartRule};
use crate::session::kill::KillSwitch;
use crate::session::registry::ThreadRegistry;
use crate::storage::{LockKey, LockMode, Transaction, Wait};

const FREE: StartRule = StartRule {
    barrier: 0,
    after_prior_commit: false,
    speculative: false,
};

/// Runs one group per thread, started in reverse order; the commit order comes back.
fn commit_order(n: u64, fail: Option<u64>) -> Vec<(u64, &'static str)> {
    let engine = Arc::new(Engine::default());
    let registry = Arc::new(ThreadRegistry::default());
    let storage = Arc::new(Storage::new());
    let log = Arc::new(Mutex::new(Vec::new()));
    let tickets: Vec<Ticket> = (0..n).map(|_| engine.update(|o| o.queue(0))).collect();
    let mut handles = Vec::new();
    for (i, t) in tickets.into_iter().enumerate().rev() {
        let (engine, registry, storage, log) = (
            Arc::clone(&engine),
            Arc::clone(&registry),
            Arc::clone(&storage),
            Arc::clone(&log),
        );
        handles.push(std::thread::spawn(move || {
            let thread = registry.register("system user", "", None);
            assert_eq!(engine.wait_start(t, FREE, &thread), Start::Go);
            if Some(t.seq) == fail {
                std::thread::sleep(Duration::from_millis(20));
                engine.finish(t, Finished::Failed);
                log.lock().unwrap().push((t.seq, "failed"));
                return;
            }
            let how = match engine.gate(t, 1000 + i as u64, &thread, &storage) {
                Ok(()) => {
                    log.lock().unwrap().push((t.seq, "committed"));
                    Finished::Committed
                }
                Err(_) => {
                    log.lock().unwrap().push((t.seq, "rolled back"));
                    Finished::RolledBack
                }
            };
            engine.finish(t, how);
        }));
        std::thread::sleep(Duration::from_millis(5));
    }
    for h in handles {
        h.join().unwrap();
    }
    engine.wait_idle();
    log.lock().unwrap().clone()
}

#[test]
fn workers_commit_in_queue_order_whatever_order_they_finish_in() {
    let order = commit_order(5, None);
    let seqs: Vec<u64> = order.iter().map(|(s, _)| *s).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 5]);
}

#[test]
fn groups_after_a_failed_one_roll_back_and_earlier_ones_commit() {
    let mut order = commit_order(4, Some(2));
    order.sort();
    assert_eq!(
        order,
        vec![
            (1, "committed"),
            (2, "failed"),
            (3, "rolled back"),
            (4, "rolled back")
        ]
    );
}

#[test]
fn a_pause_waits_for_the_started_groups_and_holds_the_next() {
    let engine = Arc::new(Engine::default());
    let registry = ThreadRegistry::default();
    let thread = registry.register("root", "localhost", None);
    let first = engine.update(|o| o.queue(0));
    let second = engine.update(|o| o.queue(0));
    assert_eq!(engine.wait_start(first, FREE, &thread), Start::Go);
    let committer = {
        let engine = Arc::clone(&engine);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            engine.finish(first, Finished::Committed);
        })
    };
    engine.pause(&thread, &thread.kill).unwrap();
    assert!(engine.read(|o| o.prior_committed(second)));
    assert_eq!(
        engine.update(|o| o.start(second, FREE)),
        Start::Wait(crate::replication::parallel::order::WAIT_READ_LOCK)
    );
    engine.unpause();
    assert_eq!(engine.wait_start(second, FREE, &thread), Start::Go);
    committer.join().unwrap();
}

#[test]
fn a_killed_pause_gives_up_and_lets_the_workers_go_on() {
    let engine = Engine::default();
    let registry = ThreadRegistry::default();
    let thread = registry.register("root", "localhost", None);
    let first = engine.update(|o| o.queue(0));
    let second = engine.update(|o| o.queue(0));
    assert_eq!(engine.wait_start(first, FREE, &thread), Start::Go);
    thread.kill.kill_query();
    let err = engine.pause(&thread, &thread.kill).unwrap_err();
    assert_eq!(err.code, 1317);
    assert_eq!(engine.update(|o| o.start(second, FREE)), Start::Go);
}

#[test]
fn a_kill_ends_the_wait_for_the_prior_commit_but_not_a_commit_that_may_go() {
    let engine = Engine::default();
    let registry = ThreadRegistry::default();
    let storage = Storage::new();
    let (a, b) = (
        registry.register("system user", "", None),
        registry.register("system user", "", None),
    );
    let first = engine.update(|o| o.queue(0));
    let second = engine.update(|o| o.queue(0));
    assert_eq!(engine.wait_start(first, FREE, &a), Start::Go);
    assert_eq!(engine.wait_start(second, FREE, &b), Start::Go);
    b.kill.kill_connection();
    let err = engine.gate(second, 2, &b, &storage).unwrap_err();
    assert_eq!(err.code(), 1927);
    a.kill.kill_connection();
    assert!(engine.gate(first, 1, &a, &storage).is_ok());
}

/// Takes `key` for `txn` on a thread, reporting on `tx` when its wait
/// starts; the transaction comes back with the error code (0: granted).
fn wait_for_lock(
    mut txn: Transaction,
    key: LockKey,
    tx: mpsc::Sender<bool>,
) -> std::thread::JoinHandle<(Transaction, u16)> {
    std::thread::spawn(move || {
        let kill = KillSwitch::default();
        let report = move |waiting: bool| {
            let _ = tx.send(waiting);
        };
        let wait = Wait {
            on_wait: Some(&report),
            ..Wait::new(Duration::from_secs(10), &kill)
        };
        let code = txn
            .lock(key, LockMode::Exclusive, &wait)
            .map_or_else(|e| e.code, |()| 0);
        (txn, code)
    })
}

/// Runs the gate on a thread; a gate still waiting after a second is
/// killed, so a wait that would last forever fails the test with 1317.
fn gate_or_kill(engine: &Engine, t: Ticket, txn: u64, storage: &Storage) -> Option<u16> {
    let registry = ThreadRegistry::default();
    let thread = registry.register("system user", "", None);
    std::thread::scope(|s| {
        let gate = s.spawn(|| engine.gate(t, txn, &thread, storage));
        let deadline = Instant::now() + Duration::from_secs(1);
        while !gate.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        thread.kill.kill_query();
        gate.join().unwrap().err().map(|e| e.code())
    })
}

#[test]
fn a_group_an_earlier_one_waits_for_behind_a_later_one_rolls_back_at_its_gate() {
    let (a, b) = (LockKey::Row(1, 1), LockKey::Row(1, 2));
    let engine = Engine::default();
    let storage = Storage::new();
    let registry = ThreadRegistry::default();
    let worker = registry.register("system user", "", None);
    let [first, second, third] = [(); 3].map(|()| engine.update(|o| o.queue(0)));
    let [n, mut p, mut m] = [1, 2, 3].map(|c| storage.begin(c));
    for (txn, t) in [(&n, first), (&p, second), (&m, third)] {
        assert_eq!(engine.wait_start(t, FREE, &worker), Start::Go);
        engine.running(txn.id(), Some(t));
    }
    let (n_id, p_id, m_id) = (n.id(), p.id(), m.id());
    let kill = KillSwitch::default();
    let now = Wait::new(Duration::from_millis(10), &kill);
    // The third group holds a; the second holds b and is done executing.
    m.lock(a, LockMode::Exclusive, &now).unwrap();
    p.lock(b, LockMode::Exclusive, &now).unwrap();
    // The first waits for a, the third for b: first → third → second.
    let (tx, rx) = mpsc::channel();
    let first_waits = wait_for_lock(n, a, tx.clone());
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(true));
    let third_waits = wait_for_lock(m, b, tx);
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(true));
    assert_eq!(
        gate_or_kill(&engine, second, p_id, &storage),
        Some(1213),
        "the second group waits for the first's commit, which waits for it"
    );
    p.rollback();
    engine.finish(second, Finished::RolledBack);
    let (mut m, code) = third_waits.join().unwrap();
    assert_eq!(code, 0, "the third group gets b");
    assert_eq!(gate_or_kill(&engine, third, m_id, &storage), Some(1213));
    m.rollback();
    engine.finish(third, Finished::RolledBack);
    let (_n, code) = first_waits.join().unwrap();
    assert_eq!(code, 0, "the first group gets a");
    assert_eq!(gate_or_kill(&engine, first, n_id, &storage), None);
}
