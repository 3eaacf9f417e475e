//! Arithmetic `+ - * / DIV %` and unary minus with MariaDB's result types:
//! integers stay integers (1690 on BIGINT overflow), any decimal makes a
//! decimal (`/` adds div_precision_increment = 4 digits), any double or
//! string makes a double; division by zero is NULL with warning 1365.
//! Operand values come in, the result value or the 1690 error goes out.

use sqlparser::ast::{BinaryOperator, Expr};

use super::context::EvalContext;
use super::errors::{data_out_of_range, division_by_zero};
use super::evaluate::with_warn;
use crate::error::ServerResult;
use crate::sql::value::convert::{Num, num_to_decimal, num_to_f64, to_num};
use crate::sql::value::{Decimal, Value};

/// Digits `/` adds to the dividend's scale (div_precision_increment).
pub const DIV_PRECISION_INCREMENT: u8 = 4;

/// `a op b` for the arithmetic operators; `whole` names the expression in 1690.
pub fn binary(
    op: &BinaryOperator,
    a: &Value,
    b: &Value,
    whole: &Expr,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let (x, y) = with_warn(ctx, |w| (to_num(a, w), to_num(b, w)));
    let (Some(x), Some(y)) = (x, y) else {
        return Ok(Value::Null);
    };
    let text = whole.to_string();
    match op {
        BinaryOperator::Divide => Ok(divide(x, y, &text, ctx)?),
        BinaryOperator::MyIntegerDivide | BinaryOperator::DuckIntegerDivide => {
            int_divide(x, y, &text, ctx)
        }
        BinaryOperator::Modulo => Ok(modulo(x, y, ctx)),
        _ => add_sub_mul(op, x, y, &text),
    }
}

/// Which arithmetic class two operands combine into.
#[derive(PartialEq, PartialOrd)]
enum Class {
    Signed,
    Unsigned,
    Decimal,
    Double,
}

fn class_of(x: Num, y: Num) -> Class {
    match (x, y) {
        (Num::Dbl(_), _) | (_, Num::Dbl(_)) => Class::Double,
        (Num::Dec(_), _) | (_, Num::Dec(_)) => Class::Decimal,
        (Num::UInt(_), _) | (_, Num::UInt(_)) => Class::Unsigned,
        _ => Class::Signed,
    }
}

/// An integer operand widened to i128.
fn wide(n: Num) -> i128 {
    match n {
        Num::Int(i) => i128::from(i),
        Num::UInt(u) => i128::from(u),
        _ => 0,
    }
}

fn add_sub_mul(op: &BinaryOperator, x: Num, y: Num, text: &str) -> ServerResult<Value> {
    match class_of(x, y) {
        Class::Double => double_result(apply_f64(op, num_to_f64(x), num_to_f64(y)), text),
        Class::Decimal => {
            let (a, b) = (num_to_decimal(x), num_to_decimal(y));
            let r = match op {
                BinaryOperator::Plus => a.checked_add(b),
                BinaryOperator::Minus => a.checked_sub(b),
                _ => a.checked_mul(b),
            };
            r.map(Value::Decimal)
                .ok_or_else(|| data_out_of_range("DECIMAL", text))
        }
        class => {
            let (a, b) = (wide(x), wide(y));
            let r = match op {
                BinaryOperator::Plus => a.checked_add(b),
                BinaryOperator::Minus => a.checked_sub(b),
                _ => a.checked_mul(b),
            };
            integer_result(r, class == Class::Unsigned, text)
        }
    }
}

fn apply_f64(op: &BinaryOperator, a: f64, b: f64) -> f64 {
    match op {
        BinaryOperator::Plus => a + b,
        BinaryOperator::Minus => a - b,
        _ => a * b,
    }
}

/// A double result, 1690 when it overflowed to infinity.
fn double_result(d: f64, text: &str) -> ServerResult<Value> {
    if d.is_finite() {
        Ok(Value::Double(d))
    } else {
        Err(data_out_of_range("DOUBLE", text))
    }
}

