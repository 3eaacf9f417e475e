//! Values as the server holds them: in table rows, in expression results,
//! in user variables. A value knows its own kind but not its column's type;
//! storing a value into a column goes through `convert` with the column's
//! [`SqlType`](crate::sql::types::SqlType) and the session's sql_mode, and
//! sending one to a client goes through `format` (MariaDB's text form).

mod compare;
mod decimal;
mod temporal;

pub use compare::{compare_for_key, compare_values};
pub use decimal::Decimal;
pub use temporal::{Temporal, TemporalKind};

/// One SQL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// Signed integers, and every integer literal that fits.
    Int(i64),
    /// Unsigned integers above `i64::MAX` (and BIGINT UNSIGNED columns).
    UInt(u64),
    /// DOUBLE and FLOAT.
    Double(f64),
    /// Exact decimals: DECIMAL columns and literals like `1.50`.
    Decimal(Decimal),
    /// Character and binary strings, as bytes in the column's character set.
    Bytes(Vec<u8>),
    /// DATE, DATETIME, TIMESTAMP and TIME.
    Temporal(Temporal),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A string value from text.
    pub fn text(text: &str) -> Value {
        Value::Bytes(text.as_bytes().to_vec())
    }
}

/// A table row: one value per column, in the table's column order.
pub type Row = Vec<Value>;
