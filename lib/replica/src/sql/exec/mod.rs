//! Execution: one parsed statement run in a session. `run_statement`
//! parses, clears the last statement's warnings, runs the statement under
//! a statement savepoint, and ends it as MariaDB does: an error undoes the
//! statement (a deadlock the whole transaction), and outside a transaction
//! the statement commits. Each kind of statement lives in its own file.

pub mod accounts;
mod alter;
mod binlog;
pub(crate) mod context;
mod create_select;
mod create_table;
mod ddl;
mod dml;
pub mod errors;
mod info_schema;
mod key_lookup;
mod multi_update;
pub(crate) mod names;
mod optimizer_trace;
mod outfile;
mod prepared;
mod rename;
mod row_limit;
mod savepoint;
mod select;
mod select_into;
mod session_functions;
mod set;
mod show;
pub(crate) mod show_create;
mod show_where;
mod signal;
mod slave;
mod slave_functions;
mod source_text;
mod stage;
mod suppressions;
mod table_admin;
pub(crate) mod table_sizes;
mod transaction;
pub(crate) mod views;
mod virtual_tables;
pub(crate) mod waits;

use sqlparser::ast::Statement as Ast;

pub use context::OuterRow;

use crate::error::Level;
use crate::session::outcome::{OkInfo, Outcome};
use crate::session::{Session, StatementResult, not_supported};
use crate::sql::parse::{Extra, Piece, Statement, parse_statement};
use crate::status;

pub use optimizer_trace::TraceRow;
pub use prepared::PreparedStatements;

pub(crate) use create_table::parse_type;
pub(crate) use show_create::type_text;
pub(crate) use transaction::call as call_builtin;

/// Parses and runs one statement of a query.
pub fn run_statement(session: &mut Session, piece: &Piece<'_>) -> StatementResult {
    let statement = parse_statement(piece);
    let command = statement.as_ref().ok().and_then(status::command_counter);
    status::count_statement(session, command);
    let diagnostics = keeps_warnings(&statement) || reads_warning_count(piece.text);
    if !diagnostics {
        session.warnings.clear();
    }
    session.diagnostics_statement = diagnostics;
    session.query_start.begin(session.vars.fixed_timestamp());
    let result = statement.and_then(|statement| {
        session.thread.set_stage(stage::of(&statement));
        session.txn.start_statement();
        session.seeded_rands.clear();
        session.binlog_cache.rand_seeds = None;
        session.binlog_cache.insert_id = None;
        session.binlog_cache.time_zone_used = false;
        let result = before_execute(session, &statement)
            .and_then(|()| crate::binlog::hook::before_statement(session, &statement))
            .and_then(|()| dispatch(session, piece, &statement))
            .and_then(|outcome| {
                crate::binlog::hook::after_statement(session, piece.text, &statement)
                    .map(|()| outcome)
            });
        transaction::end_statement(session, &statement, result.as_ref().err());
        optimizer_trace::record(session, piece, &statement, result.as_ref());
        result
    });
    if let Err(error) = &result {
        session.warnings.push(error.as_condition(Level::Error));
    }
    result
}

/// Runs a statement of a stored program, already parsed. Inside a CALL
/// it is a statement of its own (`logged` is the text it is binlogged as;
/// savepoint, autocommit); inside a function or trigger (None) it is part
/// of the calling statement. Warnings are the caller's business.
pub(crate) fn run_sub_statement(
    session: &mut Session,
    piece: &Piece<'_>,
    statement: &Statement,
    logged: Option<&str>,
) -> StatementResult {
    let Some(logged) = logged else {
        return dispatch(session, piece, statement);
    };
    session.txn.start_statement();
    let result = crate::binlog::hook::before_statement(session, statement)
        .and_then(|()| dispatch(session, piece, statement))
        .and_then(|outcome| {
            crate::binlog::hook::after_statement(session, logged, statement).map(|()| outcome)
        });
    transaction::end_statement(session, statement, result.as_ref().err());
    result
}

