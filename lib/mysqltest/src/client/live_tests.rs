//! Tests of the client against a real mariadbd started for the purpose.
//! One server serves every scenario; each scenario runs even if another
//! failed, and the test fails listing all that did. Without the server
//! binaries the test fails under `CI=true` and is skipped (loudly) otherwise.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use super::test_server::{TestServer, find_binaries};
use super::{ConnectOptions, Connection, Response, ResultSet};

/// One named check against the running server.
type Scenario = (&'static str, fn(&TestServer));

const SCENARIOS: &[Scenario] = &[
    ("connect", connect),
    ("handshake_uses_latin1", handshake_uses_latin1),
    ("nulls_and_binary_bytes", nulls_and_binary_bytes),
    ("multi_statement_results", multi_statement_results),
    ("ok_terminated_result_sets", ok_terminated_result_sets),
    ("warnings_count", warnings_count),
    ("error_packet_fields", error_packet_fields),
    ("send_then_read", send_then_read),
    ("change_user", change_user),
    ("reset_connection", reset_connection),
    ("ping_and_init_db", ping_and_init_db),
    ("load_data_local", load_data_local),
    ("load_data_local_disabled", load_data_local_disabled),
    ("abort_handle_unblocks_read", abort_handle_unblocks_read),
    (
        "killed_connection_reports_lost_then_gone",
        killed_connection_reports_lost_then_gone,
    ),
    ("read_timeout", read_timeout),
    ("packets_over_16mb", packets_over_16mb),
    ("quit_and_dirty_close", quit_and_dirty_close),
    ("wrong_password", wrong_password),
    ("unix_socket_for_localhost", unix_socket_for_localhost),
    ("tcp_forced_for_localhost", tcp_forced_for_localhost),
    ("compressed_protocol", compressed_protocol),
    ("read_timeout_option", read_timeout_option),
    (
        "ssl_without_server_tls_stays_clear",
        ssl_without_server_tls_stays_clear,
    ),
    ("old_password_accounts", old_password_accounts),
    ("test_plugin_accounts", test_plugin_accounts),
    (
        "session_state_is_kept_like_the_library",
        session_state_is_kept_like_the_library,
    ),
    ("shutdown_needs_the_privilege", shutdown_needs_the_privilege),
    // Last: it stops the server the other scenarios share.
    ("shutdown_stops_the_server", shutdown_stops_the_server),
];

#[test]
fn client_against_a_real_mariadbd() {
    let (server_bin, install_bin) = match find_binaries() {
        Ok(found) => found,
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("live client tests need MariaDB server binaries: {why}")
        }
        Err(why) => {
            eprintln!("skipping live client tests: {why}");
            return;
        }
    };
    let server = TestServer::start(&server_bin, &install_bin).expect("start mariadbd");
    let failed: Vec<&str> = SCENARIOS
        .iter()
        .filter(|(_, run)| catch_unwind(AssertUnwindSafe(|| run(&server))).is_err())
        .map(|(name, _)| *name)
        .collect();
    assert!(failed.is_empty(), "failed scenarios: {failed:?}");
}

/// A connection as root to the `test` schema.
fn open(server: &TestServer) -> Connection {
    Connection::connect(&server.options()).expect("connect")
}

/// The single result set of `sql`.
fn select(conn: &mut Connection, sql: &str) -> ResultSet {
    let mut responses = conn.query(sql.as_bytes()).expect(sql);
    assert_eq!(responses.len(), 1, "{sql}");
    match responses.remove(0) {
        Response::ResultSet(set) => set,
        other => panic!("{sql}: expected rows, got {other:?}"),
    }
}

/// The first cell of `sql`'s only row.
fn scalar(conn: &mut Connection, sql: &str) -> Option<Vec<u8>> {
    select(conn, sql).rows.remove(0).remove(0)
}

fn connect(server: &TestServer) {
    let conn = open(server);
    assert!(conn.connection_id() > 0);
    assert!(
        conn.server_version().contains("MariaDB"),
        "{}",
        conn.server_version()
    );
    assert!(!conn.server_version().starts_with("5.5.5-"));
}

