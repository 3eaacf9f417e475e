//! Values as the server holds them: in table rows, in expression results,
//! in user variables. A value knows its own kind but not its column's type;
//! storing a value into a column goes through [`store`] with the column's
//! definition and the sql_mode's strictness, and sending one to a client
//! goes through [`to_text`] (MariaDB's text form) and [`result_column`] /
//! [`table_column`] (its metadata).

mod column;
mod compare;
pub mod convert;
mod decimal;
pub mod encoding;
pub mod errors;
mod store;
mod temporal;
mod text;
pub mod time_zone;

pub use column::{result_column, table_column};
pub use compare::{compare_collated, compare_for_key, compare_values, fold_char, hash_for_key};
pub use decimal::Decimal;
pub use store::{StoreMode, store, store_in_table, store_with};
pub use temporal::{Temporal, TemporalKind, civil_from_days, days_from_civil, days_in_month};
pub use text::{format_double, to_string_lossy, to_text};

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