/// EXECUTE's statement, its values in place: parsed, run and logged
/// as if the client had sent it, inside EXECUTE's own statement.
fn run_prepared(session: &mut Session, piece: &Piece<'_>) -> StatementResult {
    let statement = parse_statement(piece)?;
    crate::binlog::hook::before_statement(session, &statement)?;
    let outcome = dispatch(session, piece, &statement)?;
    crate::binlog::hook::after_statement(session, piece.text, &statement)?;
    Ok(outcome)
}

/// The typed rows of a query (cursors, SELECT … INTO of stored programs).
pub(crate) fn query_rows(
    session: &mut Session,
    query: &sqlparser::ast::Query,
) -> crate::error::ServerResult<Vec<crate::sql::value::Row>> {
    select::subquery_rows(session, query)
}

/// DEBUG_SYNC point `before_execute_sql_command`, which MariaDB passes
/// for every statement but SET (so SET DEBUG_SYNC does not trip its own point).
fn before_execute(session: &mut Session, statement: &Statement) -> crate::error::ServerResult<()> {
    match statement {
        Statement::Sql(ast) if matches!(ast.as_ref(), Ast::Set(_)) => Ok(()),
        _ => crate::debug::sync::hit(session, "before_execute_sql_command"),
    }
}

/// SHOW WARNINGS and its kin report the previous statement's conditions.
fn keeps_warnings(statement: &crate::error::ServerResult<Statement>) -> bool {
    match statement {
        Ok(Statement::Extra(Extra::ShowWarningCount { .. } | Extra::ShowWarningsLimit { .. })) => {
            true
        }
        Ok(Statement::Sql(ast)) => match ast.as_ref() {
            Ast::ShowVariable { variable } => {
                matches!(variable.first(), Some(w) if w.value.eq_ignore_ascii_case("warnings") || w.value.eq_ignore_ascii_case("errors"))
            }
            _ => false,
        },
        _ => false,
    }
}

fn dispatch(session: &mut Session, piece: &Piece<'_>, statement: &Statement) -> StatementResult {
    if session.password_expired && !accounts::allowed_while_expired(statement) {
        return Err(crate::accounts::errors::must_change_password());
    }
    match statement {
        Statement::Extra(extra) => dispatch_extra(session, extra),
        Statement::Sql(ast) => {
            accounts::check_table_privilege(session, ast)?;
            dispatch_sql(session, piece, ast)
        }
    }
}

fn dispatch_extra(session: &mut Session, extra: &Extra) -> StatementResult {
    match extra {
        Extra::ShowCreateDatabase { name, .. } => show::create_database(session, name),
        Extra::ShowWarningCount { errors_only } => show::warning_count(session, *errors_only),
        Extra::ShowWarningsLimit {
            errors_only,
            offset,
            count,
        } => warnings_limited(session, *errors_only, *offset, *count),
        Extra::Signal {
            sqlstate,
            errno,
            message,
        } => signal::run(session, sqlstate, *errno, message.as_deref()),
        Extra::Do(exprs) => set::run_do(session, exprs),
        Extra::AlterEngine { table, engine } => alter::set_engine(session, table, engine),
        Extra::Account(statement) => accounts::run(session, statement),
        Extra::Program(statement) => crate::sql::routines::run(session, statement),
        Extra::Binlog(statement) => binlog::run(session, statement),
        Extra::Slave(statement) => slave::run(session, statement),
        Extra::SelectIntoOutfile { file, select } => outfile::run(session, file, select),
        Extra::Prepared(statement) => prepared::run(session, statement),
        Extra::TableAdmin {
            op,
            tables,
            persistent,
            ..
        } => table_admin::run(session, *op, tables, *persistent),
    }
}

