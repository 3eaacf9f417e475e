//! CHANGE MASTER TO: the options as written, and the rules for what they
//! change in the master info and the SQL thread's position: MariaDB
//! 10.11's with both threads stopped; with a thread running (MySQL only,
//! see `change_master_rules`) the relay logs and the SQL thread's
//! position stay, and the changed options take effect when the IO thread
//! next connects or the SQL thread next starts. The statement's options
//! and the threads' state enter; the changed `MasterInfo`/`SqlStatus` and
//! what else must happen (notes, a relay-log purge) leave. Pure: the
//! caller holds the locks and does the file work.

use super::change_master_rules::Running;
use crate::replication::channel::{MasterInfo, SqlStatus, UseGtid};
use crate::server::config::Flavor;

/// The options of one CHANGE MASTER statement; None where not given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeMaster {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub connect_retry: Option<u32>,
    pub log_file: Option<String>,
    pub log_pos: Option<u64>,
    pub relay_log_file: Option<String>,
    pub relay_log_pos: Option<u64>,
    pub use_gtid: Option<UseGtid>,
    /// MySQL's MASTER_AUTO_POSITION: 1 is GTID positioning (`Slave_Pos`), 0 file/position.
    pub auto_position: Option<bool>,
    pub delay: Option<u32>,
    /// MASTER_HEARTBEAT_PERIOD in thousandths of a second.
    pub heartbeat_millis: Option<u64>,
    pub ignore_server_ids: Option<Vec<u32>>,
    pub ssl: Option<bool>,
}

/// What the caller must do besides storing the changed structures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Effects {
    /// Notes to push (code, text), e.g. 4190 when Using_Gtid changes implicitly.
    pub notes: Vec<(u16, String)>,
    /// Delete the relay logs and start a fresh one; the SQL thread then
    /// reads it from its first file at position 4.
    pub purge_relay_log: bool,
}

/// The master info of a connection CHANGE MASTER configures for the first time.
pub fn fresh_info(slave_net_timeout: u64) -> MasterInfo {
    MasterInfo {
        port: 3306,
        connect_retry: 60,
        heartbeat_period: slave_net_timeout as f64 / 2.0,
        log_pos: 4,
        ..MasterInfo::default()
    }
}

/// Applies `change`, already allowed for `running` threads, to `info` and `sql`.
pub fn apply(
    change: &ChangeMaster,
    info: &mut MasterInfo,
    sql: &mut SqlStatus,
    flavor: Flavor,
    running: Running,
) -> Effects {
    let mut effects = Effects::default();
    let moves_master = change.host.is_some() || change.port.is_some();
    if moves_master {
        // A new master: its log position is unknown.
        info.log_file.clear();
        info.log_pos = 4;
    }
    set_connection(change, info);
    set_log_position(change, info, flavor, &mut effects);
    if let Some(use_gtid) = change.use_gtid {
        info.use_gtid = use_gtid;
    }
    if let Some(auto) = change.auto_position {
        info.use_gtid = if auto { UseGtid::SlavePos } else { UseGtid::No };
    }
    let relay_given = change.relay_log_file.is_some() || change.relay_log_pos.is_some();
    if let Some(file) = &change.relay_log_file {
        sql.relay_log_file = file.clone();
    }
    if let Some(pos) = change.relay_log_pos {
        sql.relay_log_pos = pos.max(4);
    }
    if running.any() {
        // WL#6120: the relay logs stay; the IO thread resumes where it was
        // (or at the named position) and the SQL thread where it is.
        return effects;
    }
    let names_position = moves_master || change.log_file.is_some() || change.log_pos.is_some();
    if !names_position && !relay_given {
        // Only connection details changed: resume where the SQL thread is.
        info.log_pos = sql.exec_master_log_pos.max(4);
        info.log_file = sql.relay_master_log_file.clone();
    }
    if !relay_given {
        effects.purge_relay_log = true;
        sql.relay_log_pos = 4;
        sql.relay_master_log_file = info.log_file.clone();
        sql.exec_master_log_pos = if info.log_file.is_empty() {
            0
        } else {
            info.log_pos
        };
    }
    effects
}

fn set_connection(change: &ChangeMaster, info: &mut MasterInfo) {
    if let Some(host) = &change.host {
        info.host = host.clone();
    }
    if let Some(port) = change.port {
        info.port = port;
    }
    if let Some(user) = &change.user {
        info.user = user.clone();
    }
    if let Some(password) = &change.password {
        info.password = password.clone();
    }
    // MASTER_CONNECT_RETRY=0 leaves the value as it was.
    if let Some(retry) = change.connect_retry.filter(|r| *r > 0) {
        info.connect_retry = retry;
    }
    if let Some(millis) = change.heartbeat_millis {
        info.heartbeat_period = millis as f64 / 1000.0;
    }
    if let Some(delay) = change.delay {
        info.delay = delay;
    }
    if let Some(ids) = &change.ignore_server_ids {
        let mut ids = ids.clone();
        ids.sort_unstable();
        ids.dedup();
        info.ignore_server_ids = ids;
    }
    if let Some(ssl) = change.ssl {
        info.ssl = ssl;
    }
}

/// MASTER_LOG_FILE / MASTER_LOG_POS; either one turns GTID mode off (with
/// MariaDB's note 4190; MySQL has no such note).
fn set_log_position(
    change: &ChangeMaster,
    info: &mut MasterInfo,
    flavor: Flavor,
    effects: &mut Effects,
) {
    if let Some(file) = &change.log_file {
        info.log_file = file.clone();
    }
    if let Some(pos) = change.log_pos {
        info.log_pos = pos.max(4);
    }
    let gives_position = change.log_file.is_some() || change.log_pos.is_some();
    let mode_given = change.use_gtid.is_some() || change.auto_position.is_some();
    if gives_position && !mode_given && info.use_gtid != UseGtid::No {
        if flavor == Flavor::MySql {
            info.use_gtid = UseGtid::No;
            return;
        }
        effects.notes.push((
            4190,
            format!(
                "CHANGE MASTER TO is implicitly changing the value of 'Using_Gtid' from '{}' to 'No'",
                info.use_gtid.label()
            ),
        ));
        info.use_gtid = UseGtid::No;
    }
}

#[cfg(test)]
#[path = "change_master_tests.rs"]
mod tests;
