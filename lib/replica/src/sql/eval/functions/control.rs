//! Control-flow functions: IF, IFNULL, NULLIF, COALESCE (only the chosen
//! branch is evaluated, as in MariaDB), GREATEST, LEAST and ISNULL, and
//! NAME_CONST, the named constant procedures' statements are logged with.
//! Expressions or evaluated arguments come in, a value goes out.

use std::cmp::Ordering;

use sqlparser::ast::{Expr, UnaryOperator, Value as SqlValue};

use super::arity;
use crate::error::ServerResult;
use crate::sql::eval::comparison::coerced_order;
use crate::sql::eval::context::EvalContext;
use crate::sql::eval::errors::wrong_arguments;
use crate::sql::eval::evaluate::{bool_value, evaluate, with_warn};
use crate::sql::eval::logic::{truth, unify_scale};
use crate::sql::value::convert::to_f64;
use crate::sql::value::{Value, compare_values};

/// Functions that evaluate only some of their arguments, or None.
pub fn lazy_form(
    lower: &str,
    name: &str,
    exprs: &[&Expr],
    ctx: &mut dyn EvalContext,
) -> Option<ServerResult<Value>> {
    let n = exprs.len();
    Some(match lower {
        "if" => arity(name, n, 3, 3).and_then(|_| if_(exprs, ctx)),
        "ifnull" => arity(name, n, 2, 2).and_then(|_| coalesce(exprs, ctx)),
        "coalesce" => arity(name, n, 1, usize::MAX).and_then(|_| coalesce(exprs, ctx)),
        "name_const" => arity(name, n, 2, 2).and_then(|_| name_const(exprs, ctx)),
        _ => return None,
    })
}

/// NAME_CONST(name, value): the value, which (like the name) must be a
/// literal; 1210 otherwise.
fn name_const(exprs: &[&Expr], ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    if name_const_name(exprs).is_none() || !is_constant(exprs[1]) {
        return Err(wrong_arguments("NAME_CONST"));
    }
    evaluate(exprs[1], ctx)
}

/// The name a NAME_CONST call gives its value (its column's name).
pub fn name_const_name<'a>(exprs: &[&'a Expr]) -> Option<&'a str> {
    match exprs.first()? {
        Expr::Value(v) => match &v.value {
            SqlValue::SingleQuotedString(s) | SqlValue::DoubleQuotedString(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// A literal as the binary log writes one: a plain or typed literal, a
/// negative number, a string with an introducer or a collation.
fn is_constant(expr: &Expr) -> bool {
    match expr {
        Expr::Value(_) | Expr::TypedString(_) => true,
        Expr::Prefixed { value, .. } => is_constant(value),
        Expr::Collate { expr, .. } => is_constant(expr),
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => matches!(expr.as_ref(), Expr::Value(v) if matches!(v.value, SqlValue::Number(..))),
        _ => false,
    }
}

fn if_(exprs: &[&Expr], ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let cond = truth(&evaluate(exprs[0], ctx)?) == Some(true);
    let (chosen, other) = if cond {
        (exprs[1], exprs[2])
    } else {
        (exprs[2], exprs[1])
    };
    let v = evaluate(chosen, ctx)?;
    Ok(unify_scale(v, std::iter::once(other)))
}

fn coalesce(exprs: &[&Expr], ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    for (i, e) in exprs.iter().enumerate() {
        let v = evaluate(e, ctx)?;
        if !v.is_null() {
            let others = exprs
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, e)| *e);
            return Ok(unify_scale(v, others));
        }
    }
    Ok(Value::Null)
}

/// The eager control function `lower`, or None.
pub fn call(
    lower: &str,
    name: &str,
    args: &[Value],
    ctx: &mut dyn EvalContext,
) -> Option<ServerResult<Value>> {
    let n = args.len();
    Some(match lower {
        "nullif" => arity(name, n, 2, 2).map(|_| nullif(args, ctx)),
        "greatest" => arity(name, n, 2, usize::MAX).map(|_| extreme(args, Ordering::Greater, ctx)),
        "least" => arity(name, n, 2, usize::MAX).map(|_| extreme(args, Ordering::Less, ctx)),
        "isnull" => arity(name, n, 1, 1).map(|_| bool_value(args[0].is_null())),
        _ => return None,
    })
}

fn nullif(args: &[Value], ctx: &mut dyn EvalContext) -> Value {
    match coerced_order(&args[0], &args[1], ctx) {
        Some(Ordering::Equal) => Value::Null,
        _ => args[0].clone(),
    }
}

/// GREATEST / LEAST: NULL if any argument is; strings with numbers compare as doubles.
fn extreme(args: &[Value], want: Ordering, ctx: &mut dyn EvalContext) -> Value {
    if args.iter().any(Value::is_null) {
        return Value::Null;
    }
    let all_text = args.iter().all(|a| matches!(a, Value::Bytes(_)));
    let any_text = args.iter().any(|a| matches!(a, Value::Bytes(_)));
    let values: Vec<Value> = if any_text && !all_text {
        args.iter()
            .map(|a| with_warn(ctx, |w| to_f64(a, w)).map_or(Value::Null, Value::Double))
            .collect()
    } else {
        args.to_vec()
    };
    let mut best = values[0].clone();
    for v in &values[1..] {
        if compare_values(v, &best) == want {
            best = v.clone();
        }
    }
    let scale = args.iter().filter_map(|a| match a {
        Value::Decimal(d) => Some(d.scale),
        _ => None,
    });
    match (best, scale.max()) {
        (Value::Int(i), Some(s)) => crate::sql::value::Decimal::from_int(i128::from(i))
            .rescale(s)
            .map_or(Value::Null, Value::Decimal),
        (Value::Decimal(d), Some(s)) => d.rescale(s).map_or(Value::Null, Value::Decimal),
        (b, _) => b,
    }
}
