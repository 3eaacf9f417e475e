//! [`Locks`]: the one lock manager of a server. Each request locks the
//! shared bookkeeping (global read lock, table locks, user locks, who waits
//! for whom), asks the part concerned who blocks it, and either records the
//! grant, fails a wait that would deadlock, or waits through
//! [`Guarded::wait_until`] until another connection releases something.
//! Results leave as `()`, a guard, a SQL value or an error.

use std::time::Duration;

use crate::error::ServerResult;
use crate::session::kill::KillSwitch;
use crate::sql::value::Value;

use super::errors;
use super::global::BACKUP_LOCK_STATE;
use super::intents::{CommitIntent, WriteIntent};
use super::state::{LockState, Want, settle};
use super::tables::{
    Request, TABLE_LOCK_STATE, TableKey, TableLockItem, TableLockMode, request_of,
};
use super::user::{USER_LOCK_STATE, checked_name};
use super::wait::{Attempt, Guarded, Wait, WaitEnd};

/// The server's locks above rows; one per server, shared by all connections.
#[derive(Debug, Default)]
pub struct Locks {
    shared: Guarded<LockState>,
}

/// A metadata lock wait's end as the statement sees it.
fn metadata_result<T>(end: WaitEnd<ServerResult<T>>) -> ServerResult<T> {
    match end {
        WaitEnd::Done(result) => result,
        WaitEnd::TimedOut => Err(errors::lock_wait_timeout()),
        WaitEnd::Killed(error) => Err(error),
    }
}

impl Locks {
    pub fn new() -> Locks {
        Locks::default()
    }

    /// Changes the bookkeeping so that waiters may go on, and wakes them.
    fn release<R>(&self, change: impl FnOnce(&mut LockState) -> R) -> R {
        self.shared.release(change)
    }

    /// Retries `attempt` as `conn` until it is done, cleaning up on every way out.
    fn wait_for<T>(
        &self,
        conn: u64,
        wait: &Wait,
        attempt: impl FnMut(&mut LockState) -> Attempt<T>,
    ) -> WaitEnd<T> {
        self.shared.wait_until(wait, attempt, |s| s.end_wait(conn))
    }

    /// FLUSH TABLES WITH READ LOCK: waits for other connections' writes and commits.
    pub fn acquire_global_read_lock(&self, conn: u64, wait: &Wait) -> ServerResult<()> {
        let end = self.wait_for(conn, wait, |s| {
            if s.tables.holds_any(conn) {
                return Attempt::Done(Err(errors::lock_or_active_transaction()));
            }
            let step = s.unless_blocked(conn, Want::ReadLock, BACKUP_LOCK_STATE);
            settle(step, || {
                s.global.grant_read_lock(conn);
                Ok(())
            })
        });
        metadata_result(end)
    }

    /// UNLOCK TABLES (or disconnect) for the global read lock.
    pub fn release_global_read_lock(&self, conn: u64) {
        self.release(|s| s.global.release_read_lock(conn));
    }

    /// Whether any connection holds or waits for the global read lock.
    pub fn read_lock_wanted(&self) -> bool {
        self.shared.lock().global.read_lock_wanted()
    }

    pub fn holds_global_read_lock(&self, conn: u64) -> bool {
        self.shared.lock().global.holds_read_lock(conn)
    }

