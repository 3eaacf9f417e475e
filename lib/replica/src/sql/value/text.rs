//! Values in MariaDB's text form, as the text protocol sends them and as
//! string functions read them: integers plain, doubles in their shortest
//! round-trip digits (exponent form from 1e15 up and below 1e-15),
//! decimals with their scale, dates as `YYYY-MM-DD HH:MM:SS[.ffffff]`.

use super::Value;

/// The value's text; None for NULL.
pub fn to_text(v: &Value) -> Option<Vec<u8>> {
    Some(match v {
        Value::Null => return None,
        Value::Int(i) => i.to_string().into_bytes(),
        Value::UInt(u) => u.to_string().into_bytes(),
        Value::Double(d) => format_double(*d).into_bytes(),
        Value::Decimal(d) => d.to_string().into_bytes(),
        Value::Bytes(b) => b.clone(),
        Value::Temporal(t) => t.to_string().into_bytes(),
    })
}

/// The value's text as a Rust string (lossy for non-UTF-8 bytes); "" for NULL.
pub fn to_string_lossy(v: &Value) -> String {
    to_text(v).map_or_else(String::new, |b| String::from_utf8_lossy(&b).into_owned())
}

/// A double as MariaDB prints it: `1e20`, `0.3333333333333333`, `100000`.
pub fn format_double(d: f64) -> String {
    if d.is_nan() {
        return "nan".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d == 0.0 {
        return if d.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let sci = format!("{d:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-15..=14).contains(&exp) {
        return sci;
    }
    fixed_from_digits(mantissa, exp)
}

/// Fixed notation of `mantissa` (`-d.ddd`) times 10^exp.
fn fixed_from_digits(mantissa: &str, exp: i32) -> String {
    let (sign, m) = match mantissa.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", mantissa),
    };
    let digits: String = m.chars().filter(char::is_ascii_digit).collect();
    let point = exp + 1;
    if point <= 0 {
        let zeros = "0".repeat(point.unsigned_abs() as usize);
        return format!("{sign}0.{zeros}{digits}");
    }
    let point = point as usize;
    if digits.len() <= point {
        let zeros = "0".repeat(point - digits.len());
        return format!("{sign}{digits}{zeros}");
    }
    format!("{sign}{}.{}", &digits[..point], &digits[point..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_like_mariadb() {
        // Checked against MariaDB 10.11.
        let cases = [
            (1e20, "1e20"),
            (1e15, "1e15"),
            (1e14, "100000000000000"),
            (1.5e15, "1.5e15"),
            (1.0 / 3.0, "0.3333333333333333"),
            (100.0 / 3.0, "33.333333333333336"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.5e-7, "0.00000015"),
            (1.5e-15, "0.0000000000000015"),
            (1e-16, "1e-16"),
            (12345678901234567.0, "1.2345678901234568e16"),
            (-1.5e14, "-150000000000000"),
            (2.5e-308, "2.5e-308"),
            (1e20 / 3.0, "3.333333333333333e19"),
            (1.0, "1"),
        ];
        for (d, want) in cases {
            assert_eq!(format_double(d), want, "{d}");
        }
    }
}
