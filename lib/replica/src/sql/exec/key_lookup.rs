//! The PRIMARY or UNIQUE key value a WHERE clause looks rows up by, for
//! the key-value locks of UPDATE, DELETE and locking reads (see the
//! storage's `locks`). A WHERE fixes a key when its AND-ed terms include
//! `column = literal` (either way round) for every column of the key; the
//! literals are converted into the columns' types as an INSERT converts
//! them, and a value that does not convert cleanly fixes nothing. Ranges,
//! ORs, expressions and joins fix nothing, so they lock no absent values.
//! The statement locks the value (when no row has it) before it looks for
//! rows and again after it has locked those it found.

use sqlparser::ast::{BinaryOperator, Expr, UnaryOperator};

use super::context::{RowContext, Source};
use crate::error::{Condition, ServerResult};
use crate::session::Session;
use crate::sql::eval::evaluate;
use crate::sql::types::SqlType;
use crate::sql::value::{StoreMode, Value, store_with};
use crate::storage::schema::{KeyKind, TableDef};
use crate::storage::{LockMode, Table, Wait};

/// A PRIMARY or UNIQUE key (its position in the table's keys) and the
/// value a WHERE fixes it to, in the key columns' types.
pub struct FixedKey {
    key: usize,
    values: Vec<Value>,
}

impl FixedKey {
    /// The key value `condition` fixes on `table` (seen as `source`), if
    /// it fixes one; InnoDB takes no such locks below REPEATABLE READ.
    pub fn of(
        session: &mut Session,
        (table, source): (&Table, &Source),
        condition: Option<&Expr>,
    ) -> ServerResult<Option<FixedKey>> {
        let Some(condition) = condition else {
            return Ok(None);
        };
        if matches!(
            session.vars.tx_isolation(),
            "READ-COMMITTED" | "READ-UNCOMMITTED"
        ) {
            return Ok(None);
        }
        let def = table.def();
        let equalities = column_equalities(&def, source, condition);
        let Some((key, literals)) = fixed_key(&def, &equalities) else {
            return Ok(None);
        };
        let columns = &def.keys[key].columns;
        let mut values = Vec::with_capacity(columns.len());
        for (&column, literal) in columns.iter().zip(literals) {
            match key_value(session, source, &def, column, literal)? {
                Some(v) => values.push(v),
                None => return Ok(None),
            }
        }
        Ok(Some(FixedKey { key, values }))
    }

    /// Locks the value in `mode` if no row of `table` has it.
    pub fn lock(
        &self,
        session: &mut Session,
        table: &Table,
        mode: LockMode,
        wait: &Wait,
    ) -> ServerResult<()> {
        table.lock_key_value(&mut session.txn, self.key, &self.values, mode, wait)
    }
}

/// Locks the value `fixed` names, if any: a statement does so before it
/// looks for rows and again after, in case a row it found went away.
pub fn lock_fixed(
    session: &mut Session,
    table: &Table,
    fixed: Option<&FixedKey>,
    mode: LockMode,
    wait: &Wait,
) -> ServerResult<()> {
    match fixed {
        Some(fixed) => fixed.lock(session, table, mode, wait),
        None => Ok(()),
    }
}

/// `(column, literal)` for each AND-ed `column = literal` of `condition`.
fn column_equalities<'e>(
    def: &TableDef,
    source: &Source,
    condition: &'e Expr,
) -> Vec<(usize, &'e Expr)> {
    let mut out = Vec::new();
    let mut terms = vec![condition];
    while let Some(term) = terms.pop() {
        match term {
            Expr::Nested(inner) => terms.push(inner),
            Expr::BinaryOp {
                left,
                op: BinaryOperator::And,
                right,
            } => terms.extend([&**left, &**right]),
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Eq,
                right,
            } => out.extend(equality(def, source, left, right)),
            _ => {}
        }
    }
    out
}

/// The column and literal of `left = right`, in either order.
fn equality<'e>(
    def: &TableDef,
    source: &Source,
    left: &'e Expr,
    right: &'e Expr,
) -> Option<(usize, &'e Expr)> {
    match (column_of(def, source, left), column_of(def, source, right)) {
        (Some(c), None) if is_literal(right) => Some((c, right)),
        (None, Some(c)) if is_literal(left) => Some((c, left)),
        _ => None,
    }
}

/// The position of the column `expr` names, if it names one of `source`.
fn column_of(def: &TableDef, source: &Source, expr: &Expr) -> Option<usize> {
    let (qualifier, name) = match expr {
        Expr::Identifier(name) => (&[][..], name),
        Expr::CompoundIdentifier(parts) => {
            let (name, qualifier) = parts.split_last()?;
            (qualifier, name)
        }
        _ => return None,
    };
    let qualified_ok = match qualifier {
        [] => true,
        [table] => table.value == source.alias,
        [schema, table] => schema.value == source.schema && table.value == source.table,
        _ => false,
    };
    if !qualified_ok {
        return None;
    }
    def.columns
        .iter()
        .position(|c| c.name.eq_ignore_ascii_case(&name.value))
}

/// A constant written in the statement: a literal, maybe signed or nested.
fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Value(_) => true,
        Expr::Nested(inner) => is_literal(inner),
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => is_literal(expr),
        _ => false,
    }
}

/// The first PRIMARY, else UNIQUE, key whose every column `equalities`
/// fixes, with the literal of each of its columns.
fn fixed_key<'e>(
    def: &TableDef,
    equalities: &[(usize, &'e Expr)],
) -> Option<(usize, Vec<&'e Expr>)> {
    let literal_of = |c: usize| {
        equalities
            .iter()
            .find(|(col, _)| *col == c)
            .map(|(_, e)| *e)
    };
    let unique_keys = || {
        def.keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.kind != KeyKind::Index)
    };
    let primary_first = unique_keys()
        .filter(|(_, k)| k.kind == KeyKind::Primary)
        .chain(unique_keys().filter(|(_, k)| k.kind == KeyKind::Unique));
    primary_first
        .filter_map(|(i, k)| {
            let literals: Option<Vec<_>> = k.columns.iter().map(|&c| literal_of(c)).collect();
            Some((i, literals?))
        })
        .next()
}

/// `literal` as column `column` stores it; None when it would not store
/// cleanly (an error or a warning), so it names no key value for sure.
fn key_value(
    session: &mut Session,
    source: &Source,
    def: &TableDef,
    column: usize,
    literal: &Expr,
) -> ServerResult<Option<Value>> {
    let row = vec![Value::Null; def.columns.len()];
    let value = {
        let sources = std::slice::from_ref(source);
        let mut ctx = RowContext::new(session, sources, &row, "WHERE");
        evaluate(literal, &mut ctx)?
    };
    if value.is_null() {
        return Ok(None);
    }
    let col = &def.columns[column];
    let mut warned = false;
    let mode = StoreMode {
        strict: true,
        round_fractions: false,
    };
    let stored = store_with(value, col, 1, mode, &mut |_: Condition| warned = true);
    Ok(match (stored, &col.ty) {
        (Ok(_), _) if warned => None,
        // A TIMESTAMP stores the instant: the session's wall clock in UTC.
        (Ok(Value::Temporal(t)), SqlType::Timestamp { .. }) => {
            Some(Value::Temporal(session.time_zone().to_utc(&t)))
        }
        (Ok(v), _) => Some(v),
        (Err(_), _) => None,
    })
}
