//! The optimizer trace (`@@optimizer_trace='enabled=on'`): after each
//! statement MariaDB traces (SELECT, INSERT … SELECT, UPDATE, DELETE,
//! EXPLAIN; not SET, DO, DDL, SHOW, INSERT … VALUES, nor a query that reads
//! information_schema.OPTIMIZER_TRACE itself) the session keeps the last
//! trace, failing statements included. We write the trace MariaDB writes
//! for what we can reproduce exactly: a SELECT without tables
//! (join_preparation with its expanded query, an empty join_optimization)
//! and the statements that fail before or during preparation. For any
//! other traced statement we keep no trace rather than an invented one,
//! so information_schema.OPTIMIZER_TRACE is then empty.

mod expanded;
mod json;

use sqlparser::ast::{SetExpr, Statement as Ast, Visit, Visitor};
use std::ops::ControlFlow;

use crate::error::ServerError;
use crate::session::Session;
use crate::session::outcome::Outcome;
use crate::sql::parse::{Piece, Statement};

/// The one row of information_schema.OPTIMIZER_TRACE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRow {
    /// The statement as the client sent it.
    pub query: String,
    /// The trace, cut at `optimizer_trace_max_mem_size` bytes.
    pub trace: String,
    /// MISSING_BYTES_BEYOND_MAX_MEM_SIZE: what the cut dropped.
    pub missing_bytes: u64,
}

/// After a statement: replaces the session's trace if tracing is on and
/// MariaDB traces this kind of statement.
pub fn record(
    session: &mut Session,
    piece: &Piece<'_>,
    statement: &Statement,
    result: Result<&Outcome, &ServerError>,
) {
    let Statement::Sql(ast) = statement else {
        return;
    };
    if !enabled(session) || !traced(ast) || reads_trace_table(ast) {
        return;
    }
    let trace = trace_text(piece, ast, result);
    let limit = session
        .vars
        .setting("optimizer_trace_max_mem_size")
        .map_or(u64::MAX, |s| s.as_u64());
    session.optimizer_trace = trace.map(|t| cut(piece.text.to_string(), t, limit));
}

/// Whether `@@optimizer_trace` has `enabled=on` in this session.
fn enabled(session: &Session) -> bool {
    session
        .vars
        .setting("optimizer_trace")
        .is_some_and(|s| s.as_text().contains("enabled=on"))
}

/// The statements MariaDB 10.11 traces.
fn traced(ast: &Ast) -> bool {
    match ast {
        Ast::Query(_) | Ast::Update(_) | Ast::Delete(_) | Ast::Explain { .. } => true,
        Ast::Insert(insert) => {
            !insert.replace_into
                && insert
                    .source
                    .as_ref()
                    .is_some_and(|q| !matches!(q.body.as_ref(), SetExpr::Values(_)))
        }
        _ => false,
    }
}

/// MariaDB does not trace a statement that reads the trace table.
fn reads_trace_table(ast: &Ast) -> bool {
    struct Finder(bool);
    impl Visitor for Finder {
        type Break = ();
        fn pre_visit_relation(&mut self, name: &sqlparser::ast::ObjectName) -> ControlFlow<()> {
            let parts: Vec<String> = name.0.iter().map(|p| p.to_string()).collect();
            let table = parts
                .last()
                .map(|t| t.trim_matches('`').to_ascii_lowercase());
            if table.as_deref() == Some("optimizer_trace") {
                self.0 = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        }
    }
    let mut finder = Finder(false);
    let _ = ast.visit(&mut finder);
    finder.0
}

/// The trace text, or None when we cannot write MariaDB's.
fn trace_text(
    piece: &Piece<'_>,
    ast: &Ast,
    result: Result<&Outcome, &ServerError>,
) -> Option<String> {
    match result {
        Ok(_) => {
            let Ast::Query(query) = ast else {
                return None;
            };
            let text = expanded::expanded_query(piece.text, query)?;
            Some(json::select_without_tables(&text))
        }
        // Tables are opened before any step is traced.
        Err(e) if e.code == 1146 || e.code == 1049 => Some(json::no_steps()),
        // Names are resolved during join_preparation, before the expanded query.
        Err(e) if (e.code == 1054 || e.code == 1305) && matches!(ast, Ast::Query(_)) => {
            Some(json::failed_preparation())
        }
        Err(_) => None,
    }
}

/// Cuts the trace at `limit` bytes (on a character boundary).
fn cut(query: String, mut trace: String, limit: u64) -> TraceRow {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut missing = 0;
    if trace.len() > limit {
        let mut end = limit;
        while !trace.is_char_boundary(end) {
            end -= 1;
        }
        missing = (trace.len() - end) as u64;
        trace.truncate(end);
    }
    TraceRow {
        query,
        trace,
        missing_bytes: missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::parse::parse_statement;

    fn ast(text: &str) -> Ast {
        match parse_statement(&Piece { text, line: 1 }).unwrap() {
            Statement::Sql(ast) => *ast,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn traces_what_mariadb_traces() {
        // Observed on MariaDB 10.11: these replace the last trace…
        for text in [
            "SELECT 1",
            "UPDATE t SET a = 1",
            "DELETE FROM t",
            "INSERT INTO t SELECT 1",
        ] {
            assert!(traced(&ast(text)), "{text}");
        }
        // …and these leave it alone.
        for text in [
            "SET @a = 1",
            "INSERT INTO t VALUES (1)",
            "REPLACE INTO t SELECT 1",
            "CREATE TABLE t (a INT)",
        ] {
            assert!(!traced(&ast(text)), "{text}");
        }
    }

    #[test]
    fn reading_the_trace_is_not_traced() {
        assert!(reads_trace_table(&ast(
            "SELECT * FROM information_schema.OPTIMIZER_TRACE"
        )));
        assert!(!reads_trace_table(&ast("SELECT * FROM t")));
    }

    #[test]
    fn long_traces_are_cut() {
        let row = cut("q".into(), "abcdef".into(), 4);
        assert_eq!((row.trace.as_str(), row.missing_bytes), ("abcd", 2));
        let row = cut("q".into(), "abc".into(), 4);
        assert_eq!((row.trace.as_str(), row.missing_bytes), ("abc", 0));
    }
}
