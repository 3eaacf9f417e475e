//! What an unquoted word means: `true`, `false`, `null` (any case), a
//! decimal, `0x` hexadecimal or `0b` binary integer, or else a string. A
//! decimal integer is signed unless it only fits unsigned; hexadecimal and
//! binary ones are unsigned. Binary digits may follow `0b` after whitespace;
//! a `0b` word that is not binary is the string after the prefix (the
//! installed mysqltest does this: `0b 1` is 1, `0b12` is the string `12`).
//! Leading digits too big for 64 bits are an error even if text follows.

use super::error::ExprError;
use super::lexer::is_space;
use super::value::Value;

/// The value of a trimmed, non-empty word.
pub fn word_value(word: &[u8]) -> Result<Value, ExprError> {
    if word.eq_ignore_ascii_case(b"true") {
        return Ok(Value::truth(true));
    }
    if word.eq_ignore_ascii_case(b"false") {
        return Ok(Value::truth(false));
    }
    if word.eq_ignore_ascii_case(b"null") {
        return Ok(Value::Null);
    }
    if let Some(digits) = word.strip_prefix(b"0x").filter(|d| !d.is_empty()) {
        return integer_or_string(digits, 16, word, word);
    }
    if let Some(rest) = word.strip_prefix(b"0b").filter(|d| !d.is_empty()) {
        let digits = &rest[rest.iter().take_while(|&&b| is_space(b)).count()..];
        return integer_or_string(digits, 2, rest, rest);
    }
    integer_or_string(word, 10, word, word)
}

/// `digits` as an integer if they all are digits of `radix`, else the
/// string `otherwise`; a leading run of digits that overflows 64 bits is an
/// error quoting `quoted`, even when other text follows.
fn integer_or_string(
    digits: &[u8],
    radix: u32,
    quoted: &[u8],
    otherwise: &[u8],
) -> Result<Value, ExprError> {
    let run = digits
        .iter()
        .take_while(|&&b| char::from(b).is_digit(radix))
        .count();
    let mut n: Option<u64> = Some(0);
    for &b in &digits[..run] {
        let d = char::from(b).to_digit(radix).unwrap_or(0);
        n = n
            .and_then(|n| n.checked_mul(u64::from(radix)))
            .and_then(|n| n.checked_add(u64::from(d)));
    }
    let Some(n) = n else {
        return Err(ExprError::out_of_range(quoted));
    };
    if run == 0 || run < digits.len() {
        return Ok(Value::str(otherwise));
    }
    Ok(match i64::try_from(n) {
        Ok(signed) if radix == 10 => Value::signed(signed),
        _ => Value::unsigned(n),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(word: &str) -> Value {
        word_value(word.as_bytes()).unwrap()
    }

    #[test]
    fn keywords_ignore_case() {
        assert_eq!(value("TrUe"), Value::signed(1));
        assert_eq!(value("FALSE"), Value::signed(0));
        assert_eq!(value("Null"), Value::Null);
        assert_eq!(value("true1"), Value::str("true1"));
    }

    #[test]
    fn decimals_are_signed_until_they_only_fit_unsigned() {
        assert_eq!(value("00012"), Value::signed(12));
        assert_eq!(value("9223372036854775807"), Value::signed(i64::MAX));
        assert_eq!(value("9223372036854775808"), Value::unsigned(1 << 63));
        assert_eq!(
            word_value(b"18446744073709551616").unwrap_err().to_string(),
            "Range error: 18446744073709551616 value out of range for Integer type"
        );
        assert_eq!(value("1.5"), Value::str("1.5"));
        assert_eq!(value("1 2"), Value::str("1 2"));
        assert_eq!(
            word_value(b"99999999999999999999abc")
                .unwrap_err()
                .to_string(),
            "Range error: 99999999999999999999abc value out of range for Integer type"
        );
    }

    #[test]
    fn hexadecimal_and_binary_are_unsigned() {
        assert_eq!(value("0xff"), Value::unsigned(255));
        assert_eq!(value("0X10"), Value::str("0X10"));
        assert_eq!(value("0x"), Value::str("0x"));
        assert_eq!(value("0x1g"), Value::str("0x1g"));
        assert_eq!(value("0b1010"), Value::unsigned(10));
        assert!(word_value(b"0x10000000000000000").is_err());
        assert_eq!(value("0x0x10"), Value::str("0x0x10"));
        assert_eq!(value("0x 10"), Value::str("0x 10"));
    }

    #[test]
    fn a_binary_prefix_on_other_text_is_dropped() {
        assert_eq!(value("0b 1"), Value::unsigned(1));
        assert_eq!(value("0b12"), Value::str("12"));
        assert_eq!(value("0b1a"), Value::str("1a"));
        assert_eq!(value("0b"), Value::str("0b"));
        let ones = format!("0b{}", "1".repeat(65));
        assert_eq!(
            word_value(ones.as_bytes()).unwrap_err().to_string(),
            format!(
                "Range error: {} value out of range for Integer type",
                "1".repeat(65)
            )
        );
    }
}
