//! Numeric functions: ABS, SIGN, ROUND, TRUNCATE, FLOOR, CEIL/CEILING, MOD,
//! POW/POWER, SQRT. Exact arguments give exact results (DECIMAL rounds half
//! away from zero), doubles give doubles (ROUND rounds half to even, as
//! MariaDB's rint does). Evaluated arguments come in, a value goes out.

use sqlparser::ast::Expr;

use super::arity;
use crate::error::ServerResult;
use crate::sql::eval::arithmetic::modulo;
use crate::sql::eval::context::EvalContext;
use crate::sql::eval::errors::data_out_of_range;
use crate::sql::eval::evaluate::with_warn;
use crate::sql::value::convert::{Num, num_to_f64, num_value, to_i64, to_num};
use crate::sql::value::{Decimal, Value};

/// The numeric function `lower`, or None.
pub fn call(
    lower: &str,
    name: &str,
    args: &[Value],
    whole: &Expr,
    ctx: &mut dyn EvalContext,
) -> Option<ServerResult<Value>> {
    let n = args.len();
    let checked = |min: usize, max: usize| arity(name, n, min, max);
    Some(match lower {
        "abs" => checked(1, 1).and_then(|_| unary(args, ctx, |x| abs(x, whole))),
        "sign" => checked(1, 1).and_then(|_| unary(args, ctx, |x| Ok(Value::Int(sign(x))))),
        "round" => checked(1, 2).map(|_| round(args, false, ctx)),
        "truncate" => checked(2, 2).map(|_| round(args, true, ctx)),
        "floor" => checked(1, 1).and_then(|_| unary(args, ctx, |x| Ok(floor_ceil(x, false)))),
        "ceil" | "ceiling" => {
            checked(1, 1).and_then(|_| unary(args, ctx, |x| Ok(floor_ceil(x, true))))
        }
        "mod" => checked(2, 2)
            .map(|_| binary_nums(args, ctx).map_or(Value::Null, |(x, y)| modulo(x, y, ctx))),
        "pow" | "power" => checked(2, 2).and_then(|_| pow(args, whole, ctx)),
        "sqrt" => checked(1, 1).and_then(|_| unary(args, ctx, |x| Ok(sqrt(x)))),
        _ => return None,
    })
}

/// Runs `f` on the one argument's number; NULL stays NULL.
fn unary(
    args: &[Value],
    ctx: &mut dyn EvalContext,
    f: impl FnOnce(Num) -> ServerResult<Value>,
) -> ServerResult<Value> {
    match with_warn(ctx, |w| to_num(&args[0], w)) {
        Some(x) => f(x),
        None => Ok(Value::Null),
    }
}

fn binary_nums(args: &[Value], ctx: &mut dyn EvalContext) -> Option<(Num, Num)> {
    with_warn(ctx, |w| Some((to_num(&args[0], w)?, to_num(&args[1], w)?)))
}

fn abs(x: Num, whole: &Expr) -> ServerResult<Value> {
    Ok(match x {
        Num::Int(i) => Value::Int(
            i.checked_abs()
                .ok_or_else(|| data_out_of_range("BIGINT", &whole.to_string()))?,
        ),
        Num::UInt(u) => Value::UInt(u),
        Num::Dec(d) => Value::Decimal(Decimal::new(d.digits.abs(), d.scale)),
        Num::Dbl(d) => Value::Double(d.abs()),
    })
}

fn sign(x: Num) -> i64 {
    match x {
        Num::Int(i) => i.signum(),
        Num::UInt(u) => i64::from(u > 0),
        Num::Dec(d) => d.digits.signum() as i64,
        Num::Dbl(d) if d > 0.0 => 1,
        Num::Dbl(d) if d < 0.0 => -1,
        Num::Dbl(_) => 0,
    }
}

/// ROUND(x[, d]) and TRUNCATE(x, d).
fn round(args: &[Value], truncate: bool, ctx: &mut dyn EvalContext) -> Value {
    let places = match args.get(1) {
        Some(p) => match with_warn(ctx, |w| to_i64(p, w)) {
            Some(p) => p.clamp(-64, 38),
            None => return Value::Null,
        },
        None => 0,
    };
    let Some(x) = with_warn(ctx, |w| to_num(&args[0], w)) else {
        return Value::Null;
    };
    match x {
        Num::Dbl(d) => Value::Double(round_double(d, places, truncate)),
        Num::Dec(d) => round_decimal(d, places, truncate),
        Num::Int(_) | Num::UInt(_) if places >= 0 => num_value(x),
        int => match round_decimal(
            crate::sql::value::convert::num_to_decimal(int),
            places,
            truncate,
        ) {
            Value::Decimal(d) => int_of(d.digits),
            other => other,
        },
    }
}

/// An integer result as Int or UInt.
fn int_of(n: i128) -> Value {
    i64::try_from(n).map_or_else(
        |_| u64::try_from(n).map_or(Value::Null, Value::UInt),
        Value::Int,
    )
}

fn round_double(d: f64, places: i64, truncate: bool) -> f64 {
    let f = 10f64.powi(places as i32);
    let scaled = d * f;
    let r = if truncate {
        scaled.trunc()
    } else {
        scaled.round_ties_even()
    };
    if places > 0 && !r.is_finite() {
        return d;
    }
    r / f
}

fn round_decimal(d: Decimal, places: i64, truncate: bool) -> Value {
    if places >= 0 {
        let scale = (places as u8).min(d.scale);
        let r = if truncate {
            Some(d.truncate(scale))
        } else {
            d.rescale(scale)
        };
        return r.map_or(Value::Null, Value::Decimal);
    }
    let shift = places.unsigned_abs() as u8;
    let Some(unit) = 10i128.checked_pow(u32::from(shift)) else {
        return Value::Decimal(Decimal::new(0, 0));
    };
    let scaled = Decimal::new(d.digits, d.scale.saturating_add(shift));
    let q = if truncate {
        scaled.truncate(0).digits
    } else {
        scaled.rescale(0).map_or(0, |r| r.digits)
    };
    Value::Decimal(Decimal::new(q * unit, 0))
}

/// FLOOR / CEILING: integers for exact numbers, doubles for doubles.
fn floor_ceil(x: Num, up: bool) -> Value {
    match x {
        Num::Int(_) | Num::UInt(_) => num_value(x),
        Num::Dec(d) => int_of(d.floor_ceil(up)),
        Num::Dbl(d) => Value::Double(if up { d.ceil() } else { d.floor() }),
    }
}

fn pow(args: &[Value], whole: &Expr, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let Some((x, y)) = binary_nums(args, ctx) else {
        return Ok(Value::Null);
    };
    let r = num_to_f64(x).powf(num_to_f64(y));
    if r.is_finite() {
        Ok(Value::Double(r))
    } else if r.is_nan() {
        Ok(Value::Null)
    } else {
        Err(data_out_of_range("DOUBLE", &whole.to_string()))
    }
}

fn sqrt(x: Num) -> Value {
    let d = num_to_f64(x);
    if d < 0.0 {
        Value::Null
    } else {
        Value::Double(d.sqrt())
    }
}
