//! What the SQL thread reports when it stops on an error: the code and
//! text of `Last_SQL_Errno`/`Last_SQL_Error` (MariaDB's wording, e.g. the
//! statement-format `Error '…' on query. …`), and the error-log lines
//! mariadbd writes for it. Errors and positions in, texts out.

use crate::error::ServerError;

/// ER_SLAVE_RELAY_LOG_READ_FAILURE's argument, as slave.cc words it.
const RELAY_LOG_READ_FAILURE: &str = "Could not parse relay log event entry. The possible reasons are: the master's binary log is corrupted (you can check this by running 'mysqlbinlog' on the binary log), the slave's relay log is corrupted (you can check this by running 'mysqlbinlog' on the relay log), a network problem, or a bug in the master's or slave's MySQL code. If you want to check the master's binary log or slave's relay log, you will be able to know their names by issuing 'SHOW SLAVE STATUS' on this slave.";

/// Why the SQL thread stopped: the code and text SHOW SLAVE STATUS shows,
/// and the server's own error for the `Slave:` warning line (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlFailure {
    pub code: u32,
    pub text: String,
    pub cause: Option<ServerError>,
}

/// 1594: the relay log could not be read.
pub fn relay_read_failure() -> SqlFailure {
    SqlFailure {
        code: 1594,
        text: format!("Relay log read failure: {RELAY_LOG_READ_FAILURE}"),
        cause: None,
    }
}

/// A statement failed: `Error '<msg>' on query. Default database: '<db>'. Query: '<text>'`.
pub fn statement_failed(error: &ServerError, db: &str, query: &str) -> SqlFailure {
    SqlFailure {
        code: u32::from(error.code),
        text: format!(
            "Error '{}' on query. Default database: '{db}'. Query: '{query}'",
            error.message
        ),
        cause: Some(error.clone()),
    }
}

/// A temporary error after the last retry: its bare message (spec 4.3).
pub fn retries_exhausted(error: &ServerError) -> SqlFailure {
    SqlFailure {
        code: u32::from(error.code),
        text: error.message.clone(),
        cause: Some(error.clone()),
    }
}

/// An event this server cannot apply (row events and others): 1235.
pub fn unsupported_event(code: u8) -> SqlFailure {
    let error = crate::session::not_supported(&format!("applying {} events", event_name(code)));
    SqlFailure {
        code: u32::from(error.code),
        text: error.message.clone(),
        cause: Some(error),
    }
}

/// The error-log lines of a stop on `failure` (without timestamp and thread id).
pub fn log_lines(failure: &SqlFailure, gtid: Option<&str>, stopped_at: &str) -> Vec<String> {
    let gtid = gtid.map(|g| format!(", Gtid {g}")).unwrap_or_default();
    let mut lines = vec![format!(
        "[ERROR] Slave SQL: {}{gtid}, Internal MariaDB error code: {}",
        failure.text, failure.code
    )];
    if let Some(cause) = &failure.cause {
        lines.push(format!(
            "[Warning] Slave: {} Error_code: {}",
            cause.message, cause.code
        ));
    }
    lines.push(format!(
        "[ERROR] Error running query, slave SQL thread aborted. Fix the problem, and restart the slave SQL thread with \"SLAVE START\". We stopped at {stopped_at}"
    ));
    lines
}

/// An event type's name as MariaDB's messages give it.
pub fn event_name(code: u8) -> String {
    match code {
        1 => "Start_v3".into(),
        6 => "Load".into(),
        8 => "Create_file".into(),
        9 => "Append_block".into(),
        10 => "Exec_load".into(),
        11 => "Delete_file".into(),
        12 => "New_load".into(),
        17 => "Begin_load_query".into(),
        18 => "Execute_load_query".into(),
        19 => "Table_map".into(),
        23 => "Write_rows_v1".into(),
        24 => "Update_rows_v1".into(),
        25 => "Delete_rows_v1".into(),
        29 => "Rows_query".into(),
        30 => "Write_rows".into(),
        31 => "Update_rows".into(),
        32 => "Delete_rows".into(),
        33..=35 => "GTID (MySQL)".into(),
        166..=171 => "Compressed".into(),
        other => format!("type {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_errors_read_as_mariadb_writes_them() {
        let dup = ServerError::new(1062, "23000", "Duplicate entry '2' for key 'PRIMARY'");
        let f = statement_failed(&dup, "d1", "INSERT INTO t1 VALUES (1,'one'),(2,'two')");
        assert_eq!(f.code, 1062);
        assert_eq!(
            f.text,
            "Error 'Duplicate entry '2' for key 'PRIMARY'' on query. Default database: 'd1'. Query: 'INSERT INTO t1 VALUES (1,'one'),(2,'two')'"
        );
        let lines = log_lines(&f, Some("0-1-5"), "log 'master-bin.000001' position 3157");
        assert_eq!(
            lines[0],
            "[ERROR] Slave SQL: Error 'Duplicate entry '2' for key 'PRIMARY'' on query. Default database: 'd1'. Query: 'INSERT INTO t1 VALUES (1,'one'),(2,'two')', Gtid 0-1-5, Internal MariaDB error code: 1062"
        );
        assert_eq!(
            lines[1],
            "[Warning] Slave: Duplicate entry '2' for key 'PRIMARY' Error_code: 1062"
        );
    }

    #[test]
    fn relay_log_failure_is_1594() {
        let f = relay_read_failure();
        assert_eq!(f.code, 1594);
        assert!(
            f.text
                .starts_with("Relay log read failure: Could not parse relay log event entry.")
        );
    }

    #[test]
    fn row_events_are_not_supported_yet() {
        let f = unsupported_event(23);
        assert_eq!(f.code, 1235);
        assert_eq!(
            f.text,
            "This version of MariaDB doesn't yet support 'applying Write_rows_v1 events'"
        );
    }
}
