//! `CALL mtr.add_suppression(pattern)` without a stored procedure of that
//! name: what mysql-test's procedure does, done by hand. The pattern goes
//! into `mtr.test_suppressions`, which the runner's warnings check reads,
//! through the procedure's INSERT, run and binlogged as MariaDB logs it
//! (in `mtr`, the parameter as a latin1 NAME_CONST: mysql-test creates
//! that database with CHARSET=latin1), so that a suppression added on a
//! master reaches its slaves as it does on MariaDB. Without that table (no `mtr` schema)
//! the call does nothing. A CALL's argument comes in; an OK goes out.

use sqlparser::ast::{Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments};

use super::context::RowContext;
use super::{ok, run_sub_statement};
use crate::session::{Session, StatementResult};
use crate::sql::eval::evaluate;
use crate::sql::parse::{Piece, parse_statement};
use crate::sql::routines::binlog_text::literal;
use crate::sql::types::SqlType;
use crate::sql::value::{Value, to_string_lossy};

/// Runs `mtr.add_suppression(pattern)`.
pub fn add_suppression(session: &mut Session, function: &Function) -> StatementResult {
    if session
        .state
        .storage
        .table("mtr", "test_suppressions")
        .is_err()
    {
        return ok(0);
    }
    let Some(arg) = first_argument(function) else {
        return ok(0);
    };
    let mut ctx = RowContext::new(session, &[], &[], "CALL");
    let pattern = evaluate(&arg, &mut ctx)?;
    let text = insert_text(&to_string_lossy(&pattern));
    let saved_db = session.db.clone();
    session.set_db(Some("mtr".to_string()));
    let result = insert(session, &text);
    session.set_db(saved_db);
    result?;
    ok(0)
}

/// Runs and binlogs the INSERT.
fn insert(session: &mut Session, text: &str) -> StatementResult {
    let piece = Piece { text, line: 1 };
    let statement = parse_statement(&piece)?;
    crate::binlog::hook::before_statement(session, &statement)?;
    let result = run_sub_statement(session, &piece, &statement, None)?;
    crate::binlog::hook::after_statement(session, text, &statement)?;
    Ok(result)
}

fn first_argument(function: &Function) -> Option<Expr> {
    match &function.args {
        FunctionArguments::List(list) => match list.args.first()? {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The procedure's INSERT of one pattern, as MariaDB logs it.
fn insert_text(pattern: &str) -> String {
    let ty = SqlType::Varchar {
        length: 255,
        binary: false,
    };
    format!(
        "INSERT INTO test_suppressions (pattern) VALUES ( NAME_CONST('pattern',{}))",
        literal(&Value::text(pattern), &ty, "latin1")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_logged_as_mariadb_logs_the_procedures_insert() {
        assert_eq!(
            insert_text(r#"Slave: it's \. a "test""#),
            r#"INSERT INTO test_suppressions (pattern) VALUES ( NAME_CONST('pattern',_latin1'Slave: it\'s \\. a \"test\"' COLLATE 'latin1_swedish_ci'))"#
        );
    }
}
