//! The master's binary log, as MariaDB 10.11 writes it: events in the v4
//! format with CRC32 checksums (`event`), the GTID state (`gtid`) and dropping domains from it (`delete_domain`), the
//! numbered files and their index (`files`), reading them back for SHOW
//! BINLOG EVENTS (`reader`), which statements are unsafe to log as
//! statements (`unsafe_statements`), row events (`rows`), and what a session logs when its statements
//! end and its transactions commit (`hook`). Data enters through `hook`
//! from the executor and leaves as files in the datadir.

pub mod crc;
mod create_select;
pub mod delete_domain;
pub mod event;
pub mod files;
pub mod gtid;
pub mod hook;
pub mod reader;
pub mod rows;
pub mod unsafe_statements;

pub use files::BinaryLog;
pub use hook::TxnCache;
