//! Converting a value into a column's type as INSERT and UPDATE do:
//! integer ranges, decimal scale, string lengths, ENUM/SET members, dates.
//! A value and the column come in; the stored value comes out, or in
//! strict mode the error MariaDB raises; in non-strict mode the clipped
//! value comes out and the condition goes to `warn` as a warning.

use super::convert::{Parsed, number_prefix};
use super::errors::*;
use super::{Decimal, Temporal, TemporalKind, Value, to_string_lossy};
use crate::error::{Condition, Level, ServerError, ServerResult};
use crate::sql::types::{IntWidth, LobSize, SqlType};
use crate::storage::schema::ColumnDef;

/// Where a value is being stored: for the texts of 1264, 1265, 1292, 1366, 1406.
struct Target<'a> {
    column: &'a ColumnDef,
    table: &'a str,
    schema: &'a str,
    row: u64,
    /// sql_mode TIME_ROUND_FRACTIONAL: extra fractional digits round.
    round_fractions: bool,
}

/// How a store treats bad values and extra fractional-second digits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreMode {
    pub strict: bool,
    /// sql_mode TIME_ROUND_FRACTIONAL (else extra digits are cut).
    pub round_fractions: bool,
}

/// A conversion's result: the value, or what it found wrong.
type Checked<T> = Result<T, Box<Problem>>;

/// What a conversion found wrong, before the mode decides error or warning.
struct Problem {
    /// The error raised in strict mode.
    strict: ServerError,
    /// The condition recorded otherwise (often 1265 where strict says 1406/1292).
    lax: ServerError,
    /// The value stored when not strict.
    clipped: Value,
}

/// Converts a value into the column's type (table and schema unknown: 1366
/// and 1292 texts name them empty; see [`store_in_table`]).
pub fn store(
    value: Value,
    column: &ColumnDef,
    row: u64,
    strict: bool,
    ctx_warn: &mut dyn FnMut(Condition),
) -> ServerResult<Value> {
    let mode = StoreMode {
        strict,
        round_fractions: false,
    };
    store_with(value, column, row, mode, ctx_warn)
}

/// [`store`] under a full [`StoreMode`].
pub fn store_with(
    value: Value,
    column: &ColumnDef,
    row: u64,
    mode: StoreMode,
    warn: &mut dyn FnMut(Condition),
) -> ServerResult<Value> {
    store_target(value, column, ("", ""), row, mode, warn)
}

/// Converts a value into the column `schema`.`table`.`column` as INSERT/UPDATE do.
pub fn store_in_table(
    value: Value,
    column: &ColumnDef,
    table: &str,
    schema: &str,
    row: u64,
    strict: bool,
    warn: &mut dyn FnMut(Condition),
) -> ServerResult<Value> {
    let mode = StoreMode {
        strict,
        round_fractions: false,
    };
    store_target(value, column, (table, schema), row, mode, warn)
}

fn store_target(
    value: Value,
    column: &ColumnDef,
    (table, schema): (&str, &str),
    row: u64,
    mode: StoreMode,
    warn: &mut dyn FnMut(Condition),
) -> ServerResult<Value> {
    let strict = mode.strict;
    if value.is_null() {
        return Ok(Value::Null);
    }
    let target = Target {
        column,
        table,
        schema,
        row,
        round_fractions: mode.round_fractions,
    };
    let mut notes = Vec::new();
    let result = convert(&value, &target, &mut notes);
    for n in notes {
        warn(n);
    }
    match result {
        Ok(v) => Ok(v),
        Err(p) if strict => Err(p.strict),
        Err(p) => {
            warn(p.lax.as_condition(Level::Warning));
            Ok(p.clipped)
        }
    }
}

