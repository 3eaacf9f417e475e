//! Keeping the catalog across restarts in the datadir. [`open`] reads the
//! snapshot (`replica.snapshot`: every database and table with its rows)
//! and replays the log (`replica.log`: DDL and committed changes since),
//! then writes a fresh snapshot of the next generation and starts an empty
//! log, which the catalog, tables and transactions append to from then on.
//! A clean shutdown, once every connection is gone, does the same again
//! ([`checkpoint`]) so the next start has no log to replay.
//! Temporary tables are never logged; MEMORY tables keep only their
//! definition, as in MariaDB.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::catalog::Storage;
use super::persist_file::{self, Journal, LOG_MAGIC, SNAPSHOT_MAGIC};
use super::persist_record::{Change, Record, TableImage};
use super::schema::Engine;
use super::table::Table;

const SNAPSHOT_FILE: &str = "replica.snapshot";
const LOG_FILE: &str = "replica.log";

/// The datadir's log, held by the catalog.
#[derive(Debug)]
pub struct Persistence {
    pub journal: Arc<Journal>,
    datadir: PathBuf,
    /// The generation of the current snapshot and log.
    generation: AtomicU64,
}

impl Persistence {
    /// Makes a catalog table log its changes (not temporary or MEMORY ones).
    pub fn adopt(&self, table: &Table) {
        let def = table.def();
        if !def.temporary && def.engine != Engine::Memory {
            let _ = table.store().journal.set(Arc::clone(&self.journal));
        }
    }
}

/// The storage kept in `datadir`: fresh `mysql` and `test` databases when
/// it holds no snapshot yet, else what the snapshot and log hold.
pub fn open(datadir: &Path) -> io::Result<Storage> {
    let snapshot_path = datadir.join(SNAPSHOT_FILE);
    let log_path = datadir.join(LOG_FILE);
    let snapshot = persist_file::read_records(&snapshot_path, SNAPSHOT_MAGIC, false)?;
    let log = persist_file::read_records(&log_path, LOG_MAGIC, true)?;
    let mut storage = match snapshot.generation {
        None => Storage::new(),
        Some(_) => Storage::with_databases(&[]),
    };
    let mut replay = Replay::default();
    replay.apply_all(&storage, &snapshot.records, &snapshot_path)?;
    if log.generation.is_some() && log.generation == snapshot.generation {
        replay.apply_all(&storage, &log.records, &log_path)?;
    }
    let generation = snapshot.generation.map_or(1, |g| g + 1);
    persist_file::write_file(
        &snapshot_path,
        SNAPSHOT_MAGIC,
        generation,
        &snapshot_records(&storage),
    )?;
    let persistence = Persistence {
        journal: Arc::new(Journal::create(&log_path, generation)?),
        datadir: datadir.to_path_buf(),
        generation: AtomicU64::new(generation),
    };
    for schema in storage.database_names() {
        for table in storage.tables(&schema).unwrap_or_default() {
            persistence.adopt(&table);
        }
    }
    storage.set_persistence(persistence);
    Ok(storage)
}

/// Writes a snapshot of the next generation and empties the log; only
/// when nothing else changes the storage (a clean shutdown).
pub fn checkpoint(storage: &Storage, persistence: &Persistence) -> io::Result<()> {
    let generation = persistence.generation.load(Ordering::SeqCst) + 1;
    let path = persistence.datadir.join(SNAPSHOT_FILE);
    persist_file::write_file(
        &path,
        SNAPSHOT_MAGIC,
        generation,
        &snapshot_records(storage),
    )?;
    persistence.journal.reset(generation)?;
    persistence.generation.store(generation, Ordering::SeqCst);
    Ok(())
}

/// Every database and table, as snapshot records.
pub fn snapshot_records(storage: &Storage) -> Vec<Record> {
    let mut records = Vec::new();
    for schema in storage.database_names() {
        records.push(Record::CreateDatabase(schema.clone()));
        for table in storage.tables(&schema).unwrap_or_default() {
            records.push(Record::Table(image(&table)));
        }
    }
    records.extend(storage.routines().into_iter().map(Record::Routine));
    records.extend(storage.triggers().into_iter().map(Record::Trigger));
    records.extend(storage.views().into_iter().map(Record::View));
    records
}

/// A table's definition, counter and newest committed rows (none for
/// MEMORY tables, which come back empty after a restart).
pub fn image(table: &Table) -> TableImage {
    let def = (*table.def()).clone();
    let data = table.store().data();
    let rows = if def.engine == Engine::Memory {
        Vec::new()
    } else {
        data.rows
            .iter()
            .filter_map(|(&id, v)| v.latest_committed().map(|r| (id, r.clone())))
            .collect()
    };
    TableImage {
        id: table.id(),
        def,
        auto_increment: data.auto_increment,
        rows,
    }
}

