//! Accounts end to end through the project's client: a user created with
//! a password logs in with it and not with a wrong one (1045), sees itself
//! in CURRENT_USER(), is refused COM_SHUTDOWN (1227) and INSERT (1142)
//! without the privileges, and shows its grants as MariaDB does.

use rmtr_mysqltest::client::{ClientError, ConnectOptions, Connection, Protocol, Response};
use rmtr_replica::server::config::ServerConfig;
use rmtr_replica::server::listener::{self, RunningServer};

fn server() -> RunningServer {
    listener::start(ServerConfig {
        port: 0,
        ..ServerConfig::default()
    })
    .expect("server starts")
}

fn login(port: u16, user: &str, password: &[u8]) -> Result<Connection, ClientError> {
    Connection::connect(&ConnectOptions {
        host: "127.0.0.1".into(),
        port,
        protocol: Protocol::Tcp,
        user: user.into(),
        password: password.to_vec(),
        database: Some("test".into()),
        ..ConnectOptions::default()
    })
}

/// The single text cell of each row of a one-column query.
fn column(conn: &mut Connection, sql: &str) -> Vec<String> {
    let responses = conn.query(sql.as_bytes()).expect(sql);
    let Some(Response::ResultSet(set)) = responses.into_iter().next() else {
        panic!("{sql}: no result set");
    };
    set.rows
        .into_iter()
        .map(|r| String::from_utf8(r[0].clone().unwrap()).unwrap())
        .collect()
}

fn server_error(e: ClientError) -> (u16, String) {
    match e {
        ClientError::Server { code, message, .. } => {
            (code, String::from_utf8_lossy(&message).into_owned())
        }
        other => panic!("expected a server error, got {other:?}"),
    }
}

#[test]
fn a_created_user_logs_in_with_its_password_only() {
    let srv = server();
    let mut root = login(srv.port(), "root", b"").unwrap();
    root.query(b"CREATE USER rmtr_user@localhost IDENTIFIED BY 'secret'")
        .unwrap();
    let mut user = login(srv.port(), "rmtr_user", b"secret").unwrap();
    assert_eq!(
        column(&mut user, "SELECT CURRENT_USER()"),
        ["rmtr_user@localhost"]
    );
    let (code, message) = server_error(login(srv.port(), "rmtr_user", b"wrong").unwrap_err());
    assert_eq!(code, 1045);
    assert_eq!(
        message,
        "Access denied for user 'rmtr_user'@'localhost' (using password: YES)"
    );
    let (code, _) = server_error(login(srv.port(), "rmtr_user", b"").unwrap_err());
    assert_eq!(code, 1045);
    srv.shutdown();
}

#[test]
fn shutdown_and_insert_need_their_privileges() {
    let srv = server();
    let mut root = login(srv.port(), "root", b"").unwrap();
    root.query(b"CREATE TABLE t1 (a INT)").unwrap();
    root.query(b"CREATE USER weak@localhost").unwrap();
    root.query(b"GRANT SELECT ON test.* TO weak@localhost")
        .unwrap();
    let mut weak = login(srv.port(), "weak", b"").unwrap();
    let (code, message) = server_error(weak.shutdown().unwrap_err());
    assert_eq!(code, 1227);
    assert_eq!(
        message,
        "Access denied; you need (at least one of) the SHUTDOWN privilege(s) for this operation"
    );
    weak.ping().expect("still up after a refused shutdown");
    let (code, message) = server_error(weak.query(b"INSERT INTO t1 VALUES (1)").unwrap_err());
    assert_eq!(code, 1142);
    assert_eq!(
        message,
        "INSERT command denied to user 'weak'@'localhost' for table `test`.`t1`"
    );
    assert_eq!(
        column(&mut weak, "SHOW GRANTS"),
        [
            "GRANT USAGE ON *.* TO `weak`@`localhost`",
            "GRANT SELECT ON `test`.* TO `weak`@`localhost`"
        ]
    );
    srv.shutdown();
}

#[test]
fn create_and_drop_user_report_as_mariadb() {
    let srv = server();
    let mut root = login(srv.port(), "root", b"").unwrap();
    root.query(b"CREATE USER u@localhost").unwrap();
    let (code, message) = server_error(root.query(b"CREATE USER u@localhost").unwrap_err());
    assert_eq!(
        (code, message.as_str()),
        (1396, "Operation CREATE USER failed for 'u'@'localhost'")
    );
    root.query(b"CREATE USER IF NOT EXISTS u@localhost")
        .unwrap();
    assert_eq!(root.warning_count(), 1);
    root.query(b"DROP USER u@localhost").unwrap();
    root.query(b"DROP USER IF EXISTS u@localhost").unwrap();
    assert_eq!(root.warning_count(), 1);
    let (code, message) = server_error(root.query(b"DROP USER u@localhost").unwrap_err());
    assert_eq!(
        (code, message.as_str()),
        (1396, "Operation DROP USER failed for 'u'@'localhost'")
    );
    assert_eq!(
        column(&mut root, "SELECT User FROM mysql.user WHERE Host = '::1'"),
        ["root"]
    );
    srv.shutdown();
}
