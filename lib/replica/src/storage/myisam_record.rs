//! How many bytes MariaDB 10.11's MyISAM packs a row into when the table
//! has dynamic rows (a VARCHAR, TEXT or BLOB column): the pack-flag bytes,
//! the null bytes, then each column by its pack type (`table2myisam`,
//! `mi_create`, `_mi_rec_pack`). A table definition enters once as a
//! [`RecordShape`]; rows enter and their packed lengths leave, which place
//! them in the data file ([`super::myisam_dynamic`]).

use crate::sql::exec::table_sizes::column_bytes;
use crate::sql::types::{LobSize, SqlType};
use crate::sql::value::{Row, Value};
use crate::storage::schema::{Engine, TableDef};

/// A column's MyISAM pack type (`en_fieldtype`) and its length in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pack {
    /// Stored as is.
    Normal(u64),
    /// Left out (a flag bit set) when all its bytes are zero: numbers.
    SkipZero(u64),
    /// Trailing spaces cut, with a length byte: CHAR and SET.
    SkipEndSpace(u64),
    /// Leading spaces cut (binary values rarely have any): temporals, DECIMAL.
    SkipPreSpace(u64),
    /// Its length bytes (1 or 2 in the row) and data.
    Varchar { wide: bool },
    /// Left out when empty, else its length bytes and data.
    Blob(u64),
}

/// The packing of one dynamic-row MyISAM table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordShape {
    flag_bytes: u64,
    null_bytes: u64,
    columns: Vec<Pack>,
}

impl RecordShape {
    /// The shape of `def`, if it is a MyISAM table with dynamic rows.
    pub fn of(def: &TableDef) -> Option<RecordShape> {
        let dynamic = def.columns.iter().any(|c| {
            matches!(
                c.ty,
                SqlType::Varchar { .. } | SqlType::Text(_) | SqlType::Blob(_)
            )
        });
        if def.engine != Engine::MyIsam || !dynamic {
            return None;
        }
        let chars = bytes_per_char(&def.charset);
        let mut columns: Vec<Pack> = def.columns.iter().map(|c| pack(&c.ty, chars)).collect();
        let mut packed = columns.iter().filter(|p| flagged(p)).count() as u64;
        // mi_create: one flag bit alone in its byte is saved by storing a
        // one-byte zero-skipped column (the last such) as it is.
        if packed & 7 == 1
            && let Some(p) = columns.iter_mut().rev().find(|p| **p == Pack::SkipZero(1))
        {
            *p = Pack::Normal(1);
            packed -= 1;
        }
        let nullable = def.columns.iter().filter(|c| c.nullable).count() as u64;
        Some(RecordShape {
            flag_bytes: packed.div_ceil(8),
            null_bytes: nullable.div_ceil(8),
            columns,
        })
    }

    /// The packed length of `row`.
    pub fn length(&self, row: &Row) -> u64 {
        let columns: u64 = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, p)| packed_column(*p, row.get(i).unwrap_or(&Value::Null)))
            .sum();
        self.flag_bytes + self.null_bytes + columns
    }
}

/// Whether a pack type takes a flag bit (VARCHAR and plain columns do not).
fn flagged(p: &Pack) -> bool {
    !matches!(p, Pack::Normal(_) | Pack::Varchar { .. })
}

/// `table2myisam`'s choice for a column of a packed-record table.
fn pack(ty: &SqlType, chars: u64) -> Pack {
    let length = column_bytes(ty);
    match ty {
        SqlType::Blob(size) | SqlType::Text(size) => Pack::Blob(match size {
            LobSize::Tiny => 1,
            LobSize::Normal => 2,
            LobSize::Medium => 3,
            LobSize::Long => 4,
        }),
        SqlType::Varchar { length, binary } => {
            let bytes = u64::from(*length) * if *binary { 1 } else { chars };
            Pack::Varchar { wide: bytes > 255 }
        }
        // TIMESTAMP2 is marked FIELD_SKIP_PRESPACE whatever its length.
        SqlType::Timestamp { .. } => Pack::SkipPreSpace(length),
        SqlType::Int { zerofill: true, .. } => Pack::Normal(length),
        SqlType::Int { .. } | SqlType::Double { .. } | SqlType::Float { .. } | SqlType::Bit(_) => {
            Pack::SkipZero(length)
        }
        SqlType::Char { length, binary } => {
            let bytes = u64::from(*length) * if *binary { 1 } else { chars };
            if bytes <= 3 {
                Pack::Normal(bytes)
            } else {
                Pack::SkipEndSpace(bytes)
            }
        }
        SqlType::Enum(_) | SqlType::Set(_) if length > 3 => Pack::SkipEndSpace(length),
        _ if length <= 3 => Pack::Normal(length),
        _ => Pack::SkipPreSpace(length),
    }
}

