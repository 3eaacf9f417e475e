//! CREATE TABLE … SELECT under row-based logging, as MariaDB 10.11 logs
//! it: one group holding the table's CREATE TABLE as the server
//! regenerates it (SHOW CREATE TABLE's columns and keys, with only an
//! ENGINE the statement named), then the inserted rows as row events,
//! ended by Xid when transactional rows were written, else by COMMIT.
//! The new table's definition and the statement's text come in; the
//! regenerated statement leaves.

use crate::sql::exec::show_create::create_table_text;
use crate::storage::schema::TableDef;

/// The CREATE TABLE statement logged before the rows; the table's name
/// is qualified when it is not in `current_db`.
pub fn logged_create(def: &TableDef, statement: &str, current_db: Option<&str>) -> String {
    let full = create_table_text(def, 1);
    let body = full.rsplit_once("\n)").map_or(full.as_str(), |(b, _)| b);
    let qualified;
    let body = match current_db == Some(def.schema.as_str()) {
        true => body,
        false => {
            let bare = format!("CREATE TABLE `{}`", def.name);
            let with_db = format!("CREATE TABLE `{}`.`{}`", def.schema, def.name);
            qualified = body.replacen(&bare, &with_db, 1);
            qualified.as_str()
        }
    };
    match names_engine(statement) {
        true => format!("{body}\n) ENGINE={}", def.engine.name()),
        false => format!("{body}\n)"),
    }
}

/// Whether the statement's part before its SELECT names an engine.
fn names_engine(statement: &str) -> bool {
    let lower = statement.to_ascii_lowercase();
    let head = lower.split("select").next().unwrap_or_default();
    head.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|word| word == "engine")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::types::{IntWidth, SqlType};
    use crate::storage::schema::{ColumnDef, Engine, KeyDef, KeyKind};

    fn def() -> TableDef {
        TableDef {
            schema: "test".into(),
            name: "cs2".into(),
            columns: vec![ColumnDef {
                name: "k".into(),
                ty: SqlType::Int {
                    width: IntWidth::Int,
                    unsigned: false,
                    zerofill: false,
                    display: Some(11),
                },
                nullable: false,
                default: None,
                auto_increment: false,
                on_update_now: false,
                comment: None,
            }],
            keys: vec![KeyDef {
                name: "PRIMARY".into(),
                kind: KeyKind::Primary,
                columns: vec![0],
            }],
            engine: Engine::MyIsam,
            auto_increment: 1,
            charset: "latin1".into(),
            comment: None,
            temporary: false,
        }
    }

    #[test]
    fn text_is_what_mariadb_logs() {
        // As SHOW BINLOG EVENTS shows 10.11's Query event for these statements.
        assert_eq!(
            logged_create(
                &def(),
                "create table cs2 (k int primary key) engine=myisam select 5 as k",
                Some("test")
            ),
            "CREATE TABLE `cs2` (\n  `k` int(11) NOT NULL,\n  PRIMARY KEY (`k`)\n) ENGINE=MyISAM"
        );
        assert_eq!(
            logged_create(&def(), "create table cs2 select 5 as k", Some("test")),
            "CREATE TABLE `cs2` (\n  `k` int(11) NOT NULL,\n  PRIMARY KEY (`k`)\n)"
        );
        assert_eq!(
            logged_create(&def(), "create table test.cs2 select 5 as k", None),
            "CREATE TABLE `test`.`cs2` (\n  `k` int(11) NOT NULL,\n  PRIMARY KEY (`k`)\n)"
        );
    }
}
