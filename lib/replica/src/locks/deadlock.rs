//! Deadlock detection across every kind of lock (global read lock, table
//! locks, transactions' table accesses, user locks): before a connection
//! starts to wait, follow "waits for" from the connections blocking it,
//! asking the live lock state who blocks each waiter; reaching the requester
//! again means the wait would never end, so it fails at once with 1213, as
//! MariaDB's metadata-lock deadlock detector does for the requester.

use std::collections::BTreeSet;

/// Whether waiting for `blockers` would make `requester` wait for itself,
/// given who each connection currently waits for.
pub(super) fn closes_cycle(
    blockers: &BTreeSet<u64>,
    requester: u64,
    waits_for: impl Fn(u64) -> BTreeSet<u64>,
) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<u64> = blockers.iter().copied().collect();
    while let Some(next) = todo.pop() {
        if next == requester {
            return true;
        }
        if seen.insert(next) {
            todo.extend(waits_for(next));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn set(conns: &[u64]) -> BTreeSet<u64> {
        conns.iter().copied().collect()
    }

    fn graph(edges: &[(u64, &[u64])]) -> impl Fn(u64) -> BTreeSet<u64> {
        let map: BTreeMap<u64, BTreeSet<u64>> = edges.iter().map(|(c, b)| (*c, set(b))).collect();
        move |c| map.get(&c).cloned().unwrap_or_default()
    }

    #[test]
    fn a_wait_reaching_back_to_the_requester_closes_a_cycle() {
        let waits = graph(&[(1, &[2]), (2, &[3, 4])]);
        assert!(closes_cycle(&set(&[1]), 3, &waits));
        assert!(closes_cycle(&set(&[2]), 4, &waits));
        assert!(!closes_cycle(&set(&[1]), 5, &waits));
        assert!(!closes_cycle(&set(&[4]), 1, &waits));
    }

    #[test]
    fn cycles_among_others_do_not_stop_the_search() {
        let waits = graph(&[(1, &[2]), (2, &[1])]);
        assert!(!closes_cycle(&set(&[1]), 9, &waits));
    }
}
