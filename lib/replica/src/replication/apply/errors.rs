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

/// ER_SLAVE_FATAL_ERROR's argument when a group with non-transactional changes is left unfinished.
const INCOMPLETE_GROUP: &str = "... Slave SQL Thread stopped with incomplete event group having non-transactional changes. If the group consists solely of row-based events, you can try to restart the slave with --slave-exec-mode=IDEMPOTENT, which ignores duplicate key, key not found, and similar errors (see documentation for details).";

/// 1593: the thread stopped inside a group a rollback cannot undo (spec 2.2).
pub fn incomplete_group() -> SqlFailure {
    SqlFailure {
        code: 1593,
        text: format!("Fatal error: {INCOMPLETE_GROUP}"),
        cause: None,
    }
}

/// The error-log warning of a stop deferred until the group ends (spec 2.2).
pub fn waiting_for_group(gtid: Option<&str>) -> String {
    let gtid = gtid.map(|g| format!(", Gtid {g}")).unwrap_or_default();
    format!(
        "[Warning] Slave SQL: Request to stop slave SQL Thread received while applying a group that has non-transactional changes; waiting for completion of the group ... {gtid}, Internal MariaDB error code: 0"
    )
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

/// A row of a rows event failed: `Could not execute <Event> event on
/// table <db.tbl>; <message>, Error_code: <n>; handler error <HA_ERR_…>;
/// the event's master log <file>, end_log_pos <pos>`.
pub fn row_failed(
    error: &ServerError,
    event: u8,
    table: &str,
    master_log: &str,
    log_pos: u32,
) -> SqlFailure {
    SqlFailure {
        code: u32::from(error.code),
        text: format!(
            "Could not execute {} event on table {table}; {}, Error_code: {}; handler error {}; the event's master log {master_log}, end_log_pos {log_pos}",
            event_name(event),
            error.message,
            error.code,
            handler_error(error.code)
        ),
        cause: Some(error.clone()),
    }
}

/// The storage engine error behind a server error, as MariaDB names it.
fn handler_error(code: u16) -> &'static str {
    match code {
        1032 => "HA_ERR_KEY_NOT_FOUND",
        1062 => "HA_ERR_FOUND_DUPP_KEY",
        1205 => "HA_ERR_LOCK_WAIT_TIMEOUT",
        1213 => "HA_ERR_LOCK_DEADLOCK",
        1114 => "HA_ERR_RECORD_FILE_FULL",
        _ => "<unknown>",
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

/// A KILL a parallel worker saw outside a statement (before its group
/// began, or at its commit): the bare message.
pub fn killed_outside_statement(error: &ServerError) -> SqlFailure {
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
        // A compressed rows event is named as its plain form once inflated.
        23 | 166 => "Write_rows_v1".into(),
        24 | 167 => "Update_rows_v1".into(),
        25 | 168 => "Delete_rows_v1".into(),
        29 => "Rows_query".into(),
        30 | 169 => "Write_rows".into(),
        31 | 170 => "Update_rows".into(),
        32 | 171 => "Delete_rows".into(),
        33..=35 => "GTID (MySQL)".into(),
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
    fn row_errors_read_as_mariadb_writes_them() {
        let missing = ServerError::new(1032, "HY000", "Can't find record in 't1'");
        let f = row_failed(&missing, 25, "test.t1", "master-bin.000001", 1419);
        assert_eq!(f.code, 1032);
        assert_eq!(
            f.text,
            "Could not execute Delete_rows_v1 event on table test.t1; Can't find record in 't1', Error_code: 1032; handler error HA_ERR_KEY_NOT_FOUND; the event's master log master-bin.000001, end_log_pos 1419"
        );
        let dup = ServerError::new(1062, "23000", "Duplicate entry '4' for key 'PRIMARY'");
        // Write_rows_compressed_v1 reads as the plain event, as in 10.11.
        let f = row_failed(&dup, 166, "test.t1", "master-bin.000001", 1632);
        assert_eq!(
            f.text,
            "Could not execute Write_rows_v1 event on table test.t1; Duplicate entry '4' for key 'PRIMARY', Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY; the event's master log master-bin.000001, end_log_pos 1632"
        );
    }

    #[test]
    fn an_unfinished_non_transactional_group_reads_as_mariadb_reports_it() {
        let f = incomplete_group();
        assert_eq!(f.code, 1593);
        assert!(f.text.starts_with(
            "Fatal error: ... Slave SQL Thread stopped with incomplete event group having non-transactional changes. "
        ));
        assert!(f.text.ends_with("(see documentation for details)."));
        assert_eq!(
            waiting_for_group(Some("0-1-5")),
            "[Warning] Slave SQL: Request to stop slave SQL Thread received while applying a group that has non-transactional changes; waiting for completion of the group ... , Gtid 0-1-5, Internal MariaDB error code: 0"
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
    fn unsupported_events_are_1235() {
        let f = unsupported_event(17);
        assert_eq!(f.code, 1235);
        assert_eq!(
            f.text,
            "This version of MariaDB doesn't yet support 'applying Begin_load_query events'"
        );
    }
}
