//! SHOW SLAVE STATUS and SHOW ALL SLAVES STATUS: MariaDB 10.11's 54 (and
//! 62) columns in their order, and one row read from the channel's three
//! parts. The channel and a few globals enter; a `ResultSet` leaves.

use crate::replication::channel::{Channel, IoRunning, Until};
use crate::session::outcome::{Column, ResultSet};

/// The 54 columns of SHOW SLAVE STATUS, in order.
pub const COLUMNS: [&str; 54] = [
    "Slave_IO_State",
    "Master_Host",
    "Master_User",
    "Master_Port",
    "Connect_Retry",
    "Master_Log_File",
    "Read_Master_Log_Pos",
    "Relay_Log_File",
    "Relay_Log_Pos",
    "Relay_Master_Log_File",
    "Slave_IO_Running",
    "Slave_SQL_Running",
    "Replicate_Do_DB",
    "Replicate_Ignore_DB",
    "Replicate_Do_Table",
    "Replicate_Ignore_Table",
    "Replicate_Wild_Do_Table",
    "Replicate_Wild_Ignore_Table",
    "Last_Errno",
    "Last_Error",
    "Skip_Counter",
    "Exec_Master_Log_Pos",
    "Relay_Log_Space",
    "Until_Condition",
    "Until_Log_File",
    "Until_Log_Pos",
    "Master_SSL_Allowed",
    "Master_SSL_CA_File",
    "Master_SSL_CA_Path",
    "Master_SSL_Cert",
    "Master_SSL_Cipher",
    "Master_SSL_Key",
    "Seconds_Behind_Master",
    "Master_SSL_Verify_Server_Cert",
    "Last_IO_Errno",
    "Last_IO_Error",
    "Last_SQL_Errno",
    "Last_SQL_Error",
    "Replicate_Ignore_Server_Ids",
    "Master_Server_Id",
    "Master_SSL_Crl",
    "Master_SSL_Crlpath",
    "Using_Gtid",
    "Gtid_IO_Pos",
    "Replicate_Do_Domain_Ids",
    "Replicate_Ignore_Domain_Ids",
    "Parallel_Mode",
    "SQL_Delay",
    "SQL_Remaining_Delay",
    "Slave_SQL_Running_State",
    "Slave_DDL_Groups",
    "Slave_Non_Transactional_Groups",
    "Slave_Transactional_Groups",
    "Replicate_Rewrite_DB",
];

/// SHOW ALL SLAVES STATUS: these two first, then the 54, then `ALL_TAIL`.
pub const ALL_HEAD: [&str; 2] = ["Connection_name", "Slave_SQL_State"];

/// The columns SHOW ALL SLAVES STATUS adds at the end.
pub const ALL_TAIL: [&str; 6] = [
    "Retried_transactions",
    "Max_relay_log_size",
    "Executed_log_entries",
    "Slave_received_heartbeats",
    "Slave_heartbeat_period",
    "Gtid_Slave_Pos",
];

/// Columns that hold numbers (sent as integers).
const NUMERIC: [&str; 20] = [
    "Master_Port",
    "Connect_Retry",
    "Read_Master_Log_Pos",
    "Relay_Log_Pos",
    "Last_Errno",
    "Skip_Counter",
    "Exec_Master_Log_Pos",
    "Relay_Log_Space",
    "Until_Log_Pos",
    "Seconds_Behind_Master",
    "Last_IO_Errno",
    "Last_SQL_Errno",
    "Master_Server_Id",
    "SQL_Delay",
    "SQL_Remaining_Delay",
    "Slave_DDL_Groups",
    "Slave_Non_Transactional_Groups",
    "Slave_Transactional_Groups",
    "Retried_transactions",
    "Executed_log_entries",
];

/// Globals a row shows that the channel does not hold.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub parallel_mode: String,
    pub max_relay_log_size: u64,
    pub gtid_slave_pos: String,
    /// `SET GLOBAL sql_slave_skip_counter` not yet taken by a starting SQL
    /// thread: MariaDB shows it as Skip_Counter at once.
    pub pending_skip_counter: u64,
    /// The six replicate_* filter variables, in column order.
    pub filters: [String; 6],
}

