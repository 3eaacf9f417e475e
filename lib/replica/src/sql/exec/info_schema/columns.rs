//! information_schema.COLUMNS: one row per column of every base table in
//! the catalog, with MariaDB 10.11's 22 columns in its order, typed and
//! filled as it fills them (lengths from the type and the table's
//! character set, precision and scale of numbers, fractional digits of
//! times, the DEFAULT and key of each column). Table definitions come in;
//! rows go out to the SELECT that reads the table.

use crate::session::Session;
use crate::sql::exec::show_create::{default_clause, type_text};
use crate::sql::types::{IntWidth, LobSize, SqlType};
use crate::sql::value::{Row, Value};
use crate::storage::schema::{ColumnDef, KeyKind, TableDef};

use super::charsets::charset_facts;

/// The columns, as `SHOW COLUMNS FROM information_schema.COLUMNS` lists them.
pub const COLUMNS: &[&str] = &[
    "TABLE_CATALOG",
    "TABLE_SCHEMA",
    "TABLE_NAME",
    "COLUMN_NAME",
    "ORDINAL_POSITION",
    "COLUMN_DEFAULT",
    "IS_NULLABLE",
    "DATA_TYPE",
    "CHARACTER_MAXIMUM_LENGTH",
    "CHARACTER_OCTET_LENGTH",
    "NUMERIC_PRECISION",
    "NUMERIC_SCALE",
    "DATETIME_PRECISION",
    "CHARACTER_SET_NAME",
    "COLLATION_NAME",
    "COLUMN_TYPE",
    "COLUMN_KEY",
    "EXTRA",
    "PRIVILEGES",
    "COLUMN_COMMENT",
    "IS_GENERATED",
    "GENERATION_EXPRESSION",
];

/// The privileges column of a user who may do everything (root).
const ALL_PRIVILEGES: &str = "select,insert,update,references";

/// Every column of every base table, schema by schema.
pub fn rows(session: &Session) -> Vec<Row> {
    let storage = &session.state.storage;
    let mut rows = Vec::new();
    for schema in storage.database_names() {
        for name in storage.table_names(&schema).unwrap_or_default() {
            if let Ok(table) = storage.table(&schema, &name) {
                rows.extend(table_rows(&table.def()));
            }
        }
    }
    rows
}

/// The rows of one table.
fn table_rows(def: &TableDef) -> Vec<Row> {
    def.columns
        .iter()
        .enumerate()
        .map(|(i, column)| column_row(def, i, column))
        .collect()
}

fn column_row(def: &TableDef, index: usize, column: &ColumnDef) -> Row {
    let text = |t: &str| Value::text(t);
    let number = |n: Option<u64>| n.map_or(Value::Null, Value::UInt);
    let charset = character_set(&column.ty, &def.charset);
    let (max_chars, max_bytes) = lengths(&column.ty, charset.as_ref().map_or(1, |c| c.2));
    let (precision, scale) = numeric(&column.ty);
    vec![
        text("def"),
        text(&def.schema),
        text(&def.name),
        text(&column.name),
        Value::UInt(index as u64 + 1),
        default_clause(column).map_or(Value::Null, |d| text(&d)),
        text(if column.nullable { "YES" } else { "NO" }),
        text(&data_type(&column.ty)),
        number(max_chars),
        number(max_bytes),
        number(precision),
        number(scale),
        number(datetime_precision(&column.ty)),
        charset.as_ref().map_or(Value::Null, |c| text(&c.0)),
        charset.as_ref().map_or(Value::Null, |c| text(c.1)),
        text(&type_text(&column.ty)),
        text(key_of(def, index)),
        text(&extra(column)),
        text(ALL_PRIVILEGES),
        text(column.comment.as_deref().unwrap_or("")),
        text("NEVER"),
        Value::Null,
    ]
}

/// The type's name without its length or attributes, e.g. `varchar`.
fn data_type(ty: &SqlType) -> String {
    let full = type_text(ty);
    let end = full.find(['(', ' ']).unwrap_or(full.len());
    full[..end].to_string()
}

