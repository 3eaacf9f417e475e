//! PREPARE, EXECUTE and DEALLOCATE PREPARE in the text protocol. A prepared
//! statement keeps its text, where its `?` markers are, and the database
//! current at PREPARE (EXECUTE runs in it, as MariaDB does since its bug
//! 25843). EXECUTE puts each argument's value into the text as a literal
//! and runs the result as an ordinary statement, so the binary log gets
//! the statement as executed, values included.

use std::collections::HashMap;

use sqlparser::ast::Expr;
use sqlparser::dialect::MySqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::context::RowContext;
use crate::error::ServerError;
use crate::session::outcome::{OkInfo, Outcome};
use crate::session::{Session, StatementResult};
use crate::sql::eval::{evaluate, to_text};
use crate::sql::parse::{
    Piece, PreparedStatement, parse_statement, split_statements, syntax_error_near,
};
use crate::sql::value::Value;

/// A session's prepared statements by lower-case name.
pub type PreparedStatements = HashMap<String, Prepared>;

/// One prepared statement.
#[derive(Debug, Clone)]
pub struct Prepared {
    text: String,
    /// Byte ranges of the `?` markers in `text`, in order.
    markers: Vec<(usize, usize)>,
    db: Option<String>,
}

/// Runs a PREPARE / EXECUTE / DEALLOCATE PREPARE.
pub fn run(session: &mut Session, statement: &PreparedStatement) -> StatementResult {
    match statement {
        PreparedStatement::Prepare { name, source } => prepare(session, name, source),
        PreparedStatement::Execute { name, args } => execute(session, name, args),
        PreparedStatement::Deallocate { name } => deallocate(session, name),
    }
}

/// PREPARE name FROM …: the text must be one statement that parses.
fn prepare(session: &mut Session, name: &str, source: &Expr) -> StatementResult {
    let value = evaluate(source, &mut RowContext::new(session, &[], &[], "PREPARE"))?;
    let text = to_text(&value).map_or_else(
        || "NULL".to_string(),
        |b| String::from_utf8_lossy(&b).into_owned(),
    );
    let pieces = split_statements(&text);
    if let Some(second) = pieces.get(1) {
        return Err(syntax_error_near(second.text, second.line));
    }
    let piece = pieces
        .first()
        .cloned()
        .unwrap_or(Piece { text: "", line: 1 });
    parse_statement(&piece)?;
    let prepared = Prepared {
        markers: markers(&text),
        text,
        db: session.db.clone(),
    };
    session.prepared.insert(name.to_ascii_lowercase(), prepared);
    Ok(Outcome::Ok(OkInfo {
        info: "Statement prepared".to_string(),
        ..OkInfo::default()
    }))
}

/// EXECUTE name [USING …]: one value per marker, else 1210.
fn execute(session: &mut Session, name: &str, args: &[Expr]) -> StatementResult {
    let prepared = session
        .prepared
        .get(&name.to_ascii_lowercase())
        .cloned()
        .ok_or_else(|| unknown_handler(name, "EXECUTE"))?;
    if args.len() != prepared.markers.len() {
        return Err(ServerError::new(
            1210,
            "HY000",
            "Incorrect arguments to EXECUTE",
        ));
    }
    let mut values = Vec::with_capacity(args.len());
    for arg in args {
        values.push(evaluate(
            arg,
            &mut RowContext::new(session, &[], &[], "EXECUTE"),
        )?);
    }
    let text = substitute(&prepared, &values);
    let current = std::mem::replace(&mut session.db, prepared.db.clone());
    let result = super::run_prepared(
        session,
        &Piece {
            text: &text,
            line: 1,
        },
    );
    session.db = current;
    result
}

/// DEALLOCATE PREPARE name.
fn deallocate(session: &mut Session, name: &str) -> StatementResult {
    match session.prepared.remove(&name.to_ascii_lowercase()) {
        Some(_) => super::ok(0),
        None => Err(unknown_handler(name, "DEALLOCATE PREPARE")),
    }
}

/// ER_UNKNOWN_STMT_HANDLER.
fn unknown_handler(name: &str, statement: &str) -> ServerError {
    ServerError::new(
        1243,
        "HY000",
        format!("Unknown prepared statement handler ({name}) given to {statement}"),
    )
}

/// Byte ranges of the `?` placeholders of `text` (not those in strings or comments).
fn markers(text: &str) -> Vec<(usize, usize)> {
    let Ok(tokens) = Tokenizer::new(&MySqlDialect {}, text).tokenize_with_location() else {
        return Vec::new();
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    tokens
        .iter()
        .filter(|t| matches!(&t.token, Token::Placeholder(p) if p == "?"))
        .filter_map(|t| {
            let line = usize::try_from(t.span.start.line).ok()?.checked_sub(1)?;
            let column = usize::try_from(t.span.start.column).ok()?.checked_sub(1)?;
            let start = *line_starts.get(line)?;
            let offset = text[start..].char_indices().nth(column)?.0;
            Some((start + offset, start + offset + 1))
        })
        .collect()
}

/// The statement's text with each marker replaced by its value's literal.
fn substitute(prepared: &Prepared, values: &[Value]) -> String {
    let mut out = String::with_capacity(prepared.text.len());
    let mut at = 0;
    for (&(start, end), value) in prepared.markers.iter().zip(values) {
        out.push_str(&prepared.text[at..start]);
        out.push_str(&literal(value));
        at = end;
    }
    out.push_str(&prepared.text[at..]);
    out
}

/// A value as a SQL literal, strings escaped as MariaDB writes them to the binary log.
fn literal(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_string(),
        Value::Bytes(_) | Value::Temporal(_) => {
            let text = to_text(value).unwrap_or_default();
            format!(
                "'{}'",
                crate::sql::routines::binlog_text::escape(&String::from_utf8_lossy(&text))
            )
        }
        _ => to_text(value).map_or_else(
            || "NULL".to_string(),
            |b| String::from_utf8_lossy(&b).into_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(text: &str) -> Prepared {
        Prepared {
            markers: markers(text),
            text: text.to_string(),
            db: None,
        }
    }

    #[test]
    fn markers_outside_strings_and_comments_take_the_values() {
        let p = prepared("insert into t1 values (concat('?', ?)) /* ? */, (?)");
        assert_eq!(p.markers.len(), 2);
        let values = [Value::text("from-master-2-'',"), Value::Int(5)];
        assert_eq!(
            substitute(&p, &values),
            "insert into t1 values (concat('?', 'from-master-2-\\'\\',')) /* ? */, (5)"
        );
    }

    #[test]
    fn markers_on_later_lines_after_multibyte_text_are_found() {
        let p = prepared("select 'é',\n  ?");
        assert_eq!(substitute(&p, &[Value::Null]), "select 'é',\n  NULL");
    }
}