/// The result set of SHOW SLAVE STATUS (`all` = false) or SHOW ALL SLAVES
/// STATUS; no rows for an unconfigured connection, nor for one whose host
/// is empty (CHANGE MASTER TO master_use_gtid=… alone leaves it so).
pub fn result(channel: &Channel, context: &Context, all: bool) -> ResultSet {
    let mut names: Vec<&str> = Vec::new();
    if all {
        names.extend(ALL_HEAD);
    }
    names.extend(COLUMNS);
    if all {
        names.extend(ALL_TAIL);
    }
    let columns = names.iter().map(|n| column(n)).collect();
    let shown = {
        let info = channel.info.lock().unwrap();
        info.configured && !info.host.is_empty()
    };
    let rows = if shown {
        vec![row(channel, context, all)]
    } else {
        Vec::new()
    };
    ResultSet { columns, rows }
}

fn column(name: &str) -> Column {
    if NUMERIC.contains(&name) {
        let mut c = Column::integer(name);
        c.flags -= mysql_common::constants::ColumnFlags::NOT_NULL_FLAG;
        c
    } else {
        Column::text(name, 192)
    }
}

/// One row: the values of `COLUMNS` (framed by the ALL columns when `all`).
fn row(channel: &Channel, context: &Context, all: bool) -> Vec<Option<Vec<u8>>> {
    let info = channel.info.lock().unwrap().clone();
    let io = channel.io.lock().unwrap().clone();
    let sql = channel.sql.lock().unwrap().clone();
    let relay_space = channel
        .relay_log
        .lock()
        .unwrap()
        .as_ref()
        .map_or(io.relay_log_space, |l| l.space());
    let (until, until_file, until_pos) = until_columns(&sql.until);
    let text = |s: &str| Some(s.to_string());
    let num = |n: u64| Some(n.to_string());
    let yes_no = |b: bool| text(if b { "Yes" } else { "No" });
    let ignore_ids: Vec<String> = info.ignore_server_ids.iter().map(u32::to_string).collect();
    let mut values: Vec<Option<String>> = Vec::new();
    if all {
        values.push(text(""));
        values.push(text(&sql.state));
    }
    values.extend([
        text(&io.state),
        text(&info.host),
        text(&info.user),
        num(u64::from(info.port)),
        num(u64::from(info.connect_retry)),
        text(&info.log_file),
        num(info.log_pos),
        text(&sql.relay_log_file),
        num(sql.relay_log_pos),
        text(&sql.relay_master_log_file),
        text(io_running(io.running)),
        yes_no(sql.running),
    ]);
    values.extend(context.filters.iter().map(|f| text(f)));
    values.extend([
        num(u64::from(sql.last_errno)),
        text(&sql.last_error),
        num(skip_counter(sql.skip_counter, context.pending_skip_counter)),
        num(sql.exec_master_log_pos),
        num(relay_space),
        text(until),
        text(&until_file),
        num(until_pos),
        yes_no(info.ssl),
    ]);
    values.extend(std::iter::repeat_n(text(""), 5));
    values.extend([
        seconds_behind(&io, sql.running, || channel.lag_seconds()),
        text("No"),
        num(u64::from(io.last_errno)),
        text(&io.last_error),
        num(u64::from(sql.last_errno)),
        text(&sql.last_error),
        text(&ignore_ids.join(", ")),
        num(u64::from(io.master_server_id)),
        text(""),
        text(""),
        text(info.use_gtid.label()),
        text(&io.gtid_io_pos),
        text(""),
        text(""),
        text(&context.parallel_mode),
        num(u64::from(info.delay)),
        None,
        text(&sql.state),
        num(sql.ddl_groups),
        num(sql.non_transactional_groups),
        num(sql.transactional_groups),
        text(""),
    ]);
    if all {
        values.extend([
            num(sql.retried_transactions),
            num(context.max_relay_log_size),
            num(sql.executed_log_entries),
            num(io.received_heartbeats),
            text(&format!("{:.3}", info.heartbeat_period)),
            text(&context.gtid_slave_pos),
        ]);
    }
    values
        .into_iter()
        .map(|v| v.map(String::into_bytes))
        .collect()
}

