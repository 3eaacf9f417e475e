//! Commands the project's client does not send, checked packet by packet
//! against the bytes MariaDB 10.11 sends: COM_PROCESS_KILL, COM_STATISTICS,
//! COM_SET_OPTION, COM_FIELD_LIST, COM_RESET_CONNECTION, COM_CHANGE_USER,
//! unknown commands, broken handshakes and oversized packets.

use super::common::{self, RawClient};
use rmtr_replica::server::config::ServerConfig;
use rmtr_replica::server::listener::{self, RunningServer};

fn server_with(options: Vec<(String, String)>) -> RunningServer {
    listener::start(ServerConfig {
        port: 0,
        options,
        ..ServerConfig::default()
    })
    .unwrap()
}

fn server() -> RunningServer {
    server_with(Vec::new())
}

fn kill_packet(id: u32) -> Vec<u8> {
    let mut p = vec![0x0C];
    p.extend_from_slice(&id.to_le_bytes());
    p
}

#[test]
fn kill_closes_the_other_connection() {
    let srv = server();
    let mut victim = RawClient::connect(srv.port(), "root");
    let mut killer = RawClient::connect(srv.port(), "root");
    let ok = killer.command(&kill_packet(victim.connection_id)).unwrap();
    assert_eq!(ok, [0, 0, 0, 2, 0, 0, 0]);
    assert_eq!(victim.command(&[0x0E]), None, "victim is disconnected");
    let id = u64::from(victim.connection_id);
    common::wait_until(|| srv.state().threads.get(id).is_none());
    assert_eq!(killer.command(&[0x0E]).unwrap()[0], 0);
    srv.shutdown();
}

#[test]
fn kill_of_unknown_thread_is_1094() {
    let srv = server();
    let mut c = RawClient::connect(srv.port(), "root");
    let err = c.command(&kill_packet(99)).unwrap();
    assert_eq!(err, b"\xffF\x04#HY000Unknown thread id: 99");
    srv.shutdown();
}

#[test]
fn statistics_is_mariadbs_line() {
    let srv = server();
    let mut c = RawClient::connect(srv.port(), "root");
    let line = String::from_utf8(c.command(&[0x09]).unwrap()).unwrap();
    assert!(line.starts_with("Uptime: "), "{line}");
    assert!(
        line.contains("  Threads: 1  Questions: 1  Slow queries: 0  Opens: "),
        "{line}"
    );
    assert!(line.contains("  Queries per second avg: "), "{line}");
    srv.shutdown();
}

#[test]
fn set_option_answers_eof_and_refuses_unknown_options() {
    let srv = server();
    let mut c = RawClient::connect(srv.port(), "root");
    assert_eq!(c.command(&[0x1B, 0, 0]).unwrap(), [0xFE, 0, 0, 2, 0]);
    assert_eq!(c.command(&[0x1B, 1, 0]).unwrap(), [0xFE, 0, 0, 2, 0]);
    assert_eq!(
        c.command(&[0x1B, 5, 0]).unwrap(),
        b"\xff\x17\x04#08S01Unknown command"
    );
    srv.shutdown();
}

#[test]
fn field_list_needs_a_database_then_lists_nothing() {
    let srv = server();
    let mut c = RawClient::connect(srv.port(), "root");
    assert_eq!(
        c.command(b"\x04t\0").unwrap(),
        b"\xff\x16\x04#3D000No database selected"
    );
    assert_eq!(c.command(b"\x02test").unwrap()[0], 0);
    assert_eq!(c.command(b"\x04t\0").unwrap(), [0xFE, 0, 0, 2, 0]);
    srv.shutdown();
}

#[test]
fn unknown_command_is_1047_and_the_connection_stays() {
    let srv = server();
    let mut c = RawClient::connect(srv.port(), "root");
    assert_eq!(
        c.command(&[0xFF]).unwrap(),
        b"\xff\x17\x04#08S01Unknown command"
    );
    assert_eq!(c.command(&[0x0E]).unwrap()[0], 0);
    srv.shutdown();
}

#[test]
fn reset_connection_and_change_user_keep_the_thread_id() {
    let srv = server();
    let mut c = RawClient::connect(srv.port(), "root");
    assert_eq!(c.command(&[0x1F]).unwrap()[0], 0);
    let mut change = vec![0x11];
    change.extend_from_slice(b"root\0\0test\0");
    change.extend_from_slice(&45u16.to_le_bytes());
    change.extend_from_slice(b"mysql_native_password\0");
    assert_eq!(c.command(&change).unwrap()[0], 0);
    let ids: Vec<u64> = srv
        .state()
        .threads
        .snapshot()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, [u64::from(c.connection_id)]);
    srv.shutdown();
}

#[test]
fn change_user_with_a_password_is_denied_and_closed() {
    let srv = server();
    let mut c = RawClient::connect(srv.port(), "root");
    let mut change = vec![0x11];
    change.extend_from_slice(b"bob\0\x01x\0");
    let err = c.command(&change).unwrap();
    assert_eq!(
        &err[..],
        &b"\xff\x15\x04#28000Access denied for user 'bob'@'localhost' (using password: YES)"[..]
    );
    assert_eq!(c.read(), None);
    srv.shutdown();
}

#[test]
fn malformed_handshake_is_1043_then_closed() {
    let srv = server();
    let mut raw = RawClient::greeted(srv.port());
    raw.write(1, &[1, 2, 3]);
    let (seq, err) = raw.read().unwrap();
    assert_eq!(seq, 2);
    assert_eq!(err, b"\xff\x13\x04#08S01Bad handshake");
    assert_eq!(raw.read(), None);
    srv.shutdown();
}

#[test]
fn packet_above_max_allowed_packet_is_1153_then_closed() {
    let srv = server_with(vec![("max_allowed_packet".into(), "1K".into())]);
    let mut c = RawClient::connect(srv.port(), "root");
    let mut query = vec![0x03];
    query.extend(std::iter::repeat_n(b' ', 2000));
    let err = c.command(&query).unwrap();
    assert_eq!(
        err,
        b"\xff\x81\x04#08S01Got a packet bigger than 'max_allowed_packet' bytes"
    );
    assert_eq!(c.read(), None);
    srv.shutdown();
}
