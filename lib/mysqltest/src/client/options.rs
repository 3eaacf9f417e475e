//! What a connection is opened with: address (host and port, or a Unix
//! socket), account, schema, the collation announced in the handshake,
//! timeouts, protocol switches and the authentication plugin to start
//! with. Built by the caller, read once by `Connection::connect`.

use std::path::PathBuf;
use std::time::Duration;

/// latin1_swedish_ci: the collation mysqltest announces in its handshake.
pub const LATIN1_SWEDISH_CI: u8 = 8;

/// Which kind of socket to use (the client library's `MYSQL_OPT_PROTOCOL`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Protocol {
    /// The library decides: a Unix socket for `localhost`, TCP otherwise.
    #[default]
    Default,
    /// Always TCP, even for `localhost`.
    Tcp,
    /// Unix socket where the library would use one (same rule as `Default`).
    Socket,
}

/// Everything needed to open a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    /// Host name or address; `localhost` (or empty) means the Unix socket
    /// when one is known and the protocol is not TCP.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// The server's Unix socket; a name starting with `@` is an abstract socket.
    pub socket: Option<PathBuf>,
    /// TCP or socket, as `--protocol` / `connect … TCP` ask.
    pub protocol: Protocol,
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
    /// Limit for each read once connected (`read_timeout=`); `None` waits forever.
    pub read_timeout: Option<Duration>,
    /// Limit for each write once connected (`write_timeout=`); `None` waits forever.
    pub write_timeout: Option<Duration>,
    /// Whether LOAD DATA LOCAL INFILE may read local files.
    pub local_infile: bool,
    /// Whether one COM_QUERY may carry several statements.
    pub multi_statements: bool,
    /// Ask for OK-terminated result sets instead of EOF packets.
    pub deprecate_eof: bool,
    /// Use the compressed protocol when the server offers it.
    pub compress: bool,
    /// TLS is required (`connect … SSL`); this client has none, so it refuses.
    pub ssl: bool,
    /// Authentication plugin for the first answer (`MYSQL_DEFAULT_AUTH`).
    pub default_auth: Option<String>,
    /// Plugins allowed at all (`MARIADB_OPT_RESTRICTED_AUTH`, `connect … auth=`).
    pub restricted_auth: Option<String>,
    /// Where the library would load client plugins from (named in its errors).
    pub plugin_dir: Option<PathBuf>,
    /// The `program_name` connection attribute (mysqltest sets `mysqltest`).
    pub program_name: Option<String>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            host: "127.0.0.1".into(),
            port: 3306,
            socket: None,
            protocol: Protocol::Default,
            user: "root".into(),
            password: Vec::new(),
            database: None,
            collation: LATIN1_SWEDISH_CI,
            connect_timeout: Duration::from_secs(10),
            read_timeout: None,
            write_timeout: None,
            local_infile: true,
            multi_statements: true,
            deprecate_eof: false,
            compress: false,
            ssl: false,
            default_auth: None,
            restricted_auth: None,
            plugin_dir: None,
            program_name: Some("mysqltest".into()),
        }
    }
}