/// `Until_Condition`, `Until_Log_File`, `Until_Log_Pos`.
fn until_columns(until: &Until) -> (&'static str, String, u64) {
    match until {
        Until::None => ("None", String::new(), 0),
        Until::Master { file, pos } => ("Master", file.clone(), *pos),
        Until::Relay { file, pos } => ("Relay", file.clone(), *pos),
        Until::Gtid(_) => ("Gtid", String::new(), 0),
    }
}

/// The SQL thread's count, or the one set for its next start.
fn skip_counter(running_count: u64, pending: u64) -> u64 {
    if pending > 0 { pending } else { running_count }
}

fn io_running(running: IoRunning) -> &'static str {
    match running {
        IoRunning::No => "No",
        IoRunning::Connecting => "Connecting",
        IoRunning::Yes => "Yes",
    }
}

/// `Seconds_Behind_Master`: NULL unless both threads run; else the age
/// of the oldest group read and not yet applied, 0 when there is none.
fn seconds_behind(
    io: &crate::replication::channel::IoStatus,
    sql_running: bool,
    lag: impl FnOnce() -> u64,
) -> Option<String> {
    (sql_running && io.running == IoRunning::Yes).then(|| lag().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_lists_are_mariadbs() {
        assert_eq!(COLUMNS.len(), 54);
        assert_eq!(COLUMNS[32], "Seconds_Behind_Master");
        assert_eq!(COLUMNS[53], "Replicate_Rewrite_DB");
        assert_eq!(ALL_HEAD.len() + COLUMNS.len() + ALL_TAIL.len(), 62);
    }

    /// What the server tells the listing, at its defaults.
    fn context() -> Context {
        Context {
            parallel_mode: "optimistic".into(),
            max_relay_log_size: 1 << 30,
            gtid_slave_pos: String::new(),
            pending_skip_counter: 0,
            filters: Default::default(),
        }
    }

    #[test]
    fn a_connection_configured_without_a_host_has_no_row() {
        let channel = Channel::default();
        let context = context();
        channel.info.lock().unwrap().configured = true;
        assert!(result(&channel, &context, false).rows.is_empty());
        assert!(result(&channel, &context, true).rows.is_empty());
    }

    #[test]
    fn an_unconfigured_slave_has_no_row_and_a_configured_one_has_every_column() {
        let channel = Channel::default();
        let context = context();
        assert!(result(&channel, &context, false).rows.is_empty());
        {
            let mut info = channel.info.lock().unwrap();
            info.configured = true;
            info.host = "127.0.0.1".into();
            info.ignore_server_ids = vec![3, 4];
            info.heartbeat_period = 30.0;
        }
        let one = result(&channel, &context, false);
        assert_eq!(one.rows[0].len(), 54);
        let at = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
        let value = |name: &str| {
            one.rows[0][at(name)]
                .clone()
                .map(|v| String::from_utf8(v).unwrap())
        };
        assert_eq!(value("Master_Host").as_deref(), Some("127.0.0.1"));
        assert_eq!(
            value("Replicate_Ignore_Server_Ids").as_deref(),
            Some("3, 4")
        );
        assert_eq!(value("Seconds_Behind_Master"), None);
        assert_eq!(value("Until_Condition").as_deref(), Some("None"));
        let all = result(&channel, &context, true);
        assert_eq!(all.columns.len(), 62);
        assert_eq!(all.rows[0][60].as_deref(), Some(&b"30.000"[..]));
    }

    #[test]
    fn a_skip_counter_set_while_stopped_shows_before_the_start() {
        assert_eq!(skip_counter(0, 1), 1);
        assert_eq!(skip_counter(2, 0), 2);
    }
}
