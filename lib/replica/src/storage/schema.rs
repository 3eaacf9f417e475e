//! Table definitions: what CREATE TABLE builds and SHOW CREATE TABLE and
//! information_schema read back. Plain data; storage keeps one per table.

use crate::sql::types::SqlType;
use crate::sql::value::Value;

/// Which engine holds a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Transactional: undo on rollback, row locks, consistent reads.
    InnoDb,
    /// Non-transactional: changes stay after ROLLBACK.
    MyIsam,
    Aria,
    Memory,
}

impl Engine {
    /// Whether ROLLBACK undoes its changes.
    pub fn is_transactional(self) -> bool {
        matches!(self, Engine::InnoDb)
    }

    /// The name SHOW CREATE TABLE and information_schema print.
    pub fn name(self) -> &'static str {
        match self {
            Engine::InnoDb => "InnoDB",
            Engine::MyIsam => "MyISAM",
            Engine::Aria => "Aria",
            Engine::Memory => "MEMORY",
        }
    }

    /// The engine an `ENGINE=` name selects (case-insensitive), if known.
    pub fn from_name(name: &str) -> Option<Engine> {
        match name.to_ascii_lowercase().as_str() {
            "innodb" => Some(Engine::InnoDb),
            "myisam" => Some(Engine::MyIsam),
            "aria" => Some(Engine::Aria),
            "memory" | "heap" => Some(Engine::Memory),
            _ => None,
        }
    }
}

/// A column's default.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnDefault {
    Value(Value),
    /// `DEFAULT current_timestamp()`.
    CurrentTimestamp,
    /// `DEFAULT (expr)` or `DEFAULT f()`: evaluated for each row, kept as
    /// the text SHOW CREATE TABLE prints.
    Expr(String),
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    pub name: String,
    pub ty: SqlType,
    pub nullable: bool,
    /// None: no DEFAULT clause (NULL for nullable columns, none otherwise).
    pub default: Option<ColumnDefault>,
    pub auto_increment: bool,
    /// `ON UPDATE current_timestamp()`.
    pub on_update_now: bool,
    pub comment: Option<String>,
}

impl ColumnDef {
    /// A plain column: no default, no AUTO_INCREMENT, no comment.
    pub fn plain(name: &str, ty: SqlType, nullable: bool) -> ColumnDef {
        ColumnDef {
            name: name.into(),
            ty,
            nullable,
            default: None,
            auto_increment: false,
            on_update_now: false,
            comment: None,
        }
    }

    /// The implicit value of a NOT NULL column that gets none (or NULL
    /// outside strict mode): 0 for numbers, '' for the rest.
    pub fn zero_value(&self) -> Value {
        match self.ty {
            SqlType::Int { .. }
            | SqlType::Decimal { .. }
            | SqlType::Double { .. }
            | SqlType::Float { .. }
            | SqlType::Year
            | SqlType::Bit(_) => Value::Int(0),
            _ => Value::Bytes(Vec::new()),
        }
    }
}

/// PRIMARY KEY, UNIQUE or plain index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Primary,
    Unique,
    Index,
}

/// A key: its name (`PRIMARY` for the primary key) and column positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDef {
    pub name: String,
    pub kind: KeyKind,
    pub columns: Vec<usize>,
}

/// A whole table definition.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDef {
    pub schema: String,
    pub name: String,
    pub columns: Vec<ColumnDef>,
    pub keys: Vec<KeyDef>,
    pub engine: Engine,
    /// Next AUTO_INCREMENT value (`AUTO_INCREMENT=` of CREATE TABLE, else 1).
    pub auto_increment: u64,
    /// `DEFAULT CHARSET=`, e.g. `latin1`.
    pub charset: String,
    pub comment: Option<String>,
    pub temporary: bool,
}

impl TableDef {
    /// Position of a column by name (case-insensitive, as MariaDB matches).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The key InnoDB clusters rows by, so full scans come in its order:
    /// the PRIMARY KEY, else the first UNIQUE key of NOT NULL columns.
    pub fn clustered_key(&self) -> Option<&KeyDef> {
        let primary = self.keys.iter().find(|k| k.kind == KeyKind::Primary);
        primary.or_else(|| {
            self.keys.iter().find(|k| {
                k.kind == KeyKind::Unique
                    && k.columns
                        .iter()
                        .all(|&c| self.columns.get(c).is_some_and(|col| !col.nullable))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(nullable_b: bool, keys: Vec<KeyDef>) -> TableDef {
        let col = |name: &str, nullable: bool| ColumnDef {
            name: name.to_string(),
            ty: SqlType::Year,
            nullable,
            default: None,
            auto_increment: false,
            on_update_now: false,
            comment: None,
        };
        TableDef {
            schema: "test".into(),
            name: "t".into(),
            columns: vec![col("a", true), col("b", nullable_b)],
            keys,
            engine: Engine::InnoDb,
            auto_increment: 1,
            charset: "latin1".into(),
            comment: None,
            temporary: false,
        }
    }

    fn key(name: &str, kind: KeyKind, column: usize) -> KeyDef {
        KeyDef {
            name: name.into(),
            kind,
            columns: vec![column],
        }
    }

    #[test]
    fn clustered_key_is_primary_else_first_not_null_unique() {
        let keys = vec![
            key("b", KeyKind::Unique, 1),
            key("PRIMARY", KeyKind::Primary, 0),
        ];
        assert_eq!(table(false, keys).clustered_key().unwrap().name, "PRIMARY");
        let keys = vec![key("a", KeyKind::Unique, 0), key("b", KeyKind::Unique, 1)];
        assert_eq!(
            table(false, keys.clone()).clustered_key().unwrap().name,
            "b"
        );
        assert_eq!(table(true, keys).clustered_key(), None);
    }
}
