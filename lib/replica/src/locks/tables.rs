//! Table locks of LOCK TABLES as plain bookkeeping: which tables each
//! connection holds and in which mode, and which requests wait in line.
//! The lock manager asks which connections block a request (a LOCK TABLES
//! list, or one statement's access to one table) and records grants.
//!
//! MariaDB 10.11 rules (checked with a real server): READ shares with READ,
//! WRITE excludes everything; a waiting request blocks later conflicting
//! ones (a pending LOCK TABLES … WRITE stops new readers), so requests are
//! served in arrival order; such waits show "Waiting for table metadata
//! lock". Names compare exactly (lower_case_table_names=0). A transaction
//! keeps its accesses to tables until it ends (MariaDB's transactional
//! metadata locks): they hold back other connections' LOCK TABLES (a read
//! access against WRITE, a write access against READ and WRITE) but not
//! other statements, and not FTWRL.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::ServerResult;

use super::errors;

/// The process list state of a table lock wait.
pub const TABLE_LOCK_STATE: &str = "Waiting for table metadata lock";

/// The mode of one table in LOCK TABLES.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TableLockMode {
    Read,
    Write,
}

impl TableLockMode {
    fn conflicts_with(self, other: TableLockMode) -> bool {
        self == TableLockMode::Write || other == TableLockMode::Write
    }
}

/// A table as (schema, table).
pub type TableKey = (String, String);

/// One entry of a LOCK TABLES list: the table, the name statements must
/// use for it (its alias, else its own name), and the mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableLockItem {
    pub schema: String,
    pub table: String,
    pub name: String,
    pub mode: TableLockMode,
}

impl TableLockItem {
    /// An entry without alias.
    pub fn new(schema: &str, table: &str, mode: TableLockMode) -> TableLockItem {
        TableLockItem {
            schema: schema.to_string(),
            table: table.to_string(),
            name: table.to_string(),
            mode,
        }
    }
}

/// Tables wanted in given modes, each table once.
pub(super) type Request = BTreeMap<TableKey, TableLockMode>;

/// A waiting request and its place in line.
#[derive(Debug)]
struct Waiting {
    ticket: u64,
    request: Request,
}

/// Granted table locks and the line of waiting requests.
#[derive(Debug, Default)]
pub(super) struct TableLocks {
    held: BTreeMap<u64, Request>,
    /// The LOCK TABLES lists as given, for the names statements may use.
    items: BTreeMap<u64, Vec<TableLockItem>>,
    accessed: BTreeMap<u64, Request>,
    waiting: BTreeMap<u64, Waiting>,
}

/// Builds a request from a LOCK TABLES list; a table named twice gets its strongest mode.
pub(super) fn request_of(tables: &[TableLockItem]) -> Request {
    let mut request = Request::new();
    for item in tables {
        let entry = request
            .entry((item.schema.clone(), item.table.clone()))
            .or_insert(item.mode);
        *entry = (*entry).max(item.mode);
    }
    request
}

/// Whether two sets of table locks share a table in conflicting modes.
fn conflicting(request: &Request, other: &Request) -> bool {
    request
        .iter()
        .any(|(key, mode)| other.get(key).is_some_and(|m| m.conflicts_with(*mode)))
}

/// The connections other than `conn` whose locks conflict with `request`.
fn conflicting_others<'a>(
    locks: impl Iterator<Item = (&'a u64, &'a Request)>,
    conn: u64,
    request: &Request,
) -> BTreeSet<u64> {
    locks
        .filter(|(c, r)| **c != conn && conflicting(request, r))
        .map(|(c, _)| *c)
        .collect()
}

impl TableLocks {
    pub fn holds_any(&self, conn: u64) -> bool {
        self.held.contains_key(&conn)
    }

