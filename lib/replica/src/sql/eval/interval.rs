//! Date arithmetic: `d + INTERVAL n unit`, DATE_ADD / DATE_SUB, EXTRACT,
//! TIMESTAMPDIFF and DATEDIFF. Units come in as sqlparser's field names
//! (`DAY`, `HOUR_MINUTE`, …); an interval is a count of months plus a
//! count of microseconds; dates move by those and come back as DATE when
//! no time part was involved, else DATETIME.

use sqlparser::ast::{BinaryOperator, DateTimeField, Expr, Interval};

use super::cast::temporal_of;
use super::context::EvalContext;
use super::errors::not_supported;
use super::evaluate::evaluate;
use crate::error::{Level, ServerResult};
use crate::sql::value::convert::to_f64;
use crate::sql::value::errors::incorrect_datetime_value;
use crate::sql::value::{Temporal, TemporalKind, Value, to_string_lossy};

/// A span of time: whole months and microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub months: i64,
    pub micros: i128,
}

/// Microseconds of each simple unit; months-based units separately.
fn unit_micros(unit: &str) -> Option<i128> {
    Some(match unit {
        "MICROSECOND" => 1,
        "SECOND" => 1_000_000,
        "MINUTE" => 60_000_000,
        "HOUR" => 3_600_000_000,
        "DAY" => 86_400_000_000,
        "WEEK" => 7 * 86_400_000_000,
        _ => return None,
    })
}

fn unit_months(unit: &str) -> Option<i64> {
    Some(match unit {
        "MONTH" => 1,
        "QUARTER" => 3,
        "YEAR" => 12,
        _ => return None,
    })
}

/// The parts of a compound unit, largest first (`HOUR_MINUTE` → HOUR, MINUTE).
fn compound_parts(unit: &str) -> Option<&'static [&'static str]> {
    Some(match unit {
        "YEAR_MONTH" => &["YEAR", "MONTH"],
        "DAY_HOUR" => &["DAY", "HOUR"],
        "DAY_MINUTE" => &["DAY", "HOUR", "MINUTE"],
        "DAY_SECOND" => &["DAY", "HOUR", "MINUTE", "SECOND"],
        "HOUR_MINUTE" => &["HOUR", "MINUTE"],
        "HOUR_SECOND" => &["HOUR", "MINUTE", "SECOND"],
        "MINUTE_SECOND" => &["MINUTE", "SECOND"],
        "DAY_MICROSECOND" => &["DAY", "HOUR", "MINUTE", "SECOND", "MICROSECOND"],
        "HOUR_MICROSECOND" => &["HOUR", "MINUTE", "SECOND", "MICROSECOND"],
        "MINUTE_MICROSECOND" => &["MINUTE", "SECOND", "MICROSECOND"],
        "SECOND_MICROSECOND" => &["SECOND", "MICROSECOND"],
        _ => return None,
    })
}

/// A unit's upper-case name from sqlparser's field.
pub fn unit_name(field: &DateTimeField) -> String {
    field.to_string().to_ascii_uppercase()
}

/// The span of `value unit`; None when the value is NULL or the unit unknown.
pub fn span_of(value: &Value, unit: &str, ctx: &mut dyn EvalContext) -> Option<Span> {
    if value.is_null() {
        return None;
    }
    if let Some(parts) = compound_parts(unit) {
        return Some(compound_span(&to_string_lossy(value), parts));
    }
    let n = super::evaluate::with_warn(ctx, |w| to_f64(value, w))?;
    if let Some(m) = unit_months(unit) {
        return Some(Span {
            months: n.round() as i64 * m,
            micros: 0,
        });
    }
    let per = unit_micros(unit)?;
    let micros = if per == 1_000_000 {
        (n * 1e6).round() as i128
    } else {
        n.round() as i128 * per
    };
    Some(Span { months: 0, micros })
}

/// `'1:30'` read against the parts of a compound unit (filled from the right).
fn compound_span(text: &str, parts: &[&str]) -> Span {
    let negative = text.trim_start().starts_with('-');
    let nums: Vec<i128> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap_or(0))
        .collect();
    let mut span = Span::default();
    let skip = parts.len().saturating_sub(nums.len());
    for (unit, n) in parts[skip..].iter().zip(nums.iter()) {
        match unit_months(unit) {
            Some(m) => span.months += *n as i64 * m,
            None => span.micros += n * unit_micros(unit).unwrap_or(0),
        }
    }
    if negative {
        span.months = -span.months;
        span.micros = -span.micros;
    }
    span
}

