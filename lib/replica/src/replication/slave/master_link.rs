//! The IO thread's connection to its master, speaking as a MariaDB 10.11
//! slave does: log in, ask the master's clock, server id and checksum,
//! announce the slave's capability and GTID position, register
//! (COM_REGISTER_SLAVE) and ask for the binlog (COM_BINLOG_DUMP). Then the
//! master's packets come out one by one as [`Packet`]s. Built on the
//! mysqltest crate's client; errors leave as [`LinkError`] with MariaDB's
//! texts.

use std::time::Duration;

use rmtr_mysqltest::client::{
    AbortHandle, ClientError, ConnectOptions, Connection, Protocol, Response,
};

const COM_BINLOG_DUMP: u8 = 0x12;
const COM_REGISTER_SLAVE: u8 = 0x15;
/// MARIA_SLAVE_CAPABILITY_GTID: the slave understands GTID events.
const SLAVE_CAPABILITY: u8 = 4;

/// How to reach the master and what to tell it.
#[derive(Debug, Clone)]
pub struct LinkSettings {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    /// Also the read timeout: no packet (not even a heartbeat) for this long
    /// means the master is gone.
    pub net_timeout: Duration,
    pub heartbeat_period: f64,
    pub server_id: u32,
    pub report_host: String,
    pub report_port: u16,
    pub report_user: String,
}

/// Where the dump starts: the GTID position, or a file and offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DumpFrom {
    Gtid(String),
    File { name: String, pos: u64 },
}

/// One packet of the master's binlog stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// An event's bytes (header, body and checksum).
    Event(Vec<u8>),
    /// The master ended the stream.
    Eof,
    /// The master refused or broke off the dump.
    Error { code: u16, message: String },
}

/// Why the link failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// No connection could be made (2003 on the slave).
    Connect(String),
    /// The master answered a set-up query or command with an error.
    Server { code: u16, message: String },
    /// The connection broke.
    Lost(String),
}

/// What the master told the slave while connecting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MasterFacts {
    pub server_id: u32,
    /// The master's events carry a CRC32 checksum.
    pub checksummed: bool,
}

/// A logged-in connection to the master.
#[derive(Debug)]
pub struct MasterLink {
    conn: Connection,
}

impl MasterLink {
    /// Connects and logs in.
    pub fn connect(settings: &LinkSettings) -> Result<MasterLink, LinkError> {
        let options = ConnectOptions {
            host: settings.host.clone(),
            port: settings.port,
            protocol: Protocol::Tcp,
            user: settings.user.clone(),
            password: settings.password.clone().into_bytes(),
            connect_timeout: settings.net_timeout,
            read_timeout: Some(settings.net_timeout),
            write_timeout: Some(settings.net_timeout),
            local_infile: false,
            multi_statements: false,
            program_name: Some("mariadbd".into()),
            ..ConnectOptions::default()
        };
        match Connection::connect(&options) {
            Ok(conn) => Ok(MasterLink { conn }),
            Err(e) => Err(connect_error(&settings.host, &e, probe_errno(settings))),
        }
    }

    /// A handle that cuts the connection from another thread (STOP SLAVE).
    pub fn abort_handle(&self) -> AbortHandle {
        self.conn.abort_handle()
    }

