//! Literals of the SQL text as values: numbers (integers, exact decimals,
//! doubles with an exponent), strings, hex and bit strings, booleans and
//! NULL. A sqlparser `Value` comes in, a [`Value`] goes out.

use sqlparser::ast::Value as Literal;

use super::errors::not_supported;
use crate::error::ServerResult;
use crate::sql::value::{Decimal, Value};

/// The value of a literal as MariaDB reads it.
pub fn parse_literal(v: &Literal) -> ServerResult<Value> {
    Ok(match v {
        Literal::Number(text, _) => number(text),
        Literal::SingleQuotedString(s)
        | Literal::DoubleQuotedString(s)
        | Literal::NationalStringLiteral(s)
        | Literal::EscapedStringLiteral(s)
        | Literal::TripleSingleQuotedString(s)
        | Literal::TripleDoubleQuotedString(s) => Value::text(s),
        Literal::HexStringLiteral(h) => Value::Bytes(hex_bytes(h)),
        Literal::SingleQuotedByteStringLiteral(b) | Literal::DoubleQuotedByteStringLiteral(b) => {
            bits(b)
        }
        Literal::Boolean(b) => Value::Int(i64::from(*b)),
        Literal::Null => Value::Null,
        other => return Err(not_supported(&other.to_string())),
    })
}

/// A hex (`0x41`, `X'41'`) or bit (`b'01'`) literal in numeric context:
/// its bytes as a big-endian unsigned number. None for other expressions.
pub fn hex_number(expr: &sqlparser::ast::Expr) -> Option<Value> {
    let sqlparser::ast::Expr::Value(v) = expr else {
        return None;
    };
    let bytes = match &v.value {
        Literal::HexStringLiteral(h) => hex_bytes(h),
        Literal::SingleQuotedByteStringLiteral(b) | Literal::DoubleQuotedByteStringLiteral(b) => {
            match bits(b) {
                Value::Bytes(bytes) => bytes,
                _ => return None,
            }
        }
        _ => return None,
    };
    let tail = &bytes[bytes.len().saturating_sub(8)..];
    Some(Value::UInt(
        tail.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)),
    ))
}

/// `12` → Int, above i64 → UInt, `1.50` → Decimal, `1e3` → Double.
pub fn number(text: &str) -> Value {
    if text.contains(['e', 'E']) {
        return Value::Double(text.parse().unwrap_or(0.0));
    }
    if let Ok(i) = text.parse::<i64>() {
        return Value::Int(i);
    }
    if let Ok(u) = text.parse::<u64>() {
        return Value::UInt(u);
    }
    match Decimal::parse(text) {
        Some(d) => Value::Decimal(d),
        None => Value::Double(text.parse().unwrap_or(0.0)),
    }
}

/// The bytes of a hex literal (an odd count gets a leading zero).
fn hex_bytes(h: &str) -> Vec<u8> {
    let padded = if h.len() % 2 == 1 {
        format!("0{h}")
    } else {
        h.to_string()
    };
    padded
        .as_bytes()
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap_or("00"), 16).unwrap_or(0))
        .collect()
}

/// A `b'0101'` literal: the bits as big-endian bytes.
fn bits(b: &str) -> Value {
    let n = b
        .bytes()
        .fold(0u128, |acc, c| (acc << 1) | u128::from(c == b'1'));
    let len = b.len().div_ceil(8).max(1);
    let all = n.to_be_bytes();
    Value::Bytes(all[all.len() - len.min(16)..].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_take_their_kind() {
        assert_eq!(number("12"), Value::Int(12));
        assert_eq!(number("18446744073709551615"), Value::UInt(u64::MAX));
        assert_eq!(number("1.50"), Value::Decimal(Decimal::new(150, 2)));
        assert_eq!(number("1e3"), Value::Double(1000.0));
        assert_eq!(
            number("100000000000000000000"),
            Value::Decimal(Decimal::new(100_000_000_000_000_000_000, 0))
        );
    }

    #[test]
    fn hex_and_bit_literals_are_numbers_in_numeric_context() {
        // MariaDB: SELECT 0x41 + 0, b'0101' + 0, 0x4142 | 0 gives 65, 5, 16706.
        let expr = |v| sqlparser::ast::Expr::value(v);
        assert_eq!(
            hex_number(&expr(Literal::HexStringLiteral("41".into()))),
            Some(Value::UInt(65))
        );
        assert_eq!(
            hex_number(&expr(Literal::SingleQuotedByteStringLiteral("0101".into()))),
            Some(Value::UInt(5))
        );
        assert_eq!(
            hex_number(&expr(Literal::HexStringLiteral("4142".into()))),
            Some(Value::UInt(16706))
        );
        assert_eq!(hex_number(&expr(Literal::Number("1".into(), false))), None);
    }

    #[test]
    fn hex_and_bit_strings_are_bytes() {
        assert_eq!(
            parse_literal(&Literal::HexStringLiteral("41".into())).unwrap(),
            Value::text("A")
        );
        assert_eq!(
            parse_literal(&Literal::SingleQuotedByteStringLiteral("101".into())).unwrap(),
            Value::Bytes(vec![5])
        );
    }
}
