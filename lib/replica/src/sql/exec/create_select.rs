//! The definitions of CREATE TABLE … LIKE and CREATE TABLE … [AS] SELECT.
//! LIKE copies the source table's columns, keys and engine. SELECT runs
//! the query first (so `CREATE TABLE t AS SELECT * FROM t` reads the
//! temporary `t`, or fails with 1146 when there is none); a selected table
//! column keeps its declared type, a computed one gets the type of its
//! result metadata; explicit columns not selected come first, as in
//! MariaDB. The definition and the selected rows go back to `ddl`.

use mysql_common::constants::{ColumnFlags, ColumnType};
use sqlparser::ast::{CreateTable, CreateTableLikeKind, Query};

use super::create_table;
use super::names::{open_table, qualified};
use crate::error::ServerResult;
use crate::session::outcome::Column;
use crate::session::{Session, not_supported};
use crate::sql::types::{IntWidth, LobSize, SqlType};
use crate::sql::value::{Row, Value};
use crate::storage::schema::{ColumnDef, Engine, TableDef};
use crate::sysvars::charsets;

/// CREATE TABLE … LIKE source: the source's definition under the new name.
pub fn like_def(
    session: &Session,
    like: &CreateTableLikeKind,
    (schema, name): (&str, &str),
    temporary: bool,
) -> ServerResult<TableDef> {
    let (CreateTableLikeKind::Plain(like) | CreateTableLikeKind::Parenthesized(like)) = like;
    let (source_schema, source_name) = qualified(session, &like.name)?;
    let source = open_table(session, &source_schema, &source_name)?.def();
    Ok(TableDef {
        schema: schema.to_string(),
        name: name.to_string(),
        auto_increment: 1,
        temporary,
        ..(*source).clone()
    })
}

/// CREATE TABLE … SELECT: the new table's definition and the rows to put in it.
pub fn select_def(
    session: &mut Session,
    create: &CreateTable,
    query: &Query,
    (schema, name): (&str, &str),
    engine: Engine,
) -> ServerResult<(TableDef, Vec<Vec<Option<Value>>>)> {
    let (columns, rows) = super::select::query_columns_and_rows(session, query)?;
    let explicit = create_table::table_def(create, schema, name, engine)?;
    let mut selected = Vec::with_capacity(columns.len());
    for column in &columns {
        match explicit.column_index(&column.name) {
            Some(i) => selected.push(explicit.columns[i].clone()),
            None => selected.push(selected_column(session, column)?),
        }
    }
    let def = merge(explicit, selected);
    let positions: Vec<usize> = columns
        .iter()
        .filter_map(|c| def.column_index(&c.name))
        .collect();
    let rows = rows
        .into_iter()
        .map(|row| place(&def, &positions, row))
        .collect();
    Ok((def, rows))
}

/// Explicit columns that are not selected, then the selected ones; keys
/// follow their columns to the new positions.
fn merge(explicit: TableDef, selected: Vec<ColumnDef>) -> TableDef {
    let is_selected = |c: &ColumnDef| {
        selected
            .iter()
            .any(|s| s.name.eq_ignore_ascii_case(&c.name))
    };
    let mut columns: Vec<ColumnDef> = explicit
        .columns
        .iter()
        .filter(|c| !is_selected(c))
        .cloned()
        .collect();
    columns.extend(selected);
    let position = |old: usize| {
        let name = &explicit.columns[old].name;
        columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
            .unwrap_or(old)
    };
    let keys = explicit
        .keys
        .iter()
        .map(|k| crate::storage::schema::KeyDef {
            columns: k.columns.iter().map(|&c| position(c)).collect(),
            ..k.clone()
        })
        .collect();
    TableDef {
        columns,
        keys,
        ..explicit
    }
}

/// A selected row laid out in the table's columns (None: the column's
/// default, for explicit columns not selected).
fn place(def: &TableDef, positions: &[usize], row: Row) -> Vec<Option<Value>> {
    let mut out = vec![None; def.columns.len()];
    for (value, &at) in row.into_iter().zip(positions) {
        out[at] = Some(value);
    }
    out
}

/// The column a selected value makes: a table column's own definition
/// (without AUTO_INCREMENT), else one from the result metadata.
fn selected_column(session: &Session, column: &Column) -> ServerResult<ColumnDef> {
    if let Some(def) = source_column(session, column) {
        return Ok(ColumnDef {
            name: column.name.clone(),
            auto_increment: false,
            ..def
        });
    }
    let ty =
        type_of(column).ok_or_else(|| not_supported("CREATE TABLE ... SELECT of this type"))?;
    Ok(ColumnDef {
        name: column.name.clone(),
        ty,
        nullable: !column.flags.contains(ColumnFlags::NOT_NULL_FLAG),
        default: None,
        auto_increment: false,
        on_update_now: false,
        comment: None,
    })
}

/// The declared column a result column reads, when it reads one.
fn source_column(session: &Session, column: &Column) -> Option<ColumnDef> {
    if column.org_table.is_empty() || column.org_name.is_empty() {
        return None;
    }
    let table = open_table(session, &column.schema, &column.org_table).ok()?;
    let def = table.def();
    let i = def.column_index(&column.org_name)?;
    Some(def.columns[i].clone())
}

