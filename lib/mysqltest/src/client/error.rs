//! The one error type of the client: either an ERR packet the server sent,
//! or a client-side failure carrying the code and text the MariaDB client
//! library (Connector/C 3.3, which mariadb-test links) would report, so
//! that mysqltest's `ERROR HY000: Lost connection …` lines match.

use std::io;

/// SQLSTATE the client library gives to its own errors.
pub const CLIENT_SQLSTATE: &str = "HY000";

/// Client error codes used here (`CR_*` of Connector/C).
pub mod codes {
    /// CR_UNKNOWN_ERROR: also used for a forbidden LOAD DATA LOCAL.
    pub const UNKNOWN_ERROR: u16 = 2000;
    /// CR_CONNECTION_ERROR: the code a refused TCP connect reports.
    pub const CONNECTION_ERROR: u16 = 2002;
    /// CR_UNKNOWN_HOST: the host name did not resolve.
    pub const UNKNOWN_HOST: u16 = 2005;
    /// CR_SERVER_GONE_ERROR: writing failed, or the connection is already closed.
    pub const SERVER_GONE: u16 = 2006;
    /// CR_VERSION_ERROR: the greeting is not protocol 10.
    pub const VERSION_ERROR: u16 = 2007;
    /// CR_SERVER_HANDSHAKE_ERR: the greeting could not be parsed.
    pub const HANDSHAKE_ERROR: u16 = 2012;
    /// CR_SERVER_LOST: reading failed during a command.
    pub const SERVER_LOST: u16 = 2013;
    /// CR_SSL_CONNECTION_ERROR: TLS was required but cannot be used.
    pub const SSL_CONNECTION_ERROR: u16 = 2026;
    /// CR_COMMANDS_OUT_OF_SYNC: a command while a result is still unread.
    pub const OUT_OF_SYNC: u16 = 2014;
    /// CR_MALFORMED_PACKET: a server packet did not decode.
    pub const MALFORMED_PACKET: u16 = 2027;
    /// CR_AUTH_PLUGIN_CANNOT_LOAD: an authentication plugin we do not implement.
    pub const PLUGIN_CANNOT_LOAD: u16 = 2059;
    /// CR_PLUGIN_NOT_ALLOWED: the plugin is not in the `auth=` list.
    pub const PLUGIN_NOT_ALLOWED: u16 = 5010;
}

/// A failed client operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an ERR packet.
    #[error("server error {code} ({sqlstate}): {}", String::from_utf8_lossy(.message))]
    Server {
        code: u16,
        sqlstate: String,
        message: Vec<u8>,
    },
    /// The client library itself failed (network, protocol, local file).
    #[error("client error {code}: {message}")]
    Client { code: u16, message: String },
}

impl ClientError {
    /// The error number mysqltest compares with `--error`.
    pub fn code(&self) -> u16 {
        match self {
            ClientError::Server { code, .. } | ClientError::Client { code, .. } => *code,
        }
    }

    /// The SQLSTATE mysqltest prints in `ERROR <sqlstate>: …`.
    pub fn sqlstate(&self) -> &str {
        match self {
            ClientError::Server { sqlstate, .. } => sqlstate,
            ClientError::Client { .. } => CLIENT_SQLSTATE,
        }
    }

    /// The message bytes as the server or library wrote them.
    pub fn message(&self) -> &[u8] {
        match self {
            ClientError::Server { message, .. } => message,
            ClientError::Client { message, .. } => message.as_bytes(),
        }
    }

    /// True for failures that leave the connection unusable.
    pub fn is_connection_lost(&self) -> bool {
        matches!(self.code(), codes::SERVER_GONE | codes::SERVER_LOST)
            && matches!(self, ClientError::Client { .. })
    }

    /// A client error with the given code and text.
    pub fn client(code: u16, message: impl Into<String>) -> Self {
        ClientError::Client {
            code,
            message: message.into(),
        }
    }

    /// Writing to the server failed or the connection is closed.
    pub fn server_gone() -> Self {
        Self::client(codes::SERVER_GONE, "Server has gone away")
    }

    /// Reading the answer to a command failed.
    pub fn server_lost() -> Self {
        Self::client(codes::SERVER_LOST, "Lost connection to server during query")
    }

    /// Reading failed at a named stage of connecting (e.g. the greeting).
    pub fn server_lost_at(stage: &str, errno: i32) -> Self {
        Self::client(
            codes::SERVER_LOST,
            format!("Lost connection to server at '{stage}', system error: {errno}"),
        )
    }

    /// The TCP connection could not be opened.
    pub fn cant_connect(host: &str, errno: i32) -> Self {
        Self::client(
            codes::CONNECTION_ERROR,
            format!(
                "Can't connect to server on '{}' ({errno})",
                truncate(host, 64)
            ),
        )
    }

    /// The host name did not resolve; `code` is the resolver's return value.
    pub fn unknown_host(host: &str, code: i32) -> Self {
        Self::client(
            codes::UNKNOWN_HOST,
            format!("Unknown server host '{}' ({code})", truncate(host, 100)),
        )
    }

