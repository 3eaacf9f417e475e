//! Data changes: INSERT [IGNORE] … VALUES / SET, UPDATE and DELETE on one
//! table, and reading a table's rows for SELECT. Values are converted into
//! column types with the session's sql_mode (strict: an error; otherwise a
//! warning and a clipped value); every table a statement touches passes the
//! table-lock check first, and a change takes the global write intent.
//! Each row changed fires the table's BEFORE and AFTER triggers. UPDATE,
//! DELETE and locking reads whose WHERE fixes a unique key's value lock
//! that value when no row has it, before they look for rows and after
//! ([`key_lookup`](super::key_lookup)).

use sqlparser::ast::{
    Assignment, AssignmentTarget, Delete, Expr, FromTable, Insert, SetExpr, TableObject, Update,
};

use super::context::{RowContext, Source};
use super::errors;
use super::key_lookup::{FixedKey, lock_fixed};
use super::names::{open_table, qualified};
use super::row_limit;
use super::waits::Waits;
use crate::error::{Condition, ServerResult};
use crate::session::outcome::{OkInfo, Outcome};
use crate::session::{Session, StatementResult, not_supported};
use crate::sql::eval::{evaluate, truth};
use crate::sql::routines::ast::{Event, Timing};
use crate::sql::routines::fire;
use crate::sql::types::SqlType;
use crate::sql::value::time_zone::TimeZone;
use crate::sql::value::{Row, StoreMode, Value, store_with};
use crate::storage::schema::{ColumnDef, ColumnDefault, TableDef};
use crate::storage::{InsertOutcome, Inserted, LockMode, Table};

/// How a locking read (FOR UPDATE, LOCK IN SHARE MODE) locks rows: in
/// `mode`, and, for a single-table SELECT, only the rows its WHERE picks
/// (as InnoDB does through a key), not every row read.
#[derive(Debug, Clone, Copy)]
pub struct Locking<'a> {
    pub mode: LockMode,
    pub only: Option<&'a Expr>,
}

/// The definition and rows of a table, as SELECT reads them under `alias`.
pub fn read_table(
    session: &mut Session,
    schema: &str,
    name: &str,
    alias: &str,
    locking: Option<Locking<'_>>,
) -> ServerResult<(std::sync::Arc<TableDef>, Vec<Row>)> {
    let table = open_table(session, schema, name)?;
    let def = table.def();
    let waits = Waits::of(session);
    check_access(session, &waits, (schema, name, alias), false)?;
    let wait = waits.row();
    let Some(locking) = locking else {
        let rows = table.scan(&mut session.txn, &wait)?;
        return Ok((def, rows.into_iter().map(|(_, row)| row).collect()));
    };
    let source = Source {
        alias: alias.to_string(),
        schema: schema.to_string(),
        table: name.to_string(),
        columns: def.columns.iter().map(|c| c.name.clone()).collect(),
        def: Some(std::sync::Arc::clone(&def)),
        offset: 0,
    };
    let fixed = FixedKey::of(session, (&*table, &source), locking.only)?;
    lock_fixed(session, &table, fixed.as_ref(), locking.mode, &wait)?;
    let rows = table.scan_current(&mut session.txn, &wait)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, row) in rows {
        if !matches_where(session, &source, &row, locking.only)? {
            continue;
        }
        if let Some(latest) = table.lock_row(&mut session.txn, id, locking.mode, &wait)? {
            out.push(latest);
        }
    }
    lock_fixed(session, &table, fixed.as_ref(), locking.mode, &wait)?;
    Ok((def, out))
}

/// LOCK TABLES checks for a table given as (schema, table, name used).
fn check_access(
    session: &Session,
    waits: &Waits,
    (schema, table, used_as): (&str, &str, &str),
    write: bool,
) -> ServerResult<()> {
    if session.temp_table(schema, table).is_some() {
        return Ok(());
    }
    let keep = session.explicit_txn || !session.vars.autocommit();
    waits.table_access(schema, table, used_as, write, keep)
}

