//! Helpers shared by the integration tests: a bounded wait, and a raw
//! client that sends any command byte and returns the reply packets.

use std::time::{Duration, Instant};

/// An installed MariaDB client program (`mariadb`, `mariadb-admin`) on
/// PATH; when missing, fails under CI and otherwise says so and gives None.
pub fn installed_client(program: &str) -> Option<std::path::PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let msg = format!("{program} not found on PATH: apt-get install -y mariadb-client");
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("{msg}; skipping");
    }
    found
}

/// An installed MariaDB server program (`/usr/sbin/mariadbd`, or one on
/// PATH such as `mariadb-install-db`); when missing, fails under CI and
/// otherwise says so and gives None.
pub fn installed_server(program: &str) -> Option<std::path::PathBuf> {
    let sbin = std::path::Path::new("/usr/sbin").join(program);
    if sbin.is_file() {
        return Some(sbin);
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let msg = format!("{program} not found: apt-get install -y mariadb-server");
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("{msg}; skipping");
    }
    found
}

/// Every row of a query, NULL as `NULL`, cells joined by tabs.
pub fn rows(conn: &mut rmtr_mysqltest::client::Connection, sql: &str) -> Vec<String> {
    rows_in(conn, sql, "")
}

/// [`rows`], with `prefix` (a seed, a cycle) at the head of any panic.
pub fn rows_in(
    conn: &mut rmtr_mysqltest::client::Connection,
    sql: &str,
    prefix: &str,
) -> Vec<String> {
    let responses = conn
        .query(sql.as_bytes())
        .unwrap_or_else(|e| panic!("{prefix}{sql}: {e}"));
    let Some(rmtr_mysqltest::client::Response::ResultSet(set)) = responses.into_iter().next()
    else {
        panic!("{prefix}{sql} gave no result set");
    };
    let cell = |c: &Option<Vec<u8>>| {
        c.as_deref()
            .map_or("NULL".into(), |b| String::from_utf8_lossy(b).into_owned())
    };
    set.rows
        .iter()
        .map(|r| r.iter().map(cell).collect::<Vec<String>>().join("\t"))
        .collect()
}

/// Polls `cond` for up to five seconds; panics if it never holds.
pub fn wait_until(mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !cond() {
        assert!(Instant::now() < deadline, "condition not reached in time");
        std::thread::sleep(Duration::from_millis(2));
    }
}

use std::io::{Read, Write};
use std::net::TcpStream;

/// A bare-bones client that sends any command byte and returns the raw
/// reply packets, for commands the project's client does not send.
pub struct RawClient {
    stream: TcpStream,
    pub connection_id: u32,
}

/// Client capabilities: 4.1 protocol, secure connection, plugin auth.
const RAW_CAPS: u32 = 0x0200 | 0x8000 | 0x0008_0000 | 0x0002_0000 | 0x0001_0000;

impl RawClient {
    /// Connects and reads the greeting, not yet logged in.
    pub fn greeted(port: u16) -> RawClient {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut c = RawClient {
            stream,
            connection_id: 0,
        };
        let (_, greeting) = c.read().expect("greeting");
        let version_end = greeting.iter().position(|&b| b == 0).unwrap();
        let id = &greeting[version_end + 1..version_end + 5];
        c.connection_id = u32::from_le_bytes(id.try_into().unwrap());
        c
    }

    /// Connects and logs in as `user` with an empty password.
    pub fn connect(port: u16, user: &str) -> RawClient {
        let mut c = RawClient::greeted(port);
        let reply = c.login(user);
        assert_eq!(reply[0], 0, "login OK");
        c
    }

    /// Sends a handshake response and returns the server's answer.
    fn login(&mut self, user: &str) -> Vec<u8> {
        let mut p = Vec::new();
        p.extend_from_slice(&RAW_CAPS.to_le_bytes());
        p.extend_from_slice(&(1u32 << 24).to_le_bytes());
        p.push(45);
        p.extend_from_slice(&[0; 23]);
        p.extend_from_slice(user.as_bytes());
        p.extend_from_slice(&[0, 0]);
        p.extend_from_slice(b"mysql_native_password\0");
        self.write(1, &p);
        self.read().expect("login reply").1
    }

    /// Writes one frame with the given sequence id.
    pub fn write(&mut self, seq: u8, payload: &[u8]) {
        let mut frame = (payload.len() as u32).to_le_bytes()[..3].to_vec();
        frame.push(seq);
        frame.extend_from_slice(payload);
        self.stream.write_all(&frame).unwrap();
    }

    /// Reads one frame: (sequence id, payload); `None` once the server closed.
    pub fn read(&mut self) -> Option<(u8, Vec<u8>)> {
        let mut header = [0u8; 4];
        self.stream.read_exact(&mut header).ok()?;
        let len =
            usize::from(header[0]) | usize::from(header[1]) << 8 | usize::from(header[2]) << 16;
        let mut payload = vec![0; len];
        self.stream.read_exact(&mut payload).ok()?;
        Some((header[3], payload))
    }

    /// Sends a command packet (sequence 0) and reads one reply packet.
    pub fn command(&mut self, packet: &[u8]) -> Option<Vec<u8>> {
        self.write(0, packet);
        self.read().map(|(seq, p)| {
            assert_eq!(seq, 1, "reply sequence id");
            p
        })
    }
}