/// Dispatches on the column's type.
fn convert(v: &Value, t: &Target, notes: &mut Vec<Condition>) -> Checked<Value> {
    match &t.column.ty {
        SqlType::Int {
            width, unsigned, ..
        } => store_int(v, int_range(*width, *unsigned), t),
        SqlType::Year => store_year(v, t),
        SqlType::Bit(n) => store_bit(v, *n, t),
        SqlType::Decimal {
            precision,
            scale,
            unsigned,
        } => store_decimal(v, *precision, *scale, *unsigned, t, notes),
        SqlType::Double { unsigned } | SqlType::Float { unsigned } => store_double(v, *unsigned, t),
        SqlType::Char { length, binary } | SqlType::Varchar { length, binary } => {
            store_chars(v, *length as usize, *binary, t, notes)
        }
        SqlType::Text(size) => store_chars(v, lob_bytes(*size), false, t, notes),
        SqlType::Blob(size) => store_chars(v, lob_bytes(*size), true, t, notes),
        SqlType::Date => store_temporal(v, TemporalKind::Date, 0, t, notes),
        SqlType::DateTime { fsp } | SqlType::Timestamp { fsp } => {
            store_temporal(v, TemporalKind::DateTime, *fsp, t, notes)
        }
        SqlType::Time { fsp } => store_temporal(v, TemporalKind::Time, *fsp, t, notes),
        SqlType::Enum(members) => store_enum(v, members, t),
        SqlType::Set(members) => store_set(v, members, t),
    }
}

/// Smallest and largest value of an integer column.
fn int_range(width: IntWidth, unsigned: bool) -> (i128, i128) {
    let bits = match width {
        IntWidth::Tiny => 8,
        IntWidth::Small => 16,
        IntWidth::Medium => 24,
        IntWidth::Int => 32,
        IntWidth::Big => 64,
    };
    if unsigned {
        (0, (1i128 << bits) - 1)
    } else {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    }
}

fn lob_bytes(size: LobSize) -> usize {
    match size {
        LobSize::Tiny => 255,
        LobSize::Normal => 65535,
        LobSize::Medium => 16_777_215,
        LobSize::Long => u32::MAX as usize,
    }
}

/// An integer value from any value, with its clipped form when out of range.
/// A BIT column takes a string's bytes as a big-endian number (b'101',
/// x'0f' and '1' alike, as MariaDB's Field_bit does); numbers as integers.
fn store_bit(v: &Value, width: u8, t: &Target) -> Checked<Value> {
    let hi = (1i128 << width) - 1;
    let Value::Bytes(bytes) = v else {
        return store_int(v, (0, hi), t);
    };
    let significant = bytes.iter().skip_while(|&&b| b == 0).count();
    let n = bytes.iter().fold(0i128, |n, &b| (n << 8) | i128::from(b));
    if significant > 8 || n > hi {
        let e = out_of_range(&t.column.name, t.row);
        return Err(Problem {
            strict: e.clone(),
            lax: e,
            clipped: int_value(hi),
        }
        .into());
    }
    Ok(int_value(n))
}

fn store_int(v: &Value, (lo, hi): (i128, i128), t: &Target) -> Checked<Value> {
    let n = match v {
        Value::Bytes(b) => exact_from_text(b, "integer", t)?
            .rescale(0)
            .map_or(0, |d| d.digits),
        other => number_of(other).rescale(0).map_or(i128::MAX, |d| d.digits),
    };
    let clipped = n.clamp(lo, hi);
    if clipped != n {
        let e = out_of_range(&t.column.name, t.row);
        return Err(Problem {
            strict: e.clone(),
            lax: e,
            clipped: int_value(clipped),
        }
        .into());
    }
    Ok(int_value(n))
}

/// Int, or UInt above i64::MAX.
fn int_value(n: i128) -> Value {
    match i64::try_from(n) {
        Ok(i) => Value::Int(i),
        Err(_) => Value::UInt(n as u64),
    }
}

/// A non-string value as an exact number (doubles through their text).
fn number_of(v: &Value) -> Decimal {
    super::convert::num_to_decimal(
        super::convert::to_num(v, &mut |_| {}).unwrap_or(super::convert::Num::Int(0)),
    )
}

/// A string read as a number for a numeric column: 1366 when it holds none,
/// 1265 when only a prefix is a number.
fn exact_from_text(b: &[u8], kind: &str, t: &Target) -> Checked<Decimal> {
    let text = String::from_utf8_lossy(b);
    let (num, how) = number_prefix(&text);
    let value = Decimal::parse(num)
        .or_else(|| {
            num.parse::<f64>()
                .ok()
                .and_then(|d| Decimal::from_f64(d, 6))
        })
        .unwrap_or(Decimal::new(0, 0));
    match how {
        Parsed::Whole | Parsed::TrailingSpace => Ok(value),
        Parsed::Nothing => {
            let e =
                incorrect_value_for_column(kind, &text, &t.column.name, t.table, t.schema, t.row);
            Err(Problem {
                strict: e.clone(),
                lax: e,
                clipped: Value::Int(0),
            }
            .into())
        }
        Parsed::Prefix => {
            let e = data_truncated(&t.column.name, t.row);
            Err(Problem {
                strict: e.clone(),
                lax: e,
                clipped: Value::Decimal(value),
            }
            .into())
        }
    }
}

