//! The MariaDB errors the lock layer raises, one constructor per error, with
//! the exact numbers, SQLSTATEs and English texts of MariaDB 10.11.

use crate::error::ServerError;

/// ER_TABLE_NOT_LOCKED_FOR_WRITE: writing a table held with LOCK TABLES … READ.
pub fn table_not_locked_for_write(table: &str) -> ServerError {
    ServerError::new(
        1099,
        "HY000",
        format!("Table '{table}' was locked with a READ lock and can't be updated"),
    )
}

/// ER_TABLE_NOT_LOCKED: using a table missing from the connection's LOCK TABLES.
pub fn table_not_locked(table: &str) -> ServerError {
    ServerError::new(
        1100,
        "HY000",
        format!("Table '{table}' was not locked with LOCK TABLES"),
    )
}

/// ER_LOCK_OR_ACTIVE_TRANSACTION: FLUSH TABLES WITH READ LOCK under LOCK TABLES.
pub fn lock_or_active_transaction() -> ServerError {
    ServerError::new(
        1192,
        "HY000",
        "Can't execute the given command because you have active locked tables or an active transaction",
    )
}

/// ER_LOCK_WAIT_TIMEOUT: a metadata-lock wait outlived lock_wait_timeout.
pub fn lock_wait_timeout() -> ServerError {
    ServerError::new(
        1205,
        "HY000",
        "Lock wait timeout exceeded; try restarting transaction",
    )
}

/// ER_LOCK_DEADLOCK: what MariaDB 10.11 raises for a GET_LOCK wait cycle.
pub fn lock_deadlock() -> ServerError {
    ServerError::new(
        1213,
        "40001",
        "Deadlock found when trying to get lock; try restarting transaction",
    )
}

/// ER_CANT_UPDATE_WITH_READLOCK: a write by the holder of the global read lock.
pub fn cant_update_with_readlock() -> ServerError {
    ServerError::new(
        1223,
        "HY000",
        "Can't execute the query because you have a conflicting read lock",
    )
}

/// ER_TOO_LONG_IDENT: a user-lock name longer than 192 bytes.
pub fn too_long_ident(name: &str) -> ServerError {
    ServerError::new(
        1059,
        "42000",
        format!(
            "Identifier name '{}' is too long",
            truncate_for_message(name)
        ),
    )
}

/// ER_WRONG_VALUE_FOR_TYPE: the warning of a GET_LOCK timeout that is NULL or negative.
pub fn wrong_get_lock_timeout(shown: &str) -> ServerError {
    ServerError::new(
        1411,
        "HY000",
        format!("Incorrect timeout value: '{shown}' for function get_lock"),
    )
}

/// MariaDB's `%-.100T`: at most 100 bytes, else 97 bytes (whole characters) and "...".
fn truncate_for_message(text: &str) -> String {
    if text.len() <= 100 {
        return text.to_string();
    }
    let mut end = 97;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_at_a_character_boundary() {
        let ascii = "x".repeat(193);
        let message = too_long_ident(&ascii).message;
        assert_eq!(
            message,
            format!("Identifier name '{}...' is too long", "x".repeat(97))
        );
        let accented = "é".repeat(97);
        let message = too_long_ident(&accented).message;
        assert_eq!(
            message,
            format!("Identifier name '{}...' is too long", "é".repeat(48))
        );
        assert_eq!(
            too_long_ident("abc").message,
            "Identifier name 'abc' is too long"
        );
    }
}
