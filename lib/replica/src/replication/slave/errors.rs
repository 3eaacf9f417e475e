//! The errors and notes of the slave statements, with MariaDB 10.11's
//! codes and texts (checked with `perror` and on a real server).

use crate::error::ServerError;
use crate::replication::channel::UseGtid;

use super::control::Note;

/// 1198: the statement needs both slave threads stopped.
pub fn slave_must_stop() -> ServerError {
    ServerError::new(
        1198,
        "HY000",
        "This operation cannot be performed as you have a running slave ''; run STOP SLAVE '' first",
    )
}

/// 1200, as worded at runtime: START SLAVE on an unconfigured connection.
pub fn misconfigured_slave() -> ServerError {
    ServerError::new(
        1200,
        "HY000",
        "Misconfigured slave: MASTER_HOST was not set; Fix in config file or with CHANGE MASTER TO",
    )
}

/// 1617: a master connection name other than ''.
pub fn no_master_connection(name: &str) -> ServerError {
    ServerError::new(
        1617,
        "HY000",
        format!("There is no master connection '{name}'"),
    )
}

/// 1254 as an error: START SLAVE UNTIL master_gtid_pos while a thread runs.
pub fn slave_running_error() -> ServerError {
    ServerError::new(1254, "HY000", "Slave is already running")
}

/// 1277: a file without its position, or two kinds of UNTIL at once.
pub fn bad_until() -> ServerError {
    ServerError::new(
        1277,
        "HY000",
        "Incorrect parameter or combination of parameters for START SLAVE UNTIL",
    )
}

/// 1949: UNTIL master_gtid_pos with MASTER_USE_GTID=NO.
pub fn until_requires_gtid() -> ServerError {
    ServerError::new(
        1949,
        "HY000",
        "START SLAVE UNTIL master_gtid_pos requires that slave is using GTID",
    )
}

/// 1941: a GTID list that does not parse.
pub fn bad_gtid_list() -> ServerError {
    ServerError::new(1941, "HY000", "Could not parse GTID list")
}

/// ER_WRONG_ARGUMENTS: CHANGE MASTER TO MASTER_HOST=''.
pub fn empty_master_host() -> ServerError {
    ServerError::new(1210, "HY000", "Incorrect arguments to MASTER_HOST")
}

/// A slave thread could not be created.
pub fn thread_start(e: std::io::Error) -> ServerError {
    ServerError::new(1105, "HY000", format!("cannot start a slave thread: {e}"))
}

/// Note 1254: START SLAVE with the threads already running.
pub fn slave_was_running() -> Note {
    (1254, "Slave is already running".into())
}

/// Note 1255: STOP SLAVE with the threads already stopped.
pub fn slave_was_not_running() -> Note {
    (1255, "Slave already has been stopped".into())
}

/// Note 1278: START SLAVE UNTIL on a server started without --skip-slave-start.
pub fn missing_skip_slave() -> Note {
    (
        1278,
        "It is recommended to use --skip-slave-start when doing step-by-step replication with START SLAVE UNTIL; otherwise, you will get problems if you get an unexpected slave's mariadbd restart".into(),
    )
}

/// Note 4190: RESET SLAVE (with or without ALL) puts Using_Gtid back to Slave_Pos.
pub fn reset_changes_using_gtid(from: UseGtid) -> Note {
    (
        4190,
        format!(
            "RESET SLAVE is implicitly changing the value of 'Using_Gtid' from '{}' to 'Slave_Pos'",
            from.label()
        ),
    )
}
