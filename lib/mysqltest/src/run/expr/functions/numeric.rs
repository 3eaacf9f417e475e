//! `abs`, and base conversion: `conv(N, from_base, to_base)` and its
//! shortcuts `bin`, `oct`, `hex`. `conv` reads N's text (an integer's
//! decimal digits) in `|from_base|`, with digits 0-9 and letters A-Z in
//! either case, an optional sign and leading whitespace, wrapping at 64 bits
//! like `strtoull`; it writes unsigned digits for a positive `to_base` and
//! signed ones for a negative one. Bases are C `int`s (the low 32 bits).

use super::{expects, text};
use crate::run::expr::error::ExprError;
use crate::run::expr::lexer::is_space;
use crate::run::expr::value::Value;

/// Highest base a number may be read in.
const MAX_BASE: u32 = 62;

/// Highest base a number may be written in.
const MAX_OUTPUT_BASE: u32 = 36;

/// `abs(n)`: the signed magnitude, wrapping at the minimum.
pub fn abs(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 1, 1, "abs() expects 1 argument")?;
    match &args[0] {
        Value::Int(i) => Ok(Value::signed(i.as_i64().wrapping_abs())),
        _ => Err(ExprError::function("abs() requires numeric argument")),
    }
}

/// `bin(n)`: `conv(n, 10, 2)`.
pub fn bin(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 1, 1, "bin() expects 1 argument")?;
    convert(&args[0], 10, 2)
}

/// `oct(n)`: `conv(n, 10, 8)`.
pub fn oct(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 1, 1, "oct() expects 1 argument")?;
    convert(&args[0], 10, 8)
}

/// `hex(x)`: an integer in base 16, a string's bytes as hex digits.
pub fn hex(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 1, 1, "hex() expects 1 argument")?;
    match &args[0] {
        Value::Str(s) => Ok(Value::str(
            s.iter()
                .flat_map(|b| format!("{b:02X}").into_bytes())
                .collect::<Vec<u8>>(),
        )),
        n => convert(n, 10, 16),
    }
}

/// `conv(n, from_base, to_base)`.
pub fn conv(args: &[Value]) -> Result<Value, ExprError> {
    expects(
        args,
        3,
        3,
        "conv() expects 3 arguments (N, from_base, to_base)",
    )?;
    let (Some(from), Some(to)) = (args[1].as_int(), args[2].as_int()) else {
        return Err(ExprError::function("conv() bases must be numeric"));
    };
    convert(&args[0], from.bits as i32, to.bits as i32)
}

/// Reads `n`'s text in base `from` and writes it in base `to`.
fn convert(n: &Value, from: i32, to: i32) -> Result<Value, ExprError> {
    check_base("from_base", from)?;
    check_base("to_base", to)?;
    let digits = text(n);
    let bits = read_number(&digits, from)?;
    write_number(bits, to).ok_or_else(|| {
        ExprError::function(format!(
            "could not convert number '{}' for base {to}",
            String::from_utf8_lossy(&digits)
        ))
    })
}

fn check_base(which: &str, base: i32) -> Result<(), ExprError> {
    if (2..=MAX_BASE).contains(&base.unsigned_abs()) {
        Ok(())
    } else {
        Err(ExprError::function(format!(
            "conv() {which} must be between 2 and {MAX_BASE}, got {base}"
        )))
    }
}

