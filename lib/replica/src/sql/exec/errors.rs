//! MariaDB's errors that the executor raises, one constructor each, with
//! the codes, SQLSTATEs and texts of MariaDB 10.11's message file.

use crate::error::ServerError;

/// ER_NO_DB_ERROR.
pub fn no_database_selected() -> ServerError {
    ServerError::new(1046, "3D000", "No database selected")
}

/// ER_BAD_DB_ERROR.
pub fn unknown_database(name: &str) -> ServerError {
    ServerError::new(1049, "42000", format!("Unknown database '{name}'"))
}

/// ER_BAD_FIELD_ERROR's code, for falling back to an enclosing query's columns.
pub const UNKNOWN_COLUMN: u16 = 1054;

/// ER_BAD_FIELD_ERROR.
pub fn unknown_column(name: &str, clause: &str) -> ServerError {
    ServerError::new(
        UNKNOWN_COLUMN,
        "42S22",
        format!("Unknown column '{name}' in '{clause}'"),
    )
}

/// ER_NON_UNIQ_ERROR.
pub fn ambiguous_column(name: &str, clause: &str) -> ServerError {
    ServerError::new(
        1052,
        "23000",
        format!("Column '{name}' in {clause} is ambiguous"),
    )
}

/// ER_BAD_NULL_ERROR.
pub fn column_cannot_be_null(name: &str) -> ServerError {
    ServerError::new(1048, "23000", format!("Column '{name}' cannot be null"))
}

/// ER_NO_DEFAULT_FOR_FIELD.
pub fn no_default(name: &str) -> ServerError {
    ServerError::new(
        1364,
        "HY000",
        format!("Field '{name}' doesn't have a default value"),
    )
}

/// ER_WRONG_VALUE_COUNT_ON_ROW.
pub fn value_count_on_row(row: u64) -> ServerError {
    ServerError::new(
        1136,
        "21S01",
        format!("Column count doesn't match value count at row {row}"),
    )
}

/// ER_NO_SUCH_THREAD.
pub fn unknown_thread(id: u64) -> ServerError {
    ServerError::new(1094, "HY000", format!("Unknown thread id: {id}"))
}

/// ER_UNKNOWN_STORAGE_ENGINE.
pub fn unknown_engine(name: &str) -> ServerError {
    ServerError::new(1286, "42000", format!("Unknown storage engine '{name}'"))
}

/// ER_SP_DOES_NOT_EXIST.
pub fn no_such_routine(kind: &str, name: &str) -> ServerError {
    ServerError::new(1305, "42000", format!("{kind} {name} does not exist"))
}

/// ER_NONUNIQ_TABLE.
pub fn not_unique_table(alias: &str) -> ServerError {
    ServerError::new(1066, "42000", format!("Not unique table/alias: '{alias}'"))
}

/// ER_MULTIPLE_PRI_KEY.
pub fn multiple_primary_key() -> ServerError {
    ServerError::new(1068, "42000", "Multiple primary key defined")
}

/// ER_KEY_COLUMN_DOES_NOT_EXIST.
pub fn key_column_missing(name: &str) -> ServerError {
    ServerError::new(
        1072,
        "42000",
        format!("Key column '{name}' doesn't exist in table"),
    )
}

/// ER_DUP_FIELDNAME.
pub fn duplicate_column(name: &str) -> ServerError {
    ServerError::new(1060, "42S21", format!("Duplicate column name '{name}'"))
}

/// ER_WARNING_NOT_COMPLETE_ROLLBACK, a warning of ROLLBACK.
pub fn incomplete_rollback() -> ServerError {
    ServerError::new(
        1196,
        "HY000",
        "Some non-transactional changed tables couldn't be rolled back",
    )
}

/// ER_LOCK_OR_ACTIVE_TRANSACTION.
pub fn locked_tables_or_transaction() -> ServerError {
    ServerError::new(
        1192,
        "HY000",
        "Can't execute the given command because you have active locked tables or an active transaction",
    )
}
