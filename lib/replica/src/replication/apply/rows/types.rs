//! Whether a master column's binlog type fits the slave column: without
//! slave_type_conversions MariaDB 10.11 demands the same type with the
//! same metadata (VARCHAR(10) into VARCHAR(20) fails too; signedness is
//! not in the map and not checked). A mismatch is error 1677, naming
//! both types as MariaDB does (`varchar(5 octets)` to `int(11)`).
//! Column types enter; nothing or the 1677 [`ServerError`] leaves.

use super::code;
use super::table_map::ColumnType;
use crate::error::ServerError;
use crate::sql::exec::type_text;
use crate::sql::types::{IntWidth, LobSize, SqlType};
use crate::storage::schema::TableDef;
use crate::sysvars::charsets::max_bytes;

/// Checks the columns both tables have; 1677 names the first that differs.
pub fn check(def: &TableDef, columns: &[ColumnType]) -> Result<(), ServerError> {
    for (i, (source, target)) in columns.iter().zip(&def.columns).enumerate() {
        if !fits(*source, &target.ty, &def.charset) {
            return Err(ServerError::new(
                1677,
                "HY000",
                format!(
                    "Column {i} of table '{}.{}' cannot be converted from type '{}' to type '{}'",
                    def.schema,
                    def.name,
                    source_name(*source, is_binary(&target.ty)),
                    target_name(&target.ty, &def.charset)
                ),
            ));
        }
    }
    Ok(())
}

/// Whether the binlog type is exactly what the slave column would log.
fn fits(source: ColumnType, target: &SqlType, charset: &str) -> bool {
    let Some(expected) = binlog_type(target, charset) else {
        return false;
    };
    if source == expected {
        return true;
    }
    // Old-format temporals from masters before MySQL 5.6 formats.
    matches!(
        (source.code, target),
        (code::DATETIME, SqlType::DateTime { fsp: 0 })
            | (code::TIMESTAMP, SqlType::Timestamp { fsp: 0 })
            | (code::TIME, SqlType::Time { fsp: 0 })
            | (code::NEWDATE, SqlType::Date)
    )
}

/// The type and metadata a column of `ty` has in a table map.
pub fn binlog_type(ty: &SqlType, charset: &str) -> Option<ColumnType> {
    let t = |code, meta| Some(ColumnType { code, meta });
    let chars = |length: u32, binary: bool| {
        let bytes = if binary { 1 } else { max_bytes(charset) };
        u16::try_from(length.saturating_mul(bytes)).unwrap_or(u16::MAX)
    };
    match ty {
        SqlType::Int { width, .. } => t(
            match width {
                IntWidth::Tiny => code::TINY,
                IntWidth::Small => code::SHORT,
                IntWidth::Medium => code::INT24,
                IntWidth::Int => code::LONG,
                IntWidth::Big => code::LONGLONG,
            },
            0,
        ),
        SqlType::Float { .. } => t(code::FLOAT, 4),
        SqlType::Double { .. } => t(code::DOUBLE, 8),
        SqlType::Decimal {
            precision, scale, ..
        } => t(
            code::NEWDECIMAL,
            u16::from(*precision) | u16::from(*scale) << 8,
        ),
        SqlType::Char { length, binary } => t(code::STRING, chars(*length, *binary)),
        SqlType::Varchar { length, binary } => t(code::VARCHAR, chars(*length, *binary)),
        SqlType::Text(size) | SqlType::Blob(size) => t(code::BLOB, lob_pack_length(*size)),
        SqlType::Date => t(code::DATE, 0),
        SqlType::DateTime { fsp } => t(code::DATETIME2, u16::from(*fsp)),
        SqlType::Timestamp { fsp } => t(code::TIMESTAMP2, u16::from(*fsp)),
        SqlType::Time { fsp } => t(code::TIME2, u16::from(*fsp)),
        SqlType::Year => t(code::YEAR, 0),
        SqlType::Enum(members) => t(code::ENUM, if members.len() < 256 { 1 } else { 2 }),
        SqlType::Set(members) => t(code::SET, set_pack_length(members.len())),
        SqlType::Bit(n) => t(code::BIT, u16::from(*n / 8) << 8 | u16::from(*n % 8)),
    }
}

fn lob_pack_length(size: LobSize) -> u16 {
    match size {
        LobSize::Tiny => 1,
        LobSize::Normal => 2,
        LobSize::Medium => 3,
        LobSize::Long => 4,
    }
}

/// Bytes of a SET of `members` members: 1 to 4, then 8.
fn set_pack_length(members: usize) -> u16 {
    match members.div_ceil(8) {
        n @ 0..=4 => n.max(1) as u16,
        _ => 8,
    }
}

/// Columns of the binary character set, for which MariaDB names strings as binary.
fn is_binary(ty: &SqlType) -> bool {
    matches!(
        ty,
        SqlType::Blob(_)
            | SqlType::Bit(_)
            | SqlType::Char { binary: true, .. }
            | SqlType::Varchar { binary: true, .. }
    )
}

