//! The lock manager's bookkeeping behind its one mutex: the global read
//! lock, table locks, user locks, and what each waiting connection wants.
//! A try at a lock names what it wants as a [`Want`]; [`LockState`] works
//! out who blocks it from the live state, refuses a wait that would close a
//! cycle (1213), or records the wait, and forgets it on every way out.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::ServerResult;

use super::deadlock::closes_cycle;
use super::errors;
use super::global::GlobalLocks;
use super::tables::{Request, TableLockMode, TableLocks};
use super::user::UserLocks;
use super::wait::Attempt;

/// What a connection is trying to get, enough to ask again who blocks it.
#[derive(Debug, Clone)]
pub(super) enum Want {
    /// FLUSH TABLES WITH READ LOCK.
    ReadLock,
    /// A write statement's intent.
    Write,
    /// A commit's intent.
    Commit,
    /// LOCK TABLES, in line at `ticket`.
    LockTables { ticket: u64, request: Request },
    /// One statement's access to one table, in line at `ticket`, ranked at `place`.
    Access {
        ticket: u64,
        place: u64,
        request: Request,
    },
    /// GET_LOCK of a name.
    User(String),
}

/// Everything the lock manager keeps.
#[derive(Debug, Default)]
pub(super) struct LockState {
    pub global: GlobalLocks,
    pub tables: TableLocks,
    pub user: UserLocks,
    /// What each waiting connection wants.
    wants: BTreeMap<u64, Want>,
    /// Arrival order of table lock requests.
    last_ticket: u64,
}

/// One try's answer so far: `Ok` to go on and grant, `Err` with what to return.
pub(super) type Step<T> = Result<(), Attempt<ServerResult<T>>>;

/// The answer of a try: the step's early answer, or `granted`.
pub(super) fn settle<T>(
    step: Step<T>,
    granted: impl FnOnce() -> ServerResult<T>,
) -> Attempt<ServerResult<T>> {
    match step {
        Ok(()) => Attempt::Done(granted()),
        Err(answer) => answer,
    }
}

impl LockState {
    pub fn next_ticket(&mut self) -> u64 {
        self.last_ticket += 1;
        self.last_ticket
    }

    /// Go on when nobody blocks `want`; else wait (showing `reason`), or fail
    /// with 1213 when the wait would close a cycle.
    pub fn unless_blocked<T>(&mut self, conn: u64, want: Want, reason: &'static str) -> Step<T> {
        let blockers = self.blockers(conn, &want);
        if blockers.is_empty() {
            return Ok(());
        }
        if closes_cycle(&blockers, conn, |c| self.blockers_of(c)) {
            return Err(Attempt::Done(Err(errors::lock_deadlock())));
        }
        self.queue(conn, &want);
        self.wants.insert(conn, want);
        Err(Attempt::Blocked(reason))
    }

    /// Every way out of a try: `conn` no longer waits or queues.
    pub fn end_wait(&mut self, conn: u64) {
        self.wants.remove(&conn);
        self.global.stop_waiting(conn);
        self.tables.stop_waiting(conn);
    }

    /// Who a waiting connection waits for now (nobody if it does not wait).
    fn blockers_of(&self, conn: u64) -> BTreeSet<u64> {
        self.wants
            .get(&conn)
            .map(|want| self.blockers(conn, want))
            .unwrap_or_default()
    }

    /// The other connections standing between `conn` and `want`.
    fn blockers(&self, conn: u64, want: &Want) -> BTreeSet<u64> {
        match want {
            Want::ReadLock => self.global.read_lock_blockers(conn),
            Want::Write => self.global.write_blockers(conn),
            Want::Commit => self.global.commit_blockers(conn),
            Want::LockTables { ticket, request } => {
                self.lock_tables_blockers(conn, *ticket, request)
            }
            Want::Access { place, request, .. } => self.tables.blockers(conn, *place, request),
            Want::User(name) => self
                .user
                .holder_other_than(conn, name)
                .into_iter()
                .collect(),
        }
    }

    /// LOCK TABLES waits for the global read lock (with any WRITE) and for the tables.
    fn lock_tables_blockers(&self, conn: u64, ticket: u64, request: &Request) -> BTreeSet<u64> {
        let mut blockers = self.tables.lock_tables_blockers(conn, ticket, request);
        if request.values().any(|m| *m == TableLockMode::Write) {
            blockers.extend(self.global.write_blockers(conn));
        }
        blockers
    }

    /// Puts a waiting request where later requests see it in line.
    fn queue(&mut self, conn: u64, want: &Want) {
        match want {
            Want::ReadLock => self.global.wait_for_read_lock(conn),
            Want::LockTables { ticket, request }
            | Want::Access {
                ticket, request, ..
            } => self.tables.wait(conn, *ticket, request),
            Want::Write | Want::Commit | Want::User(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn try_want(s: &mut LockState, conn: u64, want: Want) -> Step<()> {
        s.unless_blocked(conn, want, "waiting")
    }

    fn user(name: &str) -> Want {
        Want::User(name.to_string())
    }

    #[test]
    fn a_wait_closing_a_cycle_fails_and_a_lapsed_wait_closes_none() {
        let mut s = LockState::default();
        s.user.grant(1, "a");
        s.user.grant(2, "b");
        let step = try_want(&mut s, 1, user("b"));
        assert!(matches!(step, Err(Attempt::Blocked("waiting"))));
        let step = try_want(&mut s, 2, user("a"));
        assert!(matches!(step, Err(Attempt::Done(Err(e))) if e.code == 1213));
        s.end_wait(2);
        // 2 lets b go: 1's recorded wait no longer points at 2, so 2 may wait for a
        s.user.release(2, "b");
        let step = try_want(&mut s, 2, user("a"));
        assert!(matches!(step, Err(Attempt::Blocked(_))));
    }

    #[test]
    fn a_waiting_read_lock_queues_writers_until_its_wait_ends() {
        let mut s = LockState::default();
        s.global.begin_write(2);
        assert!(try_want(&mut s, 1, Want::ReadLock).is_err());
        assert!(try_want(&mut s, 3, Want::Write).is_err());
        assert!(try_want(&mut s, 2, Want::Write).is_ok(), "2 already writes");
        s.end_wait(1);
        assert!(try_want(&mut s, 3, Want::Write).is_ok());
    }

    #[test]
    fn lock_tables_with_write_also_waits_for_the_read_lock() {
        let mut s = LockState::default();
        s.global.grant_read_lock(1);
        let request = Request::from([(("d".to_string(), "t".to_string()), TableLockMode::Write)]);
        let want = Want::LockTables {
            ticket: s.next_ticket(),
            request: request.clone(),
        };
        assert_eq!(s.blockers(2, &want), BTreeSet::from([1]));
        let read: Request = request
            .keys()
            .map(|k| (k.clone(), TableLockMode::Read))
            .collect();
        let want = Want::LockTables {
            ticket: s.next_ticket(),
            request: read,
        };
        assert!(s.blockers(2, &want).is_empty());
    }
}
