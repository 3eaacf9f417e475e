//! STOP SLAVE in the mysql flavor: MySQL's Bug#75525 rule (spec 2.3)
//! instead of MariaDB's largest-started one. When the driver (MySQL's
//! coordinator) leaves its loop it reads each worker's [`Hand`] from the
//! pool, under the order's lock; every worker contributes its group at
//! hand once to a [`Negotiation`], and the maximum becomes the stop
//! point: groups up to it run (queued ones too), later ones are skipped.
//! In the mysql flavor every group is ordered in domain 0, so a ticket's
//! `seq` is MySQL's `total_seqno`.

use super::engine::Engine;
use super::order::{Order, Ticket};
use super::pool::Pool;

/// The one sequence of the mysql flavor.
pub const DOMAIN: u32 = 0;

/// What a worker holds when the stop is negotiated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hand {
    /// The group it took and has not finished.
    pub current: Option<Ticket>,
    /// The first group still in its queue.
    pub head: Option<Ticket>,
    pub last_assigned: Option<Ticket>,
}

/// A worker's group at hand: the group it is still executing (MySQL has
/// not yet dequeued that group's last event), else the head of its
/// queue, else the last group assigned to it (0: none).
pub fn group_at_hand(hand: &Hand, reached_commit: impl Fn(Ticket) -> bool) -> u64 {
    let executing = hand.current.filter(|&t| !reached_commit(t));
    executing
        .or(hand.head)
        .or(hand.last_assigned)
        .map_or(0, |t| t.seq)
}

/// The stop negotiation of one STOP: each worker counts once.
#[derive(Debug)]
pub struct Negotiation {
    counted: Vec<bool>,
    contributions: usize,
    max_updated: u64,
}

impl Negotiation {
    pub fn new(workers: usize) -> Negotiation {
        Negotiation {
            counted: vec![false; workers],
            contributions: 0,
            max_updated: 0,
        }
    }

    /// Worker `w` offers its group at hand; a second offer is ignored.
    pub fn contribute(&mut self, w: usize, at_hand: u64) {
        if std::mem::replace(&mut self.counted[w], true) {
            return;
        }
        if self.contributions < self.counted.len() {
            self.max_updated = self.max_updated.max(at_hand);
        }
        self.contributions += 1;
    }

    /// Every worker has contributed.
    pub fn settled(&self) -> bool {
        self.contributions == self.counted.len()
    }

    /// The stop point: the largest group at hand.
    pub fn stop_point(&self) -> u64 {
        self.max_updated
    }

    /// Whether a worker whose next group is `next` stops without running
    /// it: only once all have contributed, and only past the stop point.
    pub fn skips(&self, next: u64) -> bool {
        self.settled() && next > self.max_updated
    }
}

/// The stop point of the workers holding `hands`, as `order` stands.
pub fn negotiate(order: &Order, hands: &[Hand]) -> u64 {
    let mut n = Negotiation::new(hands.len());
    for (w, hand) in hands.iter().enumerate() {
        n.contribute(w, group_at_hand(hand, |t| order.reached_commit(t)));
    }
    n.stop_point()
}

/// The driver leaves its loop: the negotiated stop point is set.
pub fn stop(engine: &Engine, pool: &Pool) {
    engine.update(|order| {
        let at = negotiate(order, &pool.hands());
        order.stop_at(DOMAIN, at);
    });
}

#[cfg(test)]
#[path = "mysql_stop_tests.rs"]
mod tests;