/// Re-runs a prefix-truncated number through the type's own check.
fn after_prefix<F>(mut p: Box<Problem>, check: F) -> Box<Problem>
where
    F: FnOnce(&Value) -> Checked<Value>,
{
    p.clipped = match check(&p.clipped) {
        Ok(v) => v,
        Err(inner) => inner.clipped,
    };
    p
}

fn store_year(v: &Value, t: &Target) -> Checked<Value> {
    let n = match v {
        Value::Bytes(b) => {
            let d = exact_from_text(b, "integer", t)?;
            let n = d.rescale(0).map_or(0, |d| d.digits);
            return year_range(
                if n < 100 && !b.is_empty() {
                    two_digit_year(n, true)
                } else {
                    n
                },
                t,
            );
        }
        other => number_of(other).rescale(0).map_or(i128::MAX, |d| d.digits),
    };
    year_range(
        if n != 0 && n < 100 {
            two_digit_year(n, false)
        } else {
            n
        },
        t,
    )
}

/// 1..69 → 2001..2069, 70..99 → 1970..1999 ('0' as a string → 2000).
fn two_digit_year(n: i128, text: bool) -> i128 {
    match n {
        0 if text => 2000,
        0 => 0,
        1..=69 => 2000 + n,
        _ => 1900 + n,
    }
}

fn year_range(n: i128, t: &Target) -> Checked<Value> {
    if n == 0 || (1901..=2155).contains(&n) {
        return Ok(Value::Int(n as i64));
    }
    let e = out_of_range(&t.column.name, t.row);
    Err(Problem {
        strict: e.clone(),
        lax: e,
        clipped: Value::Int(0),
    }
    .into())
}

fn store_decimal(
    v: &Value,
    precision: u8,
    scale: u8,
    unsigned: bool,
    t: &Target,
    notes: &mut Vec<Condition>,
) -> Checked<Value> {
    let d = match v {
        Value::Bytes(b) => match exact_from_text(b, "decimal", t) {
            Ok(d) => d,
            Err(p) => {
                return Err(after_prefix(p, |c| {
                    store_decimal(c, precision, scale, unsigned, t, &mut Vec::new())
                }));
            }
        },
        other => number_of(other),
    };
    let max = Decimal::new(10i128.pow(u32::from(precision)) - 1, scale);
    let min = if unsigned {
        Decimal::new(0, scale)
    } else {
        Decimal::new(-max.digits, scale)
    };
    let rounded = d.rescale(scale).unwrap_or(max);
    if rounded.compare(max).is_gt() || rounded.compare(min).is_lt() {
        let clipped = if rounded.compare(min).is_lt() {
            min
        } else {
            max
        };
        let e = out_of_range(&t.column.name, t.row);
        return Err(Problem {
            strict: e.clone(),
            lax: e,
            clipped: Value::Decimal(clipped),
        }
        .into());
    }
    if rounded.compare(d).is_ne() {
        notes.push(data_truncated(&t.column.name, t.row).as_condition(Level::Note));
    }
    Ok(Value::Decimal(rounded))
}

fn store_double(v: &Value, unsigned: bool, t: &Target) -> Checked<Value> {
    let d = match v {
        Value::Bytes(b) => {
            let text = String::from_utf8_lossy(b);
            let (num, how) = number_prefix(&text);
            let d: f64 = num.parse().unwrap_or(0.0);
            match how {
                Parsed::Whole | Parsed::TrailingSpace => d,
                Parsed::Nothing => {
                    let e = incorrect_value_for_column(
                        "double",
                        &text,
                        &t.column.name,
                        t.table,
                        t.schema,
                        t.row,
                    );
                    return Err(Problem {
                        strict: e.clone(),
                        lax: e,
                        clipped: Value::Double(0.0),
                    }
                    .into());
                }
                Parsed::Prefix => {
                    let e = data_truncated(&t.column.name, t.row);
                    return Err(Problem {
                        strict: e.clone(),
                        lax: e,
                        clipped: Value::Double(d),
                    }
                    .into());
                }
            }
        }
        other => super::convert::to_f64(other, &mut |_| {}).unwrap_or(0.0),
    };
    if unsigned && d < 0.0 {
        let e = out_of_range(&t.column.name, t.row);
        return Err(Problem {
            strict: e.clone(),
            lax: e,
            clipped: Value::Double(0.0),
        }
        .into());
    }
    Ok(Value::Double(d))
}