fn handshake_uses_latin1(server: &TestServer) {
    let mut conn = open(server);
    assert_eq!(
        scalar(&mut conn, "SELECT @@character_set_client"),
        Some(b"latin1".to_vec())
    );
    assert_eq!(
        scalar(&mut conn, "SELECT DATABASE()"),
        Some(b"test".to_vec())
    );
    assert_eq!(
        scalar(&mut conn, "SELECT CONNECTION_ID()"),
        Some(conn.connection_id().to_string().into_bytes())
    );
}

fn nulls_and_binary_bytes(server: &TestServer) {
    let mut conn = open(server);
    let set = select(
        &mut conn,
        "SELECT _latin1 0xE9 AS e, NULL AS n, '' AS empty, 0x00FF AS b",
    );
    let names: Vec<&[u8]> = set.columns.iter().map(|c| c.name.as_slice()).collect();
    assert_eq!(names, [&b"e"[..], b"n", b"empty", b"b"]);
    assert_eq!(
        set.rows,
        vec![vec![
            Some(vec![0xE9]),
            None,
            Some(vec![]),
            Some(vec![0x00, 0xFF])
        ]]
    );
    assert_eq!(set.columns[0].catalog, b"def");
    assert_eq!(set.columns[0].charset, 8);
    let raw = conn.query(b"SELECT '\xe9t\xe9'").unwrap();
    let Response::ResultSet(set) = &raw[0] else {
        panic!("{raw:?}")
    };
    assert_eq!(set.rows[0][0].as_deref(), Some(&b"\xe9t\xe9"[..]));
}

fn multi_statement_results(server: &TestServer) {
    let mut conn = open(server);
    conn.send_query(b"SELECT 1; SELECT 2, 3 UNION SELECT 4, 5; DO 1")
        .unwrap();
    let first = conn.read_response().unwrap();
    assert!(first.more_results() && conn.has_pending() && conn.more_results());
    let second = conn.read_response().unwrap();
    let Response::ResultSet(set) = &second else {
        panic!("{second:?}")
    };
    assert_eq!(set.rows.len(), 2);
    assert_eq!(second.affected_rows(), 2);
    let third = conn.read_response().unwrap();
    assert!(matches!(third, Response::Ok(_)));
    assert!(!conn.has_pending() && !conn.more_results());
    assert_eq!(conn.read_response().unwrap_err().code(), 2014);
    let err = conn
        .query(b"SELECT 1; SELECT * FROM nosuch; SELECT 3")
        .unwrap_err();
    assert_eq!(err.code(), 1146);
    assert!(!conn.has_pending());
    assert_eq!(scalar(&mut conn, "SELECT 7"), Some(b"7".to_vec()));
}

fn ok_terminated_result_sets(server: &TestServer) {
    let opts = ConnectOptions {
        deprecate_eof: true,
        ..server.options()
    };
    let mut conn = Connection::connect(&opts).unwrap();
    let responses = conn
        .query(b"SELECT 1, NULL; SELECT 2 FROM DUAL WHERE 0; SELECT 1/0")
        .unwrap();
    assert_eq!(responses.len(), 3);
    assert_eq!(responses[0].affected_rows(), 1);
    assert_eq!(responses[1].affected_rows(), 0);
    assert_eq!(responses[2].warnings(), 1);
}

fn warnings_count(server: &TestServer) {
    let mut conn = open(server);
    select(&mut conn, "SELECT 1/0");
    assert_eq!(conn.warning_count(), 1);
    conn.query(b"DROP TABLE IF EXISTS no_such_table_here")
        .unwrap();
    assert_eq!(conn.warning_count(), 1);
    select(&mut conn, "SELECT 1");
    assert_eq!(conn.warning_count(), 0);
}

fn error_packet_fields(server: &TestServer) {
    let mut conn = open(server);
    let err = conn.query(b"SELECT * FROM nosuch").unwrap_err();
    assert_eq!(err.code(), 1146);
    assert_eq!(err.sqlstate(), "42S02");
    assert_eq!(err.message(), b"Table 'test.nosuch' doesn't exist");
    let err = conn.query(b"SELEC 1").unwrap_err();
    assert_eq!((err.code(), err.sqlstate()), (1064, "42000"));
    assert_eq!(scalar(&mut conn, "SELECT 1"), Some(b"1".to_vec()));
}

