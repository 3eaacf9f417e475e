//! information_schema tables about the server rather than the data:
//! SYSTEM_VARIABLES, GLOBAL_VARIABLES, SESSION_VARIABLES, CHARACTER_SETS,
//! COLLATIONS, ENGINES, GLOBAL_STATUS, SESSION_STATUS and OPTIMIZER_TRACE, and COLUMNS (from the catalog), and the SHOW statements that list
//! the same things. `virtual_tables` asks here first; columns and rows go
//! back to the SELECT that reads them.

mod charsets;
mod columns;
mod engines;
mod status;
mod variables;

use sqlparser::ast::ShowStatementFilter;

use crate::session::{Session, StatementResult};
use crate::sql::value::{Row, Value};
use crate::status::StatusScope;

/// Column names and rows of `schema.table` (lower case), if it is one of these.
pub fn read(session: &Session, schema: &str, table: &str) -> Option<(Vec<String>, Vec<Row>)> {
    if schema != "information_schema" {
        return None;
    }
    let (columns, rows): (&[&str], Vec<Row>) = match table {
        "system_variables" => (
            crate::sysvars::SYSTEM_VARIABLES_COLUMNS,
            system_variables(session),
        ),
        "global_variables" => (variables::COLUMNS, variables::rows(session, true)),
        "session_variables" => (variables::COLUMNS, variables::rows(session, false)),
        "character_sets" => (
            charsets::CHARACTER_SETS_COLUMNS,
            charsets::character_set_rows(),
        ),
        "collations" => (charsets::COLLATIONS_COLUMNS, charsets::collation_rows()),
        "engines" => (engines::COLUMNS, engines::rows(session)),
        "columns" => (columns::COLUMNS, columns::rows(session)),
        "global_status" => (status::COLUMNS, status::rows(session, StatusScope::Global)),
        "session_status" => (status::COLUMNS, status::rows(session, StatusScope::Session)),
        "optimizer_trace" => (OPTIMIZER_TRACE, optimizer_trace(session)),
        _ => return None,
    };
    Some((columns.iter().map(|c| c.to_string()).collect(), rows))
}

fn system_variables(session: &Session) -> Vec<Row> {
    session
        .state
        .globals
        .describe(&session.vars)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|c| c.map_or(Value::Null, |t| Value::text(&t)))
                .collect()
        })
        .collect()
}

const OPTIMIZER_TRACE: &[&str] = &[
    "QUERY",
    "TRACE",
    "MISSING_BYTES_BEYOND_MAX_MEM_SIZE",
    "INSUFFICIENT_PRIVILEGES",
];

/// The session's last trace, if it kept one.
fn optimizer_trace(session: &Session) -> Vec<Row> {
    session
        .optimizer_trace
        .iter()
        .map(|t| {
            vec![
                Value::text(&t.query),
                Value::text(&t.trace),
                Value::UInt(t.missing_bytes),
                Value::Int(0),
            ]
        })
        .collect()
}

/// SHOW [GLOBAL|SESSION] STATUS [LIKE …].
pub fn show_status(
    session: &mut Session,
    filter: Option<&ShowStatementFilter>,
    global: bool,
) -> StatementResult {
    status::show(session, filter, global)
}

/// SHOW COLLATION [LIKE …].
pub fn show_collation(
    _session: &mut Session,
    filter: Option<&ShowStatementFilter>,
) -> StatementResult {
    charsets::show_collation(filter)
}

/// SHOW CHARACTER SET [LIKE …].
pub fn show_charset(
    _session: &mut Session,
    filter: Option<&ShowStatementFilter>,
) -> StatementResult {
    charsets::show_charset(filter)
}

/// SHOW [STORAGE] ENGINES.
pub fn show_engines(session: &mut Session) -> StatementResult {
    engines::show(session)
}
