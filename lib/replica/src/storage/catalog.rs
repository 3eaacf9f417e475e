//! The catalog: databases by name, each with its tables by name (names are
//! case-sensitive, as with lower_case_table_names=0). DDL statements enter
//! here; the executor looks tables up here and starts transactions here,
//! so that all transactions share one lock manager and commit clock.
//! `information_schema` is virtual and lives above storage.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use super::errors;
use super::persist::{self, Persistence};
use super::persist_record::{self, Record};
use super::programs::{Programs, RoutineKind, StoredRoutine, StoredTrigger, StoredView};
use super::schema::TableDef;
use super::table::Table;
use super::transaction::{Transaction, TxnShared};
use crate::error::ServerResult;
use crate::sql::value::Row;

/// Connections share the catalog and tables from their own threads and
/// move transactions between them (checked at compile time).
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    fn movable<T: Send>() {}
    shared::<Storage>();
    shared::<Table>();
    movable::<Transaction>();
};

/// One database's tables.
type Tables = BTreeMap<String, Arc<Table>>;

/// All databases and their tables, and what transactions share.
#[derive(Debug)]
pub struct Storage {
    databases: Mutex<BTreeMap<String, Tables>>,
    /// Stored procedures, functions and triggers.
    programs: Mutex<Programs>,
    shared: Arc<TxnShared>,
    /// The datadir's log, when data outlives the process.
    persistence: Option<Persistence>,
}

impl Default for Storage {
    fn default() -> Self {
        Storage::new()
    }
}

impl Storage {
    /// A fresh server's storage: databases `mysql` and `test`.
    pub fn new() -> Storage {
        Storage::with_databases(&["mysql", "test"])
    }

    /// Storage kept in `datadir` across restarts (fresh when it is empty);
    /// `InvalidData` naming the file and offset when a file is corrupt.
    pub fn open(datadir: &Path) -> io::Result<Storage> {
        persist::open(datadir)
    }

    /// At a clean shutdown, with no connection left: folds the log into a
    /// fresh snapshot, so the next start has nothing to replay.
    pub fn checkpoint(&self) -> io::Result<()> {
        match &self.persistence {
            Some(p) => persist::checkpoint(self, p),
            None => Ok(()),
        }
    }

    /// Storage with just these (empty) databases, kept in memory only.
    pub(super) fn with_databases(names: &[&str]) -> Storage {
        let databases = names
            .iter()
            .map(|d| (d.to_string(), Tables::new()))
            .collect();
        Storage {
            databases: Mutex::new(databases),
            programs: Mutex::default(),
            shared: Arc::default(),
            persistence: None,
        }
    }

    /// From now on, DDL and committed changes go to the datadir's log.
    /// Whether the catalog is kept in a datadir.
    pub fn is_persistent(&self) -> bool {
        self.persistence.is_some()
    }

    pub(super) fn set_persistence(&mut self, persistence: Persistence) {
        self.persistence = Some(persistence);
    }

    /// Appends the record `make` builds to the log, if there is one.
    fn log(&self, make: impl FnOnce() -> Record) {
        if let Some(p) = &self.persistence {
            p.journal.append(&make());
        }
    }

    /// Logs a table newly in the catalog, whole, and makes it log its changes.
    fn log_new_table(
        &self,
        table: &Table,
        make: impl FnOnce(persist_record::TableImage) -> Record,
    ) {
        if let Some(p) = &self.persistence {
            p.adopt(table);
            p.journal.append(&make(persist::image(table)));
        }
    }

    fn catalog(&self) -> MutexGuard<'_, BTreeMap<String, Tables>> {
        self.databases.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// CREATE DATABASE; false when it existed and `if_not_exists`.
    pub fn create_database(&self, name: &str, if_not_exists: bool) -> ServerResult<bool> {
        let mut dbs = self.catalog();
        if dbs.contains_key(name) {
            return if if_not_exists {
                Ok(false)
            } else {
                Err(errors::database_exists(name))
            };
        }
        dbs.insert(name.to_string(), Tables::new());
        self.log(|| Record::CreateDatabase(name.to_string()));
        Ok(true)
    }

