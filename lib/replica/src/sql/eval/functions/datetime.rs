//! Date and time functions: DATE, TIME, YEAR, MONTH, DAY, HOUR, MINUTE,
//! SECOND, DATE_FORMAT, DATE_ADD / DATE_SUB, DATEDIFF, TIMESTAMPDIFF,
//! UNIX_TIMESTAMP(x), FROM_UNIXTIME and friends. UNIX_TIMESTAMP(x) and
//! FROM_UNIXTIME read the session's zone from the context; NOW() and the
//! no-argument UNIX_TIMESTAMP() go to `session_function`. Arguments come in as
//! expressions (for the unit keywords) or values; a value goes out.

use sqlparser::ast::Expr;

use super::arity;
use crate::error::ServerResult;
use crate::sql::eval::cast::{temporal_of, to_temporal};
use crate::sql::eval::context::EvalContext;
use crate::sql::eval::evaluate::{evaluate, with_warn};
use crate::sql::eval::interval::{add_span, interval_apply, read_temporal, span_of, timestampdiff};
use crate::sql::value::convert::to_decimal;
use crate::sql::value::errors::incorrect_datetime_value;
use crate::sql::value::{Decimal, Temporal, TemporalKind, Value, to_string_lossy};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Functions whose arguments include a unit keyword or an INTERVAL, or None.
pub fn special_form(
    lower: &str,
    name: &str,
    exprs: &[&Expr],
    ctx: &mut dyn EvalContext,
) -> Option<ServerResult<Value>> {
    let n = exprs.len();
    Some(match lower {
        "timestampdiff" => arity(name, n, 3, 3).and_then(|_| timestampdiff_call(exprs, ctx)),
        "timestampadd" => arity(name, n, 3, 3).and_then(|_| timestampadd_call(exprs, ctx)),
        "date_add" | "adddate" => {
            arity(name, n, 2, 2).and_then(|_| date_add_call(exprs, false, ctx))
        }
        "date_sub" | "subdate" => {
            arity(name, n, 2, 2).and_then(|_| date_add_call(exprs, true, ctx))
        }
        _ => return None,
    })
}

/// The unit named by a bare keyword argument (`DAY`, `SQL_TSI_DAY`).
fn unit_arg(e: &Expr) -> String {
    let text = match e {
        Expr::Identifier(id) => id.value.clone(),
        other => other.to_string(),
    };
    let up = text.to_ascii_uppercase();
    up.strip_prefix("SQL_TSI_")
        .map_or(up.clone(), str::to_string)
}

fn timestampdiff_call(exprs: &[&Expr], ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let unit = unit_arg(exprs[0]);
    let a = evaluate(exprs[1], ctx)?;
    let b = evaluate(exprs[2], ctx)?;
    let (Some(a), Some(b)) = (read_temporal(&a, ctx), read_temporal(&b, ctx)) else {
        return Ok(Value::Null);
    };
    Ok(timestampdiff(&unit, &a, &b).map_or(Value::Null, Value::Int))
}

fn timestampadd_call(exprs: &[&Expr], ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let unit = unit_arg(exprs[0]);
    let amount = evaluate(exprs[1], ctx)?;
    let base = evaluate(exprs[2], ctx)?;
    Ok(match span_of(&amount, &unit, ctx) {
        Some(span) => add_span(&base, span, ctx),
        None => Value::Null,
    })
}

/// DATE_ADD(d, INTERVAL n unit) or ADDDATE(d, days).
fn date_add_call(exprs: &[&Expr], negate: bool, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let base = evaluate(exprs[0], ctx)?;
    if let Expr::Interval(iv) = exprs[1] {
        return interval_apply(&base, iv, negate, ctx);
    }
    let days = evaluate(exprs[1], ctx)?;
    let Some(mut span) = span_of(&days, "DAY", ctx) else {
        return Ok(Value::Null);
    };
    if negate {
        span.micros = -span.micros;
    }
    Ok(add_span(&base, span, ctx))
}

