//! The guards a running write statement and a running commit hold against
//! the global read lock: [`WriteIntent`] and [`CommitIntent`] come from the
//! lock manager once granted and give their hold back when dropped.

use super::Locks;

/// Held while a statement that changes data or schema runs.
#[must_use = "the write intent ends when dropped"]
#[derive(Debug)]
pub struct WriteIntent<'a> {
    pub(super) locks: &'a Locks,
    pub(super) conn: u64,
}

impl Drop for WriteIntent<'_> {
    fn drop(&mut self) {
        self.locks.end_write(self.conn);
    }
}

/// Held while a COMMIT of a transaction that wrote runs.
#[must_use = "the commit intent ends when dropped"]
#[derive(Debug)]
pub struct CommitIntent<'a> {
    pub(super) locks: &'a Locks,
    pub(super) conn: u64,
}

impl Drop for CommitIntent<'_> {
    fn drop(&mut self) {
        self.locks.end_commit(self.conn);
    }
}
