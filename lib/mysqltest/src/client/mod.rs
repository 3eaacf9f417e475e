//! A synchronous MySQL/MariaDB client for the interpreter: text protocol
//! over TCP or a Unix socket (optionally compressed), authentication
//! plugins written natively, queries sent as raw bytes (test files are not always UTF-8),
//! results returned as raw bytes. Callers build [`ConnectOptions`], get a
//! [`Connection`], and receive [`Response`]s or a [`ClientError`] that
//! carries the server's or the client library's code and text.

mod abort;
mod auth;
mod compress;
mod connection;
mod decoder;
mod error;
mod framing;
mod handshake;
mod local_infile;
mod options;
mod packets;
mod response;
mod socket;
mod transport;
mod wire;

#[cfg(test)]
mod live_tests;
#[cfg(test)]
mod test_server;

pub use abort::AbortHandle;
pub use connection::Connection;
pub use error::{CLIENT_SQLSTATE, ClientError, codes};
pub use options::{ConnectOptions, LATIN1_SWEDISH_CI, Protocol};
pub use response::{Column, OkInfo, Response, ResultSet, SERVER_MORE_RESULTS_EXISTS};