/// Replay state: the tables by the ids their records gave them.
#[derive(Default)]
struct Replay {
    tables: HashMap<u64, Arc<Table>>,
}

impl Replay {
    fn apply_all(&mut self, storage: &Storage, records: &[Record], file: &Path) -> io::Result<()> {
        for (n, record) in records.iter().enumerate() {
            self.apply(storage, record).map_err(|what| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: record {n} cannot be applied: {what}", file.display()),
                )
            })?;
        }
        Ok(())
    }

    fn apply(&mut self, storage: &Storage, record: &Record) -> Result<(), String> {
        let err = |e: crate::error::ServerError| e.message;
        match record {
            Record::CreateDatabase(name) => {
                storage.create_database(name, true).map(drop).map_err(err)
            }
            Record::DropDatabase(name) => storage.drop_database(name, true).map(drop).map_err(err),
            Record::Table(image) => self.restore(storage, image),
            Record::DropTable { schema, name } => storage
                .drop_table(schema, name, true)
                .map(drop)
                .map_err(err),
            Record::Rename { from, to } => storage
                .rename_table((&from.0, &from.1), (&to.0, &to.1))
                .map_err(err),
            Record::Alter {
                schema,
                name,
                image,
            } => {
                let triggers = storage.triggers_of(schema, name);
                storage.drop_table(schema, name, true).map_err(err)?;
                self.restore(storage, image)?;
                let (to_schema, to_name) = (&image.def.schema, &image.def.name);
                for mut t in triggers {
                    (t.schema, t.table) = (to_schema.clone(), to_name.clone());
                    storage.put_trigger(t);
                }
                Ok(())
            }
            Record::Truncate { table } => {
                self.table(*table)?.store().data().clear();
                Ok(())
            }
            Record::Changes(changes) => changes.iter().try_for_each(|c| self.change(c)),
            Record::Routine(routine) => {
                storage.put_routine(routine.clone(), true);
                Ok(())
            }
            Record::DropRoutine { kind, schema, name } => {
                storage.drop_routine(*kind, schema, name);
                Ok(())
            }
            Record::Trigger(trigger) => {
                storage.drop_trigger(&trigger.schema, &trigger.name);
                storage.put_trigger(trigger.clone());
                Ok(())
            }
            Record::DropTrigger { schema, name } => {
                storage.drop_trigger(schema, name);
                Ok(())
            }
            Record::View(view) => {
                storage.put_view(view.clone());
                Ok(())
            }
            Record::DropView { schema, name } => {
                storage.drop_view(schema, name);
                Ok(())
            }
        }
    }

    /// Creates a table from its image, replacing a namesake.
    fn restore(&mut self, storage: &Storage, image: &TableImage) -> Result<(), String> {
        let (schema, name) = (&image.def.schema, &image.def.name);
        let triggers = storage.triggers_of(schema, name);
        storage
            .drop_table(schema, name, true)
            .map_err(|e| e.message)?;
        storage
            .create_table(image.def.clone(), false)
            .map_err(|e| e.message)?;
        for t in triggers {
            storage.put_trigger(t);
        }
        let table = storage.table(schema, name).map_err(|e| e.message)?;
        {
            let mut data = table.store().data();
            for (id, row) in &image.rows {
                data.write_now(*id, Some(row.clone()));
                data.next_row_id = data.next_row_id.max(*id);
            }
            data.auto_increment = image.auto_increment;
        }
        self.tables.insert(image.id, table);
        Ok(())
    }

    fn table(&self, id: u64) -> Result<&Arc<Table>, String> {
        self.tables
            .get(&id)
            .ok_or_else(|| format!("unknown table id {id}"))
    }

    fn change(&self, change: &Change) -> Result<(), String> {
        match change {
            Change::Put { table, id, row } => {
                let mut data = self.table(*table)?.store().data();
                data.write_now(*id, Some(row.clone()));
                data.next_row_id = data.next_row_id.max(*id);
            }
            Change::Delete { table, id } => {
                let store = self.table(*table)?.store();
                let mut data = store.data();
                if store.transactional {
                    data.rows.remove(id);
                } else {
                    data.write_now(*id, None);
                }
            }
            Change::AutoIncrement { table, next } => {
                self.table(*table)?.store().data().auto_increment = *next;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "persist_tests.rs"]
mod tests;
