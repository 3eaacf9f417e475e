//! Result-set column definitions: for computed columns from the values
//! they hold, and for table columns from their declared type. Values or a
//! `ColumnDef` come in, a protocol `Column` goes out.

use mysql_common::constants::{ColumnFlags, ColumnType};

use super::Value;
use crate::session::outcome::Column;
use crate::sql::types::{IntWidth, LobSize, SqlType};
use crate::storage::schema::ColumnDef;
use crate::sysvars::charsets;

/// Collation id of binary strings and numbers.
const BINARY: u16 = 63;
/// NOT_FIXED_DEC: the decimals of computed strings.
const NOT_FIXED_DEC: u8 = 39;

/// What kind of column a set of values needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Null,
    Int,
    UInt,
    Decimal,
    Double,
    Temporal,
    Text,
}

fn class_of(v: &Value) -> Class {
    match v {
        Value::Null => Class::Null,
        Value::Int(_) => Class::Int,
        Value::UInt(_) => Class::UInt,
        Value::Decimal(_) => Class::Decimal,
        Value::Double(_) => Class::Double,
        Value::Temporal(_) => Class::Temporal,
        Value::Bytes(_) => Class::Text,
    }
}

/// Metadata of a computed column from its values (type, length, decimals,
/// flags, charset) when its expression gives no type; strings carry
/// `collation` (the connection's).
pub fn result_column(name: &str, values: &[&Value], collation: u16) -> Column {
    let class = values
        .iter()
        .map(|v| class_of(v))
        .max()
        .unwrap_or(Class::Null);
    let nullable = values.iter().any(|v| v.is_null());
    let width = values
        .iter()
        .filter_map(|v| super::to_text(v))
        .map(|t| String::from_utf8_lossy(&t).chars().count())
        .max()
        .unwrap_or(0) as u32;
    let mut col = match class {
        Class::Null => numeric(name, ColumnType::MYSQL_TYPE_NULL, 0, 0),
        Class::Int => numeric(name, ColumnType::MYSQL_TYPE_LONGLONG, width.max(1), 0),
        Class::UInt => unsigned(numeric(
            name,
            ColumnType::MYSQL_TYPE_LONGLONG,
            width.max(1),
            0,
        )),
        Class::Decimal => decimal_column(name, values),
        Class::Double => numeric(name, ColumnType::MYSQL_TYPE_DOUBLE, width.max(1), 31),
        Class::Temporal => temporal_column(name, values),
        Class::Text => Column {
            decimals: NOT_FIXED_DEC,
            charset: collation,
            ..Column::text(name, width * bytes_per_char(collation))
        },
    };
    if !nullable && class != Class::Null {
        col.flags |= ColumnFlags::NOT_NULL_FLAG;
    }
    col.org_name = String::new();
    col
}

/// The most bytes a character of a collation takes.
fn bytes_per_char(collation: u16) -> u32 {
    charsets::charset_of_id(collation).map_or(1, charsets::max_bytes)
}

/// A binary numeric column of a type.
fn numeric(name: &str, ty: ColumnType, length: u32, decimals: u8) -> Column {
    Column {
        column_type: ty,
        flags: ColumnFlags::BINARY_FLAG | ColumnFlags::NUM_FLAG,
        charset: BINARY,
        length,
        decimals,
        ..Column::text(name, length)
    }
}

fn unsigned(mut c: Column) -> Column {
    c.flags |= ColumnFlags::UNSIGNED_FLAG;
    c
}

/// NEWDECIMAL with the largest scale and integer digits among the values.
fn decimal_column(name: &str, values: &[&Value]) -> Column {
    let (mut scale, mut int) = (0u8, 1u32);
    for v in values {
        if let Value::Decimal(d) = v {
            scale = scale.max(d.scale);
            int = int.max(d.int_digits());
        }
    }
    let length = int + u32::from(scale) + u32::from(scale > 0) + 1;
    numeric(name, ColumnType::MYSQL_TYPE_NEWDECIMAL, length, scale)
}

