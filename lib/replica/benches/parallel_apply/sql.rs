//! Client helpers the scenarios share: connect with a bounded wait, run a
//! statement, read one value or one SHOW SLAVE STATUS column, the GTID
//! positions as text and as a domain-0 sequence number, and polling waits
//! that give up with a message instead of hanging the bench.

use std::time::{Duration, Instant};

use rmtr_mysqltest::client::{ConnectOptions, Connection, Protocol, Response};

/// A client on 127.0.0.1:`port` as root, or the connect error's text.
pub fn connect(port: u16) -> Result<Connection, String> {
    Connection::connect(&ConnectOptions {
        host: "127.0.0.1".into(),
        port,
        protocol: Protocol::Tcp,
        user: "root".into(),
        connect_timeout: Duration::from_secs(2),
        read_timeout: Some(Duration::from_secs(900)),
        ..ConnectOptions::default()
    })
    .map_err(|e| e.to_string())
}

/// Runs `sql`, panicking with its text on an error.
pub fn run(conn: &mut Connection, sql: &str) {
    if let Err(e) = conn.query(sql.as_bytes()) {
        panic!("{sql}: {e}");
    }
}

/// Every row of `sql`, cells as text (NULL as empty), with the column names.
pub fn rows(conn: &mut Connection, sql: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let responses = conn
        .query(sql.as_bytes())
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let Some(Response::ResultSet(set)) = responses.into_iter().next() else {
        panic!("{sql} gave no result set");
    };
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let names = set.columns.iter().map(|c| text(&c.name)).collect();
    let cells = set
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| c.as_deref().map_or_else(String::new, text))
                .collect()
        })
        .collect();
    (names, cells)
}

/// The first cell of `sql`.
pub fn value(conn: &mut Connection, sql: &str) -> String {
    let (_, cells) = rows(conn, sql);
    cells
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next())
        .unwrap_or_default()
}

/// One named column of the first row of a SHOW statement.
pub fn column(conn: &mut Connection, show: &str, name: &str) -> String {
    let (names, cells) = rows(conn, show);
    let i = names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("{show} has no column {name}"));
    cells.first().map(|r| r[i].clone()).unwrap_or_default()
}

/// The sequence number domain 0 has reached in a GTID list (`0-1-42` → 42).
pub fn seq(gtid_list: &str) -> u64 {
    gtid_list
        .split(',')
        .map(str::trim)
        .find(|g| g.starts_with("0-"))
        .and_then(|g| g.rsplit('-').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The slave's `@@gtid_slave_pos` domain-0 sequence number.
pub fn slave_seq(slave: &mut Connection) -> u64 {
    seq(&value(slave, "SELECT @@GLOBAL.gtid_slave_pos"))
}

/// Polls `cond` every few milliseconds until it holds; panics with `what` after `limit`.
pub fn wait_for(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + limit;
    while !cond() {
        assert!(
            Instant::now() < end,
            "gave up after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Waits until the slave's IO thread has read the master's binlog up to its end.
pub fn wait_io_caught_up(master: &mut Connection, slave: &mut Connection) {
    let file = column(master, "SHOW MASTER STATUS", "File");
    let pos = column(master, "SHOW MASTER STATUS", "Position");
    wait_for(
        "the IO thread to read the master's binlog",
        Duration::from_secs(600),
        || {
            let (names, cells) = rows(slave, "SHOW SLAVE STATUS");
            let get = |n: &str| {
                let i = names
                    .iter()
                    .position(|c| c == n)
                    .expect("slave status column");
                cells.first().map(|r| r[i].clone()).unwrap_or_default()
            };
            assert!(
                get("Last_IO_Errno") == "0",
                "IO thread error: {}",
                get("Last_IO_Error")
            );
            get("Master_Log_File") == file && get("Read_Master_Log_Pos") == pos
        },
    );
}

/// Waits (server side) until the slave has applied `gtid_pos`; panics on a timeout.
pub fn gtid_wait(slave: &mut Connection, gtid_pos: &str, limit: Duration) {
    let got = value(
        slave,
        &format!("SELECT MASTER_GTID_WAIT('{gtid_pos}', {})", limit.as_secs()),
    );
    if got != "0" {
        let err = column(slave, "SHOW SLAVE STATUS", "Last_SQL_Error");
        panic!("slave did not reach {gtid_pos} in {limit:?} (got {got}); last SQL error: {err}");
    }
}

/// The master's `@@gtid_binlog_pos`.
pub fn master_pos(master: &mut Connection) -> String {
    value(master, "SELECT @@GLOBAL.gtid_binlog_pos")
}
