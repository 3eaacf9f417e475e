//! Three-valued logic: SQL truth of a value, AND, OR, XOR, NOT, IS
//! [NOT] TRUE/FALSE/UNKNOWN and CASE. Expressions come in (AND/OR
//! short-circuit as MariaDB does), 1, 0 or NULL goes out.

use sqlparser::ast::{BinaryOperator, CaseWhen, Expr};

use super::comparison::compare_op;
use super::context::EvalContext;
use super::evaluate::{bool_value, evaluate};
use crate::error::ServerResult;
use crate::sql::value::Value;
use crate::sql::value::convert::number_prefix;

/// SQL truth of a value; NULL is None.
pub fn truth(v: &Value) -> Option<bool> {
    Some(match v {
        Value::Null => return None,
        Value::Int(i) => *i != 0,
        Value::UInt(u) => *u != 0,
        Value::Double(d) => *d != 0.0,
        Value::Decimal(d) => d.digits != 0,
        Value::Bytes(b) => {
            let text = String::from_utf8_lossy(b);
            number_prefix(&text)
                .0
                .parse::<f64>()
                .is_ok_and(|d| d != 0.0)
        }
        Value::Temporal(t) => t.sort_key() != 0 || t.year != 0,
    })
}

/// A truth as 1, 0 or NULL.
fn truth_value(t: Option<bool>) -> Value {
    t.map_or(Value::Null, bool_value)
}

/// `NOT v`.
pub fn not(v: &Value) -> Value {
    truth_value(truth(v).map(|b| !b))
}

/// `a AND b`: false wins over NULL.
pub fn and(a: &Expr, b: &Expr, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let x = truth(&evaluate(a, ctx)?);
    if x == Some(false) {
        return Ok(bool_value(false));
    }
    let y = truth(&evaluate(b, ctx)?);
    Ok(truth_value(match (x, y) {
        (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }))
}

/// `a OR b`: true wins over NULL.
pub fn or(a: &Expr, b: &Expr, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let x = truth(&evaluate(a, ctx)?);
    if x == Some(true) {
        return Ok(bool_value(true));
    }
    let y = truth(&evaluate(b, ctx)?);
    Ok(truth_value(match (x, y) {
        (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }))
}

/// `a XOR b`: NULL when either is.
pub fn xor(a: &Expr, b: &Expr, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let x = truth(&evaluate(a, ctx)?);
    let y = truth(&evaluate(b, ctx)?);
    Ok(truth_value(x.zip(y).map(|(x, y)| x != y)))
}

/// `v IS [NOT] TRUE/FALSE/UNKNOWN` (never NULL).
pub fn is_truth(v: Value, want: Option<bool>, negated: bool) -> ServerResult<Value> {
    Ok(bool_value((truth(&v) == want) != negated))
}

/// `CASE [operand] WHEN … THEN … [ELSE …] END`.
pub fn case(
    operand: Option<&Expr>,
    whens: &[CaseWhen],
    otherwise: Option<&Expr>,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let subject = operand.map(|e| evaluate(e, ctx)).transpose()?;
    for when in whens {
        let c = evaluate(&when.condition, ctx)?;
        let hit = match &subject {
            Some(s) => truth(&compare_op(&BinaryOperator::Eq, s, &c, ctx)),
            None => truth(&c),
        };
        if hit == Some(true) {
            let v = evaluate(&when.result, ctx)?;
            return Ok(unify_scale(
                v,
                whens.iter().map(|w| &w.result).chain(otherwise),
            ));
        }
    }
    match otherwise {
        Some(e) => {
            let v = evaluate(e, ctx)?;
            Ok(unify_scale(v, whens.iter().map(|w| &w.result)))
        }
        None => Ok(Value::Null),
    }
}

/// An exact result shown with the largest scale of the other branches'
/// decimal literals, as MariaDB's common result type does (`1` → `1.0`).
pub fn unify_scale<'a>(v: Value, branches: impl Iterator<Item = &'a Expr>) -> Value {
    let scale = branches.filter_map(literal_scale).max().unwrap_or(0);
    if scale == 0 {
        return v;
    }
    let d = match &v {
        Value::Int(i) => crate::sql::value::Decimal::from_int(i128::from(*i)),
        Value::UInt(u) => crate::sql::value::Decimal::from_int(i128::from(*u)),
        Value::Decimal(d) => *d,
        _ => return v,
    };
    d.rescale(scale.max(d.scale)).map_or(v, Value::Decimal)
}

/// The scale of a decimal literal branch.
fn literal_scale(e: &Expr) -> Option<u8> {
    match e {
        Expr::Value(v) => match &v.value {
            sqlparser::ast::Value::Number(t, _) if !t.contains(['e', 'E']) => {
                t.split_once('.').map(|(_, f)| f.len() as u8)
            }
            _ => None,
        },
        _ => None,
    }
}
