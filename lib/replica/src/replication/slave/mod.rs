//! The slave side of the default master connection: the statements'
//! rules (`change_master`, `change_master_rules`, `control`), SHOW SLAVE STATUS (`status`), the
//! IO thread (`io_thread`, speaking to the master through `master_link`
//! and queueing events with `queue`) into the relay log (`relay_log`),
//! master.info / relay-log.info (`info_files`), and the waits on the SQL
//! thread's progress (`waits`); SET GLOBAL of what the threads read
//! (`settings`). All state lives in `ServerState.slave`.

pub mod change_master;
pub mod change_master_rules;
pub mod control;
pub mod errors;
pub mod info_files;
pub mod io_thread;
pub mod master_link;
pub mod queue;
pub mod relay_log;
pub mod settings;
pub mod status;
pub mod waits;
