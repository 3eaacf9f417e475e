//! UPDATE … ORDER BY … LIMIT n and DELETE … ORDER BY … LIMIT n: which
//! rows of the scan the statement changes. ORDER BY sorts the scanned
//! rows by its expressions (NULLs first when ascending, as MariaDB sorts);
//! LIMIT caps the rows that match WHERE. Rows come in from the scan; the
//! same rows, reordered, go out to `dml`, with the cap.

use std::cmp::Ordering;

use sqlparser::ast::{Expr, OrderByExpr, OrderBySort};

use super::context::{RowContext, Source};
use crate::error::ServerResult;
use crate::session::Session;
use crate::sql::eval::evaluate;
use crate::sql::value::{Row, Value, compare_values};
use crate::storage::RowId;

/// The rows in ORDER BY's order (scan order when there is none; ties keep it).
pub(super) fn ordered(
    session: &mut Session,
    source: &Source,
    rows: Vec<(RowId, Row)>,
    order_by: &[OrderByExpr],
) -> ServerResult<Vec<(RowId, Row)>> {
    if order_by.is_empty() {
        return Ok(rows);
    }
    let mut keyed = Vec::with_capacity(rows.len());
    for (id, row) in rows {
        let mut keys = Vec::with_capacity(order_by.len());
        for o in order_by {
            let sources = std::slice::from_ref(source);
            let mut ctx = RowContext::new(session, sources, &row, "ORDER BY");
            keys.push(evaluate(&o.expr, &mut ctx)?);
        }
        keyed.push((keys, id, row));
    }
    keyed.sort_by(|(a, ..), (b, ..)| {
        order_by
            .iter()
            .zip(a.iter().zip(b))
            .map(|(o, (x, y))| {
                let order = compare_values(x, y);
                match o.options.sort {
                    Some(OrderBySort::Desc) => order.reverse(),
                    _ => order,
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    Ok(keyed.into_iter().map(|(_, id, row)| (id, row)).collect())
}

/// LIMIT's row count (None: no LIMIT).
pub(super) fn limit(session: &mut Session, limit: Option<&Expr>) -> ServerResult<Option<u64>> {
    let Some(limit) = limit else {
        return Ok(None);
    };
    let mut ctx = RowContext::new(session, &[], &[], "LIMIT");
    Ok(Some(match evaluate(limit, &mut ctx)? {
        Value::Int(i) => u64::try_from(i).unwrap_or(0),
        Value::UInt(u) => u,
        _ => 0,
    }))
}
