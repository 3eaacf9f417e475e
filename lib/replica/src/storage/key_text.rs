//! The text of a key's values in a duplicate-key error: each value as
//! MariaDB prints it, joined by `-`, and cut to 61 bytes plus `...` when
//! longer than 64 bytes (never inside a character).

use crate::sql::value::Value;

/// Longest entry MariaDB shows whole.
const MAX_ENTRY: usize = 64;
/// What is kept of a longer one, before `...`.
const KEPT: usize = MAX_ENTRY - 3;

/// `1-abc` for key values `(1, 'abc')`, shortened like MariaDB.
pub fn key_entry(values: &[&Value]) -> String {
    let text: Vec<String> = values.iter().map(|v| value_text(v)).collect();
    shorten(text.join("-"))
}

fn shorten(text: String) -> String {
    if text.len() <= MAX_ENTRY {
        return text;
    }
    let mut end = KEPT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// One value's text in the message.
fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Double(d) => double_text(*d),
        Value::Decimal(d) => d.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Temporal(t) => t.to_string(),
    }
}

/// DOUBLE as MariaDB prints it: plain digits, exponent form when large or tiny.
fn double_text(d: f64) -> String {
    let a = d.abs();
    if a != 0.0 && !(1e-4..1e15).contains(&a) {
        format!("{d:e}")
    } else {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn values_are_joined_by_dash() {
        assert_eq!(key_entry(&[&Value::Int(1), &Value::text("x")]), "1-x");
        assert_eq!(key_entry(&[&Value::Double(1e20)]), "1e20");
    }

    #[test]
    fn long_entries_are_cut_at_61_bytes() {
        let v = Value::text(&"b".repeat(64));
        assert_eq!(key_entry(&[&v]), "b".repeat(64));
        let v = Value::text(&"b".repeat(65));
        assert_eq!(key_entry(&[&v]), format!("{}...", "b".repeat(61)));
        let v = Value::text(&"é".repeat(70));
        assert_eq!(key_entry(&[&v]), format!("{}...", "é".repeat(30)));
    }

    proptest! {
        #[test]
        fn entry_is_never_longer_than_64_bytes(s in ".{0,100}") {
            let e = key_entry(&[&Value::text(&s)]);
            prop_assert!(e.len() <= 64);
        }
    }
}