fn send_then_read(server: &TestServer) {
    let mut conn = open(server);
    let started = Instant::now();
    conn.send_query(b"SELECT SLEEP(0.5), 5").unwrap();
    assert!(started.elapsed() < Duration::from_millis(400));
    assert!(conn.has_pending());
    assert_eq!(conn.send_query(b"SELECT 1").unwrap_err().code(), 2014);
    assert_eq!(conn.ping().unwrap_err().code(), 2014);
    let Response::ResultSet(set) = conn.read_response().unwrap() else {
        panic!("no rows")
    };
    assert!(started.elapsed() >= Duration::from_millis(450));
    assert_eq!(
        set.rows,
        vec![vec![Some(b"0".to_vec()), Some(b"5".to_vec())]]
    );
    assert!(!conn.has_pending());
}

fn change_user(server: &TestServer) {
    let mut root = open(server);
    root.query(b"CREATE USER IF NOT EXISTS u1@'%' IDENTIFIED BY 'pw1'")
        .unwrap();
    root.query(b"GRANT ALL ON test.* TO u1@'%'").unwrap();
    root.query(b"SET @keep = 1").unwrap();
    root.change_user("u1", b"pw1", Some("test")).unwrap();
    assert_eq!(
        scalar(&mut root, "SELECT CURRENT_USER()"),
        Some(b"u1@%".to_vec())
    );
    assert_eq!(scalar(&mut root, "SELECT @keep"), None);
    root.change_user("root", b"", None).unwrap();
    assert_eq!(
        scalar(&mut root, "SELECT CURRENT_USER()"),
        Some(b"root@localhost".to_vec())
    );
    assert_eq!(scalar(&mut root, "SELECT DATABASE()"), None);
    let id = root.connection_id();
    let err = root.change_user("u1", b"wrong", None).unwrap_err();
    assert_eq!((err.code(), err.sqlstate()), (1045, "28000"));
    assert_eq!(
        scalar(&mut root, "SELECT CURRENT_USER()"),
        Some(b"root@localhost".to_vec())
    );
    assert_eq!(
        scalar(&mut root, "SELECT CONNECTION_ID()"),
        Some(id.to_string().into_bytes())
    );
}

fn reset_connection(server: &TestServer) {
    let mut conn = open(server);
    conn.query(b"SET @a = 1").unwrap();
    conn.reset_connection().unwrap();
    assert_eq!(scalar(&mut conn, "SELECT @a"), None);
    assert_eq!(
        scalar(&mut conn, "SELECT DATABASE()"),
        Some(b"test".to_vec())
    );
}

fn ping_and_init_db(server: &TestServer) {
    let mut conn = open(server);
    conn.ping().unwrap();
    conn.init_db(b"mysql").unwrap();
    assert_eq!(
        scalar(&mut conn, "SELECT DATABASE()"),
        Some(b"mysql".to_vec())
    );
    let err = conn.init_db(b"nosuchdb").unwrap_err();
    assert_eq!((err.code(), err.sqlstate()), (1049, "42000"));
}

fn shutdown_needs_the_privilege(server: &TestServer) {
    let mut root = open(server);
    root.query(b"CREATE USER IF NOT EXISTS weak@'%'").unwrap();
    let mut weak = Connection::connect(&ConnectOptions {
        user: "weak".into(),
        database: None,
        ..server.options()
    })
    .unwrap();
    let err = weak.shutdown().unwrap_err();
    assert_eq!((err.code(), err.sqlstate()), (1227, "42000"));
    assert_eq!(scalar(&mut weak, "SELECT 1"), Some(b"1".to_vec()));
}

