//! OPTIMIZE TABLE: one result row per message per table, as MariaDB's
//! admin commands answer. Nothing is rebuilt: the row stores keep no
//! fragmentation to reclaim, so only the messages differ: by engine, and
//! for MyISAM and Aria by whether rows changed since the last OPTIMIZE.

use sqlparser::ast::ObjectName;

use super::names::{open_table, qualified};
use crate::session::outcome::{Outcome, ResultSet};
use crate::session::{Session, StatementResult};
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
        Engine::MyIsam | Engine::Aria if table.optimize() => Ok(vec![("status", "OK".to_string())]),
        Engine::MyIsam | Engine::Aria => {
            Ok(vec![("status", "Table is already up to date".to_string())])
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::server::config::ServerConfig;
    use crate::server::state::ServerState;
    use crate::session::Session;
    use crate::session::outcome::Outcome;

    fn session() -> Session {
        let state = ServerState::new(ServerConfig::default());
        let thread = state
            .threads
            .register("root", "localhost", Some("test".into()));
        Session::new(state, thread)
    }

    /// The Msg_text of each row a statement answers (none for an OK packet).
    fn texts(s: &mut Session, query: &str) -> Vec<String> {
        let mut out = Vec::new();
        s.run_query(query.as_bytes(), &mut |r, _| {
            if let Outcome::Rows(set) = r.unwrap_or_else(|e| panic!("{query}: {e:?}")) {
                for row in set.rows {
                    out.push(String::from_utf8(row[3].clone().unwrap()).unwrap());
                }
            }
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn myisam_and_aria_report_work_only_after_rows_changed() {
        // As MariaDB 10.11 answers the same sequence.
        let mut s = session();
        let done = "OK";
        let idle = "Table is already up to date";
        for engine in ["MyISAM", "Aria"] {
            texts(&mut s, "DROP TABLE IF EXISTS t");
            texts(&mut s, &format!("CREATE TABLE t (a INT) ENGINE={engine}"));
            assert_eq!(texts(&mut s, "OPTIMIZE TABLE t"), [idle]);
            texts(&mut s, "INSERT INTO t VALUES (1), (2)");
            assert_eq!(texts(&mut s, "OPTIMIZE TABLE t"), [done]);
            assert_eq!(texts(&mut s, "OPTIMIZE TABLE t"), [idle]);
            texts(&mut s, "DELETE FROM t WHERE a = 1");
            assert_eq!(texts(&mut s, "OPTIMIZE TABLE t"), [done]);
            texts(&mut s, "INSERT INTO t VALUES (3)");
            texts(&mut s, "TRUNCATE t");
            assert_eq!(texts(&mut s, "OPTIMIZE TABLE t"), [idle]);
        }
    }

    #[test]
    fn innodb_recreates_whatever_changed() {
        let mut s = session();
        texts(&mut s, "CREATE TABLE i (a INT) ENGINE=InnoDB");
        let answer = [
            "Table does not support optimize, doing recreate + analyze instead",
            "OK",
        ];
        assert_eq!(texts(&mut s, "OPTIMIZE TABLE i"), answer);
        assert_eq!(texts(&mut s, "OPTIMIZE TABLE i"), answer);
    }
}
