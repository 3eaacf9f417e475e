//! The names a parallel slave shows, by flavor (spec 1.1, 1.7): the
//! engine, the workers and the driver use MariaDB's process-list states
//! and Command, and pass them through [`state`] and [`worker_command`],
//! the one place that turns them into MySQL's names in the mysql flavor.

use crate::server::config::Flavor;

use super::driver::STATE_QUEUE_FULL;
use super::order::WAIT_COMMIT;
use super::worker::STATE_IDLE;

/// MySQL's idle worker (`stage_slave_waiting_event_from_coordinator`).
pub const MYSQL_WORKER_IDLE: &str = "Waiting for an event from Coordinator";
/// MySQL's commit-order wait (`slave_preserve_commit_order`).
pub const MYSQL_WAIT_COMMIT: &str = "Waiting for preceding transaction to commit";
/// MySQL's coordinator while a worker's queue is full.
pub const MYSQL_QUEUE_FULL: &str = "Waiting for Slave Worker queue";
/// MySQL's coordinator once the stop point is negotiated (`slave_stop_workers`).
pub const MYSQL_WAIT_WORKERS_EXIT: &str = "Waiting for workers to exit";
/// MySQL's coordinator while LOGICAL_CLOCK holds a group back.
pub const MYSQL_WAIT_DEPENDENCY: &str = "Waiting for dependent transaction to commit";

/// `mariadb_state` as the flavor names it.
pub fn state(flavor: Flavor, mariadb_state: &'static str) -> &'static str {
    if flavor == Flavor::MariaDb {
        return mariadb_state;
    }
    match mariadb_state {
        STATE_IDLE => MYSQL_WORKER_IDLE,
        WAIT_COMMIT => MYSQL_WAIT_COMMIT,
        STATE_QUEUE_FULL => MYSQL_QUEUE_FULL,
        other => other,
    }
}

/// A worker's Command column: MySQL's slave threads keep `Connect`.
pub fn worker_command(flavor: Flavor) -> &'static str {
    match flavor {
        Flavor::MariaDb => "Slave_worker",
        Flavor::MySql => "Connect",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mariadb_keeps_its_names_and_mysql_maps_the_ones_it_has() {
        for name in [STATE_IDLE, WAIT_COMMIT, STATE_QUEUE_FULL] {
            assert_eq!(state(Flavor::MariaDb, name), name);
        }
        assert_eq!(state(Flavor::MySql, STATE_IDLE), MYSQL_WORKER_IDLE);
        assert_eq!(state(Flavor::MySql, WAIT_COMMIT), MYSQL_WAIT_COMMIT);
        assert_eq!(state(Flavor::MySql, STATE_QUEUE_FULL), MYSQL_QUEUE_FULL);
        assert_eq!(state(Flavor::MySql, "Updating"), "Updating");
        assert_eq!(worker_command(Flavor::MariaDb), "Slave_worker");
        assert_eq!(worker_command(Flavor::MySql), "Connect");
    }
}