/// The master's type as the 1677 text names it.
pub fn source_name(source: ColumnType, binary: bool) -> String {
    let meta = source.meta;
    match source.code {
        code::TINY => "tinyint".into(),
        code::SHORT => "smallint".into(),
        code::INT24 => "mediumint".into(),
        code::LONG => "int".into(),
        code::LONGLONG => "bigint".into(),
        code::FLOAT => "float".into(),
        code::DOUBLE => "double".into(),
        code::NEWDECIMAL => format!("decimal({},{})", meta & 0xff, meta >> 8),
        code::DECIMAL => "decimal".into(),
        code::DATE | code::NEWDATE => "date".into(),
        code::DATETIME | code::DATETIME2 => "datetime".into(),
        code::TIMESTAMP | code::TIMESTAMP2 => "timestamp".into(),
        code::TIME | code::TIME2 => "time".into(),
        code::YEAR => "year".into(),
        code::VARCHAR | code::VAR_STRING if binary => format!("varbinary({meta})"),
        code::VARCHAR | code::VAR_STRING => format!("varchar({meta} octets)"),
        code::STRING if binary => format!("binary({meta})"),
        code::STRING => format!("char({meta} octets)"),
        code::BLOB | code::TINY_BLOB | code::MEDIUM_BLOB | code::LONG_BLOB => {
            let prefix = ["tiny", "", "medium", "long"];
            format!(
                "{}blob",
                prefix.get(usize::from(meta).wrapping_sub(1)).unwrap_or(&"")
            )
        }
        code::ENUM => "enum".into(),
        code::SET => "set".into(),
        code::BIT => format!("bit({})", (meta >> 8) * 8 + (meta & 0xff)),
        code::GEOMETRY => "geometry".into(),
        code::JSON => "json".into(),
        code::NULL => "null".into(),
        other => format!("type {other}"),
    }
}

/// The slave column's type as the 1677 text names it.
fn target_name(ty: &SqlType, charset: &str) -> String {
    let chars = |kind: &str, length: u32| {
        let octets = length.saturating_mul(max_bytes(charset));
        format!("{kind}({octets} octets) character set {charset}")
    };
    match ty {
        SqlType::Char {
            length,
            binary: false,
        } => chars("char", *length),
        SqlType::Varchar {
            length,
            binary: false,
        } => chars("varchar", *length),
        other => type_text(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::schema::{ColumnDef, Engine};

    fn table(types: Vec<SqlType>) -> TableDef {
        TableDef {
            schema: "test".into(),
            name: "t4".into(),
            columns: types
                .into_iter()
                .map(|ty| ColumnDef::plain("a", ty, true))
                .collect(),
            keys: Vec::new(),
            engine: Engine::InnoDb,
            auto_increment: 1,
            charset: "latin1".into(),
            comment: None,
            temporary: false,
        }
    }

    fn ct(code: u8, meta: u16) -> ColumnType {
        ColumnType { code, meta }
    }

    fn message(source: ColumnType, target: SqlType) -> String {
        check(&table(vec![target]), &[source]).unwrap_err().message
    }

    #[test]
    fn same_types_fit() {
        let int = SqlType::Int {
            width: IntWidth::Int,
            unsigned: true,
            zerofill: true,
            display: Some(5),
        };
        let varchar = SqlType::Varchar {
            length: 10,
            binary: false,
        };
        let def = table(vec![int, varchar, SqlType::DateTime { fsp: 3 }]);
        let map = [
            ct(code::LONG, 0),
            ct(code::VARCHAR, 10),
            ct(code::DATETIME2, 3),
        ];
        assert_eq!(check(&def, &map), Ok(()));
        // Extra master columns are not checked.
        let more = [map[0], map[1], map[2], ct(code::GEOMETRY, 4)];
        assert_eq!(check(&def, &more), Ok(()));
    }

    #[test]
    fn mismatches_read_as_mariadb_words_them() {
        let int = SqlType::Int {
            width: IntWidth::Int,
            unsigned: false,
            zerofill: false,
            display: None,
        };
        assert_eq!(
            message(ct(code::VARCHAR, 5), int.clone()),
            "Column 0 of table 'test.t4' cannot be converted from type 'varchar(5 octets)' to type 'int(11)'"
        );
        let varchar = |length| SqlType::Varchar {
            length,
            binary: false,
        };
        assert_eq!(
            message(ct(code::VARCHAR, 10), varchar(20)),
            "Column 0 of table 'test.t4' cannot be converted from type 'varchar(10 octets)' to type 'varchar(20 octets) character set latin1'"
        );
        assert_eq!(
            message(ct(code::BLOB, 2), int),
            "Column 0 of table 'test.t4' cannot be converted from type 'blob' to type 'int(11)'"
        );
        assert_eq!(
            message(
                ct(code::NEWDECIMAL, 10 | 2 << 8),
                SqlType::Decimal {
                    precision: 12,
                    scale: 2,
                    unsigned: false
                }
            ),
            "Column 0 of table 'test.t4' cannot be converted from type 'decimal(10,2)' to type 'decimal(12,2)'"
        );
        assert_eq!(
            message(ct(code::STRING, 3), SqlType::Blob(LobSize::Normal)),
            "Column 0 of table 'test.t4' cannot be converted from type 'binary(3)' to type 'blob'"
        );
    }
}