    /// The queries a MariaDB slave sends before it registers.
    pub fn prepare(
        &mut self,
        settings: &LinkSettings,
        from: &DumpFrom,
        until_gtid: Option<&str>,
    ) -> Result<MasterFacts, LinkError> {
        // get_master_version_and_clock: a refused clock query only costs
        // Seconds_Behind_Master's trust; a refused SERVER_ID query is fatal.
        match self.query("SELECT UNIX_TIMESTAMP()") {
            Ok(_) | Err(LinkError::Server { .. }) => {}
            Err(e) => return Err(e),
        }
        let server_id = self
            .query("SHOW VARIABLES LIKE 'SERVER_ID'")
            .map_err(server_id_error)?
            .and_then(|row| row.get(1).cloned().flatten())
            .and_then(|v| String::from_utf8_lossy(&v).parse().ok())
            .unwrap_or(0);
        // The slave's own arithmetic, in single precision as MariaDB's is.
        let nanos = (settings.heartbeat_period as f32 * 1_000_000_000f32) as u64;
        self.query(&format!("SET @master_heartbeat_period= {nanos}"))?;
        self.query("SET @master_binlog_checksum= @@global.binlog_checksum")?;
        let checksum = self
            .query("SELECT @master_binlog_checksum")?
            .and_then(|row| row.first().cloned().flatten())
            .map(|v| String::from_utf8_lossy(&v).to_ascii_uppercase());
        self.query(&format!("SET @mariadb_slave_capability={SLAVE_CAPABILITY}"))?;
        self.query("SELECT @@GLOBAL.gtid_domain_id")?;
        if let DumpFrom::Gtid(pos) = from {
            self.query(&format!("SET @slave_connect_state='{pos}'"))?;
            self.query("SET @slave_gtid_strict_mode=0")?;
            self.query("SET @slave_gtid_ignore_duplicates=0")?;
            if let Some(until) = until_gtid {
                self.query(&format!("SET @slave_until_gtid='{until}'"))?;
            }
        }
        Ok(MasterFacts {
            server_id,
            checksummed: checksum.as_deref() == Some("CRC32"),
        })
    }

    /// COM_REGISTER_SLAVE, so the master lists this slave in SHOW SLAVE HOSTS.
    pub fn register(&mut self, settings: &LinkSettings) -> Result<(), LinkError> {
        let mut body = settings.server_id.to_le_bytes().to_vec();
        for text in [&settings.report_host, &settings.report_user, ""] {
            let bytes = &text.as_bytes()[..text.len().min(255)];
            body.push(bytes.len() as u8);
            body.extend_from_slice(bytes);
        }
        body.extend_from_slice(&settings.report_port.to_le_bytes());
        body.extend_from_slice(&0u32.to_le_bytes()); // replication rank
        body.extend_from_slice(&0u32.to_le_bytes()); // master id
        self.conn
            .send_command(COM_REGISTER_SLAVE, &body)
            .map_err(lost)?;
        match self.packet()? {
            Packet::Error { code, message } => Err(LinkError::Server { code, message }),
            _ => Ok(()),
        }
    }

    /// COM_BINLOG_DUMP: from the GTID position (file '' at 4) or a file/offset.
    pub fn request_dump(&mut self, server_id: u32, from: &DumpFrom) -> Result<(), LinkError> {
        let (name, pos) = match from {
            DumpFrom::Gtid(_) => ("", 4),
            DumpFrom::File { name, pos } => (name.as_str(), *pos),
        };
        let mut body = (pos.min(u64::from(u32::MAX)) as u32).to_le_bytes().to_vec();
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&server_id.to_le_bytes());
        body.extend_from_slice(name.as_bytes());
        self.conn.send_command(COM_BINLOG_DUMP, &body).map_err(lost)
    }

    /// The next packet of the dump.
    pub fn packet(&mut self) -> Result<Packet, LinkError> {
        let packet = self.conn.read_packet().map_err(lost)?;
        Ok(decode(&packet))
    }

    /// Runs one set-up query; its first row, if it returned rows.
    fn query(&mut self, sql: &str) -> Result<Option<Vec<Option<Vec<u8>>>>, LinkError> {
        let responses = self.conn.query(sql.as_bytes()).map_err(|e| match e {
            ClientError::Server { code, message, .. } => LinkError::Server {
                code,
                message: String::from_utf8_lossy(&message).into_owned(),
            },
            other => lost(other),
        })?;
        Ok(responses.into_iter().find_map(|r| match r {
            Response::ResultSet(set) => set.rows.into_iter().next(),
            Response::Ok(_) => None,
        }))
    }
}

