//! The errors and notes of the slave statements, with MariaDB 10.11's
//! codes and texts (checked with `perror` and on a real server), and
//! MySQL 5.7 GA's where the MySQL flavor differs (spec §7.1).

use crate::error::ServerError;
use crate::replication::channel::UseGtid;
use crate::server::config::Flavor;

use super::control::Note;

/// 1198: the statement needs both slave threads stopped; each product words it its own way.
pub fn slave_must_stop(flavor: Flavor) -> ServerError {
    let text = match flavor {
        Flavor::MariaDb => {
            "This operation cannot be performed as you have a running slave ''; run STOP SLAVE '' first"
        }
        Flavor::MySql => {
            "This operation cannot be performed with a running slave; run STOP SLAVE first"
        }
    };
    ServerError::new(1198, "HY000", text)
}

/// 3017 (MySQL): an applier option, or slave_parallel_type, while the SQL thread runs.
pub fn sql_thread_must_stop() -> ServerError {
    ServerError::new(
        3017,
        "HY000",
        "This operation cannot be performed with a running slave sql thread; run STOP SLAVE SQL_THREAD first",
    )
}

/// 3021 (MySQL 5.7 GA, ER_SLAVE_CHANNEL_IO_THREAD_MUST_STOP): a receiver
/// option while the IO thread runs; the channel is always the default ''.
pub fn io_thread_must_stop() -> ServerError {
    ServerError::new(
        3021,
        "HY000",
        "This operation cannot be performed with a running slave io thread; run STOP SLAVE IO_THREAD FOR CHANNEL '' first.",
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

/// The level a slave statement's condition is reported at: MySQL's 3022
/// is a warning; the others are notes.
pub fn level_of(code: u16) -> crate::error::Level {
    match code {
        3022 => crate::error::Level::Warning,
        _ => crate::error::Level::Note,
    }
}

/// Warning 3022 (MySQL): STOP SLAVE, or a CHANGE MASTER that moves the
/// source or position, while replicated temporary tables are open.
pub fn open_temp_tables() -> Note {
    (
        3022,
        "This operation may not be safe when the slave has temporary tables. The tables will be kept open until the server restarts or until the tables are deleted by any replicated DROP statement. Suggest to wait until slave_open_temp_tables = 0.".into(),
    )
}
