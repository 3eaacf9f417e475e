//! What a connection is opened with: address, account, schema, the
//! collation announced in the handshake, timeouts and protocol switches.
//! Built by the caller, read once by `Connection::connect`.

use std::time::Duration;

/// latin1_swedish_ci: the collation mysqltest announces in its handshake.
pub const LATIN1_SWEDISH_CI: u8 = 8;

/// Everything needed to open a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    /// Host name or address; reached over TCP only.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Account name.
    pub user: String,
    /// Password bytes (may be empty).
    pub password: Vec<u8>,
    /// Default schema, sent in the handshake.
    pub database: Option<String>,
    /// Collation id announced in the handshake (8 = latin1_swedish_ci).
    pub collation: u8,
    /// Limit for opening the socket and reading the greeting.
    pub connect_timeout: Duration,
    /// Whether LOAD DATA LOCAL INFILE may read local files.
    pub local_infile: bool,
    /// Whether one COM_QUERY may carry several statements.
    pub multi_statements: bool,
    /// Ask for OK-terminated result sets instead of EOF packets.
    pub deprecate_eof: bool,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            host: "127.0.0.1".into(),
            port: 3306,
            user: "root".into(),
            password: Vec::new(),
            database: None,
            collation: LATIN1_SWEDISH_CI,
            connect_timeout: Duration::from_secs(10),
            local_infile: true,
            multi_statements: true,
            deprecate_eof: false,
        }
    }
}
