//! The server in-process on port 0, driven by the project's MySQL client:
//! login, COM_PING, COM_INIT_DB, a failing query, KILL, COM_QUIT and
//! COM_SHUTDOWN, with the exact packets' fields the client decoded.

use super::common;
use std::time::{Duration, Instant};

use rmtr_mysqltest::client::{ClientError, ConnectOptions, Connection, Protocol};
use rmtr_replica::server::config::{ServerConfig, VERSION};
use rmtr_replica::server::listener::{self, RunningServer};

fn server() -> RunningServer {
    let config = ServerConfig {
        port: 0,
        ..ServerConfig::default()
    };
    listener::start(config).expect("server starts")
}

fn options(port: u16) -> ConnectOptions {
    ConnectOptions {
        host: "127.0.0.1".into(),
        port,
        protocol: Protocol::Tcp,
        user: "root".into(),
        ..ConnectOptions::default()
    }
}

fn connect(port: u16) -> Connection {
    Connection::connect(&options(port)).expect("login succeeds")
}

fn server_error(e: ClientError) -> (u16, String, String) {
    match e {
        ClientError::Server {
            code,
            sqlstate,
            message,
        } => (
            code,
            sqlstate,
            String::from_utf8_lossy(&message).into_owned(),
        ),
        other => panic!("expected a server error, got {other:?}"),
    }
}

#[test]
fn login_reports_version_and_registry_id() {
    let srv = server();
    let conn = connect(srv.port());
    // The client strips the `5.5.5-` prefix MariaDB sends, as libmariadb does.
    assert_eq!(conn.server_version(), VERSION);
    let ids: Vec<u64> = srv
        .state()
        .threads
        .snapshot()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, [u64::from(conn.connection_id())]);
    conn.quit();
    srv.shutdown();
}

#[test]
fn ping_and_init_db_answer_ok() {
    let srv = server();
    let mut conn = connect(srv.port());
    conn.ping().unwrap();
    conn.init_db(b"test").unwrap();
    assert_eq!(conn.schema(), Some("test"));
    assert_eq!(conn.status_flags() & 0x0002, 0x0002, "autocommit flag");
    srv.shutdown();
}

#[test]
fn syntax_error_comes_back_as_err_packet() {
    let srv = server();
    let mut conn = connect(srv.port());
    let (code, sqlstate, message) = server_error(conn.query(b"SELEC 1").unwrap_err());
    assert_eq!(code, 1064);
    assert_eq!(sqlstate, "42000");
    assert!(message.ends_with("near 'SELEC 1' at line 1"), "{message}");
    conn.ping().unwrap();
    srv.shutdown();
}

#[test]
fn nonempty_password_is_denied() {
    let srv = server();
    let opts = ConnectOptions {
        password: b"secret".to_vec(),
        ..options(srv.port())
    };
    let (code, sqlstate, message) = server_error(Connection::connect(&opts).unwrap_err());
    assert_eq!((code, sqlstate.as_str()), (1045, "28000"));
    assert_eq!(
        message,
        "Access denied for user 'root'@'localhost' (using password: YES)"
    );
    srv.shutdown();
}

#[test]
fn quit_unregisters_the_connection() {
    let srv = server();
    let conn = connect(srv.port());
    conn.quit();
    common::wait_until(|| srv.state().threads.snapshot().is_empty());
    srv.shutdown();
}

#[test]
fn com_shutdown_stops_the_server() {
    let srv = server();
    let port = srv.port();
    let mut conn = connect(port);
    conn.shutdown().unwrap();
    srv.wait();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn shutdown_closes_open_connections() {
    let srv = server();
    let mut conn = connect(srv.port());
    let started = Instant::now();
    srv.shutdown();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(conn.ping().is_err());
}

#[test]
fn change_user_and_reset_connection_through_the_client() {
    let srv = server();
    let mut conn = connect(srv.port());
    let id = conn.connection_id();
    conn.query(b"CREATE USER bob@localhost").unwrap();
    conn.change_user("bob", b"", Some("test")).unwrap();
    conn.reset_connection().unwrap();
    conn.ping().unwrap();
    let (code, _, message) = server_error(conn.change_user("bob", b"pw", None).unwrap_err());
    assert_eq!(code, 1045, "{message}");
    let ids: Vec<u64> = srv
        .state()
        .threads
        .snapshot()
        .iter()
        .map(|t| t.id)
        .collect();
    assert!(ids.is_empty() || ids == [u64::from(id)]);
    srv.shutdown();
}

#[test]
fn a_new_connection_is_served_within_milliseconds_of_start() {
    let started = Instant::now();
    let srv = server();
    let mut conn = connect(srv.port());
    conn.ping().unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    srv.shutdown();
}
