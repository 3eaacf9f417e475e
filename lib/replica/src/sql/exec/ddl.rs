//! Schema statements: CREATE/DROP DATABASE, CREATE/DROP TABLE (temporary
//! tables stay in the session), TRUNCATE and USE. Like MariaDB, DDL on a
//! permanent table commits an open transaction first.

use std::sync::Arc;

use sqlparser::ast::{CreateTable, ObjectName, ObjectType, Truncate, Use};

use super::names::{open_table, qualified};
use super::waits::Waits;
use super::{create_select, create_table, dml, errors, ok};
use crate::error::{Level, ServerError};
use crate::session::{Session, StatementResult, not_supported};
use crate::storage::Table;
use crate::storage::schema::Engine;

/// CREATE [TEMPORARY] TABLE [IF NOT EXISTS] t (…) [ENGINE=…] | LIKE s | [AS] SELECT ….
pub fn create_table(session: &mut Session, create: &CreateTable) -> StatementResult {
    let (schema, name) = qualified(session, &create.name)?;
    if !session.state.storage.database_exists(&schema) {
        return Err(errors::unknown_database(&schema));
    }
    let engine = Engine::from_name(session.vars.default_storage_engine()).unwrap_or(Engine::InnoDb);
    let names = (schema.as_str(), name.as_str());
    let (def, rows) = match (&create.like, &create.query) {
        (Some(like), _) => (
            create_select::like_def(session, like, names, create.temporary)?,
            None,
        ),
        (None, Some(query)) => {
            let (def, rows) = create_select::select_def(session, create, query, names, engine)?;
            (def, Some(rows))
        }
        (None, None) => (
            create_table::table_def(create, &schema, &name, engine)?,
            None,
        ),
    };
    create_table::check_auto_increment(&def)?;
    if create.temporary {
        return create_temporary(session, def, create.if_not_exists, rows);
    }
    if session.state.storage.view(&schema, &name).is_some() {
        return view_in_the_way(session, &name, create.if_not_exists);
    }
    let waits = Waits::of(session);
    let _intent = waits.write_intent()?;
    implicit_commit(session)?;
    match session
        .state
        .storage
        .create_table(def, create.if_not_exists)
    {
        Ok(true) => fill_created(session, (&schema, &name), rows),
        Ok(false) => {
            session.warn(table_exists(&name).as_condition(Level::Note));
            ok(0)
        }
        Err(e) => Err(e),
    }
}

/// CREATE TABLE over a view's name: 1050, a note with IF NOT EXISTS.
fn view_in_the_way(session: &mut Session, name: &str, if_not_exists: bool) -> StatementResult {
    if !if_not_exists {
        return Err(table_exists(name));
    }
    session.warn(table_exists(name).as_condition(Level::Note));
    ok(0)
}

/// CREATE TABLE … SELECT: the selected rows into the new table, committed
/// with it; when a row fails the table goes again, as in MariaDB.
fn fill_created(
    session: &mut Session,
    (schema, name): (&str, &str),
    rows: Option<Vec<Vec<Option<crate::sql::value::Value>>>>,
) -> StatementResult {
    let Some(rows) = rows else {
        return ok(0);
    };
    let table = session.state.storage.table(schema, name)?;
    match dml::insert_selected(session, &table, rows) {
        Ok(inserted) => {
            session.txn.commit();
            records(session, inserted)
        }
        Err(e) => {
            session.txn.rollback_statement();
            let _ = session.state.storage.drop_table(schema, name, true);
            Err(e)
        }
    }
}

fn create_temporary(
    session: &mut Session,
    def: crate::storage::schema::TableDef,
    if_not_exists: bool,
    rows: Option<Vec<Vec<Option<crate::sql::value::Value>>>>,
) -> StatementResult {
    let key = (
        def.schema.to_ascii_lowercase(),
        def.name.to_ascii_lowercase(),
    );
    if session.temp_tables.contains_key(&key) {
        if if_not_exists {
            session.warn(table_exists(&def.name).as_condition(Level::Note));
            return ok(0);
        }
        return Err(table_exists(&def.name));
    }
    let table = Table::new_temporary(def);
    let inserted = match rows {
        Some(rows) => Some(dml::insert_selected(session, &table, rows)?),
        None => None,
    };
    session.temp_tables.insert(key, table);
    match inserted {
        Some(n) => records(session, n),
        None => ok(0),
    }
}

/// The OK of CREATE TABLE … SELECT: its rows, and INSERT's info line.
fn records(session: &Session, inserted: u64) -> StatementResult {
    Ok(crate::session::outcome::Outcome::Ok(
        crate::session::outcome::OkInfo {
            affected_rows: inserted,
            info: format!(
                "Records: {inserted}  Duplicates: 0  Warnings: {}",
                session.warnings.len()
            ),
            ..Default::default()
        },
    ))
}

