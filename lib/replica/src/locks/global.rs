//! The global read lock (FLUSH TABLES WITH READ LOCK) against the
//! connections that change data, as plain bookkeeping: who holds the read
//! lock, who waits for it, whose write statements, LOCK TABLES … WRITE and
//! commits are running. The lock manager asks it which connections block
//! a request and records grants and releases; it never waits itself.
//!
//! MariaDB 10.11 rules (checked with a real server): a write statement holds
//! its intent only while it runs, so an open transaction that wrote does not
//! stop FTWRL, but its COMMIT then waits; LOCK TABLES … WRITE holds an intent
//! until UNLOCK TABLES; a waiting FTWRL already blocks new writes; several
//! connections may hold the read lock at once. Every such wait shows the
//! state "Waiting for backup lock".

use std::collections::{BTreeMap, BTreeSet};

/// The process list state of every wait on the global read lock.
pub const BACKUP_LOCK_STATE: &str = "Waiting for backup lock";

/// Who holds or wants the global read lock, and what it waits for.
#[derive(Debug, Default)]
pub(super) struct GlobalLocks {
    readers: BTreeSet<u64>,
    waiting_readers: BTreeSet<u64>,
    writes: BTreeMap<u64, usize>,
    table_writers: BTreeSet<u64>,
    commits: BTreeMap<u64, usize>,
}

impl GlobalLocks {
    pub fn holds_read_lock(&self, conn: u64) -> bool {
        self.readers.contains(&conn)
    }

    /// Whether anyone holds or waits for the read lock (so a new write would wait).
    pub fn read_lock_wanted(&self) -> bool {
        !self.readers.is_empty() || !self.waiting_readers.is_empty()
    }

    /// FTWRL waits for every other connection's running write, LOCK TABLES … WRITE and commit.
    pub fn read_lock_blockers(&self, conn: u64) -> BTreeSet<u64> {
        let writers = self.writes.keys().chain(&self.table_writers);
        others(writers.chain(self.commits.keys()), conn)
    }

    /// A write waits while another connection holds or waits for the read lock,
    /// unless `conn` already has an intent (LOCK TABLES … WRITE, a nested write).
    pub fn write_blockers(&self, conn: u64) -> BTreeSet<u64> {
        if self.writes.contains_key(&conn) || self.table_writers.contains(&conn) {
            return BTreeSet::new();
        }
        others(self.readers.iter().chain(&self.waiting_readers), conn)
    }

    /// A commit waits only while another connection holds the read lock.
    pub fn commit_blockers(&self, conn: u64) -> BTreeSet<u64> {
        others(self.readers.iter(), conn)
    }

    /// Marks `conn` as waiting for the read lock (so new writes queue behind it).
    pub fn wait_for_read_lock(&mut self, conn: u64) {
        self.waiting_readers.insert(conn);
    }

    pub fn grant_read_lock(&mut self, conn: u64) {
        self.waiting_readers.remove(&conn);
        self.readers.insert(conn);
    }

    /// Forgets a wait that ended without the lock.
    pub fn stop_waiting(&mut self, conn: u64) {
        self.waiting_readers.remove(&conn);
    }

    pub fn release_read_lock(&mut self, conn: u64) -> bool {
        self.readers.remove(&conn)
    }

    pub fn begin_write(&mut self, conn: u64) {
        *self.writes.entry(conn).or_default() += 1;
    }

    pub fn end_write(&mut self, conn: u64) {
        decrement(&mut self.writes, conn);
    }

    pub fn begin_table_writes(&mut self, conn: u64) {
        self.table_writers.insert(conn);
    }

    pub fn end_table_writes(&mut self, conn: u64) {
        self.table_writers.remove(&conn);
    }

    pub fn begin_commit(&mut self, conn: u64) {
        *self.commits.entry(conn).or_default() += 1;
    }

    pub fn end_commit(&mut self, conn: u64) {
        decrement(&mut self.commits, conn);
    }

    /// Drops everything `conn` held or waited for.
    pub fn release_connection(&mut self, conn: u64) {
        self.readers.remove(&conn);
        self.waiting_readers.remove(&conn);
        self.writes.remove(&conn);
        self.table_writers.remove(&conn);
        self.commits.remove(&conn);
    }
}

/// The connections among `conns` other than `conn`.
fn others<'a>(conns: impl Iterator<Item = &'a u64>, conn: u64) -> BTreeSet<u64> {
    conns.copied().filter(|c| *c != conn).collect()
}

/// Lowers a per-connection count, dropping the entry at zero.
fn decrement(counts: &mut BTreeMap<u64, usize>, conn: u64) {
    if let Some(count) = counts.get_mut(&conn) {
        *count -= 1;
        if *count == 0 {
            counts.remove(&conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_lock_blocks_other_writes_and_commits_but_not_its_holder() {
        let mut g = GlobalLocks::default();
        g.grant_read_lock(1);
        assert!(g.holds_read_lock(1));
        assert_eq!(g.write_blockers(2), BTreeSet::from([1]));
        assert!(!g.write_blockers(2).is_empty() && !g.commit_blockers(2).is_empty());
        assert!(g.write_blockers(1).is_empty() && g.commit_blockers(1).is_empty());
        assert!(g.read_lock_blockers(2).is_empty(), "read locks share");
        g.release_read_lock(1);
        assert!(g.write_blockers(2).is_empty());
    }

    #[test]
    fn running_writes_commits_and_table_writers_block_the_read_lock_until_they_end() {
        let mut g = GlobalLocks::default();
        g.begin_write(2);
        g.begin_write(2);
        assert!(!g.read_lock_blockers(1).is_empty() && g.read_lock_blockers(2).is_empty());
        g.end_write(2);
        assert!(!g.read_lock_blockers(1).is_empty());
        g.end_write(2);
        assert!(g.read_lock_blockers(1).is_empty());
        g.begin_commit(3);
        assert!(!g.read_lock_blockers(1).is_empty());
        g.end_commit(3);
        g.begin_table_writes(4);
        assert!(!g.read_lock_blockers(1).is_empty());
        g.release_connection(4);
        assert!(g.read_lock_blockers(1).is_empty());
    }

    #[test]
    fn a_waiting_read_lock_blocks_new_writes_but_not_commits() {
        let mut g = GlobalLocks::default();
        g.wait_for_read_lock(1);
        assert!(!g.write_blockers(2).is_empty());
        assert!(g.commit_blockers(2).is_empty());
        g.stop_waiting(1);
        assert!(g.write_blockers(2).is_empty());
    }

    #[test]
    fn a_connection_with_an_intent_is_not_stopped_by_a_waiting_read_lock() {
        let mut g = GlobalLocks::default();
        g.begin_table_writes(2);
        g.wait_for_read_lock(1);
        assert!(
            g.write_blockers(2).is_empty(),
            "FTWRL waits for 2, so 2 must go on"
        );
        assert!(!g.write_blockers(3).is_empty());
    }
}