/// A raw packet of the stream as a [`Packet`]; never panics on bad bytes.
pub fn decode(packet: &[u8]) -> Packet {
    match packet.first() {
        Some(0x00) => Packet::Event(packet[1..].to_vec()),
        Some(0xfe) if packet.len() < 9 => Packet::Eof,
        Some(0xff) => {
            let code = packet
                .get(1..3)
                .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]));
            let text = packet.get(3..).unwrap_or_default();
            let text = text
                .strip_prefix(b"#")
                .map_or(text, |t| t.get(5..).unwrap_or_default());
            Packet::Error {
                code,
                message: String::from_utf8_lossy(text).into_owned(),
            }
        }
        _ => Packet::Error {
            code: 2027,
            message: "Malformed packet".into(),
        },
    }
}

/// MariaDB's fatal error when the master refuses to tell its server id
/// (an account in the expired-password sandbox gets 1820 here).
fn server_id_error(e: LinkError) -> LinkError {
    match e {
        LinkError::Server { code, message } => LinkError::Server {
            code,
            message: format!(
                "The slave I/O thread stops because a fatal error is encountered when it try to get the value of SERVER_ID variable from master. Error: {message}"
            ),
        },
        other => other,
    }
}

fn lost(e: ClientError) -> LinkError {
    LinkError::Lost(e.to_string())
}

/// The OS error of a plain blocking connect to the master, as the
/// server's own client sees it (the client library's non-blocking connect
/// only knows "in progress").
fn probe_errno(settings: &LinkSettings) -> Option<i32> {
    use std::net::ToSocketAddrs;
    let addr = (settings.host.as_str(), settings.port)
        .to_socket_addrs()
        .ok()?
        .next()?;
    std::net::TcpStream::connect_timeout(&addr, settings.net_timeout)
        .err()?
        .raw_os_error()
}

/// The client library's connect failure as the server's own client words
/// it: `Can't connect to server on 'host' (111 "Connection refused")`.
fn connect_error(host: &str, e: &ClientError, probed: Option<i32>) -> LinkError {
    let message = String::from_utf8_lossy(e.message()).into_owned();
    // The master refused the login (1045 …): the slave reports its code.
    if let ClientError::Server { code, .. } = e {
        return LinkError::Server {
            code: *code,
            message,
        };
    }
    let errno = probed.or_else(|| {
        message
            .rsplit_once('(')
            .and_then(|(_, rest)| rest.trim_end_matches(')').parse::<i32>().ok())
    });
    match errno {
        Some(errno) if message.starts_with("Can't connect") => {
            let text = std::io::Error::from_raw_os_error(errno).to_string();
            let text = text.split(" (os error").next().unwrap_or(&text).to_string();
            LinkError::Connect(format!(
                "Can't connect to server on '{host}' ({errno} \"{text}\")"
            ))
        }
        _ => LinkError::Connect(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_events_eof_and_errors() {
        assert_eq!(decode(&[0, 1, 2]), Packet::Event(vec![1, 2]));
        assert_eq!(decode(&[0xfe, 0, 0, 2, 0]), Packet::Eof);
        let mut err = vec![0xff, 0xd4, 0x04, b'#'];
        err.extend_from_slice(b"HY000Could not find first log file name in binary log index file");
        assert_eq!(
            decode(&err),
            Packet::Error {
                code: 1236,
                message: "Could not find first log file name in binary log index file".into()
            }
        );
        assert!(matches!(decode(&[]), Packet::Error { code: 2027, .. }));
    }

    #[test]
    fn a_refused_connection_reads_as_mariadbs_slave_words_it() {
        let e = ClientError::client(2002, "Can't connect to server on '127.0.0.1' (111)");
        assert_eq!(
            connect_error("127.0.0.1", &e, None),
            LinkError::Connect(
                "Can't connect to server on '127.0.0.1' (111 \"Connection refused\")".into()
            )
        );
    }

    proptest! {
        #[test]
        fn any_packet_decodes_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&bytes);
        }
    }
}