/// INSERT [IGNORE] INTO t [(cols)] VALUES (…), … | SET c = v, ….
pub fn insert(session: &mut Session, insert: &Insert) -> StatementResult {
    let TableObject::TableName(name) = &insert.table else {
        return Err(not_supported("INSERT INTO TABLE FUNCTION"));
    };
    let (schema, table_name) = qualified(session, name)?;
    let table = open_table(session, &schema, &table_name)?;
    let waits = Waits::of(session);
    check_access(session, &waits, (&schema, &table_name, &table_name), true)?;
    let _intent = waits.write_intent()?;
    let def = table.def();
    let (columns, source) = insert_rows(&def, insert)?;
    let value_rows = match source {
        InsertSource::Values(rows) => rows.into_iter().map(InsertRow::Exprs).collect::<Vec<_>>(),
        InsertSource::Query(query) => super::select::subquery_rows(session, &query)?
            .into_iter()
            .map(InsertRow::Values)
            .collect(),
    };
    let mut strict = Strictness::of(session, &def, insert.ignore);
    strict.single_row_insert =
        !insert.ignore && value_rows.len() == 1 && matches!(value_rows[0], InsertRow::Exprs(_));
    let mut affected = 0;
    let mut duplicates = 0;
    let mut first_generated = None;
    let mut forced = ForcedId::take(session);
    for (index, values) in value_rows.iter().enumerate() {
        let row_number = index as u64 + 1;
        if values.len() != columns.len() {
            return Err(errors::value_count_on_row(row_number));
        }
        let given = row_values(session, values)?;
        let mut row = build_row(session, &def, &columns, given, row_number, strict)?;
        fire(
            session,
            &def,
            Timing::Before,
            Event::Insert,
            None,
            Some(&mut row),
        )?;
        let forced_id = forced.fill(&def, &mut row);
        let mut after = row.clone();
        let wait = waits.row();
        let attempt = match insert.replace_into {
            true => replace_row(session, &table, &def, row, &waits),
            false => table.insert(&mut session.txn, row, &wait).map(|i| (0, i)),
        };
        match attempt {
            Ok((deleted, inserted)) => {
                affected += deleted;
                duplicates += deleted;
                fire(
                    session,
                    &def,
                    Timing::After,
                    Event::Insert,
                    None,
                    Some(&mut after),
                )?;
                affected += 1;
                if first_generated.is_none() {
                    first_generated = forced_id.or(inserted.generated);
                }
            }
            Err(e) if insert.ignore && e.code == 1062 => {
                duplicates += 1;
                session.warn(e.as_condition(crate::error::Level::Warning));
            }
            Err(e) => return Err(e),
        }
    }
    if let Some(id) = first_generated {
        session.last_insert_id = id;
        session.binlog_cache.insert_id = Some(id);
    }
    session.row_count = affected as i64;
    let info = if value_rows.len() > 1 {
        format!(
            "Records: {}  Duplicates: {}  Warnings: {}",
            value_rows.len(),
            duplicates,
            session.warnings.len()
        )
    } else {
        String::new()
    };
    Ok(Outcome::Ok(OkInfo {
        affected_rows: affected as u64,
        last_insert_id: first_generated.unwrap_or(0),
        info,
    }))
}

