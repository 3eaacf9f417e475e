//! The real `mariadb-admin` against the in-process server: `ping`,
//! `status` (COM_STATISTICS) and `shutdown`.

use std::process::{Command, Output};

use rmtr_replica::server::config::ServerConfig;
use rmtr_replica::server::listener;

use crate::common::installed_client;

fn admin(bin: &std::path::Path, port: u16, command: &str) -> Output {
    Command::new(bin)
        .args([
            "--no-defaults",
            "-h127.0.0.1",
            &format!("-P{port}"),
            "-uroot",
            command,
        ])
        .output()
        .unwrap()
}

#[test]
fn mariadb_admin_ping_status_and_shutdown() {
    let Some(bin) = installed_client("mariadb-admin") else {
        return;
    };
    let srv = listener::start(ServerConfig {
        port: 0,
        ..ServerConfig::default()
    })
    .unwrap();
    let port = srv.port();

    let ping = admin(&bin, port, "ping");
    assert!(ping.status.success(), "{ping:?}");
    assert_eq!(String::from_utf8_lossy(&ping.stdout), "mysqld is alive\n");

    let status = admin(&bin, port, "status");
    assert!(status.status.success(), "{status:?}");
    let line = String::from_utf8_lossy(&status.stdout);
    assert!(line.starts_with("Uptime: "), "{line}");
    assert!(line.contains("Slow queries: 0"), "{line}");

    let down = admin(&bin, port, "shutdown");
    assert!(down.status.success(), "{down:?}");
    srv.wait();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}