    /// Taken by each statement that changes data or schema, for as long as it runs.
    pub fn begin_write(&self, conn: u64, wait: &Wait) -> ServerResult<WriteIntent<'_>> {
        let end = self.wait_for(conn, wait, |s| {
            if s.global.holds_read_lock(conn) {
                return Attempt::Done(Err(errors::cant_update_with_readlock()));
            }
            let step = s.unless_blocked(conn, Want::Write, BACKUP_LOCK_STATE);
            settle(step, || {
                s.global.begin_write(conn);
                Ok(())
            })
        });
        metadata_result(end).map(|()| WriteIntent { locks: self, conn })
    }

    /// Taken by the COMMIT of a transaction that wrote, for as long as the commit runs.
    pub fn begin_commit(&self, conn: u64, wait: &Wait) -> ServerResult<CommitIntent<'_>> {
        let end = self.wait_for(conn, wait, |s| {
            let step = s.unless_blocked(conn, Want::Commit, BACKUP_LOCK_STATE);
            settle(step, || {
                s.global.begin_commit(conn);
                Ok(())
            })
        });
        metadata_result(end).map(|()| CommitIntent { locks: self, conn })
    }

    pub(super) fn end_write(&self, conn: u64) {
        self.release(|s| s.global.end_write(conn));
    }

    pub(super) fn end_commit(&self, conn: u64) {
        self.release(|s| s.global.end_commit(conn));
    }

    /// LOCK TABLES: drops `conn`'s earlier table locks, then waits for all of these at once.
    pub fn lock_tables(
        &self,
        conn: u64,
        tables: &[TableLockItem],
        wait: &Wait,
    ) -> ServerResult<()> {
        self.unlock_tables(conn);
        let request = request_of(tables);
        let mut ticket = None;
        let end = self.wait_for(conn, wait, |s| {
            let ticket = *ticket.get_or_insert_with(|| s.next_ticket());
            try_lock_tables(s, conn, ticket, &request, tables)
        });
        metadata_result(end)
    }

    /// UNLOCK TABLES: whether `conn` had table locks.
    pub fn unlock_tables(&self, conn: u64) -> bool {
        self.release(|s| {
            s.global.end_table_writes(conn);
            s.tables.release(conn)
        })
    }

    pub fn holds_table_locks(&self, conn: u64) -> bool {
        self.shared.lock().tables.holds_any(conn)
    }

    /// Before a statement reads (or writes) a table: 1100/1099 under LOCK TABLES,
    /// else waits while another connection's table lock conflicts.
    pub fn check_table_access(
        &self,
        conn: u64,
        schema: &str,
        table: &str,
        write: bool,
        wait: &Wait,
    ) -> ServerResult<()> {
        self.check_table_access_as(conn, schema, table, table, write, wait)
    }

    /// [`Self::check_table_access`] for a table the statement calls `name` (an alias).
    pub fn check_table_access_as(
        &self,
        conn: u64,
        schema: &str,
        table: &str,
        name: &str,
        write: bool,
        wait: &Wait,
    ) -> ServerResult<()> {
        let key = (schema.to_string(), table.to_string());
        self.access_table(conn, key, name, write, false, wait)
    }

    /// [`Self::check_table_access`] for a statement in a transaction: the access is
    /// kept (holding back others' LOCK TABLES) until [`Self::release_table_access`].
    pub fn hold_table_access(
        &self,
        conn: u64,
        schema: &str,
        table: &str,
        write: bool,
        wait: &Wait,
    ) -> ServerResult<()> {
        self.hold_table_access_as(conn, schema, table, table, write, wait)
    }

    /// [`Self::hold_table_access`] for a table the statement calls `name` (an alias).
    pub fn hold_table_access_as(
        &self,
        conn: u64,
        schema: &str,
        table: &str,
        name: &str,
        write: bool,
        wait: &Wait,
    ) -> ServerResult<()> {
        let key = (schema.to_string(), table.to_string());
        self.access_table(conn, key, name, write, true, wait)
    }

    /// DROP TABLE: waits until no other connection locks the table or
    /// uses it in an open transaction (MariaDB's exclusive metadata lock).
    pub fn exclusive_table_access(
        &self,
        conn: u64,
        schema: &str,
        table: &str,
        wait: &Wait,
    ) -> ServerResult<()> {
        let key = (schema.to_string(), table.to_string());
        let request = Request::from([(key, TableLockMode::Write)]);
        let mut ticket = None;
        let end = self.wait_for(conn, wait, |s| {
            let ticket = *ticket.get_or_insert_with(|| s.next_ticket());
            let want = Want::LockTables {
                ticket,
                request: request.clone(),
            };
            let step = s.unless_blocked(conn, want, TABLE_LOCK_STATE);
            settle(step, || Ok(()))
        });
        metadata_result(end)
    }

    /// COMMIT, ROLLBACK or the end of an autocommit statement: kept accesses go.
    pub fn release_table_access(&self, conn: u64) {
        self.release(|s| s.tables.release_access(conn));
    }

    fn access_table(
        &self,
        conn: u64,
        key: TableKey,
        name: &str,
        write: bool,
        keep: bool,
        wait: &Wait,
    ) -> ServerResult<()> {
        let mode = if write {
            TableLockMode::Write
        } else {
            TableLockMode::Read
        };
        let request = Request::from([(key.clone(), mode)]);
        let mut ticket = None;
        let end = self.wait_for(conn, wait, |s| {
            if s.tables.holds_any(conn) {
                return Attempt::Done(s.tables.check_locked_access(conn, &key, name, write));
            }
            let ticket = *ticket.get_or_insert_with(|| s.next_ticket());
            // a table the transaction already uses does not queue behind later requests
            let place = if s.tables.has_accessed(conn, &key) {
                0
            } else {
                ticket
            };
            let want = Want::Access {
                ticket,
                place,
                request: request.clone(),
            };
            let step = s.unless_blocked(conn, want, TABLE_LOCK_STATE);
            settle(step, || {
                if keep {
                    s.tables.keep_access(conn, &key, mode);
                }
                Ok(())
            })
        });
        metadata_result(end)
    }

    /// GET_LOCK: 1 when taken, 0 on timeout, NULL for '' or when KILL QUERY ends the wait.
    pub fn get_lock(
        &self,
        conn: u64,
        name: &str,
        timeout: Duration,
        kill: &KillSwitch,
        set_state: &dyn Fn(Option<&str>),
    ) -> ServerResult<Value> {
        let Some(name) = checked_name(name)? else {
            return Ok(Value::Null);
        };
        let wait = Wait {
            timeout,
            kill,
            set_state,
        };
        let end = self.wait_for(conn, &wait, |s| {
            let step = s.unless_blocked(conn, Want::User(name.to_string()), USER_LOCK_STATE);
            settle(step, || {
                s.user.grant(conn, name);
                Ok(Value::Int(1))
            })
        });
        match end {
            WaitEnd::Done(result) => result,
            WaitEnd::TimedOut => Ok(Value::Int(0)),
            WaitEnd::Killed(error) if kill.connection_killed() => Err(error),
            WaitEnd::Killed(_) => Ok(Value::Null),
        }
    }

    /// RELEASE_LOCK: 1 released, 0 held by another connection, NULL held by nobody.
    pub fn release_lock(&self, conn: u64, name: &str) -> ServerResult<Value> {
        let Some(name) = checked_name(name)? else {
            return Ok(Value::Null);
        };
        Ok(self.release(|s| s.user.release(conn, name)))
    }

    /// IS_FREE_LOCK: 1 when nobody holds `name`, else 0.
    pub fn is_free_lock(&self, name: &str) -> ServerResult<Value> {
        let Some(name) = checked_name(name)? else {
            return Ok(Value::Null);
        };
        let free = self.shared.lock().user.holder(name).is_null();
        Ok(Value::Int(i64::from(free)))
    }

    /// IS_USED_LOCK: the holder's connection id, or NULL.
    pub fn is_used_lock(&self, name: &str) -> ServerResult<Value> {
        let Some(name) = checked_name(name)? else {
            return Ok(Value::Null);
        };
        Ok(self.shared.lock().user.holder(name))
    }

    /// RELEASE_ALL_LOCKS: how many user locks (counting re-entries) were released.
    pub fn release_all_locks(&self, conn: u64) -> u64 {
        self.release(|s| s.user.release_all(conn))
    }

    /// On disconnect: the global read lock, table locks, user locks and any waits of `conn`.
    pub fn release_connection(&self, conn: u64) {
        self.release(|s| {
            s.global.release_connection(conn);
            s.tables.release_connection(conn);
            s.user.release_all(conn);
        });
    }
}

