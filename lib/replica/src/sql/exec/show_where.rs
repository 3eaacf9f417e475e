//! SHOW … WHERE expr: a SHOW statement's rows kept where the expression,
//! which names the result's own columns (`Variable_name`, `Value`, …), is
//! true. The SHOW builds its rows as text; they come in here with the
//! column names and leave filtered.

use sqlparser::ast::ShowStatementFilter;

use super::context::{RowContext, Source};
use crate::error::ServerResult;
use crate::session::Session;
use crate::sql::eval::{evaluate, truth};
use crate::sql::value::{Row, Value};

/// `rows` filtered by a WHERE filter; any other filter (or none) keeps them all.
pub fn filter(
    session: &mut Session,
    filter: Option<&ShowStatementFilter>,
    names: &[&str],
    rows: Vec<Vec<String>>,
) -> ServerResult<Vec<Vec<String>>> {
    let Some(ShowStatementFilter::Where(condition)) = filter else {
        return Ok(rows);
    };
    let sources = [Source {
        alias: String::new(),
        schema: String::new(),
        table: String::new(),
        columns: names.iter().map(|n| n.to_string()).collect(),
        def: None,
        offset: 0,
    }];
    let mut kept = Vec::new();
    for row in rows {
        let values: Row = row.iter().map(|v| Value::text(v)).collect();
        let mut ctx = RowContext::new(session, &sources, &values, "WHERE");
        if truth(&evaluate(condition, &mut ctx)?) == Some(true) {
            kept.push(row);
        }
    }
    Ok(kept)
}