/// REPLACE: deletes every row clashing with `row` on a unique key, then
/// inserts it; returns how many rows it deleted and what it inserted.
fn replace_row(
    session: &mut Session,
    table: &Table,
    def: &TableDef,
    mut row: Row,
    waits: &Waits,
) -> ServerResult<(usize, Inserted)> {
    let mut deleted = 0;
    let mut generated = None;
    loop {
        let wait = waits.row();
        let dup = match table.insert_or_duplicate(&mut session.txn, row.clone(), &wait)? {
            InsertOutcome::Inserted(mut done) => {
                done.generated = generated.or(done.generated);
                return Ok((deleted, done));
            }
            InsertOutcome::Duplicate(dup) => dup,
        };
        // The value generated for the first attempt is the row's for good.
        let auto = def.columns.iter().position(|c| c.auto_increment);
        if let (Some(v), Some(slot)) = (dup.generated, auto.and_then(|c| row.get_mut(c))) {
            generated = Some(v);
            *slot = i64::try_from(v).map(Value::Int).unwrap_or(Value::UInt(v));
        }
        let old = table.lock_row(&mut session.txn, dup.id, LockMode::Exclusive, &wait)?;
        fire(
            session,
            def,
            Timing::Before,
            Event::Delete,
            old.as_ref(),
            None,
        )?;
        table.delete(&mut session.txn, dup.id, &wait)?;
        fire(
            session,
            def,
            Timing::After,
            Event::Delete,
            old.as_ref(),
            None,
        )?;
        deleted += 1;
    }
}

/// CREATE TABLE … SELECT: the selected rows (None: the column's default)
/// into the new table, converted as INSERT … SELECT converts them.
pub(super) fn insert_selected(
    session: &mut Session,
    table: &std::sync::Arc<crate::storage::Table>,
    rows: Vec<Vec<Option<Value>>>,
) -> ServerResult<u64> {
    let def = table.def();
    let columns: Vec<usize> = (0..def.columns.len()).collect();
    let strict = Strictness::of(session, &def, false);
    let waits = Waits::of(session);
    let mut inserted = 0;
    for (index, given) in rows.into_iter().enumerate() {
        let row = build_row(session, &def, &columns, given, index as u64 + 1, strict)?;
        table.insert(&mut session.txn, row, &waits.row())?;
        inserted += 1;
    }
    Ok(inserted)
}

/// Where INSERT's rows come from.
enum InsertSource {
    Values(Vec<Vec<Expr>>),
    Query(Box<sqlparser::ast::Query>),
}

/// One row to insert: expressions of VALUES / SET, or a selected row.
enum InsertRow {
    Exprs(Vec<Expr>),
    Values(Row),
}

impl InsertRow {
    fn len(&self) -> usize {
        match self {
            InsertRow::Exprs(e) => e.len(),
            InsertRow::Values(v) => v.len(),
        }
    }
}

/// The values of a row to insert; None where it says DEFAULT.
fn row_values(session: &mut Session, row: &InsertRow) -> ServerResult<Vec<Option<Value>>> {
    match row {
        InsertRow::Values(values) => Ok(values.iter().cloned().map(Some).collect()),
        InsertRow::Exprs(exprs) => exprs
            .iter()
            .map(|expr| {
                if matches!(expr, Expr::Identifier(i) if i.value.eq_ignore_ascii_case("DEFAULT") && i.quote_style.is_none()) {
                    return Ok(None);
                }
                let mut ctx = RowContext::new(session, &[], &[], "VALUES");
                evaluate(expr, &mut ctx).map(Some)
            })
            .collect(),
    }
}

/// The target columns and where the rows come from.
/// `@@insert_id` (a slave's INSERT_ID event): the value the next empty
/// auto column takes, the rows after it the values that follow.
struct ForcedId(u64);

impl ForcedId {
    /// Takes `@@insert_id` for this statement (it holds for one statement).
    fn take(session: &mut Session) -> ForcedId {
        let id = session.vars.insert_id();
        if id != 0 {
            session
                .vars
                .set_server_value("insert_id", crate::sysvars::Setting::Unsigned(0));
        }
        ForcedId(id)
    }