    /// The greeting announced a protocol other than 10.
    pub fn version_mismatch(server_protocol: u8) -> Self {
        Self::client(
            codes::VERSION_ERROR,
            format!("Protocol mismatch. Server Version = {server_protocol} Client Version = 10"),
        )
    }

    /// The greeting could not be parsed.
    pub fn handshake() -> Self {
        Self::client(codes::HANDSHAKE_ERROR, "Error in server handshake")
    }

    /// A command was issued while a result is still unread.
    pub fn out_of_sync() -> Self {
        Self::client(
            codes::OUT_OF_SYNC,
            "Commands out of sync; you can't run this command now",
        )
    }

    /// A server packet did not decode.
    pub fn malformed() -> Self {
        Self::client(codes::MALFORMED_PACKET, "Received malformed packet")
    }

    /// The Unix socket could not be connected.
    pub fn cant_connect_local(socket: &str, errno: i32) -> Self {
        Self::client(
            codes::CONNECTION_ERROR,
            format!(
                "Can't connect to local server through socket '{}' ({errno})",
                truncate(socket, 64)
            ),
        )
    }

    /// TLS was required; this client has no TLS, so it refuses rather than
    /// talk in clear text (the library's `TLS/SSL error: …` form).
    pub fn ssl_unavailable() -> Self {
        Self::client(
            codes::SSL_CONNECTION_ERROR,
            "TLS/SSL error: SSL is required, but this client has no TLS support",
        )
    }

    /// A plugin failed, the error the library reports when no unknown error
    /// was set (CR_UNKNOWN_ERROR).
    pub fn unknown() -> Self {
        Self::client(codes::UNKNOWN_ERROR, "Unknown error")
    }

    /// An authentication plugin this client does not implement, or that failed.
    pub fn plugin_cannot_load(plugin: &str, why: &str) -> Self {
        Self::client(
            codes::PLUGIN_CANNOT_LOAD,
            format!("Plugin {plugin} could not be loaded: {why}"),
        )
    }

    /// The same error with another text: the library keeps a plugin's message
    /// when the server's error that follows replaces only code and state.
    pub fn with_message(self, message: &[u8]) -> Self {
        match self {
            ClientError::Server { code, sqlstate, .. } => ClientError::Server {
                code,
                sqlstate,
                message: message.to_vec(),
            },
            ClientError::Client { code, .. } => ClientError::Client {
                code,
                message: String::from_utf8_lossy(message).into_owned(),
            },
        }
    }

    /// A plugin left out of the restricted list.
    pub fn plugin_not_allowed(plugin: &str) -> Self {
        Self::client(
            codes::PLUGIN_NOT_ALLOWED,
            format!(
                "Authentication plugin '{plugin}' couldn't be found in restricted_auth plugin list."
            ),
        )
    }

    /// The server asked for a local file although local infile is off.
    pub fn infile_forbidden() -> Self {
        Self::client(codes::UNKNOWN_ERROR, "Load data local infile forbidden")
    }

    /// The local file could not be opened: the library reports errno as the code.
    pub fn infile_not_found(file: &str, err: &io::Error) -> Self {
        let errno = err.raw_os_error().unwrap_or(0);
        Self::client(
            u16::try_from(errno).unwrap_or(0),
            format!("File '{file}' not found (Errcode: {errno})"),
        )
    }
}

/// At most `max` characters of `text`, as the library's `%-.Ns` does.
fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_carry_library_texts() {
        let lost = ClientError::server_lost();
        assert_eq!(lost.code(), 2013);
        assert_eq!(lost.sqlstate(), "HY000");
        assert_eq!(lost.message(), b"Lost connection to server during query");
        assert_eq!(
            ClientError::server_gone().message(),
            b"Server has gone away"
        );
        assert!(lost.is_connection_lost());
    }

    #[test]
    fn formatted_texts_match_the_library() {
        let refused = ClientError::cant_connect("127.0.0.1", 115);
        assert_eq!(refused.code(), 2002);
        assert_eq!(
            refused.message(),
            b"Can't connect to server on '127.0.0.1' (115)"
        );
        assert_eq!(
            ClientError::unknown_host("nosuch.invalid", -2).message(),
            b"Unknown server host 'nosuch.invalid' (-2)"
        );
        let missing = io::Error::from_raw_os_error(2);
        let err = ClientError::infile_not_found("/x/y", &missing);
        assert_eq!(err.code(), 2);
        assert_eq!(err.message(), b"File '/x/y' not found (Errcode: 2)");
    }

    #[test]
    fn server_errors_keep_their_fields() {
        let err = ClientError::Server {
            code: 1146,
            sqlstate: "42S02".into(),
            message: b"Table 'test.t' doesn't exist".to_vec(),
        };
        assert_eq!(err.code(), 1146);
        assert_eq!(err.sqlstate(), "42S02");
        assert!(!err.is_connection_lost());
        assert_eq!(
            err.to_string(),
            "server error 1146 (42S02): Table 'test.t' doesn't exist"
        );
    }

    #[test]
    fn long_hosts_are_cut_like_printf_precision() {
        let host = "h".repeat(80);
        let text = ClientError::cant_connect(&host, 111).to_string();
        assert!(text.contains(&format!("'{}'", "h".repeat(64))));
    }
}
