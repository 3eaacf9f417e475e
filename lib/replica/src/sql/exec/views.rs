//! Views: CREATE [OR REPLACE] VIEW keeps the SELECT as written (after the
//! checks MariaDB makes: every table it reads exists and none is a
//! temporary table), DROP VIEW forgets it, and a SELECT that names a view
//! runs the stored SELECT in the view's database. The binary log gets
//! CREATE VIEW as MariaDB rewrites it, with algorithm, definer and security.

use std::ops::ControlFlow;

use sqlparser::ast::{CreateView, GranteeName, ObjectName, Statement as Ast, visit_relations};
use sqlparser::dialect::MySqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::names::qualified;
use super::waits::Waits;
use super::{errors, ok};
use crate::error::{Level, ServerError, ServerResult};
use crate::session::{Session, StatementResult};
use crate::sql::parse::{Piece, Statement, parse_statement};
use crate::sql::value::Row;
use crate::storage::errors as storage_errors;
use crate::storage::programs::StoredView;

/// CREATE [OR REPLACE] [ALGORITHM=…] [DEFINER=…] [SQL SECURITY …] VIEW.
pub fn create(session: &mut Session, text: &str, create: &CreateView) -> StatementResult {
    let (schema, name) = qualified(session, &create.name)?;
    if !session.state.storage.database_exists(&schema) {
        return Err(errors::unknown_database(&schema));
    }
    check_sources(session, create)?;
    check_name(session, &schema, &name, create.or_replace)?;
    let query =
        body_text(text).ok_or_else(|| crate::session::not_supported("this form of CREATE VIEW"))?;
    let params = create.params.as_ref();
    let view = StoredView {
        schema,
        name,
        columns: create
            .columns
            .iter()
            .map(|c| c.name.value.clone())
            .collect(),
        query: query.to_string(),
        algorithm: params
            .and_then(|p| p.algorithm.as_ref())
            .map_or("UNDEFINED".to_string(), |a| a.to_string()),
        definer: definer(session, params.and_then(|p| p.definer.as_ref())),
        security: params
            .and_then(|p| p.security.as_ref())
            .map_or("DEFINER".to_string(), |s| s.to_string()),
    };
    let waits = Waits::of(session);
    let _intent = waits.write_intent()?;
    super::ddl::implicit_commit(session)?;
    session.state.storage.put_view(view);
    ok(0)
}

/// The tables the SELECT reads must exist and be no temporary tables
/// (1352: a view outlives the session that owns them).
fn check_sources(session: &Session, create: &CreateView) -> ServerResult<()> {
    let mut names: Vec<ObjectName> = Vec::new();
    let _ = visit_relations(&*create.query, |name| {
        names.push(name.clone());
        ControlFlow::<()>::Continue(())
    });
    for name in names {
        let (schema, table) = qualified(session, &name)?;
        if session.temp_table(&schema, &table).is_some() {
            return Err(ServerError::new(
                1352,
                "HY000",
                format!("View's SELECT refers to a temporary table '{table}'"),
            ));
        }
        let storage = &session.state.storage;
        let known = schema.eq_ignore_ascii_case("information_schema")
            || storage.table(&schema, &table).is_ok()
            || storage.view(&schema, &table).is_some();
        if !known {
            return Err(storage_errors::no_such_table(&schema, &table));
        }
    }
    Ok(())
}

/// A table of the name is in the way (1050, or 1347 for OR REPLACE); so
/// is a view, unless it is to be replaced.
fn check_name(session: &Session, schema: &str, name: &str, replace: bool) -> ServerResult<()> {
    let storage = &session.state.storage;
    if storage.table(schema, name).is_ok() {
        return Err(match replace {
            true => not_a_view(schema, name),
            false => storage_errors::table_exists(name),
        });
    }
    if !replace && storage.view(schema, name).is_some() {
        return Err(storage_errors::table_exists(name));
    }
    Ok(())
}

/// ER_WRONG_OBJECT: the name is a table, not a view.
fn not_a_view(schema: &str, name: &str) -> ServerError {
    ServerError::new(
        1347,
        "HY000",
        format!("'{schema}.{name}' is not of type 'VIEW'"),
    )
}