/// Bytes one column takes in the packed record.
fn packed_column(p: Pack, value: &Value) -> u64 {
    let data = match value {
        Value::Bytes(b) => b.len() as u64,
        _ => 0,
    };
    match p {
        Pack::Normal(n) | Pack::SkipPreSpace(n) => n,
        Pack::SkipZero(n) => {
            if is_zero(value) {
                0
            } else {
                n
            }
        }
        Pack::SkipEndSpace(n) => {
            let kept = match value {
                Value::Bytes(b) => b.iter().rposition(|&c| c != b' ').map_or(0, |i| i + 1) as u64,
                _ => 0,
            };
            let wide = u64::from(n > 255 && kept > 127);
            if kept + 1 + wide < n {
                kept + 1 + wide
            } else {
                n
            }
        }
        Pack::Varchar { wide } => data + if wide && data >= 255 { 3 } else { 1 },
        Pack::Blob(prefix) => {
            if data == 0 {
                0
            } else {
                prefix + data
            }
        }
    }
}

/// Whether a number's record bytes are all zero (NULL leaves them zero too).
fn is_zero(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Int(i) => *i == 0,
        Value::UInt(u) => *u == 0,
        Value::Double(d) => d.to_bits() == 0,
        Value::Bytes(b) => b.iter().all(|&c| c == 0),
        _ => false,
    }
}

/// The widest character of a table's default character set, in bytes.
fn bytes_per_char(charset: &str) -> u64 {
    match charset.to_ascii_lowercase().as_str() {
        "utf8mb4" | "utf16" | "utf16le" | "utf32" => 4,
        "utf8" | "utf8mb3" => 3,
        "ucs2" | "big5" | "gbk" | "sjis" | "cp932" | "euckr" | "gb2312" => 2,
        "ujis" | "eucjpms" => 3,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::exec::parse_type;
    use crate::storage::schema::ColumnDef;

    fn table(columns: &[(&str, bool)]) -> TableDef {
        TableDef {
            schema: "test".into(),
            name: "t".into(),
            columns: columns
                .iter()
                .map(|(ty, nullable)| ColumnDef::plain("c", parse_type(ty).unwrap(), *nullable))
                .collect(),
            keys: Vec::new(),
            engine: Engine::MyIsam,
            auto_increment: 1,
            charset: "latin1".into(),
            comment: None,
            temporary: false,
        }
    }

    #[test]
    fn fixed_rows_have_no_shape() {
        assert_eq!(RecordShape::of(&table(&[("INT", false)])), None);
    }

    #[test]
    fn zero_numbers_and_short_strings_pack_small() {
        // rpl_binlog_compress's t1: one flag byte, one null byte.
        let shape = table(&[
            ("INT UNSIGNED", false),
            ("INT", false),
            ("VARBINARY(60)", false),
            ("INT", true),
        ]);
        let shape = RecordShape::of(&shape).unwrap();
        let row = |id: i64, page: i64, ty: &str, test: i64| {
            vec![
                Value::Int(id),
                Value::Int(page),
                Value::text(ty),
                Value::Int(test),
            ]
        };
        assert_eq!(shape.length(&row(136, 1, "one", 0)), 14);
        assert_eq!(shape.length(&row(138, 1, "one", 2)), 18);
        assert_eq!(shape.length(&row(140, 4, "four", 4)), 19);
    }
}
