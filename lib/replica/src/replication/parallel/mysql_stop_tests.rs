use super::*;
use crate::replication::parallel::order::{Finished, Start, StartRule};

const FREE: StartRule = StartRule {
    barrier: 0,
    after_prior_commit: false,
    speculative: false,
};

fn t(seq: u64) -> Ticket {
    Ticket {
        domain: DOMAIN,
        seq,
    }
}

/// Four workers dealt T1..T10 round robin: T1 executing (held on a
/// row lock), T2..T4 done executing and waiting to commit, the rest queued.
fn round_robin(order: &mut Order) -> Vec<Hand> {
    for _ in 1..=10 {
        order.queue(DOMAIN);
    }
    for seq in 1..=4 {
        assert_eq!(order.start(t(seq), FREE), Start::Go);
    }
    for seq in 2..=4 {
        order.started_commit(t(seq));
    }
    (1..=4)
        .map(|w| Hand {
            current: Some(t(w)),
            head: Some(t(w + 4)),
            last_assigned: Some(t(if w + 8 <= 10 { w + 8 } else { w + 4 })),
        })
        .collect()
}

#[test]
fn the_group_at_hand_is_the_executing_one_then_the_queue_head_then_the_last_assigned() {
    let never = |_| false;
    let always = |_| true;
    let busy = Hand {
        current: Some(t(1)),
        head: Some(t(5)),
        last_assigned: Some(t(9)),
    };
    assert_eq!(group_at_hand(&busy, never), 1);
    assert_eq!(
        group_at_hand(&busy, always),
        5,
        "at its commit: the queue head"
    );
    let drained = Hand { head: None, ..busy };
    assert_eq!(group_at_hand(&drained, always), 9);
    assert_eq!(group_at_hand(&Hand::default(), never), 0, "never assigned");
}

#[test]
fn each_worker_contributes_once_and_the_maximum_is_the_stop_point() {
    let mut n = Negotiation::new(3);
    n.contribute(0, 1);
    assert!(!n.settled());
    assert!(!n.skips(100), "nobody skips before all have contributed");
    n.contribute(0, 50);
    assert_eq!(
        n.stop_point(),
        1,
        "a second offer of worker 0 does not count"
    );
    n.contribute(1, 7);
    n.contribute(2, 6);
    assert!(n.settled());
    assert_eq!(n.stop_point(), 7);
    assert!(!n.skips(7));
    assert!(n.skips(8));
}

#[test]
fn queued_groups_up_to_the_largest_at_hand_run_and_later_ones_are_skipped() {
    let mut order = Order::default();
    let hands = round_robin(&mut order);
    // T1 contributes itself, the others their queue heads T6, T7, T8.
    assert_eq!(negotiate(&order, &hands), 8);
    order.stop_at(DOMAIN, 8);
    order.finish(t(1), Finished::Committed);
    for seq in 2..=4 {
        order.finish(t(seq), Finished::Committed);
    }
    for seq in 5..=8 {
        assert_eq!(
            order.start(t(seq), FREE),
            Start::Go,
            "T{seq} was queued, not started"
        );
        order.finish(t(seq), Finished::Committed);
    }
    for seq in 9..=10 {
        assert_eq!(order.start(t(seq), FREE), Start::Skip, "T{seq}");
        order.finish(t(seq), Finished::Skipped);
    }
    assert!(order.idle());
}

#[test]
fn mariadb_rule_on_the_same_state_stops_after_the_largest_started() {
    let mut order = Order::default();
    round_robin(&mut order);
    order.stop();
    for seq in 1..=4 {
        order.finish(t(seq), Finished::Committed);
    }
    assert_eq!(order.start(t(5), FREE), Start::Skip);
}

#[test]
fn a_pool_with_nothing_queued_stops_after_everything_assigned() {
    let mut order = Order::default();
    for seq in 1..=3 {
        order.queue(DOMAIN);
        assert_eq!(order.start(t(seq), FREE), Start::Go);
        order.finish(t(seq), Finished::Committed);
    }
    let idle = |last| Hand {
        current: None,
        head: None,
        last_assigned: last,
    };
    let hands = [idle(Some(t(3))), idle(Some(t(2))), idle(None)];
    assert_eq!(negotiate(&order, &hands), 3);
}
