//! The real `mariadb-admin` against the in-process server: `ping`,
//! `status` (COM_STATISTICS) and `shutdown`.

use std::process::{Command, Output};

use rmtr_replica::server::config::ServerConfig;
use rmtr_replica::server::listener;

/// The installed `mariadb-admin`, if any; missing fails only under CI.
fn admin_binary() -> Option<std::path::PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("mariadb-admin"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let msg = "mariadb-admin not found on PATH: apt-get install -y mariadb-client";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("{msg}; skipping");
    }
    found
}

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
    let Some(bin) = admin_binary() else { return };
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
