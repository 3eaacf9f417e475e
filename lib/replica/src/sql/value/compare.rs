//! Ordering of values: for ORDER BY, comparisons in expressions, and key
//! uniqueness in storage. Numbers compare as numbers, strings by the
//! default collation (utf8mb4_general_ci / latin1_swedish_ci fold case,
//! accents and trailing spaces), binary columns byte by byte, dates by
//! time; NULL sorts first. A value's key hash agrees with the key order.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use super::{Decimal, Temporal, Value};
use crate::sql::types::SqlType;

/// Order of two values of one column, as an index on it orders them.
pub fn compare_for_key(a: &Value, b: &Value, ty: &SqlType) -> Ordering {
    match (a, b, is_binary(ty)) {
        (Value::Bytes(x), Value::Bytes(y), true) => x.cmp(y),
        _ => compare_values(a, b),
    }
}

/// Hashes a value of a column of type `ty` so that values of that
/// column `compare_for_key` finds equal hash alike (key-value locks).
pub fn hash_for_key(v: &Value, ty: &SqlType, state: &mut impl Hasher) {
    match v {
        Value::Null => 0u8.hash(state),
        Value::Int(i) => (1u8, i128::from(*i)).hash(state),
        Value::UInt(u) => (1u8, i128::from(*u)).hash(state),
        Value::Double(d) => (2u8, d.to_bits()).hash(state),
        // Equal decimals of different scales hash alike.
        Value::Decimal(d) => (2u8, d.to_f64().to_bits()).hash(state),
        Value::Temporal(t) => (3u8, t.sort_key()).hash(state),
        Value::Bytes(b) if is_binary(ty) => (4u8, b).hash(state),
        Value::Bytes(b) => {
            5u8.hash(state);
            let text = String::from_utf8_lossy(trim_trailing_spaces(b));
            text.chars().map(fold_char).for_each(|c| c.hash(state));
        }
    }
}

/// Whether a column type compares bytes rather than characters.
fn is_binary(ty: &SqlType) -> bool {
    matches!(
        ty,
        SqlType::Blob(_)
            | SqlType::Char { binary: true, .. }
            | SqlType::Varchar { binary: true, .. }
            | SqlType::Bit(_)
    )
}

/// Order of two values in expressions and sorting (NULL first).
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    use Value::*;
    match (a, b) {
        (Null, Null) => Ordering::Equal,
        (Null, _) => Ordering::Less,
        (_, Null) => Ordering::Greater,
        (Bytes(x), Bytes(y)) => compare_collated(x, y),
        (Temporal(x), Temporal(y)) => x.sort_key().cmp(&y.sort_key()),
        (Temporal(x), Bytes(y)) => compare_temporal_text(x, y),
        (Bytes(x), Temporal(y)) => compare_temporal_text(y, x).reverse(),
        _ => compare_numbers(a, b),
    }
}

/// A date against a string: the string read as a date when it is one.
fn compare_temporal_text(t: &Temporal, text: &[u8]) -> Ordering {
    let s = String::from_utf8_lossy(text);
    let parsed = match t.kind {
        super::TemporalKind::Time => Temporal::parse_time(&s),
        _ => Temporal::parse_datetime(&s),
    };
    match parsed {
        Some(p) => t.sort_key().cmp(&p.sort_key()),
        None => compare_collated(t.to_string().as_bytes(), text),
    }
}

/// Numbers exactly where both are exact, else as doubles.
fn compare_numbers(a: &Value, b: &Value) -> Ordering {
    match (exact(a), exact(b)) {
        (Some(x), Some(y)) => x.compare(y),
        _ => as_f64(a).total_cmp(&as_f64(b)),
    }
}

