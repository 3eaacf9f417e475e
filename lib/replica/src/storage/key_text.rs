//! The text of a key's values in a duplicate-key error: each value as
//! MariaDB prints it (binary strings with `\xHH` escapes), joined by `-`,
//! and cut to 61 bytes plus `...` when longer than 64 bytes (never inside
//! a character).

use crate::sql::types::SqlType;
use crate::sql::value::Value;

/// Longest entry MariaDB shows whole.
const MAX_ENTRY: usize = 64;
/// What is kept of a longer one, before `...`.
const KEPT: usize = MAX_ENTRY - 3;

/// `1-abc` for key values `(1, 'abc')` with their column types,
/// shortened like MariaDB.
pub fn key_entry(values: &[(&Value, &SqlType)]) -> String {
    let text: Vec<String> = values.iter().map(|(v, ty)| value_text(v, ty)).collect();
    shorten(text.join("-"))
}

/// Whether a column holds bytes rather than characters.
fn is_binary(ty: &SqlType) -> bool {
    matches!(
        ty,
        SqlType::Blob(_)
            | SqlType::Bit(_)
            | SqlType::Char { binary: true, .. }
            | SqlType::Varchar { binary: true, .. }
    )
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
fn value_text(v: &Value, ty: &SqlType) -> String {
    match v {
        Value::Null => "NULL".to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Double(d) => double_text(*d),
        Value::Decimal(d) => d.to_string(),
        Value::Bytes(b) if is_binary(ty) => printable(b),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Temporal(t) => t.to_string(),
    }
}

/// Binary bytes as text: printable ASCII as is, the rest as `\xHH`
/// (a BIT value 5 shows as `\x05`).
fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x20..=0x7e => char::from(b).to_string(),
            _ => format!("\\x{b:02X}"),
        })
        .collect()
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
    use crate::sql::types::IntWidth;
    use proptest::prelude::*;

    const INT: SqlType = SqlType::Int {
        width: IntWidth::Int,
        unsigned: false,
        zerofill: false,
        display: None,
    };
    const TEXT: SqlType = SqlType::Varchar {
        length: 100,
        binary: false,
    };
    const BYTES: SqlType = SqlType::Varchar {
        length: 100,
        binary: true,
    };

    #[test]
    fn values_are_joined_by_dash() {
        assert_eq!(
            key_entry(&[(&Value::Int(1), &INT), (&Value::text("x"), &TEXT)]),
            "1-x"
        );
        assert_eq!(key_entry(&[(&Value::Double(1e20), &INT)]), "1e20");
        assert_eq!(
            key_entry(&[(&Value::Double(123456789012345678.0), &INT)]),
            "1.2345678901234568e17"
        );
        assert_eq!(
            key_entry(&[(&Value::Bytes(vec![5]), &SqlType::Bit(8))]),
            "\\x05"
        );
        assert_eq!(
            key_entry(&[(&Value::Bytes(vec![b'a', 0xff, b'b']), &BYTES)]),
            "a\\xFFb"
        );
        assert_eq!(key_entry(&[(&Value::text("a\tb"), &TEXT)]), "a\tb");
    }

    #[test]
    fn long_entries_are_cut_at_61_bytes() {
        let v = Value::text(&"b".repeat(64));
        assert_eq!(key_entry(&[(&v, &TEXT)]), "b".repeat(64));
        let v = Value::text(&"b".repeat(65));
        assert_eq!(key_entry(&[(&v, &TEXT)]), format!("{}...", "b".repeat(61)));
        let v = Value::text(&"é".repeat(70));
        assert_eq!(key_entry(&[(&v, &TEXT)]), format!("{}...", "é".repeat(30)));
    }

    proptest! {
        #[test]
        fn entry_is_never_longer_than_64_bytes(s in ".{0,100}") {
            let e = key_entry(&[(&Value::text(&s), &TEXT)]);
            prop_assert!(e.len() <= 64);
        }
    }
}