    /// The answer for a statement of a connection under LOCK TABLES that
    /// refers to table `key` as `name` (its alias, else its name): 1100 or
    /// 1099 or fine. A table locked under an alias must be used under it.
    pub fn check_locked_access(
        &self,
        conn: u64,
        key: &TableKey,
        name: &str,
        write: bool,
    ) -> ServerResult<()> {
        let mode = self.items.get(&conn).and_then(|items| {
            items
                .iter()
                .filter(|i| i.schema == key.0 && i.table == key.1)
                .filter(|i| i.name.eq_ignore_ascii_case(name))
                .map(|i| i.mode)
                .max()
        });
        match mode {
            None => Err(errors::table_not_locked(name)),
            Some(TableLockMode::Read) if write => Err(errors::table_not_locked_for_write(name)),
            Some(_) => Ok(()),
        }
    }

    /// The other connections holding, or waiting before `ticket` for, a conflicting lock.
    pub fn blockers(&self, conn: u64, ticket: u64, request: &Request) -> BTreeSet<u64> {
        let held = self.held.iter();
        let earlier = self
            .waiting
            .iter()
            .filter(|(_, w)| w.ticket < ticket)
            .map(|(c, w)| (c, &w.request));
        conflicting_others(held.chain(earlier), conn, request)
    }

    /// [`Self::blockers`] for LOCK TABLES, which also waits for open transactions' accesses.
    pub fn lock_tables_blockers(&self, conn: u64, ticket: u64, request: &Request) -> BTreeSet<u64> {
        let mut blockers = self.blockers(conn, ticket, request);
        blockers.extend(conflicting_others(self.accessed.iter(), conn, request));
        blockers
    }

    /// Whether `conn`'s open transaction already uses the table (then it never queues).
    pub fn has_accessed(&self, conn: u64, key: &TableKey) -> bool {
        self.accessed
            .get(&conn)
            .is_some_and(|r| r.contains_key(key))
    }

    /// Keeps `conn`'s access to a table until its transaction ends.
    pub fn keep_access(&mut self, conn: u64, key: &TableKey, mode: TableLockMode) {
        let held = self.accessed.entry(conn).or_default();
        let entry = held.entry(key.clone()).or_insert(mode);
        *entry = (*entry).max(mode);
    }

    /// The end of `conn`'s transaction: its kept accesses go.
    pub fn release_access(&mut self, conn: u64) {
        self.accessed.remove(&conn);
    }

    /// Puts `conn`'s request in line (once; it keeps its ticket while it waits).
    pub fn wait(&mut self, conn: u64, ticket: u64, request: &Request) {
        self.waiting.entry(conn).or_insert_with(|| Waiting {
            ticket,
            request: request.clone(),
        });
    }

    pub fn stop_waiting(&mut self, conn: u64) {
        self.waiting.remove(&conn);
    }

    /// Gives `conn` exactly these locks.
    pub fn grant(&mut self, conn: u64, items: &[TableLockItem]) {
        self.waiting.remove(&conn);
        self.held.insert(conn, request_of(items));
        self.items.insert(conn, items.to_vec());
    }

    /// UNLOCK TABLES: whether there was anything to release.
    pub fn release(&mut self, conn: u64) -> bool {
        self.items.remove(&conn);
        self.held.remove(&conn).is_some()
    }

