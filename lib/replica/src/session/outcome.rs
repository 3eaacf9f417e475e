//! What one statement gives back to the protocol layer: an OK with its
//! counters, or a result set of columns and text rows. Errors travel as
//! [`ServerError`](crate::error::ServerError); warnings stay in the session
//! and the protocol reads their count from it when it writes the packet.

use mysql_common::constants::{ColumnFlags, ColumnType};

/// The result of one successful statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ok(OkInfo),
    Rows(ResultSet),
}

/// The counters of an OK packet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OkInfo {
    pub affected_rows: u64,
    pub last_insert_id: u64,
    /// e.g. `Records: 3  Duplicates: 0  Warnings: 0`; empty for none.
    pub info: String,
}

/// A text result set: column definitions, then rows of text values
/// (`None` is SQL NULL).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultSet {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Option<Vec<u8>>>>,
}

/// One column definition as it goes out in the result set header.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The name the client shows (alias, or the expression's text).
    pub name: String,
    pub org_name: String,
    pub table: String,
    pub org_table: String,
    pub schema: String,
    pub column_type: ColumnType,
    pub flags: ColumnFlags,
    /// Collation id: 33 utf8mb3_general_ci, 45 utf8mb4_general_ci, 63 binary.
    pub charset: u16,
    /// Display length in bytes.
    pub length: u32,
    pub decimals: u8,
}

impl Column {
    /// A string column not read from a table (SHOW output, string expressions).
    pub fn text(name: &str, length: u32) -> Column {
        Column {
            name: name.to_string(),
            org_name: name.to_string(),
            table: String::new(),
            org_table: String::new(),
            schema: String::new(),
            column_type: ColumnType::MYSQL_TYPE_VAR_STRING,
            flags: ColumnFlags::empty(),
            charset: 33,
            length,
            decimals: 0,
        }
    }

    /// An integer column not read from a table.
    pub fn integer(name: &str) -> Column {
        Column {
            column_type: ColumnType::MYSQL_TYPE_LONGLONG,
            flags: ColumnFlags::NOT_NULL_FLAG | ColumnFlags::BINARY_FLAG | ColumnFlags::NUM_FLAG,
            charset: 63,
            length: 21,
            ..Column::text(name, 21)
        }
    }
}

impl ResultSet {
    /// A result of text columns, e.g. for SHOW statements.
    pub fn of_text(names: &[&str], rows: Vec<Vec<Option<String>>>) -> ResultSet {
        ResultSet {
            columns: names.iter().map(|n| Column::text(n, 192)).collect(),
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(|v| v.map(String::into_bytes)).collect())
                .collect(),
        }
    }
}