    /// DROP DATABASE; the number of tables dropped, None when it did not
    /// exist and `if_exists`.
    pub fn drop_database(&self, name: &str, if_exists: bool) -> ServerResult<Option<usize>> {
        let mut dbs = self.catalog();
        match dbs.remove(name) {
            Some(tables) => {
                self.programs().drop_schema(name);
                self.log(|| Record::DropDatabase(name.to_string()));
                Ok(Some(tables.len()))
            }
            None if if_exists => Ok(None),
            None => Err(errors::database_missing_on_drop(name)),
        }
    }

    pub fn database_exists(&self, name: &str) -> bool {
        self.catalog().contains_key(name)
    }

    /// Database names, sorted.
    pub fn database_names(&self) -> Vec<String> {
        self.catalog().keys().cloned().collect()
    }

    /// CREATE TABLE; false when it existed and `if_not_exists`.
    pub fn create_table(&self, def: TableDef, if_not_exists: bool) -> ServerResult<bool> {
        let mut dbs = self.catalog();
        let tables = dbs
            .get_mut(&def.schema)
            .ok_or_else(|| errors::unknown_database(&def.schema))?;
        if tables.contains_key(&def.name) {
            return if if_not_exists {
                Ok(false)
            } else {
                Err(errors::table_exists(&def.name))
            };
        }
        let table = Table::new(def);
        tables.insert(table.def().name.clone(), Arc::clone(&table));
        if !table.def().temporary {
            self.log_new_table(&table, Record::Table);
        }
        Ok(true)
    }

    /// DROP TABLE of one table; false when it did not exist and `if_exists`.
    pub fn drop_table(&self, schema: &str, name: &str, if_exists: bool) -> ServerResult<bool> {
        let mut dbs = self.catalog();
        match dbs.get_mut(schema).and_then(|t| t.remove(name)) {
            Some(_) => {
                self.programs().drop_table(schema, name);
                self.log(|| Record::DropTable {
                    schema: schema.to_string(),
                    name: name.to_string(),
                });
                Ok(true)
            }
            None if if_exists => Ok(false),
            None => Err(errors::unknown_tables(&[(schema, name)])),
        }
    }

    /// RENAME TABLE of one table, also across databases.
    pub fn rename_table(&self, from: (&str, &str), to: (&str, &str)) -> ServerResult<()> {
        let mut dbs = self.catalog();
        if !dbs.get(from.0).is_some_and(|t| t.contains_key(from.1)) {
            return Err(errors::no_such_table(from.0, from.1));
        }
        check_rename_target(&dbs, from, to)?;
        let table = dbs.get_mut(from.0).and_then(|t| t.remove(from.1));
        let Some(table) = table else {
            return Err(errors::no_such_table(from.0, from.1));
        };
        let mut def = (*table.def()).clone();
        def.schema = to.0.to_string();
        def.name = to.1.to_string();
        table.set_def(def);
        dbs.entry(to.0.to_string())
            .or_default()
            .insert(to.1.to_string(), table);
        self.programs().rename_table(from, to);
        self.log(|| Record::Rename {
            from: (from.0.to_string(), from.1.to_string()),
            to: (to.0.to_string(), to.1.to_string()),
        });
        Ok(())
    }

    /// ALTER TABLE: replaces `schema.name` by a copy with definition `def`
    /// (which may also rename it), its rows passed through `convert`.
    pub fn alter_table(
        &self,
        schema: &str,
        name: &str,
        def: TableDef,
        convert: &mut dyn FnMut(Row) -> ServerResult<Row>,
    ) -> ServerResult<()> {
        let old = self.table(schema, name)?;
        let to = (def.schema.clone(), def.name.clone());
        let renamed = (to.0.as_str(), to.1.as_str()) != (schema, name);
        if renamed {
            check_rename_target(&self.catalog(), (schema, name), (&to.0, &to.1))?;
        }
        let new = old.rebuilt(def, convert)?;
        let mut dbs = self.catalog();
        if renamed {
            check_rename_target(&dbs, (schema, name), (&to.0, &to.1))?;
        }
        if let Some(tables) = dbs.get_mut(schema) {
            tables.remove(name);
        }
        let def = new.def();
        dbs.entry(def.schema.clone())
            .or_default()
            .insert(def.name.clone(), Arc::clone(&new));
        self.log_new_table(&new, |image| Record::Alter {
            schema: schema.to_string(),
            name: name.to_string(),
            image,
        });
        Ok(())
    }

