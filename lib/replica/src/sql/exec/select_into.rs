//! `SELECT … INTO @var[, @var…]` outside a stored routine: the query runs
//! without its INTO, and its one row's values go to the user variables as
//! a routine's SELECT … INTO stores them (`routines::store_one_row`); the
//! client gets an OK. The parsed query comes in; the session's user
//! variables change.

use sqlparser::ast::{Query, SetExpr};

use super::{ok, select};
use crate::session::{Session, StatementResult};

/// The user variables a SELECT stores into, if that is its INTO.
pub fn targets(query: &Query) -> Option<Vec<String>> {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return None;
    };
    let names: Vec<String> = select
        .into
        .as_ref()?
        .targets
        .iter()
        .map(|t| t.to_string())
        .collect();
    (!names.is_empty() && names.iter().all(|n| n.starts_with('@'))).then_some(names)
}

/// Runs the query and stores its values in `targets`.
pub fn run(session: &mut Session, query: &Query, targets: &[String]) -> StatementResult {
    let mut plain = query.clone();
    if let SetExpr::Select(select) = plain.body.as_mut() {
        select.into = None;
    }
    let rows = select::subquery_rows(session, &plain)?;
    let stored = crate::sql::routines::store_one_row(session, &rows, targets)?;
    ok(stored)
}