/// The declared type matching a computed column's result metadata.
pub(crate) fn type_of(column: &Column) -> Option<SqlType> {
    let unsigned = column.flags.contains(ColumnFlags::UNSIGNED_FLAG);
    let binary = column.charset == 63;
    let chars = column.length / charset_width(column.charset);
    let int = |width| {
        Some(SqlType::Int {
            width,
            unsigned,
            zerofill: false,
            display: Some(column.length),
        })
    };
    match column.column_type {
        ColumnType::MYSQL_TYPE_TINY => int(IntWidth::Tiny),
        ColumnType::MYSQL_TYPE_SHORT => int(IntWidth::Small),
        ColumnType::MYSQL_TYPE_INT24 => int(IntWidth::Medium),
        ColumnType::MYSQL_TYPE_LONG => int(IntWidth::Int),
        ColumnType::MYSQL_TYPE_LONGLONG => int(IntWidth::Big),
        ColumnType::MYSQL_TYPE_NEWDECIMAL => {
            let scale = column.decimals;
            let digits = column.length - u32::from(scale > 0) - u32::from(!unsigned);
            Some(SqlType::Decimal {
                precision: u8::try_from(digits).ok()?,
                scale,
                unsigned,
            })
        }
        ColumnType::MYSQL_TYPE_DOUBLE => Some(SqlType::Double { unsigned }),
        ColumnType::MYSQL_TYPE_FLOAT => Some(SqlType::Float { unsigned }),
        ColumnType::MYSQL_TYPE_STRING | ColumnType::MYSQL_TYPE_NULL => Some(SqlType::Char {
            length: chars,
            binary,
        }),
        ColumnType::MYSQL_TYPE_VAR_STRING | ColumnType::MYSQL_TYPE_VARCHAR => {
            Some(SqlType::Varchar {
                length: chars,
                binary,
            })
        }
        ColumnType::MYSQL_TYPE_BLOB => {
            let size = lob_size(column.length);
            Some(if binary {
                SqlType::Blob(size)
            } else {
                SqlType::Text(size)
            })
        }
        ColumnType::MYSQL_TYPE_DATE => Some(SqlType::Date),
        ColumnType::MYSQL_TYPE_DATETIME => Some(SqlType::DateTime {
            fsp: column.decimals,
        }),
        ColumnType::MYSQL_TYPE_TIMESTAMP => Some(SqlType::Timestamp {
            fsp: column.decimals,
        }),
        ColumnType::MYSQL_TYPE_TIME => Some(SqlType::Time {
            fsp: column.decimals,
        }),
        ColumnType::MYSQL_TYPE_YEAR => Some(SqlType::Year),
        _ => None,
    }
}

/// Bytes per character of a result column's collation.
fn charset_width(collation: u16) -> u32 {
    charsets::charset_of_id(collation)
        .map_or(1, charsets::max_bytes)
        .max(1)
}

/// The smallest LOB that holds `length` bytes.
fn lob_size(length: u32) -> LobSize {
    match length {
        0..=255 => LobSize::Tiny,
        256..=65535 => LobSize::Normal,
        65536..=16_777_215 => LobSize::Medium,
        _ => LobSize::Long,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(ty: ColumnType, length: u32, decimals: u8, charset: u16) -> Column {
        Column {
            column_type: ty,
            length,
            decimals,
            charset,
            ..Column::text("c", length)
        }
    }

    #[test]
    fn computed_columns_get_the_type_mariadb_gives_them() {
        // CREATE TABLE v SELECT 1 b, 'x' c, 1.5 d: int(1), varchar(1), decimal(2,1).
        assert_eq!(
            type_of(&column(ColumnType::MYSQL_TYPE_LONG, 1, 0, 63)),
            Some(SqlType::Int {
                width: IntWidth::Int,
                unsigned: false,
                zerofill: false,
                display: Some(1)
            })
        );
        assert_eq!(
            type_of(&column(ColumnType::MYSQL_TYPE_VAR_STRING, 3, 39, 33)),
            Some(SqlType::Varchar {
                length: 1,
                binary: false
            })
        );
        assert_eq!(
            type_of(&column(ColumnType::MYSQL_TYPE_NEWDECIMAL, 4, 1, 63)),
            Some(SqlType::Decimal {
                precision: 2,
                scale: 1,
                unsigned: false
            })
        );
        assert_eq!(
            type_of(&column(ColumnType::MYSQL_TYPE_GEOMETRY, 4, 0, 63)),
            None
        );
    }

    #[test]
    fn unselected_explicit_columns_come_first_and_keys_follow() {
        // CREATE TABLE v2 (x INT, a INT, KEY(a)) SELECT 1 AS b, 2 AS a: x, b, a.
        let dialect = sqlparser::dialect::MySqlDialect {};
        let text = "CREATE TABLE v2 (x INT, a INT, KEY(a))";
        let parsed = sqlparser::parser::Parser::parse_sql(&dialect, text).unwrap();
        let sqlparser::ast::Statement::CreateTable(create) = &parsed[0] else {
            panic!("not a CREATE TABLE");
        };
        let explicit = create_table::table_def(create, "test", "v2", Engine::InnoDb).unwrap();
        let b = ColumnDef {
            name: "b".into(),
            ..explicit.columns[0].clone()
        };
        let a = explicit.columns[1].clone();
        let def = merge(explicit, vec![b, a]);
        let names: Vec<_> = def.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["x", "b", "a"]);
        assert_eq!(def.keys[0].columns, [2]);
    }
}