/// Strings: characters beyond the length are an error (1406) in strict
/// mode unless they are spaces (then a note 1265 in every mode).
fn store_chars(
    v: &Value,
    length: usize,
    binary: bool,
    t: &Target,
    notes: &mut Vec<Condition>,
) -> Checked<Value> {
    let bytes = super::to_text(v).unwrap_or_default();
    let (kept, cut) = if binary {
        let n = bytes.len().min(length);
        (bytes[..n].to_vec(), bytes[n..].to_vec())
    } else {
        let text = String::from_utf8_lossy(&bytes);
        let split = text
            .char_indices()
            .nth(length)
            .map_or(text.len(), |(i, _)| i);
        (
            text[..split].as_bytes().to_vec(),
            text[split..].as_bytes().to_vec(),
        )
    };
    if cut.is_empty() {
        return Ok(Value::Bytes(bytes));
    }
    if cut.iter().all(|&b| b == b' ') {
        notes.push(data_truncated(&t.column.name, t.row).as_condition(Level::Note));
        return Ok(Value::Bytes(kept));
    }
    Err(Problem {
        strict: data_too_long(&t.column.name, t.row),
        lax: data_truncated(&t.column.name, t.row),
        clipped: Value::Bytes(kept),
    }
    .into())
}

/// Dates: unparseable text is 1292 in strict mode, 1265 and a zero date
/// otherwise; a date's time or a TIME's date dropped is a note 1265.
fn store_temporal(
    v: &Value,
    kind: TemporalKind,
    fsp: u8,
    t: &Target,
    notes: &mut Vec<Condition>,
) -> Checked<Value> {
    let parsed = match v {
        Value::Temporal(x) => Some(*x),
        other => {
            let text = to_string_lossy(other);
            match kind {
                TemporalKind::Time => {
                    Temporal::parse_time(&text).or_else(|| Temporal::parse_datetime(&text))
                }
                _ => Temporal::parse_datetime(&text),
            }
        }
    };
    let Some(x) = parsed else {
        return Err(bad_temporal(v, kind, t));
    };
    let loses_time = kind == TemporalKind::Date
        && x.kind == TemporalKind::DateTime
        && (x.seconds_of_day() != 0 || x.micros != 0);
    let loses_date = kind == TemporalKind::Time
        && x.kind == TemporalKind::DateTime
        && (x.year, x.month, x.day) != (0, 0, 0);
    if loses_time || loses_date {
        notes.push(data_truncated(&t.column.name, t.row).as_condition(Level::Note));
    }
    Ok(Value::Temporal(fit_fraction(
        x.with_kind(kind),
        fsp,
        t.round_fractions,
    )))
}

/// The value with `fsp` fractional digits: the rest cut, or rounded
/// half up (carrying into seconds, days) under TIME_ROUND_FRACTIONAL.
fn fit_fraction(mut x: Temporal, fsp: u8, round: bool) -> Temporal {
    let unit = 10u32.pow(u32::from(6 - fsp.min(6)));
    let rest = x.micros % unit;
    x.micros -= rest;
    x.fsp = fsp;
    if !round || rest * 2 < unit {
        return x;
    }
    match x.kind {
        TemporalKind::Time => time_plus_micros(x, unit),
        _ => x
            .add_micros(i128::from(unit))
            .map_or(x, |up| Temporal { fsp, ..up }),
    }
}

/// A TIME's magnitude grown by `micros` (less than a second).
fn time_plus_micros(mut x: Temporal, micros: u32) -> Temporal {
    x.micros += micros;
    if x.micros < 1_000_000 {
        return x;
    }
    x.micros -= 1_000_000;
    let seconds = x.seconds_of_day() + 1;
    x.hour = (seconds / 3600) as u32;
    x.minute = (seconds / 60 % 60) as u8;
    x.second = (seconds % 60) as u8;
    x
}

