//! Conversions between kinds of values as expressions need them: strings
//! read as numbers (with MariaDB's 1292 warnings), numbers and dates as
//! numbers of one arithmetic class. Values enter as `&Value`, warnings
//! leave through the `warn` callback, results as plain Rust numbers.

use super::errors::truncated_wrong_value;
use super::{Decimal, Value};
use crate::error::{Condition, Level};

/// A value's number in the class arithmetic uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Int(i64),
    UInt(u64),
    Dec(Decimal),
    Dbl(f64),
}

/// How much of a text a number parse used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    /// All of it.
    Whole,
    /// All but trailing spaces.
    TrailingSpace,
    /// Some leading part only.
    Prefix,
    /// Nothing: no number at all.
    Nothing,
}

/// The leading number of a text: its characters and how much was used.
pub fn number_prefix(text: &str) -> (&str, Parsed) {
    let t = text.trim_start_matches([' ', '\t', '\n', '\r']);
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        let f = i + 1;
        let mut j = f;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if digits > 0 || j > f {
            digits += j - f;
            i = j;
        }
    }
    if digits == 0 {
        return ("", Parsed::Nothing);
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'-' || b[j] == b'+') {
            j += 1;
        }
        let e = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > e {
            i = j;
        }
    }
    let rest = &t[i..];
    let how = if rest.is_empty() {
        Parsed::Whole
    } else if rest.trim().is_empty() {
        Parsed::TrailingSpace
    } else {
        Parsed::Prefix
    };
    (&t[..i], how)
}

/// Reports the 1292 of a string read as a number of `kind`.
fn report(text: &str, how: Parsed, kind: &str, warn: &mut dyn FnMut(Condition)) {
    let level = match how {
        Parsed::Whole => return,
        Parsed::TrailingSpace => Level::Note,
        Parsed::Prefix | Parsed::Nothing => Level::Warning,
    };
    warn(truncated_wrong_value(kind, text).as_condition(level));
}

/// A string as a double (1292 "DOUBLE" when it is not wholly one).
pub fn str_to_f64(bytes: &[u8], warn: &mut dyn FnMut(Condition)) -> f64 {
    let text = String::from_utf8_lossy(bytes);
    let (num, how) = number_prefix(&text);
    report(&text, how, "DOUBLE", warn);
    num.parse().unwrap_or(0.0)
}

/// A string as an exact number: integer or decimal ("DECIMAL" warnings).
pub fn str_to_exact(bytes: &[u8], kind: &str, warn: &mut dyn FnMut(Condition)) -> Num {
    let text = String::from_utf8_lossy(bytes);
    let (num, how) = number_prefix(&text);
    report(&text, how, kind, warn);
    exact_of_text(num)
}

/// Digits of a number text as Int, UInt or Decimal (Double for exponents).
fn exact_of_text(num: &str) -> Num {
    if let Ok(i) = num.parse::<i64>() {
        return Num::Int(i);
    }
    if let Ok(u) = num.trim_start_matches('+').parse::<u64>() {
        return Num::UInt(u);
    }
    match Decimal::parse(num) {
        Some(d) => Num::Dec(d),
        None => Num::Dbl(num.parse().unwrap_or(0.0)),
    }
}

/// The number of a value; strings are read as doubles as `+` does.
pub fn to_num(v: &Value, warn: &mut dyn FnMut(Condition)) -> Option<Num> {
    Some(match v {
        Value::Null => return None,
        Value::Int(i) => Num::Int(*i),
        Value::UInt(u) => Num::UInt(*u),
        Value::Double(d) => Num::Dbl(*d),
        Value::Decimal(d) => Num::Dec(*d),
        Value::Bytes(b) => Num::Dbl(str_to_f64(b, warn)),
        Value::Temporal(t) => match t.fsp {
            0 => Num::Int(t.as_number()),
            _ => Num::Dec(
                Decimal::new(
                    i128::from(t.as_number()) * 1_000_000 + i128::from(t.micros),
                    6,
                )
                .rescale(t.fsp)
                .unwrap_or(Decimal::new(0, 0)),
            ),
        },
    })
}

/// A value as a double, None for NULL.
pub fn to_f64(v: &Value, warn: &mut dyn FnMut(Condition)) -> Option<f64> {
    to_num(v, warn).map(num_to_f64)
}

/// A number as a double.
pub fn num_to_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::UInt(u) => u as f64,
        Num::Dec(d) => d.to_f64(),
        Num::Dbl(d) => d,
    }
}

/// A value as a signed integer, rounding as CAST(... AS SIGNED) does
/// (strings warn "INTEGER"); None for NULL.
pub fn to_i64(v: &Value, warn: &mut dyn FnMut(Condition)) -> Option<i64> {
    let n = match v {
        Value::Bytes(b) => str_to_exact(b, "INTEGER", warn),
        other => to_num(other, warn)?,
    };
    Some(num_to_i64(n))
}

/// A number rounded to a signed integer (saturating; UInt wraps like MariaDB).
pub fn num_to_i64(n: Num) -> i64 {
    match n {
        Num::Int(i) => i,
        Num::UInt(u) => u as i64,
        Num::Dec(d) => {
            let r = d.rescale(0).map_or(0, |r| r.digits);
            r.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
        }
        Num::Dbl(d) => d.round() as i64,
    }
}

/// A value as an exact decimal (strings warn "DECIMAL"); None for NULL.
pub fn to_decimal(v: &Value, warn: &mut dyn FnMut(Condition)) -> Option<Decimal> {
    let n = match v {
        Value::Bytes(b) => str_to_exact(b, "DECIMAL", warn),
        other => to_num(other, warn)?,
    };
    Some(num_to_decimal(n))
}

/// A number as a decimal (doubles keep up to 15 significant digits).
pub fn num_to_decimal(n: Num) -> Decimal {
    match n {
        Num::Int(i) => Decimal::from_int(i128::from(i)),
        Num::UInt(u) => Decimal::from_int(i128::from(u)),
        Num::Dec(d) => d,
        Num::Dbl(d) => {
            let text = super::text::format_double(d);
            Decimal::parse(&text)
                .unwrap_or_else(|| Decimal::from_f64(d, 10).unwrap_or(Decimal::new(0, 0)))
        }
    }
}

/// A number as a value.
pub fn num_value(n: Num) -> Value {
    match n {
        Num::Int(i) => Value::Int(i),
        Num::UInt(u) => Value::UInt(u),
        Num::Dec(d) => Value::Decimal(d),
        Num::Dbl(d) => Value::Double(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_prefixes() {
        assert_eq!(number_prefix("3abc"), ("3", Parsed::Prefix));
        assert_eq!(number_prefix(" 2 "), ("2", Parsed::TrailingSpace));
        assert_eq!(number_prefix("1e2"), ("1e2", Parsed::Whole));
        assert_eq!(number_prefix("abc"), ("", Parsed::Nothing));
        assert_eq!(number_prefix("-.5x"), ("-.5", Parsed::Prefix));
    }

    #[test]
    fn strings_warn_like_mariadb() {
        let mut got = Vec::new();
        assert_eq!(str_to_f64(b"abc", &mut |c| got.push(c)), 0.0);
        assert_eq!(got[0].message, "Truncated incorrect DOUBLE value: 'abc'");
        assert_eq!(got[0].level, Level::Warning);
    }
}
