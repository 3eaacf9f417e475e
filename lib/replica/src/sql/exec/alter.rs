//! ALTER TABLE: the table's definition changed operation by operation
//! (ADD/DROP COLUMN, ADD/DROP KEY, DROP CONSTRAINT, RENAME, ENGINE=), then the table rebuilt
//! with its rows carried over column by column. IF EXISTS on a missing
//! table is a note, as in MariaDB.

use sqlparser::ast::{AlterTable, AlterTableOperation, ObjectName, RenameTableNameKind};

use super::names::{open_table, qualified};
use super::waits::Waits;
use super::{create_table, errors, ok};
use crate::error::{Level, ServerError, ServerResult};
use crate::session::{Session, StatementResult, not_supported};
use crate::sql::value::Value;
use crate::storage::schema::{ColumnDefault, Engine, TableDef};

/// Where each column of the new definition takes its values from.
type Mapping = Vec<Option<usize>>;

/// ALTER TABLE [IF EXISTS] t op, ….
pub fn run(session: &mut Session, alter: &AlterTable) -> StatementResult {
    let (schema, name) = qualified(session, &alter.name)?;
    let Some(table) = open_or_note(session, &schema, &name, alter.if_exists)? else {
        return ok(0);
    };
    let mut def = (*table.def()).clone();
    let mut mapping: Mapping = (0..def.columns.len()).map(Some).collect();
    for operation in &alter.operations {
        apply(session, &mut def, &mut mapping, operation)?;
    }
    rebuild(session, &schema, &name, def, mapping)
}

/// ALTER TABLE t ENGINE = e (hand-parsed: sqlparser does not read it).
pub fn set_engine(session: &mut Session, table: &[String], engine: &str) -> StatementResult {
    let name = ObjectName::from(
        table
            .iter()
            .map(|p| sqlparser::ast::Ident::new(p.as_str()))
            .collect::<Vec<_>>(),
    );
    let (schema, name) = qualified(session, &name)?;
    let Some(table) = open_or_note(session, &schema, &name, false)? else {
        return ok(0);
    };
    let mut def = (*table.def()).clone();
    def.engine = Engine::from_name(engine).ok_or_else(|| errors::unknown_engine(engine))?;
    let mapping = (0..def.columns.len()).map(Some).collect();
    rebuild(session, &schema, &name, def, mapping)
}

fn open_or_note(
    session: &mut Session,
    schema: &str,
    name: &str,
    if_exists: bool,
) -> ServerResult<Option<std::sync::Arc<crate::storage::Table>>> {
    if session.temp_table(schema, name).is_some() {
        return Err(not_supported("ALTER TABLE of a temporary table"));
    }
    match open_table(session, schema, name) {
        Ok(table) => Ok(Some(table)),
        Err(e) if if_exists && e.code == 1146 => {
            session.warn(e.as_condition(Level::Error));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn rebuild(
    session: &mut Session,
    schema: &str,
    name: &str,
    def: TableDef,
    mapping: Mapping,
) -> StatementResult {
    create_table::check_auto_increment(&def)?;
    let waits = Waits::of(session);
    let _intent = waits.write_intent()?;
    session.txn.commit();
    session.explicit_txn = false;
    let fills: Vec<Value> = def.columns.iter().map(implicit_default).collect();
    let mut convert = |row: Vec<Value>| -> ServerResult<Vec<Value>> {
        Ok(mapping
            .iter()
            .zip(&fills)
            .map(|(from, fill)| from.map_or_else(|| fill.clone(), |i| row[i].clone()))
            .collect())
    };
    session
        .state
        .storage
        .alter_table(schema, name, def, &mut convert)?;
    ok(0)
}

/// The value a new column gets in existing rows.
fn implicit_default(column: &crate::storage::schema::ColumnDef) -> Value {
    match &column.default {
        Some(ColumnDefault::Value(v)) => v.clone(),
        _ if column.nullable => Value::Null,
        _ => column.zero_value(),
    }
}

fn apply(
    session: &mut Session,
    def: &mut TableDef,
    mapping: &mut Mapping,
    operation: &AlterTableOperation,
) -> ServerResult<()> {
    match operation {
        AlterTableOperation::AddColumn { column_def, .. } => {
            create_table::add_column(def, column_def)?;
            mapping.push(None);
            Ok(())
        }
        AlterTableOperation::DropColumn {
            column_names,
            if_exists,
            ..
        } => {
            for column in column_names {
                drop_column(session, def, mapping, &column.value, *if_exists)?;
            }
            Ok(())
        }
        AlterTableOperation::AddConstraint { constraint, .. } => {
            create_table::add_constraint(def, constraint)
        }
        AlterTableOperation::DropIndex { name } => drop_key(def, &name.value),
        AlterTableOperation::DropConstraint {
            if_exists, name, ..
        } => drop_constraint(session, def, &name.value, *if_exists),
        AlterTableOperation::RenameTable { table_name } => {
            let (RenameTableNameKind::As(target) | RenameTableNameKind::To(target)) = table_name;
            let (schema, name) = qualified(session, target)?;
            def.schema = schema;
            def.name = name;
            Ok(())
        }
        other => Err(not_supported(&format!("ALTER TABLE ... {other}"))),
    }
}

fn drop_column(
    session: &mut Session,
    def: &mut TableDef,
    mapping: &mut Mapping,
    name: &str,
    if_exists: bool,
) -> ServerResult<()> {
    let Some(position) = def.column_index(name) else {
        let error = cant_drop("COLUMN", name);
        if if_exists {
            session.warn(error.as_condition(Level::Note));
            return Ok(());
        }
        return Err(error);
    };
    def.columns.remove(position);
    mapping.remove(position);
    for key in &mut def.keys {
        key.columns.retain(|&c| c != position);
        key.columns
            .iter_mut()
            .filter(|c| **c > position)
            .for_each(|c| *c -= 1);
    }
    def.keys.retain(|k| !k.columns.is_empty());
    Ok(())
}

fn drop_key(def: &mut TableDef, name: &str) -> ServerResult<()> {
    let before = def.keys.len();
    def.keys.retain(|k| !k.name.eq_ignore_ascii_case(name));
    if def.keys.len() == before {
        return Err(cant_drop("INDEX", name));
    }
    Ok(())
}

/// DROP CONSTRAINT: the tables here hold no CHECK constraints, so the
/// name is a key's; a missing one is a note under IF EXISTS.
fn drop_constraint(
    session: &mut Session,
    def: &mut TableDef,
    name: &str,
    if_exists: bool,
) -> ServerResult<()> {
    if def.keys.iter().any(|k| k.name.eq_ignore_ascii_case(name)) {
        return drop_key(def, name);
    }
    let error = cant_drop("CONSTRAINT", name);
    if if_exists {
        session.warn(error.as_condition(Level::Note));
        return Ok(());
    }
    Err(error)
}

/// ER_CANT_DROP_FIELD_OR_KEY.
fn cant_drop(kind: &str, name: &str) -> ServerError {
    ServerError::new(
        1091,
        "42000",
        format!("Can't DROP {kind} `{name}`; check that it exists"),
    )
}
