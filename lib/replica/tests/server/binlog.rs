//! The `replica` binary started with `--log-bin` writes a binary log the
//! installed `mariadb-binlog` reads without error: the statements are in
//! it, SHOW MASTER STATUS agrees with the file's size, and a clean
//! shutdown ends the file with a Stop event; a statement that read the
//! time in a session time zone carries that zone. Under BINLOG_FORMAT=ROW
//! every row change is logged as row events `mariadb-binlog` decodes to
//! the values written; under MIXED only the unsafe ones are.

use std::fs;
use std::path::PathBuf;
use std::process::{Child, Command};

use rmtr_mysqltest::client::{ConnectOptions, Connection, Protocol};

use super::common;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("replica-binlog-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// The first row of a query, cells joined by tabs.
fn first_row(conn: &mut Connection, sql: &str) -> String {
    common::rows(conn, sql).swap_remove(0)
}

/// A `replica` with `--log-bin` in a fresh scratch dir, and a root connection to it.
fn start_logging(name: &str) -> (PathBuf, Child, Connection) {
    start_logging_with(name, &[])
}

/// [`start_logging`] with more server options.
fn start_logging_with(name: &str, options: &[&str]) -> (PathBuf, Child, Connection) {
    let dir = scratch(name);
    let child = Command::new(env!("CARGO_BIN_EXE_replica"))
        .args([
            "--no-defaults",
            "--port=0",
            "--server-id=1",
            "--log-bin=master-bin",
        ])
        .args(options)
        .arg(format!("--datadir={}", dir.display()))
        .arg(format!("--socket={}/s.sock", dir.display()))
        .arg(format!("--pid-file={}/r.pid", dir.display()))
        .arg(format!("--log-error={}/r.err", dir.display()))
        .spawn()
        .unwrap();
    common::wait_until(|| fs::read_to_string(dir.join("r.pid")).is_ok_and(|p| p.ends_with('\n')));
    let conn = Connection::connect(&ConnectOptions {
        host: "localhost".into(),
        socket: Some(dir.join("s.sock")),
        protocol: Protocol::Socket,
        user: "root".into(),
        ..ConnectOptions::default()
    })
    .unwrap();
    (dir, child, conn)
}

#[test]
fn mariadb_binlog_reads_what_replica_wrote() {
    let Some(tool) = common::installed_client("mariadb-binlog") else {
        return;
    };
    let (dir, mut child, mut conn) = start_logging("read");
    assert_eq!(first_row(&mut conn, "SELECT @@log_bin"), "1");
    for sql in [
        "CREATE DATABASE bl",
        "USE bl",
        "CREATE TABLE t (a INT PRIMARY KEY) ENGINE=InnoDB",
        "INSERT INTO t VALUES (1)",
        "BEGIN",
        "UPDATE t SET a = 2 WHERE a = 1",
        "COMMIT",
        "CREATE TABLE tz (d DATETIME) ENGINE=InnoDB",
        "SET time_zone = '+10:30'",
        "INSERT INTO tz VALUES (NOW())",
    ] {
        conn.query(sql.as_bytes()).unwrap();
    }
    let status = first_row(&mut conn, "SHOW MASTER STATUS");
    let file = dir.join("master-bin.000001");
    let size = fs::metadata(&file).unwrap().len();
    assert_eq!(status, format!("master-bin.000001\t{size}\t\t"));
    assert_eq!(first_row(&mut conn, "SELECT @@gtid_binlog_pos"), "0-1-6");
    conn.shutdown().unwrap();
    assert!(child.wait().unwrap().success());

    let out = Command::new(tool).arg(&file).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for wanted in [
        "CREATE DATABASE bl\n",
        "use `bl`/*!*/;",
        "INSERT INTO t VALUES (1)\n",
        "UPDATE t SET a = 2 WHERE a = 1\n",
        "GTID 0-1-4 trans",
        // The Query event names the zone NOW() was read in.
        "SET @@session.time_zone='+10:30'/*!*/;\nINSERT INTO tz VALUES (NOW())\n",
        "Xid = ",
        "\tStop\n",
    ] {
        assert!(text.contains(wanted), "no {wanted:?} in:\n{text}");
    }
    assert!(!text.contains("not closed properly"), "{text}");
    let _ = fs::remove_dir_all(&dir);
}

/// `mariadb-binlog --verbose --base64-output=decode-rows` over a file: its output, after checking it ran cleanly.
fn decoded_rows(tool: &std::path::Path, file: &std::path::Path) -> String {
    let out = Command::new(tool)
        .args(["--verbose", "--base64-output=decode-rows"])
        .arg(file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `###` lines mariadb-binlog prints for row events, trailing blanks cut.
fn row_lines(decoded: &str) -> Vec<String> {
    decoded
        .lines()
        .filter(|l| l.starts_with("###"))
        .map(|l| l.trim_end().to_string())
        .collect()
}

#[test]
fn row_format_logs_row_events_mariadb_binlog_decodes() {
    let Some(tool) = common::installed_client("mariadb-binlog") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "mariadb-binlog is not installed"
        );
        return;
    };
    let (dir, mut child, mut conn) = start_logging_with("row", &["--binlog-format=ROW"]);
    for sql in [
        "CREATE DATABASE rw",
        "USE rw",
        "CREATE TABLE t (a INT PRIMARY KEY, b TINYINT, c SMALLINT UNSIGNED, d BIGINT, \
         e DOUBLE, f DECIMAL(10,3), g CHAR(5), h VARCHAR(300), i TEXT, j BLOB, k DATE, \
         l TIME(3), m DATETIME(2), n YEAR, o BIT(10), p ENUM('x','y','z'), q SET('p','q','r'), \
         r VARBINARY(7)) ENGINE=InnoDB",
        "INSERT INTO t VALUES (1, -5, 65535, -1, -2.25, -1234567.891, 'ab', 'hello', 'txt', \
         x'0001', '2024-02-29', '-12:34:56.789', '9999-12-31 23:59:59.99', 2024, 682, \
         'y', 'p,r', 'xyz')",
        "INSERT INTO t (a) VALUES (2)",
        "UPDATE t SET b = 7, h = 'seven' WHERE a = 2",
        "DELETE FROM t WHERE a = 1",
        "CREATE TABLE m (x INT) ENGINE=MyISAM",
        "INSERT INTO m VALUES (10), (20)",
        "CREATE TEMPORARY TABLE tmp (x INT)",
        "INSERT INTO tmp VALUES (1)",
        "INSERT INTO m SELECT x + 1 FROM tmp",
        "CREATE TABLE c ENGINE=InnoDB SELECT a FROM t",
    ] {
        conn.query(sql.as_bytes()).unwrap();
    }
    let events = common::rows(&mut conn, "SHOW BINLOG EVENTS");
    let listed: Vec<String> = events
        .iter()
        .map(|r| {
            let cells: Vec<&str> = r.split('\t').collect();
            format!("{}\t{}", cells[2], cells[5])
        })
        .collect();
    let at = listed
        .iter()
        .position(|l| l.starts_with("Annotate_rows\tINSERT INTO t (a)"))
        .unwrap_or_else(|| panic!("{listed:#?}"));
    let table_id = listed[at + 1]
        .split(' ')
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        listed[at + 1..at + 3],
        [
            format!("Table_map\ttable_id: {table_id} (rw.t)"),
            format!("Write_rows_v1\ttable_id: {table_id} flags: STMT_END_F"),
        ]
    );
    assert!(
        listed[at + 3].starts_with("Xid\tCOMMIT /* xid="),
        "{listed:#?}"
    );
    assert!(
        listed.iter().any(|l| l == "Query\tCOMMIT"),
        "the MyISAM insert ends with a COMMIT query: {listed:#?}"
    );
    assert!(
        !listed
            .iter()
            .any(|l| l.contains("rw.tmp") || l.contains("TEMPORARY")),
        "temporary tables are not logged: {listed:#?}"
    );
    let created = listed
        .iter()
        .position(|l| l.starts_with("Query\tuse `rw`; CREATE TABLE `c` ("))
        .unwrap_or_else(|| panic!("CREATE TABLE … SELECT logs the table: {listed:#?}"));
    assert_eq!(
        listed[created],
        "Query\tuse `rw`; CREATE TABLE `c` (\n  `a` int(11) NOT NULL\n) ENGINE=InnoDB"
    );
    assert!(listed[created + 1].starts_with("Annotate_rows\tCREATE TABLE c"));
    assert!(listed[created + 3].starts_with("Write_rows_v1\t"));
    assert!(listed[created + 4].starts_with("Xid\t"));
    conn.shutdown().unwrap();
    assert!(child.wait().unwrap().success());

    let decoded = decoded_rows(&tool, &dir.join("master-bin.000001"));
    let lines = row_lines(&decoded);
    let full_row = [
        "### INSERT INTO `rw`.`t`",
        "### SET",
        "###   @1=1",
        "###   @2=-5 (251)",
        "###   @3=-1 (65535)",
        "###   @4=-1 (18446744073709551615)",
        "###   @5=-2.25",
        "###   @6=-1234567.891",
        "###   @7='ab'",
        "###   @8='hello'",
        "###   @9='txt'",
        "###   @10='\\x00\\x01'",
        "###   @11='2024:02:29'",
        "###   @12='-12:34:56.789'",
        "###   @13='9999-12-31 23:59:59.99'",
        "###   @14=2024",
        "###   @15=b'1010101010'",
        "###   @16=2",
        "###   @17=b'00000101'",
        "###   @18='xyz'",
    ];
    assert_eq!(lines[..full_row.len()], full_row, "{decoded}");
    let nulls = |from: usize| (from..=18).map(|i| format!("###   @{i}=NULL"));
    let mut update: Vec<String> = ["### UPDATE `rw`.`t`", "### WHERE", "###   @1=2"]
        .map(String::from)
        .to_vec();
    update.extend(nulls(2));
    update.extend(["### SET", "###   @1=2", "###   @2=7"].map(String::from));
    update.extend(nulls(3).take(5));
    update.push("###   @8='seven'".into());
    update.extend(nulls(9));
    let from = lines
        .iter()
        .position(|l| l.starts_with("### UPDATE"))
        .unwrap_or_else(|| panic!("{decoded}"));
    assert_eq!(lines[from..from + update.len()], update, "{decoded}");
    let delete = lines
        .iter()
        .position(|l| l == "### DELETE FROM `rw`.`t`")
        .unwrap_or_else(|| panic!("{decoded}"));
    assert_eq!(lines[delete + 1..delete + 3], ["### WHERE", "###   @1=1"]);
    let myisam: Vec<&String> = lines
        .iter()
        .skip_while(|l| *l != "### INSERT INTO `rw`.`m`")
        .collect();
    assert_eq!(
        myisam,
        [
            "### INSERT INTO `rw`.`m`",
            "### SET",
            "###   @1=10",
            "### INSERT INTO `rw`.`m`",
            "### SET",
            "###   @1=20",
            "### INSERT INTO `rw`.`m`",
            "### SET",
            "###   @1=2",
            "### INSERT INTO `rw`.`c`",
            "### SET",
            "###   @1=2",
        ],
        "{decoded}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn mixed_format_logs_an_unsafe_row_change_as_rows_and_a_safe_one_as_a_statement() {
    let (dir, mut child, mut conn) = start_logging("mixed");
    for sql in [
        "SET SESSION binlog_format = 'MIXED'",
        "CREATE DATABASE mx",
        "USE mx",
        "CREATE TABLE t (a INT PRIMARY KEY, b INT) ENGINE=InnoDB",
        "INSERT INTO t VALUES (1, 1)",
        "INSERT INTO t VALUES (2, LENGTH(UUID()))",
        "UPDATE t SET b = 5 LIMIT 1",
        "UPDATE t SET b = 2 WHERE a = 1",
    ] {
        conn.query(sql.as_bytes()).unwrap();
    }
    assert_eq!(
        common::rows(&mut conn, "SHOW WARNINGS"),
        Vec::<String>::new()
    );
    assert_eq!(
        first_row(&mut conn, "SELECT COUNT(*), SUM(b) FROM t"),
        "2\t38"
    );
    let listed: Vec<String> = common::rows(&mut conn, "SHOW BINLOG EVENTS")
        .iter()
        .map(|r| {
            let cells: Vec<&str> = r.split('\t').collect();
            format!("{}\t{}", cells[2], cells[5])
        })
        .filter(|l| !l.starts_with("Gtid") && !l.starts_with("Xid"))
        .skip_while(|l| !l.contains("INSERT INTO t VALUES (1, 1)"))
        .map(|l| match l.split_once("table_id: ") {
            Some((head, tail)) => format!(
                "{head}table_id: #{}",
                tail.trim_start_matches(char::is_numeric)
            ),
            None => l,
        })
        .collect();
    assert_eq!(
        listed,
        [
            "Query\tuse `mx`; INSERT INTO t VALUES (1, 1)",
            "Annotate_rows\tINSERT INTO t VALUES (2, LENGTH(UUID()))",
            "Table_map\ttable_id: # (mx.t)",
            "Write_rows_v1\ttable_id: # flags: STMT_END_F",
            "Annotate_rows\tUPDATE t SET b = 5 LIMIT 1",
            "Table_map\ttable_id: # (mx.t)",
            "Update_rows_v1\ttable_id: # flags: STMT_END_F",
            "Query\tuse `mx`; UPDATE t SET b = 2 WHERE a = 1",
        ]
    );
    conn.query(b"SET SESSION binlog_format = 'STATEMENT'")
        .unwrap();
    conn.query(b"UPDATE t SET b = 5 LIMIT 1").unwrap();
    let warnings = common::rows(&mut conn, "SHOW WARNINGS");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("Note\t1592\t"), "{warnings:?}");
    conn.shutdown().unwrap();
    assert!(child.wait().unwrap().success());
    let _ = fs::remove_dir_all(&dir);
}
