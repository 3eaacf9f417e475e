//! The MariaDB errors storage raises: catalog errors (unknown or existing
//! databases and tables), lock waits and deadlocks, duplicate keys. One
//! constructor per MariaDB error, with its exact code, SQLSTATE and text.

use crate::error::ServerError;

/// ER_DB_CREATE_EXISTS.
pub fn database_exists(db: &str) -> ServerError {
    ServerError::new(
        1007,
        "HY000",
        format!("Can't create database '{db}'; database exists"),
    )
}

/// ER_DB_DROP_EXISTS.
pub fn database_missing_on_drop(db: &str) -> ServerError {
    ServerError::new(
        1008,
        "HY000",
        format!("Can't drop database '{db}'; database doesn't exist"),
    )
}

/// ER_BAD_DB_ERROR.
pub fn unknown_database(db: &str) -> ServerError {
    ServerError::new(1049, "42000", format!("Unknown database '{db}'"))
}

/// ER_TABLE_EXISTS_ERROR; MariaDB names the table without its database.
pub fn table_exists(name: &str) -> ServerError {
    ServerError::new(1050, "42S01", format!("Table '{name}' already exists"))
}

/// ER_BAD_TABLE_ERROR for one or more tables, each given as `(db, table)`.
pub fn unknown_tables(tables: &[(&str, &str)]) -> ServerError {
    let list: Vec<String> = tables.iter().map(|(db, t)| format!("{db}.{t}")).collect();
    ServerError::new(1051, "42S02", format!("Unknown table '{}'", list.join(",")))
}

/// ER_NO_SUCH_TABLE.
pub fn no_such_table(db: &str, table: &str) -> ServerError {
    ServerError::new(1146, "42S02", format!("Table '{db}.{table}' doesn't exist"))
}

/// ER_ERROR_ON_RENAME, as MariaDB reports a rename into a missing database.
pub fn error_on_rename(from: (&str, &str), to: (&str, &str)) -> ServerError {
    ServerError::new(
        1025,
        "HY000",
        format!(
            "Error on rename of './{}/{}' to './{}/{}' (errno: 168 \"Unknown (generic) error from engine\")",
            from.0, from.1, to.0, to.1
        ),
    )
}

/// ER_DUP_ENTRY; `entry` is the key's values joined by `-`, already shortened.
pub fn duplicate_entry(entry: &str, key: &str) -> ServerError {
    ServerError::new(
        1062,
        "23000",
        format!("Duplicate entry '{entry}' for key '{key}'"),
    )
}

/// ER_LOCK_WAIT_TIMEOUT.
pub fn lock_wait_timeout() -> ServerError {
    ServerError::new(
        1205,
        "HY000",
        "Lock wait timeout exceeded; try restarting transaction",
    )
}

/// ER_LOCK_DEADLOCK.
pub fn deadlock() -> ServerError {
    ServerError::new(
        1213,
        "40001",
        "Deadlock found when trying to get lock; try restarting transaction",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tables_lists_each_qualified_name() {
        let e = unknown_tables(&[("test", "a"), ("test", "b")]);
        assert_eq!(e.message, "Unknown table 'test.a,test.b'");
        assert_eq!((e.code, e.sqlstate), (1051, "42S02"));
    }
}