    /// Fills the row's empty auto column with the forced value, if any.
    fn fill(&mut self, def: &TableDef, row: &mut Row) -> Option<u64> {
        if self.0 == 0 {
            return None;
        }
        let slot = def
            .columns
            .iter()
            .position(|c| c.auto_increment)
            .and_then(|c| row.get_mut(c))?;
        if !matches!(slot, Value::Null | Value::Int(0) | Value::UInt(0)) {
            return None;
        }
        let id = self.0;
        *slot = i64::try_from(id).map_or(Value::UInt(id), Value::Int);
        self.0 = id.saturating_add(1);
        Some(id)
    }
}

/// Whether the INSERT is one MariaDB runs as SQLCOM_INSERT: VALUES or
/// SET, not a SELECT, and not the slave's own mysql.gtid_slave_pos row
/// (which MariaDB writes through the handler, not as a statement).
pub fn is_plain_insert(insert: &Insert) -> bool {
    let values = !insert.assignments.is_empty()
        || insert
            .source
            .as_ref()
            .is_some_and(|q| matches!(q.body.as_ref(), SetExpr::Values(_)));
    let TableObject::TableName(name) = &insert.table else {
        return false;
    };
    values
        && !name
            .to_string()
            .eq_ignore_ascii_case("mysql.gtid_slave_pos")
}

fn insert_rows(def: &TableDef, insert: &Insert) -> ServerResult<(Vec<usize>, InsertSource)> {
    let mut columns = Vec::new();
    for ident in &insert.columns {
        let name = ident.to_string().trim_matches('`').to_string();
        columns.push(
            def.column_index(&name)
                .ok_or_else(|| errors::unknown_column(&name, "INSERT INTO"))?,
        );
    }
    if !insert.assignments.is_empty() {
        let mut values = Vec::new();
        for assignment in &insert.assignments {
            columns.push(assignment_column(def, assignment)?);
            values.push(assignment.value.clone());
        }
        return Ok((columns, InsertSource::Values(vec![values])));
    }
    let Some(source) = &insert.source else {
        return Err(not_supported("INSERT without VALUES"));
    };
    if columns.is_empty() {
        columns = (0..def.columns.len()).collect();
    }
    match source.body.as_ref() {
        SetExpr::Values(values) => Ok((
            columns,
            InsertSource::Values(values.rows.iter().map(|r| r.content.clone()).collect()),
        )),
        _ => Ok((columns, InsertSource::Query(source.clone()))),
    }
}

fn assignment_column(def: &TableDef, assignment: &Assignment) -> ServerResult<usize> {
    let AssignmentTarget::ColumnName(name) = &assignment.target else {
        return Err(not_supported("tuple assignment"));
    };
    let column = name
        .0
        .last()
        .map(|p| p.to_string().trim_matches('`').to_string())
        .unwrap_or_default();
    def.column_index(&column)
        .ok_or_else(|| errors::unknown_column(&column, "SET"))
}

/// Whether a bad value in a row is an error or a warning. MariaDB's
/// STRICT_TRANS_TABLES refuses only the first row of a non-transactional
/// table (nothing has changed yet), and a single-row INSERT … VALUES
/// refuses NULL for a NOT NULL column in any mode.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Strictness {
    every_row: bool,
    first_row: bool,
    single_row_insert: bool,
    /// TIME_ROUND_FRACTIONAL: not strictness, but read from sql_mode alike.
    round_fractions: bool,
}

impl Strictness {
    pub(super) fn of(session: &Session, def: &TableDef, ignore: bool) -> Strictness {
        let mode = session.vars.sql_mode();
        let round_fractions = mode.iter().any(|m| m == "TIME_ROUND_FRACTIONAL");
        if ignore {
            return Strictness {
                round_fractions,
                ..Strictness::default()
            };
        }
        let all = mode.iter().any(|m| m == "STRICT_ALL_TABLES");
        let trans = mode.iter().any(|m| m == "STRICT_TRANS_TABLES");
        Strictness {
            every_row: all || (trans && def.engine.is_transactional()),
            first_row: trans,
            single_row_insert: false,
            round_fractions,
        }
    }