/// Character set name, collation and bytes per character of a text
/// column (the table's character set); None for other types.
fn character_set(ty: &SqlType, table_charset: &str) -> Option<(String, &'static str, u64)> {
    let textual = matches!(
        ty,
        SqlType::Char { binary: false, .. }
            | SqlType::Varchar { binary: false, .. }
            | SqlType::Text(_)
            | SqlType::Enum(_)
            | SqlType::Set(_)
    );
    if !textual {
        return None;
    }
    let (collation, max_len) = charset_facts(table_charset).unwrap_or(("latin1_swedish_ci", 1));
    let name = collation
        .split('_')
        .next()
        .unwrap_or(table_charset)
        .to_string();
    Some((name, collation, max_len))
}

/// CHARACTER_MAXIMUM_LENGTH and CHARACTER_OCTET_LENGTH.
fn lengths(ty: &SqlType, bytes_per_char: u64) -> (Option<u64>, Option<u64>) {
    let chars = match ty {
        SqlType::Char { length, .. } | SqlType::Varchar { length, .. } => u64::from(*length),
        SqlType::Text(size) | SqlType::Blob(size) => {
            let capacity = lob_capacity(*size);
            return (Some(capacity), Some(capacity));
        }
        SqlType::Enum(values) => values
            .iter()
            .map(|v| v.chars().count() as u64)
            .max()
            .unwrap_or(0),
        SqlType::Set(values) => {
            let total: u64 = values.iter().map(|v| v.chars().count() as u64).sum();
            total + values.len().saturating_sub(1) as u64
        }
        _ => return (None, None),
    };
    (Some(chars), Some(chars * bytes_per_char))
}

fn lob_capacity(size: LobSize) -> u64 {
    match size {
        LobSize::Tiny => 255,
        LobSize::Normal => 65_535,
        LobSize::Medium => 16_777_215,
        LobSize::Long => 4_294_967_295,
    }
}

/// NUMERIC_PRECISION and NUMERIC_SCALE.
fn numeric(ty: &SqlType) -> (Option<u64>, Option<u64>) {
    match ty {
        SqlType::Int {
            width, unsigned, ..
        } => {
            let digits = match width {
                IntWidth::Tiny => 3,
                IntWidth::Small => 5,
                IntWidth::Medium => 7,
                IntWidth::Int => 10,
                IntWidth::Big if *unsigned => 20,
                IntWidth::Big => 19,
            };
            (Some(digits), Some(0))
        }
        SqlType::Decimal {
            precision, scale, ..
        } => (Some(u64::from(*precision)), Some(u64::from(*scale))),
        SqlType::Double { .. } => (Some(22), None),
        SqlType::Float { .. } => (Some(12), None),
        SqlType::Bit(n) => (Some(u64::from(*n)), None),
        _ => (None, None),
    }
}

fn datetime_precision(ty: &SqlType) -> Option<u64> {
    match ty {
        SqlType::DateTime { fsp } | SqlType::Timestamp { fsp } | SqlType::Time { fsp } => {
            Some(u64::from(*fsp))
        }
        _ => None,
    }
}

/// PRI (part of the primary key), UNI (a one-column unique key) or MUL
/// (leads another key), as MariaDB flags a column.
fn key_of(def: &TableDef, index: usize) -> &'static str {
    let in_primary = def
        .keys
        .iter()
        .any(|k| k.kind == KeyKind::Primary && k.columns.contains(&index));
    if in_primary {
        "PRI"
    } else if def
        .keys
        .iter()
        .any(|k| k.kind == KeyKind::Unique && k.columns == [index])
    {
        "UNI"
    } else if def.keys.iter().any(|k| k.columns.first() == Some(&index)) {
        "MUL"
    } else {
        ""
    }
}