/// The problem of a value that is no date: 1292 strict, 1265 and zero otherwise.
fn bad_temporal(v: &Value, kind: TemporalKind, t: &Target) -> Box<Problem> {
    let name = match kind {
        TemporalKind::Date => "date",
        TemporalKind::DateTime => "datetime",
        TemporalKind::Time => "time",
    };
    let text = to_string_lossy(v);
    let mut zero = Temporal::date_time(0, 0, 0, 0, 0, 0, 0);
    zero.kind = kind;
    Box::new(Problem {
        strict: incorrect_temporal_for_column(
            name,
            &text,
            &t.column.name,
            t.table,
            t.schema,
            t.row,
        ),
        lax: data_truncated(&t.column.name, t.row),
        clipped: Value::Temporal(zero),
    })
}

/// ENUM: a member's name (any case) or its 1-based index; else 1265 and ''.
fn store_enum(v: &Value, members: &[String], t: &Target) -> Checked<Value> {
    let found = match v {
        Value::Bytes(b) => {
            let text = String::from_utf8_lossy(b);
            let text = text.trim_end_matches(' ');
            members
                .iter()
                .find(|m| m.eq_ignore_ascii_case(text))
                .cloned()
        }
        other => {
            let i = number_of(other).rescale(0).map_or(0, |d| d.digits);
            usize::try_from(i)
                .ok()
                .filter(|&i| i >= 1)
                .and_then(|i| members.get(i - 1))
                .cloned()
        }
    };
    match found {
        Some(m) => Ok(Value::text(&m)),
        None => {
            let e = data_truncated(&t.column.name, t.row);
            Err(Problem {
                strict: e.clone(),
                lax: e,
                clipped: Value::text(""),
            }
            .into())
        }
    }
}

