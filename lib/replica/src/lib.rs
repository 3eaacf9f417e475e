//! replica: the bundled server. A MySQL-protocol SQL server that answers
//! as MariaDB 10.11 does, thread per connection, synchronous. Layers:
//! `protocol` (packets in and out) → `session` (one connection's state) →
//! `sql` (parse, evaluate, execute) → `storage` (tables, rows, row locks);
//! `server` holds what connections share.

pub mod accounts;
pub mod binlog;
pub mod debug;
pub mod error;
pub mod locks;
pub mod protocol;
pub mod replication;
pub mod server;
pub mod session;
pub mod sql;
pub mod status;
pub mod storage;
pub mod sysvars;