    /// A table of the catalog; 1146 when there is none.
    pub fn table(&self, schema: &str, name: &str) -> ServerResult<Arc<Table>> {
        self.catalog()
            .get(schema)
            .and_then(|t| t.get(name))
            .cloned()
            .ok_or_else(|| errors::no_such_table(schema, name))
    }

    /// A database's table names, sorted; 1049 for an unknown database.
    pub fn table_names(&self, schema: &str) -> ServerResult<Vec<String>> {
        self.catalog()
            .get(schema)
            .map(|t| t.keys().cloned().collect())
            .ok_or_else(|| errors::unknown_database(schema))
    }

    /// A database's tables in name order; 1049 for an unknown database.
    pub fn tables(&self, schema: &str) -> ServerResult<Vec<Arc<Table>>> {
        self.catalog()
            .get(schema)
            .map(|t| t.values().cloned().collect())
            .ok_or_else(|| errors::unknown_database(schema))
    }

    fn programs(&self) -> MutexGuard<'_, Programs> {
        self.programs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// CREATE PROCEDURE / FUNCTION; false when one of that name exists and
    /// `replace` is off.
    pub fn put_routine(&self, routine: StoredRoutine, replace: bool) -> bool {
        let added = self.programs().put_routine(routine.clone(), replace);
        if added {
            self.log(|| Record::Routine(routine));
        }
        added
    }

    /// DROP PROCEDURE / FUNCTION; false when there was none.
    pub fn drop_routine(&self, kind: RoutineKind, schema: &str, name: &str) -> bool {
        let dropped = self.programs().drop_routine(kind, schema, name);
        if dropped {
            self.log(|| Record::DropRoutine {
                kind,
                schema: schema.to_string(),
                name: name.to_string(),
            });
        }
        dropped
    }

    /// The routine `schema.name` of that kind, if there is one.
    pub fn routine(&self, kind: RoutineKind, schema: &str, name: &str) -> Option<StoredRoutine> {
        self.programs().routine(kind, schema, name)
    }

    /// Every stored routine, by schema, kind and name.
    pub fn routines(&self) -> Vec<StoredRoutine> {
        self.programs().routines()
    }

    /// CREATE TRIGGER; false when the schema has a trigger of that name.
    pub fn put_trigger(&self, trigger: StoredTrigger) -> bool {
        let added = self.programs().put_trigger(trigger.clone());
        if added {
            self.log(|| Record::Trigger(trigger));
        }
        added
    }

    /// DROP TRIGGER; false when there was none.
    pub fn drop_trigger(&self, schema: &str, name: &str) -> bool {
        let dropped = self.programs().drop_trigger(schema, name);
        if dropped {
            self.log(|| Record::DropTrigger {
                schema: schema.to_string(),
                name: name.to_string(),
            });
        }
        dropped
    }

    /// The trigger `schema.name`, if there is one.
    pub fn trigger(&self, schema: &str, name: &str) -> Option<StoredTrigger> {
        self.programs().trigger(schema, name).cloned()
    }

    /// A table's triggers in creation order.
    pub fn triggers_of(&self, schema: &str, table: &str) -> Vec<StoredTrigger> {
        self.programs().triggers_of(schema, table)
    }

    /// Every trigger, in creation order.
    pub fn triggers(&self) -> Vec<StoredTrigger> {
        self.programs().triggers()
    }

    /// CREATE [OR REPLACE] VIEW: the view, replacing a namesake.
    pub fn put_view(&self, view: StoredView) {
        self.programs().put_view(view.clone());
        self.log(|| Record::View(view));
    }

    /// DROP VIEW; false when there was none.
    pub fn drop_view(&self, schema: &str, name: &str) -> bool {
        let dropped = self.programs().drop_view(schema, name);
        if dropped {
            self.log(|| Record::DropView {
                schema: schema.to_string(),
                name: name.to_string(),
            });
        }
        dropped
    }

    /// The view `schema.name`, if there is one.
    pub fn view(&self, schema: &str, name: &str) -> Option<StoredView> {
        self.programs().view(schema, name)
    }

    /// Every view, by schema and name.
    pub fn views(&self) -> Vec<StoredView> {
        self.programs().views()
    }