fn shutdown_stops_the_server(server: &TestServer) {
    let mut root = open(server);
    root.shutdown().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Connection::connect(&server.options()).is_ok() {
        assert!(Instant::now() < deadline, "the server is still up");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A file in a fresh directory, removed by the caller.
fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rmtr-client-infile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn load_data_local(server: &TestServer) {
    let mut conn = open(server);
    conn.query(b"CREATE OR REPLACE TABLE infile_t (a INT, b VARCHAR(10))")
        .unwrap();
    let path = temp_file("data.txt", b"1\tx\n2\t\xe9\n");
    let sql = format!(
        "LOAD DATA LOCAL INFILE '{}' INTO TABLE infile_t",
        path.display()
    );
    let result = conn.query(sql.as_bytes());
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    let Response::Ok(ok) = &result.unwrap()[0] else {
        panic!("no OK")
    };
    assert_eq!(ok.affected_rows, 2);
    assert_eq!(ok.info, b"Records: 2  Deleted: 0  Skipped: 0  Warnings: 0");
    assert_eq!(
        scalar(&mut conn, "SELECT b FROM infile_t WHERE a = 2"),
        Some(vec![0xE9])
    );
    let err = conn
        .query(b"LOAD DATA LOCAL INFILE '/nonexistent/x.txt' INTO TABLE infile_t")
        .unwrap_err();
    assert_eq!((err.code(), err.sqlstate()), (2, "HY000"));
    assert_eq!(
        err.message(),
        b"File '/nonexistent/x.txt' not found (Errcode: 2)"
    );
    assert_eq!(
        scalar(&mut conn, "SELECT COUNT(*) FROM infile_t"),
        Some(b"2".to_vec())
    );
    let sql = b"LOAD DATA LOCAL INFILE '/nonexistent/x.txt' INTO TABLE infile_t; SELECT 5";
    assert_eq!(conn.query(sql).unwrap_err().code(), 2);
    assert!(conn.has_pending());
    assert_eq!(conn.read_response().unwrap().affected_rows(), 1);
    assert!(conn.is_connected() && !conn.has_pending());
}

fn load_data_local_disabled(server: &TestServer) {
    let opts = ConnectOptions {
        local_infile: false,
        ..server.options()
    };
    let mut conn = Connection::connect(&opts).unwrap();
    conn.query(b"CREATE OR REPLACE TABLE infile_off (a INT)")
        .unwrap();
    let err = conn
        .query(b"LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE infile_off")
        .unwrap_err();
    assert_eq!(err.code(), 4166);
    assert_eq!(
        scalar(&mut conn, "SELECT COUNT(*) FROM infile_off"),
        Some(b"0".to_vec())
    );
}

fn abort_handle_unblocks_read(server: &TestServer) {
    let mut conn = open(server);
    conn.send_query(b"SELECT SLEEP(30)").unwrap();
    let handle = conn.abort_handle();
    let started = Instant::now();
    let aborter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        handle.abort();
    });
    let err = conn.read_response().unwrap_err();
    aborter.join().unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(err.code(), 2013);
    assert_eq!(err.message(), b"Lost connection to server during query");
    assert!(!conn.is_connected());
    assert_eq!(conn.query(b"SELECT 1").unwrap_err().code(), 2006);
}

fn killed_connection_reports_lost_then_gone(server: &TestServer) {
    let mut victim = open(server);
    let mut killer = open(server);
    killer
        .query(format!("KILL {}", victim.connection_id()).as_bytes())
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let first = victim.query(b"SELECT 1").unwrap_err();
    assert_eq!(first.code(), 2013, "{first}");
    let second = victim.query(b"SELECT 1").unwrap_err();
    assert_eq!(second.code(), 2006);
    assert_eq!(second.message(), b"Server has gone away");
}

fn read_timeout(server: &TestServer) {
    let mut conn = open(server);
    conn.set_read_timeout(Some(Duration::from_millis(200)));
    let started = Instant::now();
    let err = conn.query(b"SELECT SLEEP(5)").unwrap_err();
    assert_eq!(err.code(), 2013);
    assert!(started.elapsed() < Duration::from_secs(3));
}

fn packets_over_16mb(server: &TestServer) {
    let mut conn = open(server);
    let size = 17 * 1024 * 1024;
    let mut sql = b"SELECT LENGTH('".to_vec();
    sql.extend(std::iter::repeat_n(b'a', size));
    sql.extend_from_slice(b"')");
    let responses = conn.query(&sql).unwrap();
    let Response::ResultSet(set) = &responses[0] else {
        panic!("no rows")
    };
    assert_eq!(set.rows[0][0], Some(size.to_string().into_bytes()));
    let long = scalar(&mut conn, &format!("SELECT REPEAT('b', {size})")).unwrap();
    assert_eq!(long.len(), size);
    assert!(long.iter().all(|&b| b == b'b'));
}

