//! The MySQL/MariaDB client/server protocol: framing, the handshake and
//! login, command decoding, and the encoders for OK, ERR, EOF and text
//! result sets. A connection enters as an accepted socket
//! ([`connection::serve`]); SQL leaves to the session, results come back
//! and leave as packets.

pub mod command;
pub mod connection;
pub mod errors;
pub mod framing;
pub mod greeting;
pub mod login;
pub mod packets;
pub mod result_charset;
pub mod results;
pub mod shared;
pub mod statistics;
pub mod stream;
pub mod wire;