fn extra(column: &ColumnDef) -> String {
    if column.auto_increment {
        "auto_increment".into()
    } else if column.on_update_now {
        "on update current_timestamp()".into()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use crate::session::Session;
    use crate::session::outcome::Outcome;

    /// The rows of a query, cells joined by tabs (NULL as `NULL`).
    fn rows(s: &mut Session, query: &str) -> Vec<String> {
        let mut out = Vec::new();
        s.run_query(query.as_bytes(), &mut |r, _| {
            if let Ok(Outcome::Rows(set)) = r {
                for row in set.rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|c| {
                            c.as_deref()
                                .map_or("NULL".into(), |b| String::from_utf8_lossy(b).into_owned())
                        })
                        .collect();
                    out.push(cells.join("\t"));
                }
            } else if let Err(e) = r {
                panic!("{query}: {e:?}");
            }
            Ok(())
        })
        .unwrap();
        out
    }

    /// What MariaDB 10.11 returns for the same table (read from a real server).
    #[test]
    fn columns_read_as_mariadbs() {
        let mut s = Session::for_tests();
        rows(
            &mut s,
            "CREATE TABLE t (a INT PRIMARY KEY AUTO_INCREMENT, b VARCHAR(10) DEFAULT 'x' COMMENT 'cm', \
             c DECIMAL(5,2) NOT NULL, d DATETIME(3), e TEXT, g BIGINT UNSIGNED, h CHAR(3), \
             f ENUM('a','bcd'), UNIQUE KEY (h), KEY (c)) ENGINE=InnoDB",
        );
        let got = rows(
            &mut s,
            "SELECT COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, \
             CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, \
             DATETIME_PRECISION, CHARACTER_SET_NAME, COLLATION_NAME, COLUMN_TYPE, COLUMN_KEY, EXTRA, \
             PRIVILEGES, COLUMN_COMMENT, IS_GENERATED, GENERATION_EXPRESSION \
             FROM information_schema.COLUMNS WHERE table_schema = 'test' AND table_name = 't'",
        );
        let common = "select,insert,update,references";
        let want = [
            format!(
                "a\t1\tNULL\tNO\tint\tNULL\tNULL\t10\t0\tNULL\tNULL\tNULL\tint(11)\tPRI\tauto_increment\t{common}\t\tNEVER\tNULL"
            ),
            format!(
                "b\t2\t'x'\tYES\tvarchar\t10\t10\tNULL\tNULL\tNULL\tlatin1\tlatin1_swedish_ci\tvarchar(10)\t\t\t{common}\tcm\tNEVER\tNULL"
            ),
            format!(
                "c\t3\tNULL\tNO\tdecimal\tNULL\tNULL\t5\t2\tNULL\tNULL\tNULL\tdecimal(5,2)\tMUL\t\t{common}\t\tNEVER\tNULL"
            ),
            format!(
                "d\t4\tNULL\tYES\tdatetime\tNULL\tNULL\tNULL\tNULL\t3\tNULL\tNULL\tdatetime(3)\t\t\t{common}\t\tNEVER\tNULL"
            ),
            format!(
                "e\t5\tNULL\tYES\ttext\t65535\t65535\tNULL\tNULL\tNULL\tlatin1\tlatin1_swedish_ci\ttext\t\t\t{common}\t\tNEVER\tNULL"
            ),
            format!(
                "g\t6\tNULL\tYES\tbigint\tNULL\tNULL\t20\t0\tNULL\tNULL\tNULL\tbigint(20) unsigned\t\t\t{common}\t\tNEVER\tNULL"
            ),
            format!(
                "h\t7\tNULL\tYES\tchar\t3\t3\tNULL\tNULL\tNULL\tlatin1\tlatin1_swedish_ci\tchar(3)\tUNI\t\t{common}\t\tNEVER\tNULL"
            ),
            format!(
                "f\t8\tNULL\tYES\tenum\t3\t3\tNULL\tNULL\tNULL\tlatin1\tlatin1_swedish_ci\tenum('a','bcd')\t\t\t{common}\t\tNEVER\tNULL"
            ),
        ];
        assert_eq!(got, want);
        // A nullable column without a default shows the text NULL, a NOT NULL one SQL NULL.
        let defaults = rows(
            &mut s,
            "SELECT COLUMN_DEFAULT IS NULL FROM information_schema.COLUMNS \
             WHERE table_name = 't' AND column_name IN ('a', 'd') ORDER BY column_name",
        );
        assert_eq!(defaults, ["1", "0"]);
    }
}
