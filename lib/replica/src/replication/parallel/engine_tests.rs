use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::replication::parallel::order::{Finished, StartRule};
use crate::session::registry::ThreadRegistry;

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