    fn for_row(self, row_number: u64) -> bool {
        self.every_row || (self.first_row && row_number == 1)
    }

    fn null_is_error(self, row_number: u64) -> bool {
        self.for_row(row_number) || self.single_row_insert
    }
}

/// A full row: given values converted into their columns, defaults for the rest.
fn build_row(
    session: &mut Session,
    def: &TableDef,
    columns: &[usize],
    given: Vec<Option<Value>>,
    row_number: u64,
    strict: Strictness,
) -> ServerResult<Row> {
    let mut row: Vec<Option<Value>> = vec![None; def.columns.len()];
    for (&position, value) in columns.iter().zip(given) {
        if value.is_some() {
            row[position] = value;
        }
    }
    let mut full = Vec::with_capacity(row.len());
    for (position, value) in row.into_iter().enumerate() {
        let column = &def.columns[position];
        let value = match value {
            Some(v) => v,
            None if is_stored_now(column) => {
                full.push(current_time(session, column));
                continue;
            }
            None => default_value(session, column, strict.for_row(row_number))?,
        };
        full.push(store_checked(session, value, column, row_number, strict)?);
    }
    Ok(full)
}

/// A `DEFAULT (expr)` evaluated for the row being inserted.
fn default_expression(session: &mut Session, text: &str) -> ServerResult<Value> {
    let expr = crate::sql::parse::parse_expression(text)
        .map_err(|_| crate::sql::parse::syntax_error::near(text, 1))?;
    let mut ctx = RowContext::new(session, &[], &[], "DEFAULT");
    evaluate(&expr, &mut ctx)
}

fn default_value(
    session: &mut Session,
    column: &crate::storage::schema::ColumnDef,
    strict: bool,
) -> ServerResult<Value> {
    match &column.default {
        Some(ColumnDefault::Value(v)) => Ok(v.clone()),
        Some(ColumnDefault::CurrentTimestamp) => Ok(current_time(session, column)),
        Some(ColumnDefault::Expr(text)) => default_expression(session, text),
        None if column.nullable || column.auto_increment => Ok(Value::Null),
        None if strict => Err(errors::no_default(&column.name)),
        None => {
            session
                .warn(errors::no_default(&column.name).as_condition(crate::error::Level::Warning));
            Ok(column.zero_value())
        }
    }
}

/// A TIMESTAMP column whose default is the statement's time: it stores the
/// instant itself, with no time zone involved.
fn is_stored_now(column: &ColumnDef) -> bool {
    matches!(column.ty, SqlType::Timestamp { .. })
        && matches!(column.default, Some(ColumnDefault::CurrentTimestamp))
}

/// The statement's time as `column` stores it: UTC for TIMESTAMP, the
/// session's wall clock for DATETIME, at the column's fractional digits.
fn current_time(session: &mut Session, column: &ColumnDef) -> Value {
    let at = session.query_start.read(session.vars.fixed_timestamp());
    let (zone, fsp) = match column.ty {
        SqlType::Timestamp { fsp } => (TimeZone::UTC, fsp),
        SqlType::DateTime { fsp } => (session.time_zone(), fsp),
        _ => (session.time_zone(), 0),
    };
    let fsp = Value::Int(i64::from(fsp));
    super::session_functions::now(zone, Some(at), Some(&fsp))
}

/// ON UPDATE CURRENT_TIMESTAMP: a changed row's columns that have it and
/// were not assigned (`assigned`) take the statement's time.
pub(super) fn touch_on_update(
    session: &mut Session,
    def: &TableDef,
    assigned: &[usize],
    row: &mut Row,
) {
    for (position, column) in def.columns.iter().enumerate() {
        if column.on_update_now && !assigned.contains(&position) {
            row[position] = current_time(session, column);
        }
    }
}

