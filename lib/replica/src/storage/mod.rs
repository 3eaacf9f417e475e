//! Databases, tables and rows. The catalog ([`Storage`]) maps database and
//! table names to [`Table`]s; a table keeps every row's versions in memory;
//! a [`Transaction`] reads and writes them under row locks held by the
//! shared lock manager. The executor enters through `Storage` (DDL, `begin`)
//! and `Table` (reads and writes), and gets rows and MariaDB errors back.

mod auto_increment;
mod catalog;
pub mod errors;
mod index;
mod key_lock;
mod key_text;
mod locks;
mod myisam_dynamic;
mod myisam_record;
mod persist;
mod persist_codec;
mod persist_commit;
mod persist_file;
mod persist_record;
mod persist_schema;
pub mod programs;
mod row_changes;
mod rows;
pub mod schema;
mod table;
mod transaction;
mod unique;
mod wait;

pub use catalog::Storage;
#[cfg(test)]
pub(crate) use locks::LockKey;
pub use locks::LockMode;
pub use row_changes::{RowChange, RowChanges};
pub use rows::RowId;
pub use table::{Duplicate, InsertOutcome, Inserted, Table};
pub use transaction::{RollbackReport, Transaction};
pub use wait::Wait;