/// DATE, DATETIME or TIME after the first temporal value.
fn temporal_column(name: &str, values: &[&Value]) -> Column {
    let first = values.iter().find_map(|v| match v {
        Value::Temporal(t) => Some(*t),
        _ => None,
    });
    let (ty, length, fsp) = match first {
        Some(t) => match t.kind {
            super::TemporalKind::Date => (ColumnType::MYSQL_TYPE_DATE, 10, 0),
            super::TemporalKind::DateTime => (ColumnType::MYSQL_TYPE_DATETIME, 19, t.fsp),
            super::TemporalKind::Time => (ColumnType::MYSQL_TYPE_TIME, 10, t.fsp),
        },
        None => (ColumnType::MYSQL_TYPE_DATETIME, 19, 0),
    };
    let extra = if fsp > 0 { u32::from(fsp) + 1 } else { 0 };
    Column {
        flags: ColumnFlags::BINARY_FLAG,
        ..numeric(name, ty, length + extra, fsp)
    }
}

/// Metadata of a table column as a SELECT of it sends; its strings carry
/// `collation` (the table's).
pub fn table_column(def: &ColumnDef, table: &str, schema: &str, collation: u16) -> Column {
    let mut col = type_column(&def.name, &def.ty, collation);
    col.table = table.to_string();
    col.org_table = table.to_string();
    col.schema = schema.to_string();
    if !def.nullable {
        col.flags |= ColumnFlags::NOT_NULL_FLAG;
        if def.default.is_none() && !def.auto_increment {
            col.flags |= ColumnFlags::NO_DEFAULT_VALUE_FLAG;
        }
    }
    if def.auto_increment {
        col.flags |= ColumnFlags::AUTO_INCREMENT_FLAG;
    }
    col
}

/// Type, length, flags and charset of a declared type.
fn type_column(name: &str, ty: &SqlType, collation: u16) -> Column {
    let mut c = declared_column(name, ty, collation);
    if c.flags.contains(ColumnFlags::NUM_FLAG) {
        // Numeric table columns are not flagged BINARY (computed ones are).
        c.flags.remove(ColumnFlags::BINARY_FLAG);
    }
    c
}

fn declared_column(name: &str, ty: &SqlType, collation: u16) -> Column {
    match ty {
        SqlType::Int {
            width,
            unsigned: u,
            zerofill,
            ..
        } => int_column(name, *width, *u, *zerofill),
        SqlType::Decimal {
            precision,
            scale,
            unsigned: u,
        } => {
            let length = u32::from(*precision) + u32::from(*scale > 0) + u32::from(!*u);
            let c = numeric(name, ColumnType::MYSQL_TYPE_NEWDECIMAL, length, *scale);
            if *u { unsigned(c) } else { c }
        }
        SqlType::Double { .. } => numeric(name, ColumnType::MYSQL_TYPE_DOUBLE, 22, 31),
        SqlType::Float { .. } => numeric(name, ColumnType::MYSQL_TYPE_FLOAT, 12, 31),
        SqlType::Char { length, binary } => string_column(
            name,
            ColumnType::MYSQL_TYPE_STRING,
            *length,
            *binary,
            collation,
        ),
        SqlType::Varchar { length, binary } => string_column(
            name,
            ColumnType::MYSQL_TYPE_VAR_STRING,
            *length,
            *binary,
            collation,
        ),
        SqlType::Text(size) => blob_column(name, *size, false, collation),
        SqlType::Blob(size) => blob_column(name, *size, true, collation),
        SqlType::Date => temporal_of(name, ColumnType::MYSQL_TYPE_DATE, 10, 0),
        SqlType::DateTime { fsp } => temporal_of(name, ColumnType::MYSQL_TYPE_DATETIME, 19, *fsp),
        SqlType::Timestamp { fsp } => unsigned(temporal_of(
            name,
            ColumnType::MYSQL_TYPE_TIMESTAMP,
            19,
            *fsp,
        )),
        SqlType::Time { fsp } => temporal_of(name, ColumnType::MYSQL_TYPE_TIME, 10, *fsp),
        SqlType::Year => Column {
            flags: ColumnFlags::UNSIGNED_FLAG | ColumnFlags::ZEROFILL_FLAG | ColumnFlags::NUM_FLAG,
            ..numeric(name, ColumnType::MYSQL_TYPE_YEAR, 4, 0)
        },
        SqlType::Enum(members) => member_column(name, members, ColumnFlags::ENUM_FLAG, collation),
        SqlType::Set(members) => member_column(name, members, ColumnFlags::SET_FLAG, collation),
        SqlType::Bit(n) => Column {
            flags: ColumnFlags::UNSIGNED_FLAG,
            ..numeric(name, ColumnType::MYSQL_TYPE_BIT, u32::from(*n), 0)
        },
    }
}

