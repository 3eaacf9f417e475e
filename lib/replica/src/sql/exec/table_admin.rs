//! OPTIMIZE TABLE and ANALYZE TABLE: one result row per message per
//! table, as MariaDB's admin commands answer. Nothing is rebuilt or
//! measured: the row stores keep no fragmentation to reclaim and no
//! statistics, so only the messages differ: by engine, and for MyISAM and
//! Aria by whether rows changed since the last OPTIMIZE or ANALYZE.

use sqlparser::ast::ObjectName;

use super::names::{open_table, qualified};
use crate::session::outcome::{Outcome, ResultSet};
use crate::session::{Session, StatementResult};
use crate::sql::parse::TableAdminOp;
use crate::storage::Table;
use crate::storage::schema::Engine;

/// One `(Msg_type, Msg_text)` line of a table's answer.
type Message = (&'static str, String);

/// OPTIMIZE / ANALYZE TABLE t, …: the messages of each table in turn.
pub fn run(
    session: &mut Session,
    op: TableAdminOp,
    tables: &[ObjectName],
    persistent: bool,
) -> StatementResult {
    let mut rows = Vec::new();
    for name in tables {
        let (schema, table) = qualified(session, name)?;
        for (kind, text) in messages(session, op, persistent, &schema, &table) {
            rows.push(vec![
                Some(format!("{schema}.{table}")),
                Some(op.name().to_string()),
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
    op: TableAdminOp,
    persistent: bool,
    schema: &str,
    table: &str,
) -> Vec<Message> {
    let table = match open_table(session, schema, table) {
        Ok(table) => table,
        Err(e) => {
            return vec![
                ("Error", e.message.clone()),
                ("status", "Operation failed".to_string()),
            ];
        }
    };
    match op {
        TableAdminOp::Optimize => optimize(&table),
        TableAdminOp::Analyze => {
            let mut out = Vec::new();
            if persistent {
                out.push((
                    "status",
                    "Engine-independent statistics collected".to_string(),
                ));
            }
            out.extend(analyze(&table));
            out
        }
    }
}

/// ANALYZE's answer for an existing table.
fn analyze(table: &Table) -> Vec<Message> {
    match table.def().engine {
        Engine::Memory => vec![(
            "note",
            "The storage engine for the table doesn't support analyze".to_string(),
        )],
        Engine::MyIsam | Engine::Aria if !table.analyze() => {
            vec![("status", "Table is already up to date".to_string())]
        }
        _ => vec![("status", "OK".to_string())],
    }
}

/// OPTIMIZE's answer for an existing table.
fn optimize(table: &Table) -> Vec<Message> {
    match table.def().engine {
        Engine::InnoDb => vec![
            (
                "note",
                "Table does not support optimize, doing recreate + analyze instead".to_string(),
            ),
            ("status", "OK".to_string()),
        ],
        Engine::Memory => vec![(
            "note",
            "The storage engine for the table doesn't support optimize".to_string(),
        )],
        Engine::MyIsam | Engine::Aria if table.optimize() => vec![("status", "OK".to_string())],
        Engine::MyIsam | Engine::Aria => {
            vec![("status", "Table is already up to date".to_string())]
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::session::Session;
    use crate::session::outcome::Outcome;

    fn session() -> Session {
        Session::for_tests()
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
    fn analyze_and_optimize_share_the_statistics_but_not_deleted_rows() {
        // As MariaDB 10.11 answers for Aria: OPTIMIZE analyzes too, and
        // after ANALYZE it has work only where rows were deleted.
        let mut s = session();
        let done = "OK";
        let idle = "Table is already up to date";
        texts(&mut s, "CREATE TABLE r (a INT) ENGINE=Aria");
        assert_eq!(texts(&mut s, "ANALYZE TABLE r"), [idle]);
        texts(&mut s, "INSERT INTO r VALUES (1)");
        assert_eq!(texts(&mut s, "ANALYZE TABLE r"), [done]);
        assert_eq!(texts(&mut s, "ANALYZE TABLE r"), [idle]);
        assert_eq!(texts(&mut s, "OPTIMIZE TABLE r"), [idle]);
        texts(&mut s, "INSERT INTO r VALUES (2)");
        assert_eq!(texts(&mut s, "OPTIMIZE TABLE r"), [done]);
        assert_eq!(texts(&mut s, "ANALYZE TABLE r"), [idle]);
        texts(&mut s, "DELETE FROM r WHERE a = 1");
        assert_eq!(texts(&mut s, "ANALYZE TABLE r"), [done]);
        assert_eq!(texts(&mut s, "OPTIMIZE TABLE r"), [done]);
        texts(&mut s, "UPDATE r SET a = 5");
        assert_eq!(texts(&mut s, "ANALYZE TABLE r"), [done]);
        assert_eq!(texts(&mut s, "OPTIMIZE TABLE r"), [idle]);
    }

    #[test]
    fn analyze_answers_by_engine_and_for_a_missing_table() {
        let mut s = session();
        texts(&mut s, "CREATE TABLE i (a INT) ENGINE=InnoDB");
        texts(&mut s, "CREATE TABLE m (a INT) ENGINE=MEMORY");
        assert_eq!(texts(&mut s, "ANALYZE TABLE i"), ["OK"]);
        assert_eq!(
            texts(&mut s, "ANALYZE TABLE i PERSISTENT FOR ALL"),
            ["Engine-independent statistics collected", "OK"]
        );
        assert_eq!(
            texts(&mut s, "ANALYZE TABLE m"),
            ["The storage engine for the table doesn't support analyze"]
        );
        assert_eq!(
            texts(&mut s, "ANALYZE NO_WRITE_TO_BINLOG TABLE nosuch"),
            ["Table 'test.nosuch' doesn't exist", "Operation failed"]
        );
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