    /// A new transaction for connection `connection_id`.
    pub fn begin(&self, connection_id: u64) -> Transaction {
        Transaction::new(Arc::clone(&self.shared), connection_id)
    }

    /// The transactions waiting for a row or key-value lock `txn` holds,
    /// directly or behind other waiters.
    pub fn row_lock_waiters(&self, txn: u64) -> Vec<u64> {
        self.shared.locks.waiters_of(txn)
    }
}

/// The errors of moving a table to `to`: 1050 when the name is taken,
/// 1025 when its database is missing.
fn check_rename_target(
    dbs: &BTreeMap<String, Tables>,
    from: (&str, &str),
    to: (&str, &str),
) -> ServerResult<()> {
    match dbs.get(to.0) {
        None => Err(errors::error_on_rename(from, to)),
        Some(t) if t.contains_key(to.1) => Err(errors::table_exists(to.1)),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::schema::Engine;

    fn def(schema: &str, name: &str) -> TableDef {
        TableDef {
            schema: schema.to_string(),
            name: name.to_string(),
            columns: Vec::new(),
            keys: Vec::new(),
            engine: Engine::InnoDb,
            auto_increment: 1,
            charset: "latin1".to_string(),
            comment: None,
            temporary: false,
        }
    }

    #[test]
    fn databases_are_created_listed_and_dropped() {
        let s = Storage::new();
        assert_eq!(s.database_names(), ["mysql", "test"]);
        assert_eq!(s.create_database("db", false), Ok(true));
        assert_eq!(s.create_database("db", true), Ok(false));
        let e = s.create_database("test", false).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (1007, "Can't create database 'test'; database exists")
        );
        s.create_table(def("db", "t1"), false).unwrap();
        s.create_table(def("db", "t2"), false).unwrap();
        assert_eq!(s.drop_database("db", false), Ok(Some(2)));
        assert_eq!(s.drop_database("db", true), Ok(None));
        let e = s.drop_database("db", false).unwrap_err();
        assert_eq!(
            e.message,
            "Can't drop database 'db'; database doesn't exist"
        );
        assert!(!s.database_exists("db"));
    }

    #[test]
    fn tables_are_created_found_and_dropped_with_mariadb_errors() {
        let s = Storage::new();
        assert_eq!(s.create_table(def("test", "t"), false), Ok(true));
        assert_eq!(s.create_table(def("test", "t"), true), Ok(false));
        let e = s.create_table(def("test", "t"), false).unwrap_err();
        assert_eq!(
            (e.code, e.sqlstate, e.message.as_str()),
            (1050, "42S01", "Table 't' already exists")
        );
        let e = s.create_table(def("nodb", "t"), false).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (1049, "Unknown database 'nodb'")
        );
        assert_eq!(s.table_names("test"), Ok(vec!["t".to_string()]));
        assert_eq!(s.table_names("nodb").unwrap_err().code, 1049);
        let e = s.table("test", "T").unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (1146, "Table 'test.T' doesn't exist")
        );
        assert_eq!(s.drop_table("test", "t", false), Ok(true));
        assert_eq!(s.drop_table("test", "t", true), Ok(false));
        let e = s.drop_table("test", "t", false).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (1051, "Unknown table 'test.t'")
        );
    }

    #[test]
    fn rename_moves_a_table_and_its_definition() {
        let s = Storage::new();
        s.create_table(def("test", "t"), false).unwrap();
        s.create_table(def("test", "w"), false).unwrap();
        s.create_database("db", false).unwrap();
        let e = s.rename_table(("test", "t"), ("test", "w")).unwrap_err();
        assert_eq!(e.message, "Table 'w' already exists");
        let e = s.rename_table(("test", "x"), ("test", "y")).unwrap_err();
        assert_eq!(e.code, 1146);
        let e = s.rename_table(("test", "t"), ("nodb", "t")).unwrap_err();
        assert_eq!(e.code, 1025);
        s.rename_table(("test", "t"), ("db", "t2")).unwrap();
        let t = s.table("db", "t2").unwrap();
        assert_eq!(
            (t.def().schema.as_str(), t.def().name.as_str()),
            ("db", "t2")
        );
        assert_eq!(s.table("test", "t").unwrap_err().code, 1146);
    }
}
