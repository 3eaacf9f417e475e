//! The MariaDB errors the protocol layer itself raises (bad packets,
//! refused logins, unknown commands, KILL of an unknown thread), one
//! constructor per error so codes, SQLSTATEs and texts live in one place.
//! They leave this module as `ServerError`s that `packets::err` encodes.

use crate::error::ServerError;

/// ER_HANDSHAKE_ERROR: the client's handshake response did not parse.
pub fn bad_handshake() -> ServerError {
    ServerError::new(1043, "08S01", "Bad handshake")
}

/// ER_ACCESS_DENIED_ERROR: wrong credentials at login or COM_CHANGE_USER.
pub fn access_denied(user: &str, host: &str, using_password: bool) -> ServerError {
    let using = if using_password { "YES" } else { "NO" };
    ServerError::new(
        1045,
        "28000",
        format!("Access denied for user '{user}'@'{host}' (using password: {using})"),
    )
}

/// ER_NO_DB_ERROR: a command that needs a current database has none.
pub fn no_database_selected() -> ServerError {
    ServerError::new(1046, "3D000", "No database selected")
}

/// ER_UNKNOWN_COM_ERROR: a command byte the server does not serve.
pub fn unknown_command() -> ServerError {
    ServerError::new(1047, "08S01", "Unknown command")
}

/// ER_NO_SUCH_THREAD: COM_PROCESS_KILL named no live connection.
pub fn no_such_thread(id: u64) -> ServerError {
    ServerError::new(1094, "HY000", format!("Unknown thread id: {id}"))
}

/// ER_NET_PACKET_TOO_LARGE: a packet above max_allowed_packet.
pub fn packet_too_large() -> ServerError {
    ServerError::new(
        1153,
        "08S01",
        "Got a packet bigger than 'max_allowed_packet' bytes",
    )
}

/// ER_NET_PACKETS_OUT_OF_ORDER: a packet with an unexpected sequence id.
pub fn packets_out_of_order() -> ServerError {
    ServerError::new(1156, "08S01", "Got packets out of order")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_denied_names_user_host_and_password_use() {
        let e = access_denied("bob", "localhost", true);
        assert_eq!(e.code, 1045);
        assert_eq!(e.sqlstate, "28000");
        assert_eq!(
            e.message,
            "Access denied for user 'bob'@'localhost' (using password: YES)"
        );
    }

    #[test]
    fn no_such_thread_names_the_id() {
        assert_eq!(no_such_thread(99).message, "Unknown thread id: 99");
    }
}
