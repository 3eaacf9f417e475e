//! SET GLOBAL of the variables the slave threads read: MariaDB refuses
//! those the SQL thread uses while it runs (1198).

use super::control;
use crate::error::ServerResult;
use crate::server::state::ServerState;

/// Variables whose change needs the SQL thread stopped (spec 7.2).
const SQL_THREAD_MUST_STOP: [&str; 12] = [
    "slave_parallel_threads",
    "slave_parallel_workers",
    "slave_parallel_mode",
    "slave_domain_parallel_threads",
    "sql_slave_skip_counter",
    "gtid_slave_pos",
    "replicate_do_db",
    "replicate_ignore_db",
    "replicate_do_table",
    "replicate_ignore_table",
    "replicate_wild_do_table",
    "replicate_wild_ignore_table",
];

/// 1198 before a SET of such a variable while the SQL thread runs.
pub fn check_set(state: &ServerState, name: &str) -> ServerResult<()> {
    if SQL_THREAD_MUST_STOP.contains(&name) {
        control::refuse_while_sql_running(state)?;
    }
    Ok(())
}
