//! Comparisons `= <> != < <= > >= <=>`, BETWEEN and IN (list) with
//! MariaDB's coercions: strings against numbers read as numbers (with the
//! 1292 warning), strings against strings by collation, dates against
//! strings as dates. Values or expressions come in, 1, 0 or NULL out.

use std::cmp::Ordering;

use sqlparser::ast::{BinaryOperator, Expr};

use super::context::EvalContext;
use super::evaluate::{bool_value, evaluate, with_warn};
use crate::error::ServerResult;
use crate::sql::value::convert::{num_value, str_to_exact, str_to_f64};
use crate::sql::value::{Value, compare_values};

/// The order of two non-NULL values after coercion; None if either is NULL.
pub fn coerced_order(a: &Value, b: &Value, ctx: &mut dyn EvalContext) -> Option<Ordering> {
    if a.is_null() || b.is_null() {
        return None;
    }
    let (a, b) = match (a, b) {
        (Value::Bytes(s), n) if is_number(n) => (number_of_text(s, n, ctx), b.clone()),
        (n, Value::Bytes(s)) if is_number(n) => (a.clone(), number_of_text(s, n, ctx)),
        _ => (a.clone(), b.clone()),
    };
    Some(compare_values(&a, &b))
}

fn is_number(v: &Value) -> bool {
    matches!(
        v,
        Value::Int(_) | Value::UInt(_) | Value::Decimal(_) | Value::Double(_)
    )
}

/// A string compared with a number, read as that kind of number.
fn number_of_text(s: &[u8], other: &Value, ctx: &mut dyn EvalContext) -> Value {
    with_warn(ctx, |w| match other {
        Value::Double(_) => Value::Double(str_to_f64(s, w)),
        _ => num_value(str_to_exact(s, "DECIMAL", w)),
    })
}

/// `a op b` for the comparison operators.
pub fn compare_op(op: &BinaryOperator, a: &Value, b: &Value, ctx: &mut dyn EvalContext) -> Value {
    if matches!(op, BinaryOperator::Spaceship) {
        return bool_value(null_safe(a, b, ctx));
    }
    let Some(ord) = coerced_order(a, b, ctx) else {
        return Value::Null;
    };
    bool_value(match op {
        BinaryOperator::Eq => ord == Ordering::Equal,
        BinaryOperator::NotEq => ord != Ordering::Equal,
        BinaryOperator::Lt => ord == Ordering::Less,
        BinaryOperator::LtEq => ord != Ordering::Greater,
        BinaryOperator::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    })
}

/// `<=>`: NULL equals NULL.
fn null_safe(a: &Value, b: &Value, ctx: &mut dyn EvalContext) -> bool {
    match (a.is_null(), b.is_null()) {
        (true, true) => true,
        (false, false) => coerced_order(a, b, ctx) == Some(Ordering::Equal),
        _ => false,
    }
}

/// `a <=> b` over expressions (IS [NOT] DISTINCT FROM).
pub fn null_safe_equal(a: &Expr, b: &Expr, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let (x, y) = (evaluate(a, ctx)?, evaluate(b, ctx)?);
    Ok(bool_value(null_safe(&x, &y, ctx)))
}

/// `e [NOT] BETWEEN low AND high`.
pub fn between(
    e: &Expr,
    low: &Expr,
    high: &Expr,
    negated: bool,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let v = evaluate(e, ctx)?;
    let (lo, hi) = (evaluate(low, ctx)?, evaluate(high, ctx)?);
    let above = coerced_order(&v, &lo, ctx).map(|o| o != Ordering::Less);
    let below = coerced_order(&v, &hi, ctx).map(|o| o != Ordering::Greater);
    let r = match (above, below) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    };
    Ok(r.map_or(Value::Null, |b| bool_value(b != negated)))
}

/// `e [NOT] IN (list)`: NULL when nothing matched and a NULL took part.
pub fn in_list(
    e: &Expr,
    list: &[Expr],
    negated: bool,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let v = evaluate(e, ctx)?;
    let items = super::evaluate::evaluate_all(list, ctx)?;
    Ok(in_values(&v, &items, negated, ctx))
}

/// Membership of a value among values, three-valued.
pub fn in_values(v: &Value, items: &[Value], negated: bool, ctx: &mut dyn EvalContext) -> Value {
    if v.is_null() {
        return Value::Null;
    }
    let mut saw_null = false;
    for item in items {
        match coerced_order(v, item, ctx) {
            Some(Ordering::Equal) => return bool_value(!negated),
            None => saw_null = true,
            Some(_) => {}
        }
    }
    if saw_null {
        Value::Null
    } else {
        bool_value(negated)
    }
}
