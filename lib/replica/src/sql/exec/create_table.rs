//! CREATE TABLE's column list and keys, from sqlparser's tree to a
//! [`TableDef`]. Column types are read from the type's SQL text (one small
//! parser instead of one arm per sqlparser variant).

use sqlparser::ast::{ColumnOption, CreateTable, SqlOption, TableConstraint};

use super::errors;
use crate::error::{ServerError, ServerResult};
use crate::sql::types::{IntWidth, LobSize, SqlType};
use crate::storage::schema::{ColumnDef, ColumnDefault, Engine, KeyDef, KeyKind, TableDef};

/// The definition CREATE TABLE describes, in `schema`.
pub fn table_def(
    create: &CreateTable,
    schema: &str,
    name: &str,
    default_engine: Engine,
) -> ServerResult<TableDef> {
    let mut def = TableDef {
        schema: schema.to_string(),
        name: name.to_string(),
        columns: Vec::new(),
        keys: Vec::new(),
        engine: default_engine,
        auto_increment: 1,
        charset: "latin1".to_string(),
        comment: None,
        temporary: create.temporary,
    };
    for column in &create.columns {
        add_column(&mut def, column)?;
    }
    for constraint in &create.constraints {
        add_constraint(&mut def, constraint)?;
    }
    apply_options(&mut def, &create.table_options)?;
    Ok(def)
}

pub(super) fn add_column(
    def: &mut TableDef,
    column: &sqlparser::ast::ColumnDef,
) -> ServerResult<()> {
    let name = column.name.value.clone();
    if def.column_index(&name).is_some() {
        return Err(errors::duplicate_column(&name));
    }
    let type_text = column.data_type.to_string();
    let serial = type_text.eq_ignore_ascii_case("SERIAL");
    let ty = match serial {
        true => parse_type("BIGINT UNSIGNED"),
        false => parse_type(&type_text),
    }
    .ok_or_else(|| crate::session::not_supported(&type_text))?;
    let mut col = ColumnDef {
        name: name.clone(),
        ty,
        nullable: !serial,
        default: None,
        auto_increment: serial,
        on_update_now: false,
        comment: None,
    };
    let position = def.columns.len();
    if serial {
        // SERIAL is BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE.
        add_key(def, name.clone(), KeyKind::Unique, vec![position])?;
    }
    for option in &column.options {
        apply_column_option(def, &mut col, position, &option.option)?;
    }
    scale_decimal_default(&mut col);
    def.columns.push(col);
    Ok(())
}

/// A DECIMAL default is kept at the column's scale (`DEFAULT 0` of a
/// decimal(10,4) shows as `DEFAULT 0.0000`, as MariaDB shows it).
fn scale_decimal_default(col: &mut ColumnDef) {
    if !matches!(col.ty, SqlType::Decimal { .. }) {
        return;
    }
    if let Some(ColumnDefault::Value(v)) = &col.default {
        if let Ok(stored) = crate::sql::value::store(v.clone(), col, 0, false, &mut |_| {}) {
            col.default = Some(ColumnDefault::Value(stored));
        }
    }
}

fn apply_column_option(
    def: &mut TableDef,
    col: &mut ColumnDef,
    position: usize,
    option: &ColumnOption,
) -> ServerResult<()> {
    match option {
        ColumnOption::Null => col.nullable = true,
        ColumnOption::NotNull => col.nullable = false,
        ColumnOption::Default(expr) => col.default = Some(default_of(expr)?),
        ColumnOption::PrimaryKey(_) => {
            col.nullable = false;
            add_key(def, "PRIMARY".into(), KeyKind::Primary, vec![position])?;
        }
        ColumnOption::Unique(_) => add_key(def, col.name.clone(), KeyKind::Unique, vec![position])?,
        ColumnOption::Comment(text) => col.comment = Some(text.clone()),
        ColumnOption::OnUpdate(_) => col.on_update_now = true,
        ColumnOption::DialectSpecific(tokens) => {
            let text: String = tokens.iter().map(ToString::to_string).collect();
            if text.eq_ignore_ascii_case("AUTO_INCREMENT") {
                col.auto_increment = true;
            }
        }
        _ => {}
    }
    Ok(())
}