/// ER_TABLE_EXISTS_ERROR.
fn table_exists(name: &str) -> ServerError {
    ServerError::new(1050, "42S01", format!("Table '{name}' already exists"))
}

/// CREATE DATABASE [IF NOT EXISTS].
pub fn create_database(
    session: &mut Session,
    name: &ObjectName,
    if_not_exists: bool,
) -> StatementResult {
    implicit_commit(session)?;
    let name = name.to_string().trim_matches('`').to_string();
    if session
        .state
        .storage
        .create_database(&name, if_not_exists)?
    {
        ok(1)
    } else {
        session.warn(
            ServerError::new(
                1007,
                "HY000",
                format!("Can't create database '{name}'; database exists"),
            )
            .as_condition(Level::Note),
        );
        ok(0)
    }
}

/// DROP DATABASE / DROP TABLE.
pub fn drop(
    session: &mut Session,
    kind: &ObjectType,
    if_exists: bool,
    names: &[ObjectName],
    temporary: bool,
) -> StatementResult {
    match kind {
        ObjectType::Schema | ObjectType::Database => drop_database(session, &names[0], if_exists),
        ObjectType::Table => drop_tables(session, if_exists, names, temporary),
        ObjectType::View => super::views::drop(session, names, if_exists),
        other => Err(not_supported(&format!("DROP {other}"))),
    }
}

fn drop_database(session: &mut Session, name: &ObjectName, if_exists: bool) -> StatementResult {
    let waits = Waits::of(session);
    let _intent = waits.write_intent()?;
    implicit_commit(session)?;
    let name = name.to_string().trim_matches('`').to_string();
    match session.state.storage.drop_database(&name, if_exists)? {
        Some(tables) => {
            if let Some(dir) = session.state.database_dir(&name) {
                let _ = std::fs::remove_dir_all(dir);
            }
            if session.db.as_deref() == Some(name.as_str()) {
                session.set_db(None);
            }
            ok(tables as u64)
        }
        None => {
            session.warn(
                ServerError::new(
                    1008,
                    "HY000",
                    format!("Can't drop database '{name}'; database doesn't exist"),
                )
                .as_condition(Level::Note),
            );
            ok(0)
        }
    }
}

fn drop_tables(
    session: &mut Session,
    if_exists: bool,
    names: &[ObjectName],
    temporary: bool,
) -> StatementResult {
    let mut missing = Vec::new();
    let mut committed = false;
    let waits = Waits::of(session);
    let mut intent = None;
    session.binlog_cache.dropped_temporary.clear();
    for name in names {
        let (schema, table) = qualified(session, name)?;
        let key = (schema.to_ascii_lowercase(), table.to_ascii_lowercase());
        if session.temp_tables.remove(&key).is_some() {
            session.binlog_cache.dropped_temporary.push((schema, table));
            continue;
        }
        if temporary {
            missing.push(format!("{schema}.{table}"));
            continue;
        }
        if !committed {
            intent = Some(waits.write_intent()?);
            implicit_commit(session)?;
            committed = true;
        }
        if session.state.storage.database_exists(&schema) {
            waits.exclusive_table(&schema, &table)?;
        }
        if !session.state.storage.drop_table(&schema, &table, true)? {
            missing.push(format!("{schema}.{table}"));
        }
    }
    std::mem::drop(intent);
    if missing.is_empty() {
        return ok(0);
    }
    let error = ServerError::new(
        1051,
        "42S02",
        format!("Unknown table '{}'", missing.join(",")),
    );
    if if_exists {
        session.warn(error.as_condition(Level::Note));
        return ok(0);
    }
    Err(error)
}

/// TRUNCATE [TABLE] t.
pub fn truncate(session: &mut Session, truncate: &Truncate) -> StatementResult {
    for target in &truncate.table_names {
        let (schema, name) = qualified(session, &target.name)?;
        let table: Arc<Table> = open_table(session, &schema, &name)?;
        if table.def().temporary {
            table.truncate();
            continue;
        }
        let waits = Waits::of(session);
        let _intent = waits.write_intent()?;
        implicit_commit(session)?;
        table.truncate();
    }
    ok(0)
}

/// USE db.
pub fn use_database(session: &mut Session, target: &Use) -> StatementResult {
    let name = match target {
        Use::Object(name) | Use::Database(name) | Use::Schema(name) => name.to_string(),
        other => other.to_string(),
    };
    let name = name.trim_matches('`').to_string();
    session.init_db(&name)?;
    ok(0)
}

/// DDL ends an open transaction, as MariaDB's implicit commit does.
pub(super) fn implicit_commit(session: &mut Session) -> Result<(), ServerError> {
    session.txn.commit();
    session.explicit_txn = false;
    super::transaction::release_table_accesses(session);
    Ok(())
}
