//! The figures information_schema.TABLES reports about a table's storage,
//! computed as MariaDB 10.11's engines report them for small tables: a
//! MyISAM table of fixed-length rows stores each row in its record length
//! (null bits, the columns' packed lengths, at least 7 bytes); InnoDB and
//! Aria take whole pages. A table definition and its row count come in;
//! [`TableSizes`] goes out.

use crate::sql::types::{IntWidth, LobSize, SqlType};
use crate::storage::schema::{Engine, TableDef};

/// ROW_FORMAT … MAX_INDEX_LENGTH of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSizes {
    pub row_format: &'static str,
    pub avg_row_length: u64,
    pub data_length: u64,
    pub max_data_length: u64,
    pub index_length: u64,
    pub max_index_length: u64,
}

/// An InnoDB or Aria page.
const PAGE: u64 = 16384;
/// MyISAM's row pointers are 6 bytes (myisam_data_pointer_size).
const MYISAM_SPAN: u64 = 1 << 48;

/// The figures of `def` holding `rows` rows.
pub fn of(def: &TableDef, rows: u64) -> TableSizes {
    match def.engine {
        Engine::InnoDb => paged("Dynamic", rows, 0, 0),
        Engine::Aria => paged("Page", rows, 17_592_186_011_648, 8192),
        Engine::MyIsam | Engine::Memory => myisam(def, rows),
    }
}

fn paged(row_format: &'static str, rows: u64, max_data: u64, index: u64) -> TableSizes {
    TableSizes {
        row_format,
        avg_row_length: PAGE.checked_div(rows).unwrap_or(0),
        data_length: PAGE,
        max_data_length: max_data,
        index_length: index,
        max_index_length: 0,
    }
}

fn myisam(def: &TableDef, rows: u64) -> TableSizes {
    let fixed = def.columns.iter().all(|c| !is_variable(&c.ty));
    let length = record_length(def);
    let (row_format, max_data_length) = match fixed {
        true => ("Fixed", length * MYISAM_SPAN - 1),
        false => ("Dynamic", MYISAM_SPAN - 1),
    };
    TableSizes {
        row_format,
        avg_row_length: if rows > 0 { length } else { 0 },
        data_length: rows * length,
        max_data_length,
        index_length: 1024,
        max_index_length: 17_179_868_160,
    }
}

fn is_variable(ty: &SqlType) -> bool {
    matches!(
        ty,
        SqlType::Varchar { .. } | SqlType::Text(_) | SqlType::Blob(_)
    )
}

/// A MyISAM record: the null bits (plus one), then each column packed.
fn record_length(def: &TableDef) -> u64 {
    let nullable = def.columns.iter().filter(|c| c.nullable).count() as u64;
    let null_bytes = (nullable + 1).div_ceil(8);
    let columns: u64 = def.columns.iter().map(|c| column_bytes(&c.ty)).sum();
    (null_bytes + columns).max(7)
}

/// Bytes a column takes in a row (latin1 strings).
pub(crate) fn column_bytes(ty: &SqlType) -> u64 {
    let fraction = |fsp: u8| u64::from(fsp).div_ceil(2);
    match ty {
        SqlType::Int { width, .. } => match width {
            IntWidth::Tiny => 1,
            IntWidth::Small => 2,
            IntWidth::Medium => 3,
            IntWidth::Int => 4,
            IntWidth::Big => 8,
        },
        SqlType::Decimal {
            precision, scale, ..
        } => decimal_bytes(u64::from(precision - scale)) + decimal_bytes(u64::from(*scale)),
        SqlType::Double { .. } => 8,
        SqlType::Float { .. } => 4,
        SqlType::Char { length, .. } => u64::from(*length),
        SqlType::Varchar { length, .. } => u64::from(*length) + if *length < 256 { 1 } else { 2 },
        SqlType::Text(size) | SqlType::Blob(size) => {
            8 + match size {
                LobSize::Tiny => 1,
                LobSize::Normal => 2,
                LobSize::Medium => 3,
                LobSize::Long => 4,
            }
        }
        SqlType::Date => 3,
        SqlType::DateTime { fsp } => 5 + fraction(*fsp),
        SqlType::Timestamp { fsp } => 4 + fraction(*fsp),
        SqlType::Time { fsp } => 3 + fraction(*fsp),
        SqlType::Year => 1,
        SqlType::Enum(members) => {
            if members.len() < 256 {
                1
            } else {
                2
            }
        }
        SqlType::Set(members) => match members.len().div_ceil(8) {
            n @ 0..=4 => n.max(1) as u64,
            _ => 8,
        },
        SqlType::Bit(bits) => u64::from(*bits).div_ceil(8),
    }
}

/// Bytes of `digits` decimal digits: 4 per 9, the rest by MariaDB's table.
fn decimal_bytes(digits: u64) -> u64 {
    const REST: [u64; 9] = [0, 1, 1, 2, 2, 3, 3, 4, 4];
    digits / 9 * 4 + REST[(digits % 9) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::exec::parse_type;
    use crate::storage::schema::ColumnDef;

    fn table(engine: Engine, columns: &[(&str, bool)]) -> TableDef {
        TableDef {
            schema: "test".into(),
            name: "t".into(),
            columns: columns
                .iter()
                .map(|(ty, nullable)| ColumnDef::plain("c", parse_type(ty).unwrap(), *nullable))
                .collect(),
            keys: Vec::new(),
            engine,
            auto_increment: 1,
            charset: "latin1".into(),
            comment: None,
            temporary: false,
        }
    }

    #[test]
    fn myisam_fixed_rows_have_mariadbs_record_length() {
        // Figures read from MariaDB 10.11's information_schema.TABLES.
        let times: Vec<String> = (0..7).map(|f| format!("TIME({f})")).collect();
        let t1: Vec<(&str, bool)> = times.iter().map(|t| (t.as_str(), true)).collect();
        assert_eq!(of(&table(Engine::MyIsam, &t1), 1).avg_row_length, 34);
        let m4 = of(&table(Engine::MyIsam, &[("INT", false)]), 1);
        assert_eq!(
            (m4.avg_row_length, m4.max_data_length),
            (7, 1_970_324_836_974_591)
        );
        let m5 = table(Engine::MyIsam, &[("TINYINT", true); 8]);
        assert_eq!(of(&m5, 1).data_length, 10);
        let m1 = of(
            &table(Engine::MyIsam, &[("INT", true), ("TIME(3)", true)]),
            2,
        );
        assert_eq!((m1.avg_row_length, m1.data_length), (10, 20));
        assert_eq!(of(&m5, 0).avg_row_length, 0);
    }

    #[test]
    fn innodb_takes_a_page() {
        let i1 = of(&table(Engine::InnoDb, &[("INT", true)]), 2);
        assert_eq!(
            (i1.row_format, i1.avg_row_length, i1.data_length),
            ("Dynamic", 8192, 16384)
        );
    }
}
