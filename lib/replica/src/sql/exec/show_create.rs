//! SHOW CREATE TABLE's text, laid out as MariaDB 10.11 prints it: one
//! column per line with its type, NULL-ness, default and AUTO_INCREMENT,
//! then the keys, then the table options.

use crate::sql::eval::to_text;
use crate::sql::types::{IntWidth, LobSize, SqlType};
use crate::storage::schema::{ColumnDef, ColumnDefault, KeyKind, TableDef};

/// The CREATE TABLE statement for `def`.
pub fn create_table_text(def: &TableDef, next_auto_increment: u64) -> String {
    let mut lines: Vec<String> = def.columns.iter().map(column_line).collect();
    for key in &def.keys {
        let columns: Vec<String> = key
            .columns
            .iter()
            .map(|&i| format!("`{}`", def.columns[i].name))
            .collect();
        let columns = columns.join(",");
        lines.push(match key.kind {
            KeyKind::Primary => format!("  PRIMARY KEY ({columns})"),
            KeyKind::Unique => format!("  UNIQUE KEY `{}` ({columns})", key.name),
            KeyKind::Index => format!("  KEY `{}` ({columns})", key.name),
        });
    }
    let temporary = if def.temporary { "TEMPORARY " } else { "" };
    let mut tail = format!(") ENGINE={}", def.engine.name());
    if def.columns.iter().any(|c| c.auto_increment) && next_auto_increment > 1 {
        tail.push_str(&format!(" AUTO_INCREMENT={next_auto_increment}"));
    }
    tail.push_str(&format!(
        " DEFAULT CHARSET={} COLLATE={}",
        def.charset,
        default_collation(&def.charset)
    ));
    if let Some(comment) = &def.comment {
        tail.push_str(&format!(" COMMENT='{comment}'"));
    }
    format!(
        "CREATE {temporary}TABLE `{}` (\n{}\n{tail}",
        def.name,
        lines.join(",\n")
    )
}

fn default_collation(charset: &str) -> String {
    match charset {
        "latin1" => "latin1_swedish_ci".into(),
        "binary" => "binary".into(),
        other => format!("{other}_general_ci"),
    }
}

fn column_line(column: &ColumnDef) -> String {
    let mut line = format!("  `{}` {}", column.name, type_text(&column.ty));
    if !column.nullable {
        line.push_str(" NOT NULL");
    }
    if let Some(default) = default_clause(column) {
        line.push_str(&format!(" DEFAULT {default}"));
    }
    if column.on_update_now {
        line.push_str(" ON UPDATE current_timestamp()");
    }
    if column.auto_increment {
        line.push_str(" AUTO_INCREMENT");
    }
    if let Some(comment) = &column.comment {
        line.push_str(&format!(" COMMENT '{comment}'"));
    }
    line
}

/// What follows DEFAULT for a column (as information_schema.COLUMNS
/// shows it too): `NULL`, a number, a quoted string or
/// `current_timestamp()`; None for a NOT NULL column without one.
pub fn default_clause(column: &ColumnDef) -> Option<String> {
    match &column.default {
        Some(ColumnDefault::Value(v)) if v.is_null() => Some("NULL".into()),
        Some(ColumnDefault::Value(v)) => {
            let text = to_text(v)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let numeric = matches!(
                column.ty,
                SqlType::Int { .. }
                    | SqlType::Decimal { .. }
                    | SqlType::Double { .. }
                    | SqlType::Float { .. }
            );
            Some(if numeric {
                text
            } else {
                format!("'{}'", text.replace('\'', "''"))
            })
        }
        Some(ColumnDefault::CurrentTimestamp) => Some("current_timestamp()".into()),
        Some(ColumnDefault::Expr(text)) => Some(text.clone()),
        None if column.nullable => Some("NULL".into()),
        None => None,
    }
}

/// A type as MariaDB prints it, e.g. `int(11)`, `varchar(10)`.
pub fn type_text(ty: &SqlType) -> String {
    match ty {
        SqlType::Int {
            width,
            unsigned,
            zerofill,
            display,
        } => {
            let (name, signed_width, unsigned_width) = match width {
                IntWidth::Tiny => ("tinyint", 4, 3),
                IntWidth::Small => ("smallint", 6, 5),
                IntWidth::Medium => ("mediumint", 9, 8),
                IntWidth::Int => ("int", 11, 10),
                IntWidth::Big => ("bigint", 20, 20),
            };
            let shown = display.unwrap_or(if *unsigned {
                unsigned_width
            } else {
                signed_width
            });
            let mut text = format!("{name}({shown})");
            if *unsigned {
                text.push_str(" unsigned");
            }
            if *zerofill {
                text.push_str(" zerofill");
            }
            text
        }
        SqlType::Decimal {
            precision,
            scale,
            unsigned,
        } => {
            format!(
                "decimal({precision},{scale}){}",
                if *unsigned { " unsigned" } else { "" }
            )
        }
        SqlType::Double { unsigned } => {
            format!("double{}", if *unsigned { " unsigned" } else { "" })
        }
        SqlType::Float { unsigned } => format!("float{}", if *unsigned { " unsigned" } else { "" }),
        SqlType::Char {
            length,
            binary: false,
        } => format!("char({length})"),
        SqlType::Char {
            length,
            binary: true,
        } => format!("binary({length})"),
        SqlType::Varchar {
            length,
            binary: false,
        } => format!("varchar({length})"),
        SqlType::Varchar {
            length,
            binary: true,
        } => format!("varbinary({length})"),
        SqlType::Text(size) => format!("{}text", lob_prefix(*size)),
        SqlType::Blob(size) => format!("{}blob", lob_prefix(*size)),
        SqlType::Date => "date".into(),
        SqlType::DateTime { fsp } => with_fsp("datetime", *fsp),
        SqlType::Timestamp { fsp } => with_fsp("timestamp", *fsp),
        SqlType::Time { fsp } => with_fsp("time", *fsp),
        SqlType::Year => "year(4)".into(),
        SqlType::Enum(values) => format!("enum({})", quoted(values)),
        SqlType::Set(values) => format!("set({})", quoted(values)),
        SqlType::Bit(n) => format!("bit({n})"),
    }
}

fn lob_prefix(size: LobSize) -> &'static str {
    match size {
        LobSize::Tiny => "tiny",
        LobSize::Normal => "",
        LobSize::Medium => "medium",
        LobSize::Long => "long",
    }
}

fn with_fsp(name: &str, fsp: u8) -> String {
    if fsp == 0 {
        name.to_string()
    } else {
        format!("{name}({fsp})")
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("'{}'", v.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(",")
}
