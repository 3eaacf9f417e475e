//! Subqueries inside expressions: scalar `(SELECT …)`, `EXISTS (…)` and
//! `x IN (SELECT …)`. The query goes to the context, which runs it; rows
//! come back and become one value (1241/1242 when they cannot).

use sqlparser::ast::{Expr, Query};

use super::comparison::in_values;
use super::context::EvalContext;
use super::errors::{operand_columns, subquery_more_than_one_row};
use super::evaluate::{bool_value, evaluate};
use crate::error::ServerResult;
use crate::sql::value::Value;

/// `(SELECT …)`: NULL for no row, 1242 for several, 1241 for several columns.
pub fn scalar(q: &Query, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let rows = ctx.subquery(q)?;
    if rows.first().is_some_and(|r| r.len() != 1) {
        return Err(operand_columns(1));
    }
    if rows.len() > 1 {
        return Err(subquery_more_than_one_row());
    }
    Ok(rows
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next())
        .unwrap_or(Value::Null))
}

/// `[NOT] EXISTS (…)`.
pub fn exists(q: &Query, negated: bool, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let rows = ctx.subquery(q)?;
    Ok(bool_value(rows.is_empty() == negated))
}

/// `e [NOT] IN (SELECT …)`.
pub fn in_subquery(
    e: &Expr,
    q: &Query,
    negated: bool,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let v = evaluate(e, ctx)?;
    let rows = ctx.subquery(q)?;
    if rows.first().is_some_and(|r| r.len() != 1) {
        return Err(operand_columns(1));
    }
    let items: Vec<Value> = rows
        .into_iter()
        .filter_map(|r| r.into_iter().next())
        .collect();
    Ok(in_values(&v, &items, negated, ctx))
}