fn default_of(expr: &sqlparser::ast::Expr) -> ServerResult<ColumnDefault> {
    let text = expr.to_string().to_ascii_uppercase();
    if text.starts_with("CURRENT_TIMESTAMP") || text.starts_with("NOW(") {
        return Ok(ColumnDefault::CurrentTimestamp);
    }
    if !is_literal(expr) {
        return Ok(ColumnDefault::Expr(expr.to_string()));
    }
    let mut ctx = super::context::ConstantContext::default();
    Ok(ColumnDefault::Value(crate::sql::eval::evaluate(
        expr, &mut ctx,
    )?))
}

/// A constant MariaDB keeps as a value: a literal, maybe signed or in
/// parentheses; anything else is an expression evaluated per row.
fn is_literal(expr: &sqlparser::ast::Expr) -> bool {
    use sqlparser::ast::Expr;
    match expr {
        Expr::Value(_) | Expr::TypedString { .. } => true,
        Expr::UnaryOp { expr, .. } | Expr::Nested(expr) => is_literal(expr),
        Expr::Identifier(id) => id.quote_style.is_none() && is_keyword_constant(&id.value),
        _ => false,
    }
}

/// TRUE, FALSE and NULL as bare words.
fn is_keyword_constant(word: &str) -> bool {
    ["true", "false", "null"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}

pub(super) fn add_constraint(def: &mut TableDef, constraint: &TableConstraint) -> ServerResult<()> {
    let (kind, name, columns) = match constraint {
        TableConstraint::PrimaryKey(pk) => (
            KeyKind::Primary,
            Some("PRIMARY".to_string()),
            index_columns(&pk.columns),
        ),
        TableConstraint::Unique(u) => (
            KeyKind::Unique,
            // UNIQUE KEY idx (…) names the index; CONSTRAINT c UNIQUE (…) names it too
            u.index_name
                .as_ref()
                .or(u.name.as_ref())
                .map(|n| n.value.clone()),
            index_columns(&u.columns),
        ),
        TableConstraint::Index(i) => (
            KeyKind::Index,
            i.name.as_ref().map(|n| n.value.clone()),
            index_columns(&i.columns),
        ),
        _ => return Ok(()),
    };
    let mut positions = Vec::new();
    for column in &columns {
        let index = def
            .column_index(column)
            .ok_or_else(|| errors::key_column_missing(column))?;
        positions.push(index);
    }
    if kind == KeyKind::Primary {
        for &p in &positions {
            def.columns[p].nullable = false;
        }
    }
    let name = name.unwrap_or_else(|| unique_key_name(def, &def.columns[positions[0]].name));
    add_key(def, name, kind, positions)
}

fn index_columns(columns: &[sqlparser::ast::IndexColumn]) -> Vec<String> {
    columns
        .iter()
        .map(|c| c.column.expr.to_string().trim_matches('`').to_string())
        .collect()
}

/// MariaDB names an unnamed key after its first column, adding `_2`, `_3`… on clashes.
fn unique_key_name(def: &TableDef, column: &str) -> String {
    let taken = |n: &str| def.keys.iter().any(|k| k.name.eq_ignore_ascii_case(n));
    if !taken(column) {
        return column.to_string();
    }
    (2..)
        .map(|i| format!("{column}_{i}"))
        .find(|n| !taken(n))
        .unwrap_or_default()
}

fn add_key(
    def: &mut TableDef,
    name: String,
    kind: KeyKind,
    columns: Vec<usize>,
) -> ServerResult<()> {
    if kind == KeyKind::Primary && def.keys.iter().any(|k| k.kind == KeyKind::Primary) {
        return Err(errors::multiple_primary_key());
    }
    let key = KeyDef {
        name,
        kind,
        columns,
    };
    if kind == KeyKind::Primary {
        def.keys.insert(0, key);
    } else {
        def.keys.push(key);
    }
    Ok(())
}

fn apply_options(
    def: &mut TableDef,
    options: &sqlparser::ast::CreateTableOptions,
) -> ServerResult<()> {
    use sqlparser::ast::CreateTableOptions as O;
    let list = match options {
        O::None => return Ok(()),
        O::With(l) | O::Options(l) | O::Plain(l) | O::TableProperties(l) => l,
    };
    for option in list {
        let text = option.to_string();
        let (key, value) = match option {
            SqlOption::KeyValue { key, value } => {
                (key.value.to_ascii_uppercase(), value.to_string())
            }
            _ => match text.split_once(['=', ' ']) {
                Some((k, v)) => (k.trim().to_ascii_uppercase(), v.trim().to_string()),
                None => continue,
            },
        };
        let value = value
            .trim_matches(|c| c == '\'' || c == '`' || c == ' ' || c == '=')
            .to_string();
        match key.as_str() {
            "ENGINE" => {
                def.engine =
                    Engine::from_name(&value).ok_or_else(|| errors::unknown_engine(&value))?
            }
            "AUTO_INCREMENT" => def.auto_increment = value.parse().unwrap_or(1),
            "DEFAULT CHARSET" | "CHARSET" | "DEFAULT CHARACTER SET" | "CHARACTER SET" => {
                def.charset = value
            }
            "COMMENT" => def.comment = Some(value),
            _ => {}
        }
    }
    Ok(())
}

/// A column type from its SQL text, e.g. `INT(11) UNSIGNED`, `VARCHAR(10)`.
pub fn parse_type(text: &str) -> Option<SqlType> {
    let upper = text.to_ascii_uppercase();
    let unsigned = upper.contains("UNSIGNED");
    let zerofill = upper.contains("ZEROFILL");
    let (base, args) = match upper.find('(') {
        Some(open) => (
            upper[..open].trim().to_string(),
            text.get(open + 1..text.rfind(')').filter(|&close| close > open)?)?
                .to_string(),
        ),
        None => (upper.split_whitespace().next()?.to_string(), String::new()),
    };
    let numbers: Vec<u32> = args
        .split(',')
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    let first = numbers.first().copied();
    let int = |width| {
        Some(SqlType::Int {
            width,
            unsigned,
            zerofill,
            display: first,
        })
    };
    match base.as_str() {
        "TINYINT" | "BOOL" | "BOOLEAN" => int(IntWidth::Tiny),
        "SMALLINT" => int(IntWidth::Small),
        "MEDIUMINT" => int(IntWidth::Medium),
        "INT" | "INTEGER" => int(IntWidth::Int),
        "BIGINT" => int(IntWidth::Big),
        "DECIMAL" | "NUMERIC" | "DEC" => Some(SqlType::Decimal {
            precision: u8::try_from(first.unwrap_or(10)).ok()?,
            scale: u8::try_from(numbers.get(1).copied().unwrap_or(0)).ok()?,
            unsigned,
        }),
        "DOUBLE" | "REAL" | "DOUBLE PRECISION" => Some(SqlType::Double { unsigned }),
        "FLOAT" => Some(SqlType::Float { unsigned }),
        "CHAR" | "CHARACTER" => Some(SqlType::Char {
            length: first.unwrap_or(1),
            binary: false,
        }),
        "BINARY" => Some(SqlType::Char {
            length: first.unwrap_or(1),
            binary: true,
        }),
        "VARCHAR" | "CHARACTER VARYING" => Some(SqlType::Varchar {
            length: first?,
            binary: false,
        }),
        "VARBINARY" => Some(SqlType::Varchar {
            length: first?,
            binary: true,
        }),
        "TINYTEXT" => Some(SqlType::Text(LobSize::Tiny)),
        "TEXT" => Some(SqlType::Text(LobSize::Normal)),
        "MEDIUMTEXT" => Some(SqlType::Text(LobSize::Medium)),
        "LONGTEXT" => Some(SqlType::Text(LobSize::Long)),
        "TINYBLOB" => Some(SqlType::Blob(LobSize::Tiny)),
        "BLOB" => Some(SqlType::Blob(LobSize::Normal)),
        "MEDIUMBLOB" => Some(SqlType::Blob(LobSize::Medium)),
        "LONGBLOB" => Some(SqlType::Blob(LobSize::Long)),
        "DATE" => Some(SqlType::Date),
        "DATETIME" => Some(SqlType::DateTime { fsp: fsp(first)? }),
        "TIMESTAMP" => Some(SqlType::Timestamp { fsp: fsp(first)? }),
        "TIME" => Some(SqlType::Time { fsp: fsp(first)? }),
        "YEAR" => Some(SqlType::Year),
        "ENUM" => Some(SqlType::Enum(quoted_list(&args))),
        "SET" => Some(SqlType::Set(quoted_list(&args))),
        "BIT" => Some(SqlType::Bit(u8::try_from(first.unwrap_or(1)).ok()?)),
        _ => None,
    }
}

fn fsp(value: Option<u32>) -> Option<u8> {
    u8::try_from(value.unwrap_or(0)).ok().filter(|f| *f <= 6)
}

fn quoted_list(args: &str) -> Vec<String> {
    args.split(',')
        .map(|a| a.trim().trim_matches('\'').replace("''", "'"))
        .collect()
}

/// 1075 when AUTO_INCREMENT is misused: more than one, or not leading a key.
pub fn check_auto_increment(def: &TableDef) -> Result<(), ServerError> {
    let autos: Vec<usize> = (0..def.columns.len())
        .filter(|&i| def.columns[i].auto_increment)
        .collect();
    let keyed = |i: usize| def.keys.iter().any(|k| k.columns.first() == Some(&i));
    if autos.len() > 1 || autos.iter().any(|&i| !keyed(i)) {
        return Err(ServerError::new(
            1075,
            "42000",
            "Incorrect table definition; there can be only one auto column and it must be defined as a key",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_types_from_their_text() {
        assert_eq!(
            parse_type("INT(11) UNSIGNED"),
            Some(SqlType::Int {
                width: IntWidth::Int,
                unsigned: true,
                zerofill: false,
                display: Some(11)
            })
        );
        assert_eq!(
            parse_type("VARCHAR(10)"),
            Some(SqlType::Varchar {
                length: 10,
                binary: false
            })
        );
        assert_eq!(
            parse_type("DECIMAL(10,2)"),
            Some(SqlType::Decimal {
                precision: 10,
                scale: 2,
                unsigned: false
            })
        );
        assert_eq!(
            parse_type("ENUM('a', 'b''c')"),
            Some(SqlType::Enum(vec!["a".into(), "b'c".into()]))
        );
        assert_eq!(parse_type("DATETIME(7)"), None);
        assert_eq!(parse_type("GEOMETRY"), None);
    }

    #[test]
    fn serial_is_an_unsigned_bigint_auto_increment_unique_key() {
        let text = "CREATE TABLE t (a INT PRIMARY KEY, id SERIAL, b INT UNIQUE)";
        let dialect = sqlparser::dialect::MySqlDialect {};
        let parsed = sqlparser::parser::Parser::parse_sql(&dialect, text).unwrap();
        let sqlparser::ast::Statement::CreateTable(create) = &parsed[0] else {
            panic!("not a CREATE TABLE");
        };
        let def = table_def(create, "test", "t", Engine::InnoDb).unwrap();
        let id = &def.columns[1];
        assert_eq!(id.ty, parse_type("BIGINT UNSIGNED").unwrap());
        assert!(!id.nullable && id.auto_increment);
        let keys: Vec<_> = def.keys.iter().map(|k| (k.name.as_str(), k.kind)).collect();
        // SHOW CREATE TABLE on MariaDB lists PRIMARY, then `id`, then `b`.
        assert_eq!(
            keys,
            [
                ("PRIMARY", KeyKind::Primary),
                ("id", KeyKind::Unique),
                ("b", KeyKind::Unique)
            ]
        );
    }
}
