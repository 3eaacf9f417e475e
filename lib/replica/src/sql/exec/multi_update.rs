//! Multi-table UPDATE: `UPDATE t1, (SELECT …) AS d JOIN t2 ON … SET … WHERE …`.
//! The table list is joined as SELECT's FROM is; each joined row that
//! passes WHERE updates, once, the row of every table its SET names,
//! from the joined values. Rows matched and changed count table rows.

use std::collections::HashSet;
use std::sync::Arc;

use sqlparser::ast::{Assignment, AssignmentTarget, Update};

use super::context::{RowContext, Source};
use super::dml::{Strictness, store_checked, touch_on_update};
use super::errors;
use super::select::{Joined, joined_rows};
use super::waits::Waits;
use crate::error::{ServerError, ServerResult};
use crate::session::outcome::{OkInfo, Outcome};
use crate::session::{Session, StatementResult, not_supported};
use crate::sql::eval::{evaluate, truth};
use crate::sql::routines::ast::{Event, Timing};
use crate::sql::routines::fire;
use crate::storage::schema::TableDef;
use crate::storage::{RowId, Table};

/// One table SET writes to, and the row ids in the order the join read it.
struct TargetTable {
    source: usize,
    table: Arc<Table>,
    def: Arc<TableDef>,
    ids: Vec<RowId>,
    done: HashSet<RowId>,
}

/// Matched and changed rows so far.
#[derive(Default)]
struct Counts {
    matched: u64,
    changed: u64,
}

/// UPDATE of a join.
pub fn run(session: &mut Session, update: &Update) -> StatementResult {
    if update.from.is_some() {
        return Err(not_supported("UPDATE … FROM"));
    }
    let waits = Waits::of(session);
    let _intent = waits.write_intent()?;
    let (sources, rows) = joined_rows(session, std::slice::from_ref(&update.table), None)?;
    let columns = update
        .assignments
        .iter()
        .map(|a| assigned_column(&sources, a))
        .collect::<ServerResult<Vec<_>>>()?;
    let mut targets = target_tables(session, &waits, &sources, &columns)?;
    let mut counts = Counts::default();
    for joined in &rows {
        if !passes_where(session, &sources, joined, update)? {
            continue;
        }
        for target in &mut targets {
            update_one(
                session,
                &waits,
                &sources,
                joined,
                target,
                update,
                &columns,
                &mut counts,
            )?;
        }
    }
    session.row_count = counts.changed as i64;
    Ok(Outcome::Ok(OkInfo {
        affected_rows: counts.changed,
        last_insert_id: 0,
        info: format!(
            "Rows matched: {}  Changed: {}  Warnings: {}",
            counts.matched,
            counts.changed,
            session.warnings.len()
        ),
    }))
}

fn passes_where(
    session: &mut Session,
    sources: &[Source],
    joined: &Joined,
    update: &Update,
) -> ServerResult<bool> {
    let Some(condition) = &update.selection else {
        return Ok(true);
    };
    let mut ctx = RowContext::new(session, sources, &joined.row, "WHERE");
    Ok(truth(&evaluate(condition, &mut ctx)?) == Some(true))
}

/// `(source, column)` an assignment writes: `alias.col`, or the one table having `col`.
fn assigned_column(sources: &[Source], assignment: &Assignment) -> ServerResult<(usize, usize)> {
    let AssignmentTarget::ColumnName(name) = &assignment.target else {
        return Err(not_supported("tuple assignment"));
    };
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| p.to_string().trim_matches('`').to_string())
        .collect();
    let (qualifier, column) = match parts.as_slice() {
        [.., q, c] => (Some(q.as_str()), c.as_str()),
        [c] => (None, c.as_str()),
        [] => return Err(not_supported("an empty column name")),
    };
    let full = parts.join(".");
    let mut found = sources.iter().enumerate().filter_map(|(i, s)| {
        let named = qualifier.is_none_or(|q| s.alias.eq_ignore_ascii_case(q));
        let position = s
            .columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(column));
        position.filter(|_| named).map(|p| (i, p))
    });
    let first = found
        .next()
        .ok_or_else(|| errors::unknown_column(&full, "SET"))?;
    if found.next().is_some() {
        return Err(ServerError::new(
            1052,
            "23000",
            format!("Column '{column}' in SET is ambiguous"),
        ));
    }
    Ok(first)
}

/// The tables SET writes to; a derived table cannot be one.
fn target_tables(
    session: &mut Session,
    waits: &Waits,
    sources: &[Source],
    columns: &[(usize, usize)],
) -> ServerResult<Vec<TargetTable>> {
    let mut seen: Vec<usize> = columns.iter().map(|&(s, _)| s).collect();
    seen.sort_unstable();
    seen.dedup();
    let mut targets = Vec::new();
    for source in seen {
        let s = &sources[source];
        let Some(def) = s.def.clone() else {
            return Err(ServerError::new(
                1288,
                "HY000",
                format!(
                    "The target table {} of the UPDATE is not updatable",
                    s.alias
                ),
            ));
        };
        let table = super::names::open_table(session, &s.schema, &s.table)?;
        let ids = table
            .scan(&mut session.txn, &waits.row())?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        targets.push(TargetTable {
            source,
            table,
            def,
            ids,
            done: HashSet::new(),
        });
    }
    Ok(targets)
}

/// Updates the target's row of one joined row, the first time it is met.
#[allow(clippy::too_many_arguments)]
fn update_one(
    session: &mut Session,
    waits: &Waits,
    sources: &[Source],
    joined: &Joined,
    target: &mut TargetTable,
    update: &Update,
    columns: &[(usize, usize)],
    counts: &mut Counts,
) -> ServerResult<()> {
    let Some(Some(index)) = joined.origins.get(target.source) else {
        return Ok(());
    };
    let Some(&id) = target.ids.get(*index) else {
        return Ok(());
    };
    if !target.done.insert(id) {
        return Ok(());
    }
    let row = target.table.lock_row(
        &mut session.txn,
        id,
        crate::storage::LockMode::Exclusive,
        &waits.row(),
    )?;
    let Some(latest) = row else { return Ok(()) };
    counts.matched += 1;
    let strict = Strictness::of(session, &target.def, update.or.is_some());
    let mut new_row = latest.clone();
    for (assignment, &(source, position)) in update.assignments.iter().zip(columns) {
        if source != target.source {
            continue;
        }
        let value = {
            let mut ctx = RowContext::new(session, sources, &joined.row, "SET");
            evaluate(&assignment.value, &mut ctx)?
        };
        let column = &target.def.columns[position];
        new_row[position] = store_checked(session, value, column, counts.matched, strict)?;
    }
    let def = Arc::clone(&target.def);
    fire(
        session,
        &def,
        Timing::Before,
        Event::Update,
        Some(&latest),
        Some(&mut new_row),
    )?;
    if new_row != latest {
        let assigned: Vec<usize> = columns
            .iter()
            .filter(|(source, _)| *source == target.source)
            .map(|&(_, position)| position)
            .collect();
        touch_on_update(session, &def, &assigned, &mut new_row);
    }
    let mut after = new_row.clone();
    if new_row != latest {
        target
            .table
            .update(&mut session.txn, id, new_row, &waits.row())?;
        counts.changed += 1;
    }
    fire(
        session,
        &def,
        Timing::After,
        Event::Update,
        Some(&latest),
        Some(&mut after),
    )
}