fn quit_and_dirty_close(server: &TestServer) {
    let mut watcher = open(server);
    let polite = open(server);
    let rude = open(server);
    let ids = format!("{},{}", polite.connection_id(), rude.connection_id());
    polite.quit();
    rude.dirty_close();
    let sql = format!("SELECT COUNT(*) FROM information_schema.processlist WHERE id IN ({ids})");
    let deadline = Instant::now() + Duration::from_secs(5);
    while scalar(&mut watcher, &sql) != Some(b"0".to_vec()) {
        assert!(Instant::now() < deadline, "connections still listed");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wrong_password(server: &TestServer) {
    let opts = ConnectOptions {
        password: b"nope".to_vec(),
        ..server.options()
    };
    let err = Connection::connect(&opts).unwrap_err();
    assert_eq!((err.code(), err.sqlstate()), (1045, "28000"));
    let msg = String::from_utf8_lossy(err.message()).into_owned();
    assert!(msg.starts_with("Access denied for user 'root'@'"), "{msg}");
    let opts = ConnectOptions {
        database: Some("nosuchdb".into()),
        ..server.options()
    };
    assert_eq!(Connection::connect(&opts).unwrap_err().code(), 1049);
}

/// Where the server sees the connection come from.
fn peer_host(conn: &mut Connection) -> Vec<u8> {
    scalar(
        conn,
        "SELECT host FROM information_schema.processlist WHERE id = CONNECTION_ID()",
    )
    .unwrap()
}

fn unix_socket_for_localhost(server: &TestServer) {
    let opts = ConnectOptions {
        host: "localhost".into(),
        ..server.options()
    };
    let mut conn = Connection::connect(&opts).unwrap();
    assert!(conn.is_unix_socket());
    assert_eq!(peer_host(&mut conn), b"localhost");
    let missing = ConnectOptions {
        socket: Some(server.socket().with_extension("gone")),
        ..opts
    };
    let err = Connection::connect(&missing).unwrap_err();
    assert_eq!(err.code(), 2002);
    assert!(
        String::from_utf8_lossy(err.message())
            .starts_with("Can't connect to local server through socket"),
        "{err}"
    );
}

fn tcp_forced_for_localhost(server: &TestServer) {
    let opts = ConnectOptions {
        host: "localhost".into(),
        protocol: super::Protocol::Tcp,
        ..server.options()
    };
    let mut conn = Connection::connect(&opts).unwrap();
    assert!(!conn.is_unix_socket());
    assert!(peer_host(&mut conn).starts_with(b"localhost:"));
}

fn compressed_protocol(server: &TestServer) {
    for host in ["127.0.0.1", "localhost"] {
        let opts = ConnectOptions {
            host: host.into(),
            compress: true,
            ..server.options()
        };
        let mut conn = Connection::connect(&opts).unwrap();
        assert!(conn.is_compressed());
        let status = select(&mut conn, "SHOW STATUS LIKE 'Compression'");
        assert_eq!(status.rows[0][1], Some(b"ON".to_vec()));
        let big = scalar(&mut conn, "SELECT REPEAT('xyz', 300000)").unwrap();
        assert_eq!(big.len(), 900_000);
        conn.change_user("root", b"", Some("test")).unwrap();
        assert_eq!(scalar(&mut conn, "SELECT 1"), Some(b"1".to_vec()));
    }
    let mut plain = open(server);
    assert!(!plain.is_compressed());
    let status = select(&mut plain, "SHOW STATUS LIKE 'Compression'");
    assert_eq!(status.rows[0][1], Some(b"OFF".to_vec()));
}

fn read_timeout_option(server: &TestServer) {
    let opts = ConnectOptions {
        read_timeout: Some(Duration::from_secs(1)),
        ..server.options()
    };
    let mut conn = Connection::connect(&opts).unwrap();
    let started = Instant::now();
    let err = conn.query(b"SELECT SLEEP(5)").unwrap_err();
    assert_eq!(err.code(), 2013);
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(!conn.is_connected());
}

fn ssl_without_server_tls_stays_clear(server: &TestServer) {
    // This scratch server has no certificates, so it offers no TLS: the
    // library then goes on in clear, and so do we.
    let opts = ConnectOptions {
        ssl: true,
        ..server.options()
    };
    let mut conn = Connection::connect(&opts).unwrap();
    assert_eq!(scalar(&mut conn, "SELECT 1"), Some(b"1".to_vec()));
}

fn old_password_accounts(server: &TestServer) {
    let mut root = open(server);
    for sql in [
        "SET GLOBAL secure_auth = 0",
        "CREATE OR REPLACE USER oldpw@'%' IDENTIFIED BY PASSWORD '378b243e220ca493'",
        "CREATE OR REPLACE USER oldplug@'%' IDENTIFIED VIA mysql_old_password USING '09301740536db389'",
        "GRANT ALL ON test.* TO oldpw@'%', oldplug@'%'",
    ] {
        root.query(sql.as_bytes()).expect(sql);
    }
    for (user, password) in [("oldpw", &b"test"[..]), ("oldplug", b"oldpw")] {
        let opts = ConnectOptions {
            user: user.into(),
            password: password.to_vec(),
            ..server.options()
        };
        let mut conn = Connection::connect(&opts).unwrap();
        assert_eq!(
            scalar(&mut conn, "SELECT CURRENT_USER()"),
            Some(format!("{user}@%").into_bytes())
        );
    }
    root.change_user("oldplug", b"oldpw", Some("test")).unwrap();
    assert_eq!(
        scalar(&mut root, "SELECT CURRENT_USER()"),
        Some(b"oldplug@%".to_vec())
    );
    let err = root.change_user("oldpw", b"wrong", None).unwrap_err();
    assert_eq!(err.code(), 1045);
}

fn test_plugin_accounts(server: &TestServer) {
    let mut root = open(server);
    if root.query(b"INSTALL SONAME 'auth_test_plugin'").is_err()
        && root
            .query(b"SELECT 1 FROM information_schema.plugins WHERE plugin_name = 'test_plugin_server'")
            .map(|r| r.first().is_some_and(|r| r.affected_rows() == 0))
            .unwrap_or(true)
    {
        eprintln!("skipping test_plugin_accounts: auth_test_plugin not installable");
        return;
    }
    for sql in [
        "CREATE OR REPLACE USER plug@'%' IDENTIFIED WITH test_plugin_server AS 'plug_dest'",
        "CREATE OR REPLACE USER plug_dest@'%' IDENTIFIED BY 'plug_dest_passwd'",
        "GRANT PROXY ON plug_dest TO plug",
        "CREATE OR REPLACE USER clear@'%' IDENTIFIED WITH cleartext_plugin_server AS 'sekret'",
    ] {
        root.query(sql.as_bytes()).expect(sql);
    }
    for default_auth in [None, Some("auth_test_plugin"), Some("no_such_plugin")] {
        let opts = ConnectOptions {
            user: "plug".into(),
            password: b"plug_dest".to_vec(),
            database: None,
            default_auth: default_auth.map(str::to_string),
            ..server.options()
        };
        let mut conn = Connection::connect(&opts).expect("plug logs in");
        assert_eq!(
            scalar(&mut conn, "SELECT CURRENT_USER()"),
            Some(b"plug_dest@%".to_vec())
        );
    }
    let opts = ConnectOptions {
        user: "clear".into(),
        password: b"sekret".to_vec(),
        database: None,
        ..server.options()
    };
    Connection::connect(&opts).expect("clear text logs in");
    let wrong = ConnectOptions {
        password: b"nope".to_vec(),
        ..opts
    };
    assert_eq!(Connection::connect(&wrong).unwrap_err().code(), 1045);
}

fn session_state_is_kept_like_the_library(server: &TestServer) {
    let mut conn = open(server);
    assert_eq!(conn.schema(), Some("test"));
    conn.query(b"USE mysql").unwrap();
    assert_eq!(conn.schema(), Some("mysql"));
    let schema = conn.session_state().to_vec();
    assert!(schema.windows(5).any(|w| w == b"mysql"), "{schema:?}");
    select(&mut conn, "SELECT 1");
    assert_eq!(conn.session_state(), &schema[..]);
    conn.query(b"SET @x = 1").unwrap();
    assert!(conn.session_state().is_empty());
}
