//! information_schema.GLOBAL_VARIABLES and SESSION_VARIABLES: SHOW
//! [GLOBAL] VARIABLES as a table, names in capitals. The session's
//! variables and the globals come in; rows go out to the SELECT.

use crate::session::Session;
use crate::sql::value::{Row, Value};

/// Both tables' columns.
pub const COLUMNS: &[&str] = &["VARIABLE_NAME", "VARIABLE_VALUE"];

/// Every variable of the scope with its value as SHOW VARIABLES prints it.
pub fn rows(session: &Session, global: bool) -> Vec<Row> {
    session
        .state
        .globals
        .show(&session.vars, global, &|_| true)
        .into_iter()
        .map(|(name, value)| vec![Value::text(&name.to_ascii_uppercase()), Value::text(&value)])
        .collect()
}