/// `base ± span`: NULL (with warning) for a base that is no date.
pub fn add_span(base: &Value, span: Span, ctx: &mut dyn EvalContext) -> Value {
    if base.is_null() {
        return Value::Null;
    }
    let Some(t) = temporal_of(base, TemporalKind::DateTime) else {
        ctx.warn(incorrect_datetime_value(&to_string_lossy(base)).as_condition(Level::Warning));
        return Value::Null;
    };
    let time_involved = t.kind != TemporalKind::Date || span.micros % 86_400_000_000 != 0;
    let moved = t
        .add_months(span.months)
        .and_then(|m| m.add_micros(span.micros));
    match moved {
        Some(mut m) if time_involved => {
            if t.kind == TemporalKind::Time {
                return Value::Temporal(
                    Temporal::from_seconds(m.signed_seconds(), m.micros, m.fsp)
                        .with_kind(TemporalKind::Time),
                );
            }
            m.kind = TemporalKind::DateTime;
            Value::Temporal(m)
        }
        Some(m) => Value::Temporal(m.with_kind(TemporalKind::Date)),
        None => Value::Null,
    }
}

/// `d + INTERVAL …`, `INTERVAL … + d`, `d - INTERVAL …`.
pub fn add_expr(
    left: &Expr,
    op: &BinaryOperator,
    right: &Expr,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let (base, iv) = match (left, right) {
        (Expr::Interval(iv), base) | (base, Expr::Interval(iv)) => (base, iv),
        _ => unreachable!("add_expr is called with an INTERVAL operand"),
    };
    let negate = matches!(op, BinaryOperator::Minus);
    let base = evaluate(base, ctx)?;
    interval_apply(&base, iv, negate, ctx)
}

/// Applies one INTERVAL to a base value (subtracting when `negate`).
pub fn interval_apply(
    base: &Value,
    iv: &Interval,
    negate: bool,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let unit = iv
        .leading_field
        .as_ref()
        .map_or_else(|| "SECOND".to_string(), unit_name);
    let amount = evaluate(&iv.value, ctx)?;
    if compound_parts(&unit).is_none()
        && unit_micros(&unit).is_none()
        && unit_months(&unit).is_none()
    {
        return Err(not_supported(&format!("INTERVAL unit {unit}")));
    }
    let Some(mut span) = span_of(&amount, &unit, ctx) else {
        return Ok(Value::Null);
    };
    if negate {
        span = Span {
            months: -span.months,
            micros: -span.micros,
        };
    }
    Ok(add_span(base, span, ctx))
}

/// `EXTRACT(field FROM v)`.
pub fn extract(field: &DateTimeField, v: Value, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let unit = unit_name(field);
    let Some(t) = read_temporal(&v, ctx) else {
        return Ok(Value::Null);
    };
    Ok(Value::Int(match unit.as_str() {
        "YEAR" => i64::from(t.year),
        "MONTH" => i64::from(t.month),
        "DAY" => i64::from(t.day),
        "HOUR" => i64::from(t.hour),
        "MINUTE" => i64::from(t.minute),
        "SECOND" => i64::from(t.second),
        "MICROSECOND" => i64::from(t.micros),
        "QUARTER" => (i64::from(t.month) + 2) / 3,
        "YEAR_MONTH" => i64::from(t.year) * 100 + i64::from(t.month),
        other => return Err(not_supported(&format!("EXTRACT({other})"))),
    }))
}

/// A value as a date-time, warning 1292 when it is not one.
pub fn read_temporal(v: &Value, ctx: &mut dyn EvalContext) -> Option<Temporal> {
    if v.is_null() {
        return None;
    }
    let t = temporal_of(v, TemporalKind::DateTime);
    if t.is_none() {
        ctx.warn(incorrect_datetime_value(&to_string_lossy(v)).as_condition(Level::Warning));
    }
    t
}

/// `TIMESTAMPDIFF(unit, a, b)`: whole units from a to b, toward zero.
pub fn timestampdiff(unit: &str, a: &Temporal, b: &Temporal) -> Option<i64> {
    if let Some(per) = unit_months(unit) {
        return Some(month_diff(a, b) / per);
    }
    let per = unit_micros(unit)?;
    Some(((b.sort_key() - a.sort_key()) / per) as i64)
}

/// Whole months from a to b, counting a month only once its day and time are reached.
fn month_diff(a: &Temporal, b: &Temporal) -> i64 {
    let months = (i64::from(b.year) * 12 + i64::from(b.month))
        - (i64::from(a.year) * 12 + i64::from(a.month));
    let rest = |t: &Temporal| (t.day, t.seconds_of_day(), t.micros);
    if months > 0 && rest(b) < rest(a) {
        months - 1
    } else if months < 0 && rest(b) > rest(a) {
        months + 1
    } else {
        months
    }
}
