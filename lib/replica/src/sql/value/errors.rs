//! Constructors for the errors and warnings that converting and storing
//! values raises, one per MariaDB error, with MariaDB's exact texts.

use crate::error::ServerError;

/// 1292: a string that is not wholly a number of `kind` (DOUBLE, INTEGER, DECIMAL).
pub fn truncated_wrong_value(kind: &str, value: &str) -> ServerError {
    ServerError::new(
        1292,
        "22007",
        format!("Truncated incorrect {kind} value: '{value}'"),
    )
}

/// 1292: a string that is no valid date or time.
pub fn incorrect_datetime_value(value: &str) -> ServerError {
    ServerError::new(
        1292,
        "22007",
        format!("Incorrect datetime value: '{value}'"),
    )
}

/// 1292 when storing an invalid date into a column.
pub fn incorrect_temporal_for_column(
    kind: &str,
    value: &str,
    column: &str,
    table: &str,
    schema: &str,
    row: u64,
) -> ServerError {
    ServerError::new(
        1292,
        "22007",
        format!(
            "Incorrect {kind} value: '{value}' for column `{schema}`.`{table}`.`{column}` at row {row}"
        ),
    )
}

/// 1264: a number outside the column's range.
pub fn out_of_range(column: &str, row: u64) -> ServerError {
    ServerError::new(
        1264,
        "22003",
        format!("Out of range value for column '{column}' at row {row}"),
    )
}

/// 1265: the value lost characters or digits when stored.
pub fn data_truncated(column: &str, row: u64) -> ServerError {
    ServerError::new(
        1265,
        "01000",
        format!("Data truncated for column '{column}' at row {row}"),
    )
}

/// 1406: a string longer than its column.
pub fn data_too_long(column: &str, row: u64) -> ServerError {
    ServerError::new(
        1406,
        "22001",
        format!("Data too long for column '{column}' at row {row}"),
    )
}

/// 1366: a string that is no number at all, stored into a numeric column.
pub fn incorrect_value_for_column(
    kind: &str,
    value: &str,
    column: &str,
    table: &str,
    schema: &str,
    row: u64,
) -> ServerError {
    ServerError::new(
        1366,
        "22007",
        format!(
            "Incorrect {kind} value: '{value}' for column `{schema}`.`{table}`.`{column}` at row {row}"
        ),
    )
}
