//! The default master connection of the slave side: its configuration
//! (what CHANGE MASTER sets and master.info keeps), what the IO thread
//! reports, and what the SQL thread reports, each behind its own lock so
//! that SHOW SLAVE STATUS can read all three while the threads run. The
//! IO thread signals `relay_grown` after each event it appends to the
//! relay log; the SQL thread waits on it when it has applied everything.

use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Condvar, Mutex};
use std::thread::JoinHandle;

/// `MASTER_USE_GTID`, as SHOW SLAVE STATUS prints it in `Using_Gtid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UseGtid {
    No,
    CurrentPos,
    /// MariaDB's default for CHANGE MASTER without a log position.
    #[default]
    SlavePos,
}

impl UseGtid {
    /// The text of the `Using_Gtid` column.
    pub fn label(self) -> &'static str {
        match self {
            UseGtid::No => "No",
            UseGtid::CurrentPos => "Current_Pos",
            UseGtid::SlavePos => "Slave_Pos",
        }
    }
}

/// What CHANGE MASTER TO sets: where and how to connect, and from where to read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MasterInfo {
    /// Empty until configured (START SLAVE then fails with 1200).
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub connect_retry: u32,
    pub heartbeat_period: f64,
    pub use_gtid: UseGtid,
    /// The master binlog file and position the next dump starts from (file/position mode).
    pub log_file: String,
    pub log_pos: u64,
    pub delay: u32,
    pub ignore_server_ids: Vec<u32>,
    /// MASTER_SSL (accepted and shown, never used).
    pub ssl: bool,
    /// Set by CHANGE MASTER, cleared by RESET SLAVE ALL: SHOW SLAVE STATUS
    /// has a row only for a configured connection.
    pub configured: bool,
}

/// The `Slave_IO_Running` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IoRunning {
    #[default]
    No,
    Connecting,
    Yes,
}

/// What the IO thread reports.
#[derive(Debug, Clone, Default)]
pub struct IoStatus {
    pub running: IoRunning,
    /// The IO thread's process-list state; empty when stopped.
    pub state: String,
    pub master_log_file: String,
    pub read_master_log_pos: u64,
    /// GTIDs received (`Gtid_IO_Pos`).
    pub gtid_io_pos: String,
    pub master_server_id: u32,
    pub last_errno: u32,
    pub last_error: String,
    /// Where the IO thread appends: the relay log file (no directory) and its size.
    pub relay_log_file: String,
    pub relay_log_space: u64,
    pub received_heartbeats: u64,
    /// Events were queued since the relay logs were last purged: a new IO
    /// thread skips what the master sends again up to the read position.
    pub queued: bool,
}

/// `UNTIL` of START SLAVE, as `Until_Condition` names it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Until {
    #[default]
    None,
    Master {
        file: String,
        pos: u64,
    },
    Relay {
        file: String,
        pos: u64,
    },
    Gtid(String),
}

/// What the SQL thread reports.
#[derive(Debug, Clone, Default)]
pub struct SqlStatus {
    pub running: bool,
    /// The SQL thread's process-list state; empty when stopped.
    pub state: String,
    pub relay_log_file: String,
    pub relay_log_pos: u64,
    pub relay_master_log_file: String,
    pub exec_master_log_pos: u64,
    pub last_errno: u32,
    pub last_error: String,
    pub skip_counter: u64,
    pub until: Until,
    pub ddl_groups: u64,
    pub non_transactional_groups: u64,
    pub transactional_groups: u64,
    pub executed_log_entries: u64,
    pub retried_transactions: u64,
    /// Temporary tables the replicated statements hold (`Slave_open_temp_tables`).
    pub open_temp_tables: u64,
}

/// The one master connection of this server (MariaDB's connection `''`).
#[derive(Debug, Default)]
pub struct Channel {
    pub info: Mutex<MasterInfo>,
    pub io: Mutex<IoStatus>,
    pub sql: Mutex<SqlStatus>,
    /// Notified, with `io` held, whenever the relay log grows or the IO thread stops.
    pub relay_grown: Condvar,
    /// `@@gtid_slave_pos`: the last applied GTID of each domain, in the order
    /// first seen; kept in step with mysql.gtid_slave_pos by the SQL thread.
    pub gtid_slave_pos: Mutex<Vec<crate::binlog::gtid::Gtid>>,
    /// Notified, with `sql` held, whenever the SQL thread advances or stops
    /// (MASTER_POS_WAIT, MASTER_GTID_WAIT and START/STOP SLAVE wait on it).
    pub sql_advanced: Condvar,
    /// The relay log, once the connection is configured on a server with a datadir.
    pub relay_log: Mutex<Option<crate::replication::slave::relay_log::RelayLog>>,
    /// The running IO thread's handle, to stop it.
    pub io_thread: Mutex<Option<crate::replication::slave::io_thread::IoHandle>>,
    /// Connections the IO thread made to a master (`Slave_connections`).
    pub connections: std::sync::atomic::AtomicU64,
    /// Set by STOP SLAVE; the SQL thread checks it between groups and while it waits.
    pub sql_stop: AtomicBool,
    /// The process-list id of the SQL thread, for STOP SLAVE to interrupt a wait.
    pub sql_thread_id: AtomicU64,
    /// Whether the serial SQL thread is inside a group with changes a
    /// rollback keeps: STOP SLAVE then lets its statement run (spec 2.2).
    pub sql_group_unsafe: Mutex<bool>,
    /// The running SQL thread, joined by STOP SLAVE.
    pub sql_thread: Mutex<Option<JoinHandle<()>>>,
    /// The SQL thread's session while the thread is stopped: replicated
    /// temporary tables live on in it until RESET SLAVE drops it.
    pub sql_session: Mutex<Option<crate::session::Session>>,
    /// The running parallel apply, for FTWRL to pause.
    pub parallel: Mutex<Option<std::sync::Arc<crate::replication::parallel::engine::Engine>>>,
    /// The master times of groups read and not yet applied.
    pub lag: Mutex<crate::replication::lag::Lag>,
    /// The committed rows of mysql.gtid_slave_pos waiting for a cleanup.
    pub slave_pos_rows: Mutex<crate::replication::apply::slave_pos_cleanup::SlavePosRows>,
}

impl Channel {
    /// A group was taken for applying; its key for [`Channel::lag_end`].
    pub fn lag_begin(&self, master_time: u64) -> u64 {
        lock(&self.lag).begin(master_time)
    }

    pub fn lag_end(&self, key: u64) {
        lock(&self.lag).end(key);
    }

    /// Seconds_Behind_Master's value while both threads run.
    pub fn lag_seconds(&self) -> u64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        lock(&self.lag).seconds(now)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