/// An integer result within BIGINT (or BIGINT UNSIGNED) or 1690.
fn integer_result(r: Option<i128>, unsigned: bool, text: &str) -> ServerResult<Value> {
    match (r, unsigned) {
        (Some(n), true) if (0..=i128::from(u64::MAX)).contains(&n) => Ok(Value::UInt(n as u64)),
        (Some(n), false) if i64::try_from(n).is_ok() => Ok(Value::Int(n as i64)),
        (_, true) => Err(data_out_of_range("BIGINT UNSIGNED", text)),
        (_, false) => Err(data_out_of_range("BIGINT", text)),
    }
}

/// 1365 for a division by zero that gave NULL, when sql_mode has
/// ERROR_FOR_DIVISION_BY_ZERO (MariaDB is silent otherwise).
fn warn_division_by_zero(ctx: &mut dyn EvalContext) {
    if ctx
        .sql_mode()
        .iter()
        .any(|m| m == "ERROR_FOR_DIVISION_BY_ZERO")
    {
        ctx.warn(division_by_zero());
    }
}

/// `/`: decimal (or double) division; NULL and 1365 for zero.
fn divide(x: Num, y: Num, text: &str, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    if is_zero(y) {
        warn_division_by_zero(ctx);
        return Ok(Value::Null);
    }
    if class_of(x, y) == Class::Double {
        return double_result(num_to_f64(x) / num_to_f64(y), text);
    }
    num_to_decimal(x)
        .checked_div(num_to_decimal(y), DIV_PRECISION_INCREMENT)
        .map(Value::Decimal)
        .ok_or_else(|| data_out_of_range("DECIMAL", text))
}

fn is_zero(n: Num) -> bool {
    match n {
        Num::Int(i) => i == 0,
        Num::UInt(u) => u == 0,
        Num::Dec(d) => d.digits == 0,
        Num::Dbl(d) => d == 0.0,
    }
}

/// `DIV`: integer quotient toward zero; NULL and 1365 for zero.
fn int_divide(x: Num, y: Num, text: &str, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let unsigned = class_of(x, y) == Class::Unsigned;
    let (a, b) = (integral(x), integral(y));
    if b == 0 {
        warn_division_by_zero(ctx);
        return Ok(Value::Null);
    }
    integer_result(a.checked_div(b), unsigned, text)
}

/// The integer part of a number (toward zero).
fn integral(n: Num) -> i128 {
    match n {
        Num::Int(_) | Num::UInt(_) => wide(n),
        Num::Dec(d) => d.truncate(0).digits,
        Num::Dbl(d) => d.trunc() as i128,
    }
}

/// `%` / MOD: remainder with the dividend's sign; NULL and 1365 for zero.
pub fn modulo(x: Num, y: Num, ctx: &mut dyn EvalContext) -> Value {
    if is_zero(y) {
        warn_division_by_zero(ctx);
        return Value::Null;
    }
    match class_of(x, y) {
        Class::Double => Value::Double(num_to_f64(x) % num_to_f64(y)),
        Class::Decimal => num_to_decimal(x)
            .checked_rem(num_to_decimal(y))
            .map_or(Value::Null, Value::Decimal),
        Class::Unsigned => Value::UInt((wide(x) % wide(y)) as u64),
        Class::Signed => Value::Int((wide(x) % wide(y)) as i64),
    }
}

/// Unary minus: `-9223372036854775808` is a BIGINT, beyond it a DECIMAL.
pub fn negate(v: &Value, whole: &Expr, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let Some(n) = with_warn(ctx, |w| to_num(v, w)) else {
        return Ok(Value::Null);
    };
    Ok(match n {
        Num::Int(i) => i.checked_neg().map_or(
            Value::Decimal(Decimal::from_int(-i128::from(i))),
            Value::Int,
        ),
        Num::UInt(u) if u <= 1 << 63 => Value::Int((-i128::from(u)) as i64),
        Num::UInt(u) => Value::Decimal(Decimal::from_int(-i128::from(u))),
        Num::Dec(d) => Value::Decimal(Decimal::new(-d.digits, d.scale)),
        Num::Dbl(d) => double_result(-d, &whole.to_string())?,
    })
}