/// Converts into the column, with 1048 for NULL into NOT NULL.
pub(super) fn store_checked(
    session: &mut Session,
    value: Value,
    column: &crate::storage::schema::ColumnDef,
    row_number: u64,
    strict: Strictness,
) -> ServerResult<Value> {
    let value = if value.is_null() && !column.nullable && !column.auto_increment {
        if strict.null_is_error(row_number) {
            return Err(errors::column_cannot_be_null(&column.name));
        }
        session.warn(
            errors::column_cannot_be_null(&column.name).as_condition(crate::error::Level::Warning),
        );
        column.zero_value()
    } else {
        value
    };
    let mut conditions = Vec::new();
    let mode = StoreMode {
        strict: strict.for_row(row_number),
        round_fractions: strict.round_fractions,
    };
    let stored = store_with(value, column, row_number, mode, &mut |c: Condition| {
        conditions.push(c)
    })?;
    conditions.into_iter().for_each(|c| session.warn(c));
    Ok(match (&column.ty, stored) {
        // A TIMESTAMP stores the instant: the session's wall clock in UTC.
        (SqlType::Timestamp { .. }, Value::Temporal(t)) => {
            Value::Temporal(session.time_zone().to_utc(&t))
        }
        (_, stored) => stored,
    })
}

/// UPDATE t SET c = v, … [WHERE …] [ORDER BY …] [LIMIT n].
pub fn update(session: &mut Session, update: &Update) -> StatementResult {
    if !update.table.joins.is_empty() || update.from.is_some() {
        return super::multi_update::run(session, update);
    }
    let Target {
        table,
        def,
        source,
        waits,
    } = open_target(session, &update.table.relation, "UPDATE")?;
    let _intent = waits.write_intent()?;
    let targets = update
        .assignments
        .iter()
        .map(|a| assignment_column(&def, a))
        .collect::<ServerResult<Vec<_>>>()?;
    let strict = Strictness::of(session, &def, false);
    let cap = row_limit::limit(session, update.limit.as_ref())?;
    let fixed = FixedKey::of(session, (&table, &source), update.selection.as_ref())?;
    let exclusive = LockMode::Exclusive;
    lock_fixed(session, &table, fixed.as_ref(), exclusive, &waits.row())?;
    let wait_rows = table.scan_current(&mut session.txn, &waits.row())?;
    let wait_rows = row_limit::ordered(session, &source, wait_rows, &update.order_by)?;
    let (mut matched, mut changed) = (0u64, 0u64);
    for (id, row) in wait_rows {
        if cap.is_some_and(|cap| matched >= cap) {
            break;
        }
        if !matches_where(session, &source, &row, update.selection.as_ref())? {
            continue;
        }
        let latest = table.lock_row(&mut session.txn, id, LockMode::Exclusive, &waits.row())?;
        let Some(latest) = latest else { continue };
        if !matches_where(session, &source, &latest, update.selection.as_ref())? {
            continue;
        }
        matched += 1;
        let mut new_row = latest.clone();
        for (assignment, &position) in update.assignments.iter().zip(&targets) {
            let value = {
                let sources = std::slice::from_ref(&source);
                let mut ctx = RowContext::new(session, sources, &new_row, "SET");
                evaluate(&assignment.value, &mut ctx)?
            };
            new_row[position] =
                store_checked(session, value, &def.columns[position], matched, strict)?;
        }
        fire(
            session,
            &def,
            Timing::Before,
            Event::Update,
            Some(&latest),
            Some(&mut new_row),
        )?;
        if new_row != latest {
            touch_on_update(session, &def, &targets, &mut new_row);
        }
        let mut after = new_row.clone();
        if new_row != latest {
            table.update(&mut session.txn, id, new_row, &waits.row())?;
            changed += 1;
        }
        fire(
            session,
            &def,
            Timing::After,
            Event::Update,
            Some(&latest),
            Some(&mut after),
        )?;
    }
    lock_fixed(session, &table, fixed.as_ref(), exclusive, &waits.row())?;
    session.row_count = changed as i64;
    Ok(Outcome::Ok(OkInfo {
        affected_rows: changed,
        last_insert_id: 0,
        info: format!(
            "Rows matched: {matched}  Changed: {changed}  Warnings: {}",
            session.warnings.len()
        ),
    }))
}

