//! SET GLOBAL of the variables the slave threads read, by flavor: MariaDB
//! refuses those the SQL thread uses while it runs (1198, spec §7.2);
//! MySQL refuses `slave_parallel_type` with 3017 and lets the worker
//! count change, to take effect at the next START SLAVE (spec §1.7).

use super::{control, errors};
use crate::error::ServerResult;
use crate::server::config::Flavor;
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

/// MySQL's worker count: read at START SLAVE, so it may change any time.
const MYSQL_READ_AT_START: [&str; 3] = [
    "slave_parallel_threads",
    "slave_parallel_workers",
    "replica_parallel_workers",
];

/// The refusal of a SET of such a variable while the SQL thread runs.
pub fn check_set(state: &ServerState, name: &str) -> ServerResult<()> {
    if !control::running(state).1 {
        return Ok(());
    }
    match state.config.flavor {
        Flavor::MariaDb if SQL_THREAD_MUST_STOP.contains(&name) => {
            Err(errors::slave_must_stop(Flavor::MariaDb))
        }
        Flavor::MySql if name == "slave_parallel_type" => Err(errors::sql_thread_must_stop()),
        Flavor::MySql
            if SQL_THREAD_MUST_STOP.contains(&name) && !MYSQL_READ_AT_START.contains(&name) =>
        {
            Err(errors::slave_must_stop(Flavor::MySql))
        }
        _ => Ok(()),
    }
}