/// The date-time function `lower`, or None.
pub fn call(
    lower: &str,
    name: &str,
    args: &[Value],
    ctx: &mut dyn EvalContext,
) -> Option<ServerResult<Value>> {
    let n = args.len();
    let one = |f: fn(&Temporal) -> Value, ctx: &mut dyn EvalContext| {
        arity(name, n, 1, 1).map(|_| read_temporal(&args[0], ctx).map_or(Value::Null, |t| f(&t)))
    };
    Some(match lower {
        "date" => arity(name, n, 1, 1).map(|_| cast_to(&args[0], TemporalKind::Date, ctx)),
        "time" => arity(name, n, 1, 1).map(|_| time_of(&args[0], ctx)),
        "timestamp" => arity(name, n, 1, 1).map(|_| datetime_of(&args[0], ctx)),
        "year" => one(|t| Value::Int(i64::from(t.year)), ctx),
        "month" => one(|t| Value::Int(i64::from(t.month)), ctx),
        "day" | "dayofmonth" => one(|t| Value::Int(i64::from(t.day)), ctx),
        "quarter" => one(|t| Value::Int((i64::from(t.month) + 2) / 3), ctx),
        "dayofyear" => one(|t| Value::Int(day_of_year(t)), ctx),
        "weekday" => one(|t| Value::Int(weekday(t)), ctx),
        "dayofweek" => one(|t| Value::Int((weekday(t) + 1) % 7 + 1), ctx),
        "dayname" => one(|t| Value::text(DAYS[weekday(t) as usize]), ctx),
        "monthname" => one(|t| month_name(t).map_or(Value::Null, Value::text), ctx),
        "last_day" => one(last_day, ctx),
        "to_days" => one(|t| Value::Int(t.day_number() + 719_528), ctx),
        "hour" => arity(name, n, 1, 1).map(|_| time_part(&args[0], ctx, |t| i64::from(t.hour))),
        "minute" => arity(name, n, 1, 1).map(|_| time_part(&args[0], ctx, |t| i64::from(t.minute))),
        "second" => arity(name, n, 1, 1).map(|_| time_part(&args[0], ctx, |t| i64::from(t.second))),
        "microsecond" => {
            arity(name, n, 1, 1).map(|_| time_part(&args[0], ctx, |t| i64::from(t.micros)))
        }
        "date_format" => arity(name, n, 2, 2).map(|_| date_format_call(args, ctx)),
        "datediff" => arity(name, n, 2, 2).map(|_| datediff(args, ctx)),
        "unix_timestamp" if n == 1 => Ok(unix_timestamp(&args[0], ctx)),
        "from_unixtime" => arity(name, n, 1, 2).map(|_| from_unixtime(args, ctx)),
        _ => return None,
    })
}

fn cast_to(v: &Value, kind: TemporalKind, ctx: &mut dyn EvalContext) -> Value {
    if v.is_null() {
        return Value::Null;
    }
    to_temporal(v, kind, 0, ctx)
}

/// TIME(x): the time part, keeping fractional digits.
fn time_of(v: &Value, ctx: &mut dyn EvalContext) -> Value {
    if v.is_null() {
        return Value::Null;
    }
    match temporal_of(v, TemporalKind::Time) {
        Some(t) => Value::Temporal(t.with_kind(TemporalKind::Time)),
        None => to_temporal(v, TemporalKind::Time, 0, ctx),
    }
}

/// TIMESTAMP(x): a DATETIME, keeping fractional digits.
fn datetime_of(v: &Value, ctx: &mut dyn EvalContext) -> Value {
    if v.is_null() {
        return Value::Null;
    }
    match temporal_of(v, TemporalKind::DateTime) {
        Some(t) => Value::Temporal(t.with_kind(TemporalKind::DateTime)),
        None => to_temporal(v, TemporalKind::DateTime, 0, ctx),
    }
}

/// HOUR/MINUTE/SECOND of a time or date-time.
fn time_part(v: &Value, ctx: &mut dyn EvalContext, f: fn(&Temporal) -> i64) -> Value {
    if v.is_null() {
        return Value::Null;
    }
    match temporal_of(v, TemporalKind::Time) {
        Some(t) => Value::Int(f(&t)),
        None => {
            ctx.warn(
                incorrect_datetime_value(&to_string_lossy(v))
                    .as_condition(crate::error::Level::Warning),
            );
            Value::Null
        }
    }
}

fn day_of_year(t: &Temporal) -> i64 {
    t.day_number() - crate::sql::value::days_from_civil(i64::from(t.year), 1, 1) + 1
}

/// 0 for Monday … 6 for Sunday.
fn weekday(t: &Temporal) -> i64 {
    (t.day_number() + 3).rem_euclid(7)
}

fn month_name(t: &Temporal) -> Option<&'static str> {
    MONTHS.get(usize::from(t.month).checked_sub(1)?).copied()
}

