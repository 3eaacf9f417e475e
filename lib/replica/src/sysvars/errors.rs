//! The errors and warnings reading and setting system variables raise, one
//! constructor per MariaDB error, with MariaDB's codes, SQLSTATEs and texts.

use crate::error::{Condition, Level, ServerError};

/// ER_UNKNOWN_SYSTEM_VARIABLE: the name as the statement spelled it.
pub fn unknown_system_variable(name: &str) -> ServerError {
    ServerError::new(1193, "HY000", format!("Unknown system variable '{name}'"))
}

/// ER_INCORRECT_GLOBAL_LOCAL_VAR: `@@global.` of a session-only variable.
pub fn is_session_variable(name: &str) -> ServerError {
    ServerError::new(
        1238,
        "HY000",
        format!("Variable '{name}' is a SESSION variable"),
    )
}

/// ER_INCORRECT_GLOBAL_LOCAL_VAR: `@@session.` of a global-only variable.
pub fn is_global_variable(name: &str) -> ServerError {
    ServerError::new(
        1238,
        "HY000",
        format!("Variable '{name}' is a GLOBAL variable"),
    )
}

/// ER_INCORRECT_GLOBAL_LOCAL_VAR: SET of a read-only variable.
pub fn read_only_variable(name: &str) -> ServerError {
    ServerError::new(
        1238,
        "HY000",
        format!("Variable '{name}' is a read only variable"),
    )
}

/// ER_LOCAL_VARIABLE: SET GLOBAL of a session-only variable.
pub fn local_variable(name: &str) -> ServerError {
    ServerError::new(
        1228,
        "HY000",
        format!("Variable '{name}' is a SESSION variable and can't be used with SET GLOBAL"),
    )
}

/// ER_GLOBAL_VARIABLE: SET [SESSION] of a global-only variable.
pub fn global_variable(name: &str) -> ServerError {
    ServerError::new(
        1229,
        "HY000",
        format!("Variable '{name}' is a GLOBAL variable and should be set with SET GLOBAL"),
    )
}

/// ER_VARIABLE_IS_READONLY: SET SESSION of a variable only SET GLOBAL changes.
pub fn session_read_only(name: &str) -> ServerError {
    ServerError::new(
        1621,
        "HY000",
        format!("SESSION variable '{name}' is read-only. Use SET GLOBAL to assign the value"),
    )
}

/// ER_WRONG_VALUE_FOR_VAR: a value outside the variable's names or flags.
pub fn wrong_value(name: &str, value: &str) -> ServerError {
    ServerError::new(
        1231,
        "42000",
        format!("Variable '{name}' can't be set to the value of '{value}'"),
    )
}

/// ER_WRONG_TYPE_FOR_VAR: e.g. a string for a numeric variable.
pub fn wrong_type(name: &str) -> ServerError {
    ServerError::new(
        1232,
        "42000",
        format!("Incorrect argument type to variable '{name}'"),
    )
}

/// ER_UNKNOWN_TIME_ZONE.
pub fn unknown_time_zone(zone: &str) -> ServerError {
    ServerError::new(
        1298,
        "HY000",
        format!("Unknown or incorrect time zone: '{zone}'"),
    )
}

/// ER_UNKNOWN_STORAGE_ENGINE.
pub fn unknown_storage_engine(engine: &str) -> ServerError {
    ServerError::new(1286, "42000", format!("Unknown storage engine '{engine}'"))
}

/// ER_UNKNOWN_CHARACTER_SET.
pub fn unknown_character_set(charset: &str) -> ServerError {
    ServerError::new(1115, "42000", format!("Unknown character set: '{charset}'"))
}

/// ER_UNKNOWN_COLLATION.
pub fn unknown_collation(collation: &str) -> ServerError {
    ServerError::new(1273, "HY000", format!("Unknown collation: '{collation}'"))
}

/// ER_UNKNOWN_LOCALE.
pub fn unknown_locale(locale: &str) -> ServerError {
    ServerError::new(1649, "HY000", format!("Unknown locale: '{locale}'"))
}

/// ER_INCORRECT_GTID_STATE: a GTID list that does not parse.
pub fn bad_gtid_list() -> ServerError {
    ServerError::new(1941, "HY000", "Could not parse GTID list")
}

/// ER_TRUNCATED_WRONG_VALUE as a warning: a number clipped to the range.
pub fn truncated_value(name: &str, value: &str) -> Condition {
    warning(1292, format!("Truncated incorrect {name} value: '{value}'"))
}

/// ER_DATA_OVERFLOW as a warning: an integer too big for 64 bits.
pub fn data_overflow(value: &str) -> Condition {
    warning(
        1916,
        format!("Got overflow when converting '{value}' to INT. Value truncated"),
    )
}

/// WARN_OPTION_BELOW_LIMIT: max_allowed_packet below net_buffer_length.
pub fn option_below_limit(name: &str, limit: &str) -> Condition {
    warning(
        1708,
        format!("The value of '{name}' should be no less than the value of '{limit}'"),
    )
}

fn warning(code: u16, message: String) -> Condition {
    Condition {
        level: Level::Warning,
        code,
        message,
    }
}