    pub fn release_connection(&mut self, conn: u64) {
        self.items.remove(&conn);
        self.held.remove(&conn);
        self.accessed.remove(&conn);
        self.waiting.remove(&conn);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TableLockMode::{Read, Write};

    fn items(list: &[(&str, TableLockMode)]) -> Vec<TableLockItem> {
        list.iter()
            .map(|(t, m)| TableLockItem::new("test", t, *m))
            .collect()
    }

    fn req(list: &[(&str, TableLockMode)]) -> Request {
        request_of(&items(list))
    }

    fn key(t: &str) -> TableKey {
        ("test".to_string(), t.to_string())
    }

    #[test]
    fn reads_share_and_writes_exclude() {
        let mut t = TableLocks::default();
        t.grant(1, &items(&[("t", Read)]));
        assert!(t.blockers(2, 10, &req(&[("t", Read)])).is_empty());
        assert!(!t.blockers(2, 10, &req(&[("t", Write)])).is_empty());
        assert!(t.blockers(2, 10, &req(&[("u", Write)])).is_empty());
        assert!(
            t.blockers(1, 10, &req(&[("t", Write)])).is_empty(),
            "own locks never block"
        );
        t.grant(1, &items(&[("t", Write)]));
        assert!(!t.blockers(2, 10, &req(&[("t", Read)])).is_empty());
        assert!(t.release(1));
        assert!(!t.release(1));
        assert!(t.blockers(2, 10, &req(&[("t", Write)])).is_empty());
    }

    #[test]
    fn an_earlier_waiting_writer_blocks_later_readers_only() {
        let mut t = TableLocks::default();
        t.wait(1, 5, &req(&[("t", Write)]));
        assert!(!t.blockers(2, 6, &req(&[("t", Read)])).is_empty());
        assert!(t.blockers(2, 4, &req(&[("t", Read)])).is_empty());
        t.stop_waiting(1);
        assert!(t.blockers(2, 6, &req(&[("t", Read)])).is_empty());
    }

    #[test]
    fn locked_access_gives_1100_and_1099() {
        let mut t = TableLocks::default();
        t.grant(1, &items(&[("t", Read), ("w", Write)]));
        assert_eq!(
            t.check_locked_access(1, &key("u"), "u", false)
                .unwrap_err()
                .code,
            1100
        );
        let e = t.check_locked_access(1, &key("t"), "t", true).unwrap_err();
        assert_eq!(e.code, 1099);
        assert_eq!(
            e.message,
            "Table 't' was locked with a READ lock and can't be updated"
        );
        assert!(t.check_locked_access(1, &key("t"), "t", false).is_ok());
        assert!(t.check_locked_access(1, &key("w"), "w", true).is_ok());
        assert!(
            t.check_locked_access(1, &key("T"), "T", false).is_err(),
            "names are exact"
        );
    }

    #[test]
    fn a_table_locked_under_an_alias_is_used_under_it() {
        let mut t = TableLocks::default();
        let aliased = TableLockItem {
            name: "a1".to_string(),
            ..TableLockItem::new("test", "t", Read)
        };
        t.grant(1, &[aliased]);
        assert!(t.check_locked_access(1, &key("t"), "A1", false).is_ok());
        let e = t.check_locked_access(1, &key("t"), "t", false).unwrap_err();
        assert_eq!(e.message, "Table 't' was not locked with LOCK TABLES");
        let e = t.check_locked_access(1, &key("t"), "a1", true).unwrap_err();
        assert_eq!(
            e.message,
            "Table 'a1' was locked with a READ lock and can't be updated"
        );
        let e = t
            .check_locked_access(1, &key("u"), "a1", false)
            .unwrap_err();
        assert_eq!(e.code, 1100, "the alias belongs to one table");
    }

    #[test]
    fn kept_accesses_hold_back_only_lock_tables() {
        let mut t = TableLocks::default();
        t.keep_access(1, &key("r"), Read);
        t.keep_access(1, &key("w"), Write);
        t.keep_access(1, &key("w"), Read);
        assert!(t.has_accessed(1, &key("r")) && !t.has_accessed(2, &key("r")));
        assert!(
            t.lock_tables_blockers(2, 10, &req(&[("r", Read)]))
                .is_empty()
        );
        assert!(
            !t.lock_tables_blockers(2, 10, &req(&[("r", Write)]))
                .is_empty()
        );
        assert!(
            !t.lock_tables_blockers(2, 10, &req(&[("w", Read)]))
                .is_empty(),
            "write kept"
        );
        assert!(
            t.blockers(2, 10, &req(&[("w", Write)])).is_empty(),
            "plain statements pass"
        );
        assert!(
            t.lock_tables_blockers(1, 10, &req(&[("w", Write)]))
                .is_empty()
        );
        t.release_access(1);
        assert!(
            t.lock_tables_blockers(2, 10, &req(&[("w", Write)]))
                .is_empty()
        );
    }

    #[test]
    fn a_table_named_twice_takes_its_strongest_mode() {
        let r = req(&[("t", Read), ("t", Write), ("u", Read)]);
        assert_eq!(r.get(&key("t")), Some(&Write));
        assert_eq!(r.get(&key("u")), Some(&Read));
    }
}
