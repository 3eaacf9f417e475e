//! The SQL thread's work, serial: reading the relay log (`relay_reader`),
//! decoding events (`decode`, `query_status`), row events (`rows`),
//! cutting them into groups (`collect`), applying a group in the thread's
//! session (`applier`), the stop rule inside a group (`grace`),
//! `@@gtid_slave_pos` and its table (`slave_pos`), the deletion of the
//! table's superseded rows (`slave_pos_cleanup`) and the warnings when the own binlog is ahead of it (`slave_pos_conflicts`),
//! the skip/UNTIL/kind rules (`rules`) and the error texts (`errors`).
//! `replication::sql_thread` drives them; relay-log files enter, table
//! changes and the channel's SQL status leave.

pub mod applier;
pub mod collect;
pub mod decode;
pub mod errors;
pub mod grace;
pub mod query_status;
pub mod relay_reader;
pub mod rows;
pub mod rules;
pub mod slave_pos;
pub mod slave_pos_cleanup;
pub mod slave_pos_conflicts;
