//! `SELECT … INTO @var[, @var…]` outside a stored routine: the query runs
//! without its INTO, its one row's values go to the user variables, and the
//! client gets an OK. No row leaves the variable alone with warning 1329;
//! more rows fail with 1172, another column count with 1222. The parsed
//! query comes in; the session's user variables change.

use sqlparser::ast::{Query, SetExpr};

use super::{ok, select};
use crate::error::{Level, ServerError};
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
    match rows.as_slice() {
        [] => {
            session.warn(no_data().as_condition(Level::Warning));
            ok(0)
        }
        [row] if row.len() == targets.len() => {
            for (target, value) in targets.iter().zip(row) {
                let name = target.trim_start_matches('@').to_ascii_lowercase();
                session.user_vars.insert(name, value.clone());
            }
            ok(1)
        }
        [_] => Err(ServerError::new(
            1222,
            "21000",
            "The used SELECT statements have a different number of columns",
        )),
        _ => Err(ServerError::new(
            1172,
            "42000",
            "Result consisted of more than one row",
        )),
    }
}

/// ER_SP_FETCH_NO_DATA.
fn no_data() -> ServerError {
    ServerError::new(
        1329,
        "02000",
        "No data - zero rows fetched, selected, or processed",
    )
}
