//! Constructors for the errors and warnings expression evaluation raises,
//! one per MariaDB error, with MariaDB's exact codes, SQLSTATEs and texts.

use crate::error::{Condition, Level, ServerError};

/// 1690: integer or double arithmetic left its type's range (`kind` is
/// BIGINT, BIGINT UNSIGNED, DOUBLE or DECIMAL; `expr` the expression's text).
pub fn data_out_of_range(kind: &str, expr: &str) -> ServerError {
    ServerError::new(
        1690,
        "22003",
        format!("{kind} value is out of range in '{expr}'"),
    )
}

/// 1365 as the warning of a division by zero that returned NULL.
pub fn division_by_zero() -> Condition {
    ServerError::new(1365, "22012", "Division by 0").as_condition(Level::Warning)
}

/// 1111: an aggregate where no group is being computed.
pub fn invalid_group_function_use() -> ServerError {
    ServerError::new(1111, "HY000", "Invalid use of group function")
}

/// 1242: a scalar subquery returned more than one row.
pub fn subquery_more_than_one_row() -> ServerError {
    ServerError::new(1242, "21000", "Subquery returns more than 1 row")
}

/// 1241: an operand with the wrong number of columns.
pub fn operand_columns(n: usize) -> ServerError {
    ServerError::new(
        1241,
        "21000",
        format!("Operand should contain {n} column(s)"),
    )
}

/// 1305: a function that is neither built in nor stored (`name` as `db.f` or `f`).
pub fn function_does_not_exist(name: &str) -> ServerError {
    ServerError::new(1305, "42000", format!("FUNCTION {name} does not exist"))
}

/// 1582: a built-in function called with the wrong number of arguments.
pub fn wrong_param_count(name: &str) -> ServerError {
    ServerError::new(
        1582,
        "42000",
        format!("Incorrect parameter count in the call to native function '{name}'"),
    )
}

/// 1139: a REGEXP pattern the regex engine rejects.
pub fn regexp_error(detail: &str) -> ServerError {
    ServerError::new(1139, "42000", format!("Regex error '{detail}'"))
}

/// 1210: arguments a function cannot take (e.g. an ESCAPE of several characters).
pub fn wrong_arguments(what: &str) -> ServerError {
    ServerError::new(1210, "HY000", format!("Incorrect arguments to {what}"))
}

/// 1105 note of CAST(negative AS UNSIGNED), with MariaDB's own spelling.
pub fn cast_negative_to_unsigned() -> Condition {
    ServerError::new(
        1105,
        "HY000",
        "Cast to unsigned converted negative integer to it's positive complement",
    )
    .as_condition(Level::Note)
}

/// 1235: syntax the evaluator does not implement.
pub fn not_supported(what: &str) -> ServerError {
    ServerError::new(
        1235,
        "42000",
        format!("This version of MariaDB doesn't yet support '{what}'"),
    )
}

/// 1264 warning of a CAST to DECIMAL(p,s) that clipped its value.
pub fn cast_out_of_range(expr: &str) -> Condition {
    ServerError::new(
        1264,
        "22003",
        format!("Out of range value for column '{expr}' at row 1"),
    )
    .as_condition(Level::Warning)
}
