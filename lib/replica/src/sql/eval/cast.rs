//! CAST(x AS type) and CONVERT(x, type): the target type from sqlparser's
//! DataType, the value converted as MariaDB does with its warnings
//! (1292 truncations, 1264 DECIMAL overflow, the 1105 note of negative
//! UNSIGNED). A value comes in, the converted value goes out.

use sqlparser::ast::{CharacterLength, DataType, ExactNumberInfo, Expr};

use super::context::EvalContext;
use super::errors::{cast_negative_to_unsigned, cast_out_of_range, not_supported};
use super::evaluate::{evaluate, with_warn};
use crate::error::{Level, ServerResult};
use crate::sql::value::convert::{to_decimal, to_f64, to_i64};
use crate::sql::value::errors::{incorrect_datetime_value, truncated_wrong_value};
use crate::sql::value::{Decimal, Temporal, TemporalKind, Value, to_string_lossy, to_text};

/// `CAST(e AS ty)`; `whole` is the expression's text for 1264.
pub fn cast(
    whole: &Expr,
    e: &Expr,
    ty: &DataType,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let v = evaluate(e, ctx)?;
    if v.is_null() {
        return Ok(Value::Null);
    }
    cast_value(&v, ty, &whole.to_string(), ctx)
}

/// Converts a non-NULL value to a target type.
pub fn cast_value(
    v: &Value,
    ty: &DataType,
    text: &str,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    match ty {
        DataType::Signed
        | DataType::SignedInteger
        | DataType::Int(_)
        | DataType::Integer(_)
        | DataType::BigInt(_) => Ok(to_signed(v, ctx)),
        DataType::Unsigned
        | DataType::UnsignedInteger
        | DataType::BigIntUnsigned(_)
        | DataType::IntUnsigned(_) => Ok(to_unsigned(v, ctx)),
        DataType::Char(len) | DataType::Character(len) | DataType::Varchar(len) => {
            Ok(to_char(v, char_len(len), ctx))
        }
        DataType::Text | DataType::String(_) => Ok(Value::Bytes(to_text(v).unwrap_or_default())),
        DataType::Binary(_) | DataType::Varbinary(_) => {
            Ok(Value::Bytes(to_text(v).unwrap_or_default()))
        }
        DataType::Decimal(info) | DataType::Numeric(info) | DataType::Dec(info) => {
            Ok(to_decimal_type(v, info, text, ctx))
        }
        DataType::Double(_)
        | DataType::DoublePrecision
        | DataType::Float(_)
        | DataType::Float64
        | DataType::Real => Ok(with_warn(ctx, |w| to_f64(v, w)).map_or(Value::Null, Value::Double)),
        DataType::Date => Ok(to_temporal(v, TemporalKind::Date, 0, ctx)),
        DataType::Datetime(fsp) | DataType::Timestamp(fsp, _) => Ok(to_temporal(
            v,
            TemporalKind::DateTime,
            fsp.unwrap_or(0) as u8,
            ctx,
        )),
        DataType::Time(fsp, _) => Ok(to_temporal(
            v,
            TemporalKind::Time,
            fsp.unwrap_or(0) as u8,
            ctx,
        )),
        other => Err(not_supported(&format!("CAST AS {other}"))),
    }
}

fn char_len(len: &Option<CharacterLength>) -> Option<usize> {
    match len {
        Some(CharacterLength::IntegerLength { length, .. }) => Some(*length as usize),
        _ => None,
    }
}

/// AS SIGNED: rounded integer; strings warn "INTEGER".
fn to_signed(v: &Value, ctx: &mut dyn EvalContext) -> Value {
    with_warn(ctx, |w| to_i64(v, w)).map_or(Value::Null, Value::Int)
}

/// AS UNSIGNED: negative integers wrap with MariaDB's note.
fn to_unsigned(v: &Value, ctx: &mut dyn EvalContext) -> Value {
    if let Value::UInt(u) = v {
        return Value::UInt(*u);
    }
    if let Value::Decimal(d) = v {
        if d.digits > i128::from(i64::MAX) * 10i128.pow(u32::from(d.scale)) {
            return Value::UInt(
                d.rescale(0)
                    .map_or(u64::MAX, |d| d.digits.min(i128::from(u64::MAX)) as u64),
            );
        }
    }
    match with_warn(ctx, |w| to_i64(v, w)) {
        Some(i) if i < 0 => {
            if matches!(v, Value::Int(_)) {
                ctx.warn(cast_negative_to_unsigned());
            }
            Value::UInt(i as u64)
        }
        Some(i) => Value::UInt(i as u64),
        None => Value::Null,
    }
}

/// AS CHAR[(n)]: the text, cut to n characters with warning 1292.
fn to_char(v: &Value, len: Option<usize>, ctx: &mut dyn EvalContext) -> Value {
    let text = to_string_lossy(v);
    match len {
        Some(n) if text.chars().count() > n => {
            let kind = format!("CHAR({n})");
            ctx.warn(truncated_wrong_value(&kind, &text).as_condition(Level::Warning));
            Value::text(&text.chars().take(n).collect::<String>())
        }
        _ => Value::Bytes(to_text(v).unwrap_or_default()),
    }
}

/// AS DECIMAL(p,s): rounded to s digits, clipped to p with warning 1264.
fn to_decimal_type(
    v: &Value,
    info: &ExactNumberInfo,
    text: &str,
    ctx: &mut dyn EvalContext,
) -> Value {
    let (p, s) = match info {
        ExactNumberInfo::None => (10, 0),
        ExactNumberInfo::Precision(p) => (*p as u32, 0),
        ExactNumberInfo::PrecisionAndScale(p, s) => (*p as u32, (*s).max(0) as u32),
    };
    let (p, s) = (p.clamp(1, 38), s.min(38) as u8);
    let Some(d) = with_warn(ctx, |w| to_decimal(v, w)) else {
        return Value::Null;
    };
    let max = Decimal::new(10i128.pow(p) - 1, s);
    match d.rescale(s) {
        Some(r) if r.compare(max).is_le() && r.compare(Decimal::new(-max.digits, s)).is_ge() => {
            Value::Decimal(r)
        }
        r => {
            ctx.warn(cast_out_of_range(text));
            let negative = r.map_or(d.digits < 0, |r| r.digits < 0);
            Value::Decimal(if negative {
                Decimal::new(-max.digits, s)
            } else {
                max
            })
        }
    }
}

/// AS DATE / DATETIME / TIME: NULL with warning 1292 when it is no date.
pub fn to_temporal(v: &Value, kind: TemporalKind, fsp: u8, ctx: &mut dyn EvalContext) -> Value {
    match temporal_of(v, kind) {
        Some(mut t) => {
            t = t.with_kind(kind);
            if kind != TemporalKind::Date {
                let unit = 10u32.pow(u32::from(6 - fsp.min(6)));
                t.micros = t.micros / unit * unit;
                t.fsp = fsp;
            }
            Value::Temporal(t)
        }
        None => {
            ctx.warn(incorrect_datetime_value(&to_string_lossy(v)).as_condition(Level::Warning));
            Value::Null
        }
    }
}

/// A value read as a date-time (or a time when `kind` is TIME).
pub fn temporal_of(v: &Value, kind: TemporalKind) -> Option<Temporal> {
    match v {
        Value::Temporal(t) => Some(*t),
        Value::Null => None,
        other => {
            let text = to_string_lossy(other);
            match kind {
                TemporalKind::Time => {
                    Temporal::parse_time(&text).or_else(|| Temporal::parse_datetime(&text))
                }
                _ => Temporal::parse_datetime(&text),
            }
        }
    }
}
