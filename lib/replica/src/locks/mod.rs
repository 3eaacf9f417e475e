//! Locks above rows, shared by every connection: the global read lock of
//! FLUSH TABLES WITH READ LOCK against running writes and commits, the table
//! locks of LOCK TABLES, and the user-level locks of GET_LOCK. Statements
//! call into one [`Locks`] per server with their connection id and a
//! [`Wait`] (timeout, kill switch, process list state), and get back a
//! grant, a guard, a SQL value or MariaDB's error.

mod deadlock;
mod errors;
mod global;
mod intents;
mod manager;
mod state;
mod tables;
mod user;
mod wait;

pub use global::BACKUP_LOCK_STATE;
pub use intents::{CommitIntent, WriteIntent};
pub use manager::Locks;
pub use tables::{TABLE_LOCK_STATE, TableKey, TableLockItem, TableLockMode};
pub use user::{USER_LOCK_STATE, get_lock_timeout};
pub use wait::Wait;
