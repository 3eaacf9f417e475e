//! Whether CHANGE MASTER may run while slave threads run, per flavor, in
//! one table (spec §7): MariaDB refuses it while either thread runs (1198);
//! MySQL (WL#6120) splits the options into applier options (RELAY_LOG_FILE,
//! RELAY_LOG_POS, MASTER_DELAY), which need the SQL thread stopped (3017),
//! and receiver options (the rest), which need the IO thread stopped
//! (3021); MASTER_AUTO_POSITION=1 needs both stopped (1198). The
//! statement's options and the threads' state come in; a refusal leaves.
//! Also which statements warn about open temporary tables (MySQL's 3022).

use super::change_master::ChangeMaster;
use super::errors;
use crate::error::ServerError;
use crate::server::config::Flavor;

/// Which slave threads run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Running {
    pub io: bool,
    pub sql: bool,
}

impl Running {
    pub fn any(self) -> bool {
        self.io || self.sql
    }
}

/// Why CHANGE MASTER is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 1198: stop both threads first.
    SlaveMustStop,
    /// 3017: stop the SQL thread first.
    SqlThreadMustStop,
    /// 3021: stop the IO thread first.
    IoThreadMustStop,
}

impl Refusal {
    /// The error the client sees.
    pub fn error(self, flavor: Flavor) -> ServerError {
        match self {
            Refusal::SlaveMustStop => errors::slave_must_stop(flavor),
            Refusal::SqlThreadMustStop => errors::sql_thread_must_stop(),
            Refusal::IoThreadMustStop => errors::io_thread_must_stop(),
        }
    }
}

/// Whether the statement names an option the SQL thread reads.
pub fn has_applier_option(change: &ChangeMaster) -> bool {
    change.relay_log_file.is_some() || change.relay_log_pos.is_some() || change.delay.is_some()
}

/// Whether the statement names an option the IO thread reads (any other).
pub fn has_receiver_option(change: &ChangeMaster) -> bool {
    let ChangeMaster {
        host,
        port,
        user,
        password,
        connect_retry,
        log_file,
        log_pos,
        relay_log_file: _,
        relay_log_pos: _,
        use_gtid,
        auto_position,
        delay: _,
        heartbeat_millis,
        ignore_server_ids,
        ssl,
    } = change;
    host.is_some()
        || port.is_some()
        || user.is_some()
        || password.is_some()
        || connect_retry.is_some()
        || log_file.is_some()
        || log_pos.is_some()
        || use_gtid.is_some()
        || auto_position.is_some()
        || heartbeat_millis.is_some()
        || ignore_server_ids.is_some()
        || ssl.is_some()
}

/// The refusal of `change` with `running` threads, if any.
pub fn check(flavor: Flavor, running: Running, change: &ChangeMaster) -> Result<(), Refusal> {
    match flavor {
        Flavor::MariaDb if running.any() => Err(Refusal::SlaveMustStop),
        Flavor::MariaDb => Ok(()),
        Flavor::MySql => check_mysql(running, change),
    }
}

/// WL#6120; applier options are checked before receiver options (spec §7.1).
fn check_mysql(running: Running, change: &ChangeMaster) -> Result<(), Refusal> {
    if !running.any() {
        return Ok(());
    }
    if change.auto_position == Some(true) {
        return Err(Refusal::SlaveMustStop);
    }
    if running.sql && has_applier_option(change) {
        return Err(Refusal::SqlThreadMustStop);
    }
    if running.io && has_receiver_option(change) {
        return Err(Refusal::IoThreadMustStop);
    }
    Ok(())
}

/// Whether the statement moves the source or the position (MySQL warns
/// about open temporary tables then; connection settings alone do not).
pub fn moves_source_or_position(change: &ChangeMaster) -> bool {
    change.host.is_some()
        || change.port.is_some()
        || change.log_file.is_some()
        || change.log_pos.is_some()
        || change.relay_log_file.is_some()
        || change.relay_log_pos.is_some()
        || change.auto_position.is_some()
        || change.use_gtid.is_some()
}

/// Whether the flavor warns (3022) about `open_temp_tables` on STOP SLAVE.
pub fn warns_on_stop(flavor: Flavor, open_temp_tables: u64) -> bool {
    flavor == Flavor::MySql && open_temp_tables > 0
}

/// Whether the flavor warns (3022) about `open_temp_tables` on this CHANGE MASTER.
pub fn warns_on_change(flavor: Flavor, open_temp_tables: u64, change: &ChangeMaster) -> bool {
    warns_on_stop(flavor, open_temp_tables) && moves_source_or_position(change)
}

#[cfg(test)]
#[path = "change_master_rules_tests.rs"]
mod tests;