/// The text after the AS that ends the view's head (its name and column
/// list), trimmed; None when the statement has no such AS.
fn body_text(text: &str) -> Option<&str> {
    let tokens = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize_with_location()
        .ok()?;
    let view = tokens
        .iter()
        .position(|t| matches!(&t.token, Token::Word(w) if w.keyword == Keyword::VIEW))?;
    let mut depth = 0usize;
    for token in &tokens[view + 1..] {
        match &token.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Word(w) if depth == 0 && w.keyword == Keyword::AS => {
                let end = token.span.end;
                let at = super::source_text::byte_offset(text, end.line, end.column)?;
                return Some(text[at..].trim());
            }
            _ => {}
        }
    }
    None
}

/// `user@host` of the DEFINER clause, else of the creating account.
fn definer(session: &Session, given: Option<&GranteeName>) -> String {
    match given {
        Some(GranteeName::UserHost { user, host }) => format!("{}@{}", user.value, host.value),
        Some(GranteeName::ObjectName(name)) => {
            let name = name.to_string();
            match name.eq_ignore_ascii_case("CURRENT_USER") {
                true => format!("{}@{}", session.account.user, session.account.host),
                false => format!("{name}@%"),
            }
        }
        None => format!("{}@{}", session.account.user, session.account.host),
    }
}

/// DROP VIEW [IF EXISTS] v, …: 4092 for names that are no views (tables
/// included), a note with IF EXISTS.
pub fn drop(session: &mut Session, names: &[ObjectName], if_exists: bool) -> StatementResult {
    let waits = Waits::of(session);
    let _intent = waits.write_intent()?;
    super::ddl::implicit_commit(session)?;
    let mut missing = Vec::new();
    for name in names {
        let (schema, view) = qualified(session, name)?;
        if !session.state.storage.drop_view(&schema, &view) {
            missing.push(format!("{schema}.{view}"));
        }
    }
    if missing.is_empty() {
        return ok(0);
    }
    let error = ServerError::new(
        4092,
        "42S02",
        format!("Unknown VIEW: '{}'", missing.join(",")),
    );
    if if_exists {
        session.warn(error.as_condition(Level::Note));
        return ok(0);
    }
    Err(error)
}

/// The column names and rows of view `schema.name`, None when there is no
/// such view. The SELECT runs with the view's database as the current one.
pub fn read(
    session: &mut Session,
    schema: &str,
    name: &str,
) -> ServerResult<Option<(Vec<String>, Vec<Row>)>> {
    let Some(view) = session.state.storage.view(schema, name) else {
        return Ok(None);
    };
    let statement = parse_statement(&Piece {
        text: &view.query,
        line: 1,
    })?;
    let Statement::Sql(ast) = statement else {
        return Err(crate::session::not_supported("this view's SELECT"));
    };
    let Ast::Query(query) = ast.as_ref() else {
        return Err(crate::session::not_supported("this view's SELECT"));
    };
    let current = session.db.replace(view.schema.clone());
    let result = super::select::query_columns_and_rows(session, query);
    session.db = current;
    let (columns, rows) = result?;
    let mut names: Vec<String> = columns.into_iter().map(|c| c.name).collect();
    for (slot, given) in names.iter_mut().zip(&view.columns) {
        *slot = given.clone();
    }
    Ok(Some((names, rows)))
}

/// The text MariaDB logs for a CREATE VIEW that succeeded: the head
/// spelled out in full, the SELECT as the client wrote it.
pub fn logged_text(session: &Session, create: &CreateView) -> Option<String> {
    let (schema, name) = qualified(session, &create.name).ok()?;
    let view = session.state.storage.view(&schema, &name)?;
    let or_replace = if create.or_replace { "OR REPLACE " } else { "" };
    let (user, host) = view.definer.rsplit_once('@')?;
    let quote = |s: &str| format!("`{}`", s.replace('`', "``"));
    let target = match session.db.as_deref() == Some(schema.as_str()) {
        true => quote(&name),
        false => format!("{}.{}", quote(&schema), quote(&name)),
    };
    let columns = match view.columns.is_empty() {
        true => String::new(),
        false => {
            let list: Vec<String> = view.columns.iter().map(|c| quote(c)).collect();
            format!("({})", list.join(","))
        }
    };
    Some(format!(
        "CREATE {or_replace}ALGORITHM={} DEFINER={}@{} SQL SECURITY {} VIEW {target}{columns} AS {}",
        view.algorithm,
        quote(user),
        quote(host),
        view.security,
        view.query
    ))
}