/// `text` as a number in base `|base|`, wrapping negatives like `strtoull`.
fn read_number(text: &[u8], base: i32) -> Result<u64, ExprError> {
    let invalid = || {
        ExprError::function(format!(
            "invalid number '{}' for base {base}",
            String::from_utf8_lossy(text)
        ))
    };
    let radix = u64::from(base.unsigned_abs());
    let mut rest = &text[text.iter().take_while(|&&b| is_space(b)).count()..];
    let negative = rest.first() == Some(&b'-');
    if matches!(rest.first(), Some(b'-' | b'+')) {
        rest = &rest[1..];
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut n: u64 = 0;
    for &b in rest {
        let digit = digit_value(b).filter(|&d| d < radix).ok_or_else(invalid)?;
        n = n
            .checked_mul(radix)
            .and_then(|n| n.checked_add(digit))
            .ok_or(ExprError::OutOfRange)?;
    }
    Ok(if negative { n.wrapping_neg() } else { n })
}

/// A digit's value: 0-9, then letters in either case from 10 to 35.
fn digit_value(b: u8) -> Option<u64> {
    match b {
        b'0'..=b'9' => Some(u64::from(b - b'0')),
        b'a'..=b'z' => Some(u64::from(b - b'a') + 10),
        b'A'..=b'Z' => Some(u64::from(b - b'A') + 10),
        _ => None,
    }
}

/// `bits` in base `|base|` (at most 36), signed when `base` is negative.
fn write_number(bits: u64, base: i32) -> Option<Value> {
    let radix = base.unsigned_abs();
    if radix > MAX_OUTPUT_BASE {
        return None;
    }
    let (negative, mut n) = if base < 0 && (bits as i64) < 0 {
        (true, (bits as i64).unsigned_abs())
    } else {
        (false, bits)
    };
    let mut digits = Vec::new();
    loop {
        let d = (n % u64::from(radix)) as u32;
        digits.push(char::from_digit(d, radix)?.to_ascii_uppercase() as u8);
        n /= u64::from(radix);
        if n == 0 {
            break;
        }
    }
    if negative {
        digits.push(b'-');
    }
    digits.reverse();
    Some(Value::Str(digits))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{i, run, s, shown};
    use crate::run::expr::value::Value;

    fn conv(n: Value, from: i64, to: i64) -> String {
        shown(run("conv", vec![n, i(from), i(to)]))
    }

    #[test]
    fn conv_reads_the_decimal_text_of_integers() {
        assert_eq!(conv(i(1010), 2, 10), "10");
        assert_eq!(conv(i(255), 10, 16), "FF");
        assert_eq!(conv(s("AbCd"), 16, 10), "43981");
        assert_eq!(conv(s("z"), 62, 10), "35");
        assert_eq!(conv(i(-1), 10, 16), "FFFFFFFFFFFFFFFF");
        assert_eq!(conv(i(-255), 10, -16), "-FF");
        assert_eq!(conv(s(" +5"), 10, 2), "101");
        assert_eq!(conv(s("-18446744073709551615"), 10, 10), "1");
    }

    #[test]
    fn conv_complaints() {
        assert_eq!(
            conv(i(123), 1, 10),
            "conv() from_base must be between 2 and 62, got 1"
        );
        assert_eq!(
            conv(i(123), 10, -63),
            "conv() to_base must be between 2 and 62, got -63"
        );
        assert_eq!(conv(i(189), 8, 10), "invalid number '189' for base 8");
        assert_eq!(conv(s("5 "), 10, 2), "invalid number '5 ' for base 10");
        assert_eq!(conv(s("@#"), -36, 10), "invalid number '@#' for base -36");
        assert_eq!(
            conv(s("FFFFFFFFFFFFFFFFFFFF"), 16, 10),
            "Range error: value out of range for Integer type"
        );
        assert_eq!(
            conv(i(61), 10, 62),
            "could not convert number '61' for base 62"
        );
        assert_eq!(conv(i(10), 4294967298, 2), "10");
        assert_eq!(
            shown(run("conv", vec![i(10), s("10"), i(2)])),
            "conv() bases must be numeric"
        );
    }

    #[test]
    fn shortcuts_and_abs() {
        assert_eq!(shown(run("bin", vec![i(10)])), "1010");
        assert_eq!(shown(run("oct", vec![i(-1)])), "1777777777777777777777");
        assert_eq!(shown(run("hex", vec![s("abc")])), "616263");
        assert_eq!(shown(run("hex", vec![s("")])), "");
        assert_eq!(
            shown(run("bin", vec![s("a")])),
            "invalid number 'a' for base 10"
        );
        assert_eq!(shown(run("abs", vec![i(i64::MIN)])), "-9223372036854775808");
        assert_eq!(shown(run("abs", vec![Value::unsigned(u64::MAX)])), "1");
        assert_eq!(
            shown(run("abs", vec![s("5")])),
            "abs() requires numeric argument"
        );
        assert_eq!(shown(run("hex", vec![])), "hex() expects 1 argument, got 0");
    }
}