/// An integer or decimal value as a decimal.
fn exact(v: &Value) -> Option<Decimal> {
    match v {
        Value::Int(i) => Some(Decimal::from_int(i128::from(*i))),
        Value::UInt(u) => Some(Decimal::from_int(i128::from(*u))),
        Value::Decimal(d) => Some(*d),
        _ => None,
    }
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::UInt(u) => *u as f64,
        Value::Double(d) => *d,
        Value::Decimal(d) => d.to_f64(),
        Value::Bytes(b) => {
            let s = String::from_utf8_lossy(b);
            super::convert::number_prefix(&s).0.parse().unwrap_or(0.0)
        }
        Value::Temporal(t) => t.as_number() as f64,
        Value::Null => 0.0,
    }
}

/// Two strings under the general_ci collation: case and accents folded,
/// trailing spaces ignored.
pub fn compare_collated(a: &[u8], b: &[u8]) -> Ordering {
    let a = String::from_utf8_lossy(trim_trailing_spaces(a));
    let b = String::from_utf8_lossy(trim_trailing_spaces(b));
    a.chars().map(fold_char).cmp(b.chars().map(fold_char))
}

/// Bytes without trailing spaces (PAD SPACE collations ignore them).
fn trim_trailing_spaces(b: &[u8]) -> &[u8] {
    let n = b.iter().rposition(|&c| c != b' ').map_or(0, |p| p + 1);
    &b[..n]
}

/// The sort weight of a character: upper case with Latin accents removed.
pub fn fold_char(c: char) -> char {
    let up = c.to_uppercase().next().unwrap_or(c);
    match up {
        'À'..='Å' => 'A',
        'Ç' => 'C',
        'È'..='Ë' => 'E',
        'Ì'..='Ï' => 'I',
        'Ñ' => 'N',
        'Ò'..='Ö' | 'Ø' => 'O',
        'Ù'..='Ü' => 'U',
        'Ý' | 'Ÿ' => 'Y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::types::LobSize;

    #[test]
    fn strings_fold_case_and_trailing_spaces() {
        assert_eq!(
            compare_values(&Value::text("a"), &Value::text("A ")),
            Ordering::Equal
        );
        assert_eq!(
            compare_values(&Value::text("é"), &Value::text("E")),
            Ordering::Equal
        );
        assert_eq!(
            compare_values(&Value::text("10"), &Value::text("9")),
            Ordering::Less
        );
        let blob = SqlType::Blob(LobSize::Normal);
        assert_eq!(
            compare_for_key(&Value::text("a"), &Value::text("A"), &blob),
            Ordering::Greater
        );
    }

    #[test]
    fn numbers_compare_exactly() {
        assert_eq!(
            compare_values(&Value::UInt(u64::MAX), &Value::Int(-1)),
            Ordering::Greater
        );
        assert_eq!(
            compare_values(&Value::Decimal(Decimal::new(150, 2)), &Value::Double(1.5)),
            Ordering::Equal
        );
        assert_eq!(compare_values(&Value::Null, &Value::Int(0)), Ordering::Less);
    }

    fn key_hash(v: &Value, ty: &SqlType) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        hash_for_key(v, ty, &mut h);
        h.finish()
    }

    #[test]
    fn key_hashes_agree_with_key_order() {
        let text = SqlType::Varchar {
            length: 10,
            binary: false,
        };
        let blob = SqlType::Blob(LobSize::Normal);
        let pairs = [
            (Value::text("abc"), Value::text("ABC  "), &text),
            (Value::text("é"), Value::text("E"), &text),
            (Value::Int(5), Value::UInt(5), &text),
            (
                Value::Decimal(Decimal::new(150, 2)),
                Value::Decimal(Decimal::new(15, 1)),
                &blob,
            ),
        ];
        for (a, b, ty) in pairs {
            assert_eq!(compare_for_key(&a, &b, ty), Ordering::Equal);
            assert_eq!(key_hash(&a, ty), key_hash(&b, ty), "{a:?} {b:?}");
        }
        let (a, b) = (Value::text("a"), Value::text("A"));
        assert_ne!(key_hash(&a, &blob), key_hash(&b, &blob));
        assert_ne!(
            key_hash(&Value::Int(5), &text),
            key_hash(&Value::Int(6), &text)
        );
    }
}
