//! SHOW statements: VARIABLES, WARNINGS/ERRORS (and their COUNT(*)),
//! DATABASES, TABLES, PROCESSLIST, CREATE TABLE/DATABASE, with LIKE
//! filters matched as MariaDB matches them (case-insensitive, `%` and `_`).

use std::time::Instant;

use sqlparser::ast::{
    Ident, ObjectName, ShowCreateObject, ShowStatementFilter, ShowStatementFilterPosition,
    ShowStatementOptions,
};

use super::names::{open_table, qualified};
use crate::error::Level;
use crate::session::outcome::{Column, Outcome, ResultSet};
use crate::session::{Session, StatementResult, not_supported};
use crate::sql::eval::like_text as like;

/// SHOW COUNT(*) WARNINGS | ERRORS.
pub fn warning_count(session: &mut Session, errors_only: bool) -> StatementResult {
    let count = session
        .warnings
        .iter()
        .filter(|w| !errors_only || w.level == Level::Error)
        .count();
    let name = if errors_only {
        "@@session.error_count"
    } else {
        "@@session.warning_count"
    };
    Ok(Outcome::Rows(ResultSet {
        columns: vec![Column::integer(name)],
        rows: vec![vec![Some(count.to_string().into_bytes())]],
    }))
}

/// SHOW CREATE DATABASE.
pub fn create_database(session: &mut Session, name: &str) -> StatementResult {
    if !session.state.storage.database_exists(name) {
        return Err(super::errors::unknown_database(name));
    }
    let text = format!(
        "CREATE DATABASE `{name}` /*!40100 DEFAULT CHARACTER SET latin1 COLLATE latin1_swedish_ci */"
    );
    Ok(rows(
        &["Database", "Create Database"],
        vec![vec![name.to_string(), text]],
    ))
}

pub(super) fn rows(names: &[&str], values: Vec<Vec<String>>) -> Outcome {
    Outcome::Rows(ResultSet::of_text(
        names,
        values
            .into_iter()
            .map(|r| r.into_iter().map(Some).collect())
            .collect(),
    ))
}

pub(super) fn like_filter(
    filter: Option<&ShowStatementFilter>,
) -> Result<Option<String>, crate::error::ServerError> {
    match filter {
        None => Ok(None),
        Some(
            ShowStatementFilter::Like(p)
            | ShowStatementFilter::ILike(p)
            | ShowStatementFilter::NoKeyword(p),
        ) => Ok(Some(p.clone())),
        // applied to the rows by show_where::filter
        Some(ShowStatementFilter::Where(_)) => Ok(None),
    }
}

/// SHOW [GLOBAL|SESSION] VARIABLES [LIKE …].
pub fn variables(
    session: &mut Session,
    filter: &Option<ShowStatementFilter>,
    global: bool,
) -> StatementResult {
    let pattern = like_filter(filter.as_ref())?;
    let matches = |name: &str| pattern.as_deref().is_none_or(|p| like(p, name));
    let list = session.state.globals.show(&session.vars, global, &matches);
    let names = ["Variable_name", "Value"];
    let list = list.into_iter().map(|(n, v)| vec![n, v]).collect();
    let list = super::show_where::filter(session, filter.as_ref(), &names, list)?;
    Ok(rows(&names, list))
}

/// SHOW WARNINGS / SHOW ERRORS (sqlparser reads them as SHOW <word>).
pub fn by_word(session: &mut Session, words: &[Ident]) -> StatementResult {
    let upper: Vec<String> = words.iter().map(|w| w.value.to_ascii_uppercase()).collect();
    let word = upper.join(" ");
    let errors_only = match word.as_str() {
        "WARNINGS" => false,
        "ERRORS" => true,
        "SLAVE STATUS" | "REPLICA STATUS" => {
            let columns = &crate::replication::slave::status::COLUMNS;
            return Ok(rows(columns, Vec::new()));
        }
        "ENGINES" | "STORAGE ENGINES" => return super::info_schema::show_engines(session),
        _ => return Err(not_supported(&format!("SHOW {word}"))),
    };
    let list: Vec<Vec<Option<String>>> = session
        .warnings
        .iter()
        .filter(|w| !errors_only || w.level == Level::Error)
        .map(|w| {
            vec![
                Some(w.level.to_string()),
                Some(w.code.to_string()),
                Some(w.message.clone()),
            ]
        })
        .collect();
    let mut result = ResultSet::of_text(&["Level", "Code", "Message"], list);
    result.columns[1] = Column::integer("Code");
    Ok(Outcome::Rows(result))
}