fn int_column(name: &str, width: IntWidth, u: bool, zerofill: bool) -> Column {
    let (ty, signed_len, unsigned_len) = match width {
        IntWidth::Tiny => (ColumnType::MYSQL_TYPE_TINY, 4, 3),
        IntWidth::Small => (ColumnType::MYSQL_TYPE_SHORT, 6, 5),
        IntWidth::Medium => (ColumnType::MYSQL_TYPE_INT24, 9, 8),
        IntWidth::Int => (ColumnType::MYSQL_TYPE_LONG, 11, 10),
        IntWidth::Big => (ColumnType::MYSQL_TYPE_LONGLONG, 20, 20),
    };
    let mut c = numeric(name, ty, if u { unsigned_len } else { signed_len }, 0);
    if u {
        c.flags |= ColumnFlags::UNSIGNED_FLAG;
    }
    if zerofill {
        c.flags |= ColumnFlags::ZEROFILL_FLAG | ColumnFlags::UNSIGNED_FLAG;
    }
    c
}

fn string_column(name: &str, ty: ColumnType, chars: u32, binary: bool, collation: u16) -> Column {
    let charset = if binary { BINARY } else { collation };
    let length = chars.saturating_mul(bytes_per_char(charset));
    Column {
        column_type: ty,
        flags: if binary {
            ColumnFlags::BINARY_FLAG
        } else {
            ColumnFlags::empty()
        },
        charset,
        ..Column::text(name, length)
    }
}

fn blob_column(name: &str, size: LobSize, binary: bool, collation: u16) -> Column {
    let length = match size {
        LobSize::Tiny => 255,
        LobSize::Normal => 65535,
        LobSize::Medium => 16_777_215,
        LobSize::Long => u32::MAX,
    };
    // A LOB's length counts bytes, not characters.
    let mut c = string_column(name, ColumnType::MYSQL_TYPE_BLOB, 0, binary, collation);
    c.length = length;
    c.flags |= ColumnFlags::BLOB_FLAG;
    c
}

fn temporal_of(name: &str, ty: ColumnType, length: u32, fsp: u8) -> Column {
    let extra = if fsp > 0 { u32::from(fsp) + 1 } else { 0 };
    Column {
        flags: ColumnFlags::BINARY_FLAG,
        ..numeric(name, ty, length + extra, fsp)
    }
}

fn member_column(name: &str, members: &[String], flag: ColumnFlags, collation: u16) -> Column {
    let length = if flag == ColumnFlags::SET_FLAG {
        members
            .iter()
            .map(|m| m.len() as u32 + 1)
            .sum::<u32>()
            .saturating_sub(1)
    } else {
        members.iter().map(|m| m.len() as u32).max().unwrap_or(0)
    };
    Column {
        flags: flag,
        ..string_column(
            name,
            ColumnType::MYSQL_TYPE_STRING,
            length,
            false,
            collation,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::value::Decimal;

    #[test]
    fn computed_columns_take_their_values_kind() {
        let c = result_column("1.5", &[&Value::Decimal(Decimal::new(15, 1))], 33);
        assert_eq!(c.column_type, ColumnType::MYSQL_TYPE_NEWDECIMAL);
        assert_eq!((c.length, c.decimals), (4, 1));
        assert!(c.flags.contains(ColumnFlags::NOT_NULL_FLAG));
        let c = result_column("x", &[&Value::text("abc"), &Value::Null], 33);
        assert_eq!(
            (c.column_type, c.length, c.charset),
            (ColumnType::MYSQL_TYPE_VAR_STRING, 9, 33)
        );
        assert!(!c.flags.contains(ColumnFlags::NOT_NULL_FLAG));
    }

    #[test]
    fn table_columns_follow_the_declared_type() {
        let def = ColumnDef {
            name: "a".into(),
            ty: SqlType::Int {
                width: IntWidth::Int,
                unsigned: false,
                zerofill: false,
                display: None,
            },
            nullable: false,
            default: None,
            auto_increment: true,
            on_update_now: false,
            comment: None,
        };
        let c = table_column(&def, "t", "test", 8);
        assert_eq!(
            (c.column_type, c.length, c.table.as_str()),
            (ColumnType::MYSQL_TYPE_LONG, 11, "t")
        );
        assert!(
            c.flags
                .contains(ColumnFlags::AUTO_INCREMENT_FLAG | ColumnFlags::NOT_NULL_FLAG)
        );
    }
}
