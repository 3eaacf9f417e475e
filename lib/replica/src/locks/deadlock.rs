//! Who waits for whom, across every kind of lock (global read lock, table
//! locks, transactions' table accesses, user locks), so that a wait which
//! would close a cycle fails at once with 1213 instead of hanging. Each
//! blocked attempt records the connections blocking it; the one whose wait
//! closes the cycle is refused, as MariaDB's metadata-lock deadlock
//! detector does for the requester.

use std::collections::{BTreeMap, BTreeSet};

/// The wait-for graph: each waiting connection and the connections it waits for.
#[derive(Debug, Default)]
pub(super) struct WaitsFor {
    edges: BTreeMap<u64, BTreeSet<u64>>,
}

impl WaitsFor {
    /// Records that `conn` waits for `blockers`; true (and nothing recorded)
    /// when one of them already waits, directly or not, for `conn`.
    pub fn wait(&mut self, conn: u64, blockers: BTreeSet<u64>) -> bool {
        self.edges.remove(&conn);
        if self.reaches(&blockers, conn) {
            return true;
        }
        self.edges.insert(conn, blockers);
        false
    }

    /// Forgets every recorded wait; waiters record theirs again on their next try.
    pub fn clear(&mut self) {
        self.edges.clear();
    }

    /// Whether following waits from `start` leads to `target`.
    fn reaches(&self, start: &BTreeSet<u64>, target: u64) -> bool {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<u64> = start.iter().copied().collect();
        while let Some(next) = todo.pop() {
            if next == target {
                return true;
            }
            if seen.insert(next) {
                todo.extend(self.edges.get(&next).into_iter().flatten().copied());
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(conns: &[u64]) -> BTreeSet<u64> {
        conns.iter().copied().collect()
    }

    #[test]
    fn the_wait_that_closes_a_cycle_is_refused() {
        let mut g = WaitsFor::default();
        assert!(!g.wait(1, set(&[2])));
        assert!(!g.wait(2, set(&[3, 4])));
        assert!(g.wait(3, set(&[1])));
        assert!(!g.wait(3, set(&[4])), "a refused wait left no edge");
        g.clear();
        assert!(!g.wait(4, set(&[1])));
    }

    #[test]
    fn waits_are_replaced_not_added() {
        let mut g = WaitsFor::default();
        assert!(!g.wait(1, set(&[2])));
        assert!(!g.wait(1, set(&[3])));
        assert!(!g.wait(2, set(&[1])), "1 no longer waits for 2");
        assert!(g.wait(3, set(&[2])));
    }
}