/// One try at LOCK TABLES: the global write intent first (for WRITE), then the tables.
fn try_lock_tables(
    s: &mut LockState,
    conn: u64,
    ticket: u64,
    request: &Request,
    items: &[TableLockItem],
) -> Attempt<ServerResult<()>> {
    let writes = request.values().any(|m| *m == TableLockMode::Write);
    if writes && s.global.holds_read_lock(conn) {
        return Attempt::Done(Err(errors::cant_update_with_readlock()));
    }
    let backup_blocked = writes && !s.global.write_blockers(conn).is_empty();
    let reason = if backup_blocked {
        BACKUP_LOCK_STATE
    } else {
        TABLE_LOCK_STATE
    };
    let want = Want::LockTables {
        ticket,
        request: request.clone(),
    };
    let step = s.unless_blocked(conn, want, reason);
    settle(step, || {
        s.tables.grant(conn, items);
        if writes {
            s.global.begin_table_writes(conn);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use TableLockMode::{Read, Write};
    use std::sync::Mutex;
    use std::thread;
    use std::time::Instant;

    const LONG: Duration = Duration::from_secs(30);

    /// One test connection: its id, kill switch and every state it showed.
    struct Conn {
        id: u64,
        kill: KillSwitch,
        states: Mutex<Vec<Option<String>>>,
    }

    impl Conn {
        fn new(id: u64) -> Conn {
            Conn {
                id,
                kill: KillSwitch::default(),
                states: Mutex::new(Vec::new()),
            }
        }

        fn record(&self, state: Option<&str>) {
            self.states.lock().unwrap().push(state.map(str::to_string));
        }

        /// Runs `f` with a wait of this connection.
        fn with_wait<R>(&self, timeout: Duration, f: impl FnOnce(&Wait) -> R) -> R {
            let record = |s: Option<&str>| self.record(s);
            f(&Wait {
                timeout,
                kill: &self.kill,
                set_state: &record,
            })
        }

        fn current_state(&self) -> Option<String> {
            self.states.lock().unwrap().last().cloned().flatten()
        }

        /// Bounded poll until the connection shows `state` (it is then blocked in a wait).
        fn await_state(&self, state: &str) {
            let until = Instant::now() + Duration::from_secs(10);
            while self.current_state().as_deref() != Some(state) {
                assert!(
                    Instant::now() < until,
                    "conn {} never showed {state}",
                    self.id
                );
                thread::sleep(Duration::from_millis(1));
            }
        }

        /// Every wait of this connection set a state and cleared it again.
        fn assert_waits_cleared(&self, state: &str) {
            let states = self.states.lock().unwrap();
            assert_eq!(states.first().cloned().flatten().as_deref(), Some(state));
            assert_eq!(states.last(), Some(&None));
        }
    }

    fn table(name: &str, mode: TableLockMode) -> TableLockItem {
        TableLockItem::new("test", name, mode)
    }

    #[test]
    fn drop_waits_for_another_transactions_table_until_it_ends() {
        let locks = std::sync::Arc::new(Locks::new());
        let (a, b) = (Conn::new(1), std::sync::Arc::new(Conn::new(2)));
        a.with_wait(LONG, |w| locks.hold_table_access(1, "test", "tt", true, w))
            .unwrap();
        b.with_wait(LONG, |w| {
            locks.exclusive_table_access(2, "test", "other", w)
        })
        .unwrap();
        let (l, c) = (std::sync::Arc::clone(&locks), std::sync::Arc::clone(&b));
        let dropper = thread::spawn(move || {
            c.with_wait(LONG, |w| l.exclusive_table_access(2, "test", "tt", w))
        });
        b.await_state(TABLE_LOCK_STATE);
        locks.release_table_access(1);
        dropper.join().unwrap().unwrap();
        b.assert_waits_cleared(TABLE_LOCK_STATE);
        a.with_wait(LONG, |w| locks.exclusive_table_access(1, "test", "tt", w))
            .unwrap();
    }

    #[test]
    fn one_lock_manager_is_shared_by_every_connection_thread() {
        fn shared<T: Send + Sync>(_: &T) {}
        let locks = std::sync::Arc::new(Locks::new());
        shared(&locks);
        let other = std::sync::Arc::clone(&locks);
        let a = Conn::new(1);
        thread::spawn(move || other.get_lock(7, "k", LONG, &KillSwitch::default(), &|_| {}))
            .join()
            .unwrap()
            .unwrap();
        assert_eq!(locks.is_used_lock("k").unwrap(), Value::Int(7));
        assert_eq!(
            locks
                .get_lock(a.id, "k", Duration::ZERO, &a.kill, &|_| {})
                .unwrap(),
            Value::Int(0)
        );
    }

    #[test]
    fn ftwrl_blocks_a_writer_which_proceeds_after_unlock() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        a.with_wait(LONG, |w| locks.acquire_global_read_lock(a.id, w))
            .unwrap();
        thread::scope(|scope| {
            let writer =
                scope.spawn(|| b.with_wait(LONG, |w| locks.begin_write(b.id, w).map(drop)));
            b.await_state(BACKUP_LOCK_STATE);
            assert!(!writer.is_finished());
            locks.release_global_read_lock(a.id);
            writer.join().unwrap().unwrap();
        });
        b.assert_waits_cleared(BACKUP_LOCK_STATE);
        assert!(!locks.holds_global_read_lock(a.id));
    }

    #[test]
    fn the_holders_own_writes_get_1223_but_its_reads_and_commits_pass() {
        let locks = Locks::new();
        let a = Conn::new(1);
        a.with_wait(LONG, |w| locks.acquire_global_read_lock(a.id, w))
            .unwrap();
        a.with_wait(LONG, |w| locks.acquire_global_read_lock(a.id, w))
            .unwrap();
        assert!(locks.holds_global_read_lock(a.id));
        let error = a.with_wait(LONG, |w| locks.begin_write(a.id, w).map(drop));
        let error = error.unwrap_err();
        assert_eq!((error.code, error.sqlstate), (1223, "HY000"));
        assert_eq!(
            error.message,
            "Can't execute the query because you have a conflicting read lock"
        );
        let lock_write = a.with_wait(LONG, |w| locks.lock_tables(a.id, &[table("t", Write)], w));
        assert_eq!(lock_write.unwrap_err().code, 1223);
        a.with_wait(LONG, |w| locks.lock_tables(a.id, &[table("t", Read)], w))
            .unwrap();
        a.with_wait(LONG, |w| locks.begin_commit(a.id, w).map(drop))
            .unwrap();
        assert!(a.states.lock().unwrap().is_empty(), "nothing waited");
    }

    #[test]
    fn ftwrl_waits_for_a_running_write_and_new_writes_queue_behind_it() {
        let locks = Locks::new();
        let (a, b, c) = (Conn::new(1), Conn::new(2), Conn::new(3));
        let intent = b.with_wait(LONG, |w| locks.begin_write(b.id, w)).unwrap();
        thread::scope(|scope| {
            let ftwrl =
                scope.spawn(|| a.with_wait(LONG, |w| locks.acquire_global_read_lock(a.id, w)));
            a.await_state(BACKUP_LOCK_STATE);
            let late = scope.spawn(|| c.with_wait(LONG, |w| locks.begin_write(c.id, w).map(drop)));
            c.await_state(BACKUP_LOCK_STATE);
            drop(intent);
            ftwrl.join().unwrap().unwrap();
            assert!(!late.is_finished());
            locks.release_global_read_lock(a.id);
            late.join().unwrap().unwrap();
        });
        a.assert_waits_cleared(BACKUP_LOCK_STATE);
        c.assert_waits_cleared(BACKUP_LOCK_STATE);
    }

    #[test]
    fn a_commit_waits_under_another_connections_read_lock() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        drop(b.with_wait(LONG, |w| locks.begin_write(b.id, w)).unwrap());
        a.with_wait(LONG, |w| locks.acquire_global_read_lock(a.id, w))
            .unwrap();
        thread::scope(|scope| {
            let commit =
                scope.spawn(|| b.with_wait(LONG, |w| locks.begin_commit(b.id, w).map(drop)));
            b.await_state(BACKUP_LOCK_STATE);
            locks.release_global_read_lock(a.id);
            commit.join().unwrap().unwrap();
        });
        b.assert_waits_cleared(BACKUP_LOCK_STATE);
    }

    #[test]
    fn a_running_commit_holds_back_ftwrl() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        let commit = b.with_wait(LONG, |w| locks.begin_commit(b.id, w)).unwrap();
        let waited = a.with_wait(Duration::from_millis(20), |w| {
            locks.acquire_global_read_lock(a.id, w)
        });
        assert_eq!(waited.unwrap_err().code, 1205);
        drop(commit);
        a.with_wait(LONG, |w| locks.acquire_global_read_lock(a.id, w))
            .unwrap();
    }

    #[test]
    fn lock_tables_write_and_ftwrl_wait_for_each_other() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        b.with_wait(LONG, |w| locks.lock_tables(b.id, &[table("t", Write)], w))
            .unwrap();
        thread::scope(|scope| {
            let ftwrl =
                scope.spawn(|| a.with_wait(LONG, |w| locks.acquire_global_read_lock(a.id, w)));
            a.await_state(BACKUP_LOCK_STATE);
            // the table writer's own statements go on while FTWRL waits for it
            drop(b.with_wait(LONG, |w| locks.begin_write(b.id, w)).unwrap());
            assert!(locks.unlock_tables(b.id));
            ftwrl.join().unwrap().unwrap();
        });
        thread::scope(|scope| {
            let lock = scope
                .spawn(|| b.with_wait(LONG, |w| locks.lock_tables(b.id, &[table("t", Write)], w)));
            b.await_state(BACKUP_LOCK_STATE);
            locks.release_global_read_lock(a.id);
            lock.join().unwrap().unwrap();
        });
        b.assert_waits_cleared(BACKUP_LOCK_STATE);
    }

    #[test]
    fn ftwrl_under_own_lock_tables_gives_1192() {
        let locks = Locks::new();
        let a = Conn::new(1);
        a.with_wait(LONG, |w| locks.lock_tables(a.id, &[table("t", Read)], w))
            .unwrap();
        let error = a.with_wait(LONG, |w| locks.acquire_global_read_lock(a.id, w));
        assert_eq!(error.unwrap_err().code, 1192);
    }

    #[test]
    fn lock_tables_read_blocks_another_write_but_not_its_read() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        a.with_wait(LONG, |w| locks.lock_tables(a.id, &[table("t", Read)], w))
            .unwrap();
        b.with_wait(LONG, |w| {
            locks.check_table_access(b.id, "test", "t", false, w)
        })
        .unwrap();
        b.with_wait(LONG, |w| {
            locks.check_table_access(b.id, "test", "u", true, w)
        })
        .unwrap();
        assert!(b.states.lock().unwrap().is_empty());
        thread::scope(|scope| {
            let write = scope.spawn(|| {
                b.with_wait(LONG, |w| {
                    locks.check_table_access(b.id, "test", "t", true, w)
                })
            });
            b.await_state(TABLE_LOCK_STATE);
            assert!(locks.unlock_tables(a.id));
            write.join().unwrap().unwrap();
        });
        b.assert_waits_cleared(TABLE_LOCK_STATE);
        assert!(!locks.unlock_tables(a.id));
    }

    #[test]
    fn a_waiting_lock_tables_write_blocks_new_readers() {
        let locks = Locks::new();
        let (a, b, c) = (Conn::new(1), Conn::new(2), Conn::new(3));
        a.with_wait(LONG, |w| locks.lock_tables(a.id, &[table("t", Read)], w))
            .unwrap();
        thread::scope(|scope| {
            let writer = scope
                .spawn(|| b.with_wait(LONG, |w| locks.lock_tables(b.id, &[table("t", Write)], w)));
            b.await_state(TABLE_LOCK_STATE);
            let reader = scope.spawn(|| {
                c.with_wait(LONG, |w| {
                    locks.check_table_access(c.id, "test", "t", false, w)
                })
            });
            c.await_state(TABLE_LOCK_STATE);
            locks.unlock_tables(a.id);
            writer.join().unwrap().unwrap();
            assert!(!reader.is_finished());
            locks.unlock_tables(b.id);
            reader.join().unwrap().unwrap();
        });
        b.assert_waits_cleared(TABLE_LOCK_STATE);
        c.assert_waits_cleared(TABLE_LOCK_STATE);
    }

    #[test]
    fn under_lock_tables_other_tables_give_1100_and_writing_a_read_lock_1099() {
        let locks = Locks::new();
        let a = Conn::new(1);
        let list = [table("t", Read), table("w", Write)];
        a.with_wait(LONG, |w| locks.lock_tables(a.id, &list, w))
            .unwrap();
        assert!(locks.holds_table_locks(a.id));
        let access = |t: &str, write: bool| {
            a.with_wait(LONG, |w| {
                locks.check_table_access(a.id, "test", t, write, w)
            })
        };
        let e = access("t2", false).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (1100, "Table 't2' was not locked with LOCK TABLES")
        );
        assert_eq!(access("t", true).unwrap_err().code, 1099);
        assert!(access("t", false).is_ok() && access("w", true).is_ok());
        // LOCK TABLES replaces what the connection had
        a.with_wait(LONG, |w| locks.lock_tables(a.id, &[table("t2", Read)], w))
            .unwrap();
        assert_eq!(access("t", false).unwrap_err().code, 1100);
        assert!(access("t2", false).is_ok());
    }

    #[test]
    fn a_metadata_wait_times_out_with_1205_and_kill_gives_1317() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        a.with_wait(LONG, |w| locks.lock_tables(a.id, &[table("t", Write)], w))
            .unwrap();
        let short = Duration::from_millis(20);
        let timeout = b.with_wait(short, |w| {
            locks.check_table_access(b.id, "test", "t", false, w)
        });
        let e = timeout.unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                1205,
                "Lock wait timeout exceeded; try restarting transaction"
            )
        );
        b.assert_waits_cleared(TABLE_LOCK_STATE);
        thread::scope(|scope| {
            let read = scope.spawn(|| {
                b.with_wait(LONG, |w| {
                    locks.check_table_access(b.id, "test", "t", false, w)
                })
            });
            b.await_state(TABLE_LOCK_STATE);
            b.kill.kill_query();
            assert_eq!(read.join().unwrap().unwrap_err().code, 1317);
        });
        b.assert_waits_cleared(TABLE_LOCK_STATE);
    }

    #[test]
    fn get_lock_waits_until_released_and_times_out_with_0() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        let get = |c: &Conn, name: &str, timeout: Duration| {
            locks.get_lock(c.id, name, timeout, &c.kill, &|s| c.record(s))
        };
        assert_eq!(get(&a, "k", LONG).unwrap(), Value::Int(1));
        assert_eq!(get(&a, "k", LONG).unwrap(), Value::Int(1), "re-entrant");
        assert_eq!(
            get(&b, "k", Duration::from_millis(20)).unwrap(),
            Value::Int(0)
        );
        b.assert_waits_cleared(USER_LOCK_STATE);
        assert_eq!(locks.is_used_lock("k").unwrap(), Value::Int(1));
        assert_eq!(locks.is_free_lock("k").unwrap(), Value::Int(0));
        assert_eq!(locks.is_free_lock("K").unwrap(), Value::Int(1));
        thread::scope(|scope| {
            let waiter = scope.spawn(|| get(&b, "k", LONG));
            b.await_state(USER_LOCK_STATE);
            assert_eq!(locks.release_lock(a.id, "k").unwrap(), Value::Int(1));
            assert!(!waiter.is_finished(), "still held once");
            assert_eq!(locks.release_lock(a.id, "k").unwrap(), Value::Int(1));
            assert_eq!(waiter.join().unwrap().unwrap(), Value::Int(1));
        });
        b.assert_waits_cleared(USER_LOCK_STATE);
        assert_eq!(locks.release_lock(a.id, "k").unwrap(), Value::Int(0));
        assert_eq!(locks.release_lock(a.id, "nobody").unwrap(), Value::Null);
        assert_eq!(locks.is_used_lock("k").unwrap(), Value::Int(2));
        assert_eq!(locks.release_all_locks(b.id), 1);
    }

    #[test]
    fn a_get_lock_wait_cycle_fails_with_1213() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        let get =
            |c: &Conn, name: &str| locks.get_lock(c.id, name, LONG, &c.kill, &|s| c.record(s));
        get(&a, "A").unwrap();
        get(&b, "B").unwrap();
        thread::scope(|scope| {
            let a_wants_b = scope.spawn(|| get(&a, "B"));
            a.await_state(USER_LOCK_STATE);
            let e = get(&b, "A").unwrap_err();
            assert_eq!(
                (e.code, e.sqlstate, e.message.as_str()),
                (
                    1213,
                    "40001",
                    "Deadlock found when trying to get lock; try restarting transaction"
                )
            );
            locks.release_connection(b.id);
            assert_eq!(a_wants_b.join().unwrap().unwrap(), Value::Int(1));
        });
    }

    #[test]
    fn a_transaction_wanting_a_user_lock_of_a_waiting_lock_tables_gets_1213() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        let get =
            |c: &Conn, name: &str| locks.get_lock(c.id, name, LONG, &c.kill, &|s| c.record(s));
        a.with_wait(LONG, |w| {
            locks.hold_table_access(a.id, "test", "t", false, w)
        })
        .unwrap();
        get(&b, "x").unwrap();
        thread::scope(|scope| {
            let lock = scope
                .spawn(|| b.with_wait(LONG, |w| locks.lock_tables(b.id, &[table("t", Write)], w)));
            b.await_state(TABLE_LOCK_STATE);
            assert_eq!(get(&a, "x").unwrap_err().code, 1213);
            locks.release_table_access(a.id);
            lock.join().unwrap().unwrap();
        });
    }

    #[test]
    fn the_read_lock_holder_wanting_a_user_lock_of_a_waiting_commit_gets_1213() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        locks.get_lock(b.id, "y", LONG, &b.kill, &|_| {}).unwrap();
        a.with_wait(LONG, |w| locks.acquire_global_read_lock(a.id, w))
            .unwrap();
        thread::scope(|scope| {
            let commit =
                scope.spawn(|| b.with_wait(LONG, |w| locks.begin_commit(b.id, w).map(drop)));
            b.await_state(BACKUP_LOCK_STATE);
            let e = locks.get_lock(a.id, "y", LONG, &a.kill, &|s| a.record(s));
            assert_eq!(e.unwrap_err().code, 1213);
            locks.release_global_read_lock(a.id);
            commit.join().unwrap().unwrap();
        });
    }

    #[test]
    fn a_wait_that_just_ended_is_no_deadlock() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        let get = |c: &Conn, name: &str, timeout: Duration| {
            locks.get_lock(c.id, name, timeout, &c.kill, &|s| c.record(s))
        };
        get(&a, "y", LONG).unwrap();
        get(&b, "x", LONG).unwrap();
        thread::scope(|scope| {
            let waiter = scope.spawn(|| get(&a, "x", LONG));
            a.await_state(USER_LOCK_STATE);
            locks.release_lock(b.id, "x").unwrap();
            // a now owns x and waits for nothing: b merely waits for y
            let short = Duration::from_millis(20);
            assert_eq!(get(&b, "y", short).unwrap(), Value::Int(0));
            assert_eq!(waiter.join().unwrap().unwrap(), Value::Int(1));
        });
    }

    #[test]
    fn kill_query_during_get_lock_gives_null_and_kill_connection_an_error() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        let get = |c: &Conn| locks.get_lock(c.id, "k", LONG, &c.kill, &|s| c.record(s));
        get(&a).unwrap();
        thread::scope(|scope| {
            let waiter = scope.spawn(|| get(&b));
            b.await_state(USER_LOCK_STATE);
            b.kill.kill_query();
            assert_eq!(waiter.join().unwrap().unwrap(), Value::Null);
        });
        b.kill.clear_query();
        thread::scope(|scope| {
            let waiter = scope.spawn(|| get(&b));
            b.await_state(USER_LOCK_STATE);
            b.kill.kill_connection();
            assert_eq!(waiter.join().unwrap().unwrap_err().code, 1927);
        });
        b.assert_waits_cleared(USER_LOCK_STATE);
        assert_eq!(locks.is_used_lock("k").unwrap(), Value::Int(1));
    }

    #[test]
    fn user_lock_names_empty_give_null_and_too_long_give_1059() {
        let locks = Locks::new();
        let a = Conn::new(1);
        let get = |name: &str| locks.get_lock(a.id, name, LONG, &a.kill, &|s| a.record(s));
        assert_eq!(get("").unwrap(), Value::Null);
        assert_eq!(locks.release_lock(a.id, "").unwrap(), Value::Null);
        assert_eq!(locks.is_free_lock("").unwrap(), Value::Null);
        assert_eq!(locks.is_used_lock("").unwrap(), Value::Null);
        let long = "x".repeat(193);
        assert_eq!(get(&long).unwrap_err().code, 1059);
        assert_eq!(locks.is_free_lock(&long).unwrap_err().code, 1059);
        assert_eq!(get(&"x".repeat(192)).unwrap(), Value::Int(1));
    }

    #[test]
    fn lock_tables_waits_for_a_transaction_that_used_the_table() {
        let locks = Locks::new();
        let (a, b, c) = (Conn::new(1), Conn::new(2), Conn::new(3));
        b.with_wait(LONG, |w| {
            locks.hold_table_access(b.id, "test", "t", false, w)
        })
        .unwrap();
        c.with_wait(LONG, |w| locks.lock_tables(c.id, &[table("t", Read)], w))
            .unwrap();
        locks.unlock_tables(c.id);
        thread::scope(|scope| {
            let lock = scope
                .spawn(|| a.with_wait(LONG, |w| locks.lock_tables(a.id, &[table("t", Write)], w)));
            a.await_state(TABLE_LOCK_STATE);
            // the transaction goes on using its table although a WRITE lock waits for it
            b.with_wait(LONG, |w| {
                locks.hold_table_access(b.id, "test", "t", true, w)
            })
            .unwrap();
            assert!(!lock.is_finished());
            locks.release_table_access(b.id);
            lock.join().unwrap().unwrap();
        });
        a.assert_waits_cleared(TABLE_LOCK_STATE);
        assert!(b.states.lock().unwrap().is_empty());
        // a statement not in a transaction keeps nothing
        locks.unlock_tables(a.id);
        b.with_wait(LONG, |w| {
            locks.check_table_access(b.id, "test", "t", true, w)
        })
        .unwrap();
        a.with_wait(Duration::ZERO, |w| {
            locks.lock_tables(a.id, &[table("t", Write)], w)
        })
        .unwrap();
    }

    #[test]
    fn release_connection_frees_everything_it_held() {
        let locks = Locks::new();
        let (a, b) = (Conn::new(1), Conn::new(2));
        a.with_wait(LONG, |w| locks.acquire_global_read_lock(a.id, w))
            .unwrap();
        a.with_wait(LONG, |w| locks.lock_tables(a.id, &[table("t", Read)], w))
            .unwrap();
        locks.get_lock(a.id, "k", LONG, &a.kill, &|_| {}).unwrap();
        locks.release_connection(a.id);
        assert!(!locks.holds_global_read_lock(a.id) && !locks.holds_table_locks(a.id));
        assert_eq!(locks.is_free_lock("k").unwrap(), Value::Int(1));
        let short = Duration::from_millis(20);
        drop(b.with_wait(short, |w| locks.begin_write(b.id, w)).unwrap());
        b.with_wait(short, |w| {
            locks.check_table_access(b.id, "test", "t", true, w)
        })
        .unwrap();
        assert!(b.states.lock().unwrap().is_empty());
    }
}