/// SHOW DATABASES [LIKE …].
pub fn databases(session: &mut Session, options: &ShowStatementOptions) -> StatementResult {
    let pattern = like_filter(options_filter(options))?;
    let mut names = session.state.storage.database_names();
    names.push("information_schema".into());
    names.sort();
    let list = names
        .into_iter()
        .filter(|n| pattern.as_deref().is_none_or(|p| like(p, n)))
        .map(|n| vec![n])
        .collect();
    let list = super::show_where::filter(session, options_filter(options), &["Database"], list)?;
    let header = match &pattern {
        Some(p) => format!("Database ({p})"),
        None => "Database".to_string(),
    };
    Ok(rows(&[header.as_str()], list))
}

fn options_filter(options: &ShowStatementOptions) -> Option<&ShowStatementFilter> {
    match &options.filter_position {
        Some(ShowStatementFilterPosition::Infix(f) | ShowStatementFilterPosition::Suffix(f)) => {
            Some(f)
        }
        None => None,
    }
}

/// SHOW [FULL] TABLES [FROM db] [LIKE …].
pub fn tables(
    session: &mut Session,
    options: &ShowStatementOptions,
    full: bool,
) -> StatementResult {
    let schema = match options
        .show_in
        .as_ref()
        .and_then(|i| i.parent_name.as_ref())
    {
        Some(name) => name.to_string().trim_matches('`').to_string(),
        None => session
            .db
            .clone()
            .ok_or_else(super::errors::no_database_selected)?,
    };
    let pattern = like_filter(options_filter(options))?;
    let names = session.state.storage.table_names(&schema)?;
    let mut header = format!("Tables_in_{schema}");
    if let Some(p) = &pattern {
        header = format!("{header} ({p})");
    }
    let list: Vec<Vec<String>> = names
        .into_iter()
        .filter(|n| pattern.as_deref().is_none_or(|p| like(p, n)))
        .map(|n| {
            if full {
                vec![n, "BASE TABLE".into()]
            } else {
                vec![n]
            }
        })
        .collect();
    if full {
        Ok(rows(&[header.as_str(), "Table_type"], list))
    } else {
        Ok(rows(&[header.as_str()], list))
    }
}

/// SHOW [FULL] PROCESSLIST, with MariaDB's columns.
pub fn processlist(session: &mut Session, full: bool) -> StatementResult {
    let now = Instant::now();
    let mut list = Vec::new();
    for t in session.state.threads.snapshot() {
        let a = t.activity.lock().unwrap().clone();
        let command = t.shown_command(&a);
        let info = a.info.map(|i| {
            if full {
                i
            } else {
                i.chars().take(100).collect()
            }
        });
        list.push(vec![
            Some(t.id.to_string()),
            Some(t.user()),
            Some(t.host.clone()),
            t.db.lock().unwrap().clone(),
            Some(command.to_string()),
            Some(now.saturating_duration_since(a.since).as_secs().to_string()),
            Some(a.state.clone()),
            info,
            Some("0.000".to_string()),
        ]);
    }
    let mut result = ResultSet::of_text(
        &[
            "Id", "User", "Host", "db", "Command", "Time", "State", "Info", "Progress",
        ],
        list,
    );
    result.columns[0] = Column::integer("Id");
    result.columns[5] = Column::integer("Time");
    Ok(Outcome::Rows(result))
}

/// SHOW CREATE TABLE.
pub fn create(
    session: &mut Session,
    kind: &ShowCreateObject,
    name: &ObjectName,
) -> StatementResult {
    if !matches!(kind, ShowCreateObject::Table) {
        return Err(not_supported(&format!("SHOW CREATE {kind}")));
    }
    let (schema, table) = qualified(session, name)?;
    let table = open_table(session, &schema, &table)?;
    let def = table.def();
    let text = super::show_create::create_table_text(&def, table.next_auto_increment());
    Ok(rows(
        &["Table", "Create Table"],
        vec![vec![def.name.clone(), text]],
    ))
}

#[cfg(test)]
mod tests {
    use super::like;

    #[test]
    fn like_matches_as_mariadb() {
        assert!(like("auto%", "autocommit"));
        assert!(like("AUTO_COMMIT", "auto_commit"));
        assert!(like("a_c", "abc"));
        assert!(!like("a_c", "abbc"));
        assert!(like("innodb\\_lock%", "innodb_lock_wait_timeout"));
        assert!(!like("x%", "autocommit"));
    }
}
