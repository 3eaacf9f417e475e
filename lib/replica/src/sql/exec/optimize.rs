//! OPTIMIZE TABLE: one result row per message per table, as MariaDB's
//! admin commands answer. Nothing is rebuilt: the row stores keep no
//! fragmentation to reclaim, so only the messages differ by engine.

use sqlparser::ast::ObjectName;

use super::names::{open_table, qualified};
use crate::session::outcome::{Outcome, ResultSet};
use crate::session::{Session, StatementResult, not_supported};
use crate::storage::schema::Engine;

/// One `(Msg_type, Msg_text)` line of a table's answer.
type Message = (&'static str, String);

/// OPTIMIZE TABLE t, …: the messages of each table in turn.
pub fn run(session: &mut Session, tables: &[ObjectName]) -> StatementResult {
    let mut rows = Vec::new();
    for name in tables {
        let (schema, table) = qualified(session, name)?;
        for (kind, text) in messages(session, &schema, &table)? {
            rows.push(vec![
                Some(format!("{schema}.{table}")),
                Some("optimize".to_string()),
                Some(kind.to_string()),
                Some(text),
            ]);
        }
    }
    Ok(Outcome::Rows(ResultSet::of_text(
        &["Table", "Op", "Msg_type", "Msg_text"],
        rows,
    )))
}

/// What MariaDB 10.11 answers for one table.
fn messages(
    session: &Session,
    schema: &str,
    table: &str,
) -> crate::error::ServerResult<Vec<Message>> {
    let table = match open_table(session, schema, table) {
        Ok(table) => table,
        Err(e) => {
            return Ok(vec![
                ("Error", e.message.clone()),
                ("status", "Operation failed".to_string()),
            ]);
        }
    };
    match table.def().engine {
        Engine::InnoDb => Ok(vec![
            (
                "note",
                "Table does not support optimize, doing recreate + analyze instead".to_string(),
            ),
            ("status", "OK".to_string()),
        ]),
        Engine::Memory => Ok(vec![(
            "note",
            "The storage engine for the table doesn't support optimize".to_string(),
        )]),
        // MyISAM and Aria answer "OK" or "Table is already up to date"
        // depending on changes since the last OPTIMIZE, which is not tracked.
        Engine::MyIsam | Engine::Aria => {
            Err(not_supported("OPTIMIZE TABLE of a MyISAM or Aria table"))
        }
    }
}