fn dispatch_sql(session: &mut Session, piece: &Piece<'_>, ast: &Ast) -> StatementResult {
    match ast {
        Ast::Query(query) => match select_into::targets(query) {
            Some(targets) => select_into::run(session, query, &targets),
            None => select::run(session, piece, query),
        },
        Ast::Insert(insert) => {
            let result = dml::insert(session, insert);
            if dml::is_plain_insert(insert) {
                crate::debug::hooks::after_mysql_insert(session);
            }
            result
        }
        Ast::Update(update) => dml::update(session, update),
        Ast::Delete(delete) => dml::delete(session, delete),
        Ast::CreateTable(create) => ddl::create_table(session, create),
        Ast::CreateDatabase {
            db_name,
            if_not_exists,
            ..
        } => ddl::create_database(session, db_name, *if_not_exists),
        Ast::Drop {
            object_type,
            if_exists,
            names,
            temporary,
            ..
        } => ddl::drop(session, object_type, *if_exists, names, *temporary),
        Ast::Truncate(truncate) => ddl::truncate(session, truncate),
        Ast::AlterTable(alter) => alter::run(session, alter),
        Ast::RenameTable(pairs) => rename::run(session, pairs),
        Ast::CreateView(create) => views::create(session, piece.text, create),
        Ast::Use(target) => ddl::use_database(session, target),
        Ast::Set(set) => set::run(session, set),
        Ast::StartTransaction { .. } => transaction::begin(session),
        Ast::Commit { .. } => transaction::commit(session),
        Ast::Rollback {
            savepoint: None, ..
        } => transaction::rollback(session),
        Ast::Rollback {
            savepoint: Some(name),
            ..
        } => savepoint::rollback_to(session, &name.value),
        Ast::Savepoint { name } => savepoint::set(session, &name.value),
        Ast::ReleaseSavepoint { name } => savepoint::release(session, &name.value),
        Ast::ShowVariables { filter, global, .. } => show::variables(session, filter, *global),
        Ast::ShowVariable { variable } => show::by_word(session, variable),
        Ast::ShowStatus { filter, global, .. } => {
            info_schema::show_status(session, filter.as_ref(), *global)
        }
        Ast::ShowCollation { filter } => info_schema::show_collation(session, filter.as_ref()),
        Ast::ShowCharset(show) => info_schema::show_charset(session, show.filter.as_ref()),
        Ast::ShowDatabases { show_options, .. } => show::databases(session, show_options),
        Ast::ShowTables {
            show_options, full, ..
        } => show::tables(session, show_options, *full),
        Ast::ShowProcessList { full } => show::processlist(session, *full),
        Ast::ShowCreate { obj_type, obj_name } => show::create(session, obj_type, obj_name),
        Ast::Kill { modifier, id } => session_functions::kill(session, modifier.as_ref(), *id),
        Ast::Flush { .. } => transaction::flush(session, ast),
        Ast::LockTables { .. } => transaction::lock_tables(session, ast),
        Ast::UnlockTables => transaction::unlock_tables(session),
        Ast::Call(function) => crate::sql::routines::call(session, function),
        _ => Err(not_supported(&first_words(&ast.to_string()))),
    }
}

/// SHOW WARNINGS|ERRORS LIMIT: SHOW WARNINGS' rows from `offset`, at most `count`.
fn warnings_limited(
    session: &mut Session,
    errors_only: bool,
    offset: usize,
    count: usize,
) -> StatementResult {
    let word = if errors_only { "ERRORS" } else { "WARNINGS" };
    let mut result = show::by_word(session, &[sqlparser::ast::Ident::new(word)])?;
    if let Outcome::Rows(set) = &mut result {
        set.rows = set.rows.drain(..).skip(offset).take(count).collect();
    }
    Ok(result)
}

/// A statement that reads @@warning_count or @@error_count sees the
/// previous statement's conditions (MariaDB keeps the diagnostics for it).
fn reads_warning_count(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("warning_count") || lower.contains("error_count")
}

/// The leading words of a statement, to name it in "doesn't yet support".
fn first_words(text: &str) -> String {
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// An OK with only an affected-row count.
pub(crate) fn ok(affected_rows: u64) -> StatementResult {
    Ok(Outcome::Ok(OkInfo {
        affected_rows,
        ..OkInfo::default()
    }))
}
