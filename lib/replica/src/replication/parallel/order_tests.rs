use super::*;

const FREE: StartRule = StartRule {
    barrier: 0,
    after_prior_commit: false,
    speculative: false,
};

fn queued(order: &mut Order, n: u64) -> Vec<Ticket> {
    (0..n).map(|_| order.queue(0)).collect()
}

#[test]
fn commits_follow_the_queue_order() {
    let mut o = Order::default();
    let t = queued(&mut o, 3);
    for &ticket in &t {
        assert_eq!(o.start(ticket, FREE), Start::Go);
    }
    assert_eq!(o.commit(t[1]), Commit::Wait);
    assert_eq!(o.commit(t[0]), Commit::Go);
    o.finish(t[0], Finished::Committed);
    assert_eq!(o.commit(t[1]), Commit::Go);
    assert_eq!(o.commit(t[2]), Commit::Wait);
    o.finish(t[1], Finished::Committed);
    o.finish(t[2], Finished::Committed);
    assert!(o.idle());
}

#[test]
fn a_new_orderer_waits_until_the_prior_groups_started_committing() {
    let mut o = Order::default();
    let t = queued(&mut o, 2);
    let barrier = StartRule {
        barrier: 1,
        after_prior_commit: false,
        speculative: false,
    };
    assert_eq!(o.start(t[0], FREE), Start::Go);
    assert_eq!(o.start(t[1], barrier), Start::Wait(WAIT_START_COMMIT));
    o.started_commit(t[0]);
    assert_eq!(o.start(t[1], barrier), Start::Go);
}

#[test]
fn a_non_transactional_group_waits_for_the_prior_commit() {
    let mut o = Order::default();
    let t = queued(&mut o, 2);
    let serial = StartRule {
        barrier: 0,
        after_prior_commit: true,
        speculative: false,
    };
    assert_eq!(o.start(t[0], FREE), Start::Go);
    o.started_commit(t[0]);
    assert_eq!(o.start(t[1], serial), Start::Wait(WAIT_COMMIT));
    o.finish(t[0], Finished::Committed);
    assert_eq!(o.start(t[1], serial), Start::Go);
}

#[test]
fn stop_keeps_every_group_up_to_the_largest_started_and_skips_the_rest() {
    let mut o = Order::default();
    let t = queued(&mut o, 6);
    // Worker 1 runs T1 with T5 queued behind it; T2..T4 and T6 are on others.
    for i in [0, 1, 2, 3] {
        assert_eq!(o.start(t[i], FREE), Start::Go);
    }
    o.stop();
    assert_eq!(o.start(t[4], FREE), Start::Skip);
    assert_eq!(o.start(t[5], FREE), Start::Skip);
    // A group below the stop point that had not started still runs: no gap.
    let mut o = Order::default();
    let t = queued(&mut o, 6);
    for i in [0, 1, 2, 3, 5] {
        assert_eq!(o.start(t[i], FREE), Start::Go);
    }
    o.stop();
    assert_eq!(o.start(t[4], FREE), Start::Go);
}

#[test]
fn a_failure_rolls_back_later_groups_and_lets_earlier_ones_commit() {
    let mut o = Order::default();
    let t = queued(&mut o, 4);
    for &ticket in &t[..3] {
        assert_eq!(o.start(ticket, FREE), Start::Go);
    }
    o.finish(t[1], Finished::Failed);
    assert!(o.failed());
    assert_eq!(o.commit(t[0]), Commit::Go);
    assert_eq!(o.commit(t[2]), Commit::PriorFailed);
    assert_eq!(o.start(t[3], FREE), Start::Skip);
    o.finish(t[0], Finished::Committed);
    o.finish(t[2], Finished::RolledBack);
    o.finish(t[3], Finished::Skipped);
    assert!(o.idle());
}

#[test]
fn until_drains_everything_queued() {
    let mut o = Order::default();
    let t = queued(&mut o, 3);
    assert_eq!(o.start(t[0], FREE), Start::Go);
    o.drain();
    assert_eq!(o.start(t[2], FREE), Start::Go);
    let late = o.queue(0);
    assert_eq!(o.start(late, FREE), Start::Skip);
}

#[test]
fn a_stop_during_an_until_drain_lowers_the_stop_point() {
    let mut o = Order::default();
    let t = queued(&mut o, 3);
    assert_eq!(o.start(t[0], FREE), Start::Go);
    o.drain();
    o.stop();
    assert_eq!(o.start(t[1], FREE), Start::Skip);
}

#[test]
fn a_pause_holds_unstarted_groups_until_the_started_ones_are_done() {
    let mut o = Order::default();
    let t = queued(&mut o, 3);
    assert_eq!(o.start(t[0], FREE), Start::Go);
    assert_eq!(o.start(t[1], FREE), Start::Go);
    o.pause();
    assert!(!o.paused());
    assert_eq!(o.start(t[2], FREE), Start::Wait(WAIT_READ_LOCK));
    o.finish(t[0], Finished::Committed);
    o.finish(t[1], Finished::Committed);
    assert!(o.paused());
    o.unpause();
    assert_eq!(o.start(t[2], FREE), Start::Go);
}

#[test]
fn a_stop_while_paused_skips_the_held_groups() {
    let mut o = Order::default();
    let t = queued(&mut o, 2);
    assert_eq!(o.start(t[0], FREE), Start::Go);
    o.pause();
    assert_eq!(o.start(t[1], FREE), Start::Wait(WAIT_READ_LOCK));
    o.stop();
    o.unpause();
    assert_eq!(o.start(t[1], FREE), Start::Skip);
}

#[test]
fn domains_are_ordered_apart() {
    let mut o = Order::default();
    let a = o.queue(0);
    let b = o.queue(1);
    assert_eq!((a.seq, b.seq), (1, 1));
    assert_eq!(o.start(b, FREE), Start::Go);
    assert_eq!(o.commit(b), Commit::Go);
}