/// SET: comma-separated members (any case) or a bit mask; unknown ones are 1265.
fn store_set(v: &Value, members: &[String], t: &Target) -> Checked<Value> {
    let mut mask: u64 = 0;
    let mut bad = false;
    match v {
        Value::Bytes(b) => {
            for part in String::from_utf8_lossy(b)
                .split(',')
                .filter(|p| !p.is_empty())
            {
                match members.iter().position(|m| m.eq_ignore_ascii_case(part)) {
                    Some(i) => mask |= 1 << i,
                    None => bad = true,
                }
            }
        }
        other => {
            let n = number_of(other).rescale(0).map_or(0, |d| d.digits);
            let all = (1u128 << members.len()) - 1;
            bad = n < 0 || n as u128 & !all != 0;
            mask = (n.max(0) as u128 & all) as u64;
        }
    }
    let text: Vec<&str> = members
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, m)| m.as_str())
        .collect();
    let value = Value::text(&text.join(","));
    if bad {
        let e = data_truncated(&t.column.name, t.row);
        return Err(Problem {
            strict: e.clone(),
            lax: e,
            clipped: value,
        }
        .into());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: SqlType) -> ColumnDef {
        ColumnDef {
            name: name.into(),
            ty,
            nullable: true,
            default: None,
            auto_increment: false,
            on_update_now: false,
            comment: None,
        }
    }

    fn tiny() -> SqlType {
        SqlType::Int {
            width: IntWidth::Tiny,
            unsigned: false,
            zerofill: false,
            display: None,
        }
    }

    /// Stores in `test`.`t`; returns the value or error text, and the warnings.
    fn run(v: Value, ty: SqlType, strict: bool) -> (Result<String, String>, Vec<String>) {
        let mut w = Vec::new();
        let r = store_in_table(v, &col("a", ty), "t", "test", 1, strict, &mut |c| {
            w.push(format!("{} {} {}", c.level, c.code, c.message))
        });
        (r.map(|v| to_string_lossy(&v)).map_err(|e| e.to_string()), w)
    }

    #[test]
    fn integers_clip_or_fail_like_mariadb() {
        // Checked against MariaDB 10.11 (INSERT INTO t SET a=...).
        assert_eq!(
            run(Value::Int(300), tiny(), true).0,
            Err("ERROR 1264 (22003): Out of range value for column 'a' at row 1".into())
        );
        assert_eq!(
            run(Value::Int(300), tiny(), false),
            (
                Ok("127".into()),
                vec!["Warning 1264 Out of range value for column 'a' at row 1".into()]
            )
        );
        assert_eq!(
            run(Value::text("x"), tiny(), true).0,
            Err("ERROR 1366 (22007): Incorrect integer value: 'x' for column `test`.`t`.`a` at row 1".into())
        );
        assert_eq!(run(Value::text("12x"), tiny(), false).0, Ok("12".into()));
        assert_eq!(
            run(Value::text("12x"), tiny(), true).0,
            Err("ERROR 1265 (01000): Data truncated for column 'a' at row 1".into())
        );
        assert_eq!(
            run(Value::Decimal(Decimal::new(15, 1)), tiny(), true).0,
            Ok("2".into())
        );
    }

    #[test]
    fn decimals_round_with_a_note() {
        let ty = SqlType::Decimal {
            precision: 5,
            scale: 2,
            unsigned: false,
        };
        assert_eq!(
            run(Value::Decimal(Decimal::new(1235, 3)), ty.clone(), true),
            (
                Ok("1.24".into()),
                vec!["Note 1265 Data truncated for column 'a' at row 1".into()]
            )
        );
        assert_eq!(run(Value::Int(12345), ty, false).0, Ok("999.99".into()));
    }

    #[test]
    fn strings_dates_and_enums() {
        let vc = SqlType::Varchar {
            length: 3,
            binary: false,
        };
        assert_eq!(
            run(Value::text("abcd"), vc.clone(), true).0,
            Err("ERROR 1406 (22001): Data too long for column 'a' at row 1".into())
        );
        assert_eq!(
            run(Value::text("abcd"), vc.clone(), false),
            (
                Ok("abc".into()),
                vec!["Warning 1265 Data truncated for column 'a' at row 1".into()]
            )
        );
        assert_eq!(
            run(Value::text("ab  "), vc, true),
            (
                Ok("ab ".into()),
                vec!["Note 1265 Data truncated for column 'a' at row 1".into()]
            )
        );
        assert_eq!(
            run(Value::text("abc"), SqlType::Date, true).0,
            Err("ERROR 1292 (22007): Incorrect date value: 'abc' for column `test`.`t`.`a` at row 1".into())
        );
        assert_eq!(
            run(Value::text("abc"), SqlType::Date, false).0,
            Ok("0000-00-00".into())
        );
        assert_eq!(
            run(Value::Int(20200102), SqlType::Date, true).0,
            Ok("2020-01-02".into())
        );
        assert_eq!(
            run(
                Value::text("2020-01-02"),
                SqlType::DateTime { fsp: 0 },
                true
            )
            .0,
            Ok("2020-01-02 00:00:00".into())
        );
        let e = SqlType::Enum(vec!["x".into(), "y".into()]);
        assert_eq!(run(Value::text("X"), e.clone(), true).0, Ok("x".into()));
        assert_eq!(run(Value::Int(2), e.clone(), true).0, Ok("y".into()));
        assert_eq!(run(Value::text("z"), e, false).0, Ok("".into()));
    }

    /// Stores with TIME_ROUND_FRACTIONAL on or off.
    fn fraction(text: &str, ty: SqlType, round: bool) -> (String, Vec<String>) {
        let mut w = Vec::new();
        let mode = StoreMode {
            strict: true,
            round_fractions: round,
        };
        let v = store_with(Value::text(text), &col("a", ty), 1, mode, &mut |c| {
            w.push(format!("{} {}", c.level, c.code))
        })
        .unwrap();
        (to_string_lossy(&v), w)
    }

    #[test]
    fn extra_fraction_digits_are_cut_or_rounded_with_the_mode() {
        // Checked against MariaDB 10.11 (rpl_temporal_round and by hand).
        let dt = SqlType::DateTime { fsp: 4 };
        let time = SqlType::Time { fsp: 4 };
        let late = "2011-01-01 23:59:59.999999";
        assert_eq!(fraction(late, dt.clone(), false).0, late[..24]);
        assert_eq!(fraction(late, dt, true).0, "2011-01-02 00:00:00.0000");
        assert_eq!(
            fraction(late, time.clone(), false),
            ("23:59:59.9999".into(), vec!["Note 1265".into()])
        );
        assert_eq!(
            fraction(late, time.clone(), true),
            ("24:00:00.0000".into(), vec!["Note 1265".into()])
        );
        assert_eq!(
            fraction("23:59:59.999999", time, true).1,
            Vec::<String>::new()
        );
        assert_eq!(
            fraction(
                "2011-01-01 10:00:00.99999",
                SqlType::DateTime { fsp: 4 },
                true
            )
            .0,
            "2011-01-01 10:00:01.0000"
        );
    }
}