fn last_day(t: &Temporal) -> Value {
    let mut d = t.with_kind(TemporalKind::Date);
    d.day = crate::sql::value::days_in_month(i64::from(t.year), u32::from(t.month.max(1))) as u8;
    Value::Temporal(d)
}

fn datediff(args: &[Value], ctx: &mut dyn EvalContext) -> Value {
    let a = read_temporal(&args[0], ctx);
    let b = read_temporal(&args[1], ctx);
    match (a, b) {
        (Some(a), Some(b)) => Value::Int(a.day_number() - b.day_number()),
        _ => Value::Null,
    }
}

/// UNIX_TIMESTAMP(d): seconds since the epoch of `d` read in the session's
/// zone, decimals for fractions.
fn unix_timestamp(v: &Value, ctx: &mut dyn EvalContext) -> Value {
    let Some(t) = read_temporal(v, ctx) else {
        return Value::Null;
    };
    let secs = ctx.time_zone().epoch_seconds(&t).max(0);
    if t.fsp == 0 {
        return Value::Int(secs);
    }
    let d = Decimal::new(i128::from(secs) * 1_000_000 + i128::from(t.micros), 6);
    d.rescale(t.fsp).map_or(Value::Null, Value::Decimal)
}

/// FROM_UNIXTIME(n[, format]).
fn from_unixtime(args: &[Value], ctx: &mut dyn EvalContext) -> Value {
    let Some(d) = with_warn(ctx, |w| to_decimal(&args[0], w)) else {
        return Value::Null;
    };
    if d.digits < 0 {
        return Value::Null;
    }
    let fsp = d.scale.min(6);
    let micros = d.rescale(6).map_or(0, |m| m.digits);
    let t = ctx.time_zone().local(
        (micros / 1_000_000) as i64,
        (micros % 1_000_000) as u32,
        fsp,
    );
    match args.get(1) {
        Some(f) => date_format(&t, &to_string_lossy(f)),
        None => Value::Temporal(t),
    }
}

fn date_format_call(args: &[Value], ctx: &mut dyn EvalContext) -> Value {
    if args[1].is_null() {
        return Value::Null;
    }
    match read_temporal(&args[0], ctx) {
        Some(t) => date_format(&t, &to_string_lossy(&args[1])),
        None => Value::Null,
    }
}

/// DATE_FORMAT's `%` specifiers.
pub fn date_format(t: &Temporal, fmt: &str) -> Value {
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(spec) => out.push_str(&format_spec(t, spec)),
            None => out.push('%'),
        }
    }
    Value::text(&out)
}

/// The text of one `%x` specifier.
fn format_spec(t: &Temporal, spec: char) -> String {
    let h12 = match t.hour % 12 {
        0 => 12,
        h => h,
    };
    match spec {
        'Y' => format!("{:04}", t.year),
        'y' => format!("{:02}", t.year % 100),
        'm' => format!("{:02}", t.month),
        'c' => t.month.to_string(),
        'd' => format!("{:02}", t.day),
        'e' => t.day.to_string(),
        'D' => format!("{}{}", t.day, ordinal_suffix(t.day)),
        'H' => format!("{:02}", t.hour),
        'k' => t.hour.to_string(),
        'h' | 'I' => format!("{h12:02}"),
        'l' => h12.to_string(),
        'i' => format!("{:02}", t.minute),
        's' | 'S' => format!("{:02}", t.second),
        'f' => format!("{:06}", t.micros),
        'p' => (if t.hour < 12 { "AM" } else { "PM" }).to_string(),
        'M' => month_name(t).unwrap_or("").to_string(),
        'b' => month_name(t).map_or(String::new(), |m| m[..3].to_string()),
        'W' => DAYS[weekday(t) as usize].to_string(),
        'a' => DAYS[weekday(t) as usize][..3].to_string(),
        'w' => ((weekday(t) + 1) % 7).to_string(),
        'j' => format!("{:03}", day_of_year(t)),
        'U' => format!("{:02}", (day_of_year(t) - 1 + 7 - (weekday(t) + 1) % 7) / 7),
        'T' => format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second),
        'r' => format!(
            "{h12:02}:{:02}:{:02} {}",
            t.minute,
            t.second,
            if t.hour < 12 { "AM" } else { "PM" }
        ),
        other => other.to_string(),
    }
}

fn ordinal_suffix(day: u8) -> &'static str {
    match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}