/// DELETE FROM t [WHERE …] [ORDER BY …] [LIMIT n].
pub fn delete(session: &mut Session, delete: &Delete) -> StatementResult {
    let tables = match &delete.from {
        FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
    };
    let [target] = tables.as_slice() else {
        return Err(not_supported("multi-table DELETE"));
    };
    let Target {
        table,
        def,
        source,
        waits,
    } = open_target(session, &target.relation, "DELETE")?;
    let _intent = waits.write_intent()?;
    let cap = row_limit::limit(session, delete.limit.as_ref())?;
    let fixed = FixedKey::of(session, (&table, &source), delete.selection.as_ref())?;
    let exclusive = LockMode::Exclusive;
    lock_fixed(session, &table, fixed.as_ref(), exclusive, &waits.row())?;
    let rows = table.scan_current(&mut session.txn, &waits.row())?;
    let rows = row_limit::ordered(session, &source, rows, &delete.order_by)?;
    let mut deleted = 0u64;
    for (id, row) in rows {
        if cap.is_some_and(|cap| deleted >= cap) {
            break;
        }
        if !matches_where(session, &source, &row, delete.selection.as_ref())? {
            continue;
        }
        let wait = waits.row();
        if table
            .lock_row(&mut session.txn, id, LockMode::Exclusive, &wait)?
            .is_some()
        {
            fire(
                session,
                &def,
                Timing::Before,
                Event::Delete,
                Some(&row),
                None,
            )?;
            table.delete(&mut session.txn, id, &wait)?;
            fire(
                session,
                &def,
                Timing::After,
                Event::Delete,
                Some(&row),
                None,
            )?;
            deleted += 1;
        }
    }
    lock_fixed(session, &table, fixed.as_ref(), exclusive, &waits.row())?;
    session.row_count = deleted as i64;
    super::ok(deleted)
}

/// The one table an UPDATE or DELETE changes, checked for writing.
struct Target {
    table: std::sync::Arc<crate::storage::Table>,
    def: std::sync::Arc<TableDef>,
    source: Source,
    waits: Waits,
}

fn open_target(
    session: &mut Session,
    relation: &sqlparser::ast::TableFactor,
    statement: &str,
) -> ServerResult<Target> {
    let sqlparser::ast::TableFactor::Table { name, alias, .. } = relation else {
        return Err(not_supported(&format!("{statement} of a derived table")));
    };
    let (schema, table_name) = qualified(session, name)?;
    let table = open_table(session, &schema, &table_name)?;
    let waits = Waits::of(session);
    let used_as = alias.as_ref().map_or(&table_name, |a| &a.name.value);
    check_access(session, &waits, (&schema, &table_name, used_as), true)?;
    let def = table.def();
    let source = source_of(&def, alias.as_ref().map(|a| a.name.value.clone()));
    Ok(Target {
        table,
        def,
        source,
        waits,
    })
}

fn source_of(def: &TableDef, alias: Option<String>) -> Source {
    Source {
        alias: alias.unwrap_or_else(|| def.name.clone()),
        schema: def.schema.clone(),
        table: def.name.clone(),
        columns: def.columns.iter().map(|c| c.name.clone()).collect(),
        def: None,
        offset: 0,
    }
}

fn matches_where(
    session: &mut Session,
    source: &Source,
    row: &Row,
    condition: Option<&Expr>,
) -> ServerResult<bool> {
    let Some(condition) = condition else {
        return Ok(true);
    };
    let sources = std::slice::from_ref(source);
    let mut ctx = RowContext::new(session, sources, row, "WHERE");
    Ok(truth(&evaluate(condition, &mut ctx)?) == Some(true))
}
