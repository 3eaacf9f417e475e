//! SELECT: the tables of FROM (nested-loop joins, LEFT JOIN padding),
//! WHERE, GROUP BY with aggregates, HAVING, the select list, DISTINCT,
//! ORDER BY and LIMIT, with locking reads for FOR UPDATE / LOCK IN SHARE
//! MODE. Rows are read through the session's transaction; the result goes
//! out as text.

use std::collections::HashMap;
use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, GroupByExpr, JoinConstraint, JoinOperator, LimitClause, OrderByKind, Query, Select,
    SelectItem, SelectItemQualifiedWildcardKind, SetExpr, TableFactor, TableWithJoins, Visit,
    Visitor,
};

use sqlparser::ast::{SetOperator, SetQuantifier};

use super::context::{RowContext, Source};
use super::dml::Locking;
use super::virtual_tables;
use crate::error::ServerResult;
use crate::session::outcome::{Column, Outcome, ResultSet};
use crate::session::{Session, StatementResult, not_supported};
use crate::sql::eval::{self, Accumulator, aggregate_kind, evaluate, truth};
use crate::sql::parse::Piece;
use crate::sql::value::{Row, Value, compare_values};
use crate::storage::LockMode;
use crate::sysvars::charsets;

/// latin1_swedish_ci, the server's default collation.
const LATIN1_SWEDISH_CI: u16 = 8;

/// The id of collation_connection, which string literals carry.
fn connection_collation(session: &Session) -> u16 {
    charsets::collation_id(session.vars.collation_connection()).unwrap_or(LATIN1_SWEDISH_CI)
}

/// A query's columns and rows, before they become text.
struct Output {
    columns: Vec<Column>,
    rows: Vec<Row>,
}

/// Runs a SELECT statement.
pub fn run(session: &mut Session, piece: &Piece<'_>, query: &Query) -> StatementResult {
    let output = query_output(session, Some(piece.text), query)?;
    session.found_rows = output.rows.len() as u64;
    Ok(Outcome::Rows(ResultSet {
        columns: output.columns,
        rows: output
            .rows
            .iter()
            .map(|r| r.iter().map(eval::to_text).collect())
            .collect(),
    }))
}

/// The rows of a subquery, or of INSERT … SELECT's query.
pub fn subquery_rows(session: &mut Session, query: &Query) -> ServerResult<Vec<Row>> {
    Ok(query_output(session, None, query)?.rows)
}

/// The result columns and rows of a query (CREATE TABLE … SELECT).
pub(super) fn query_columns_and_rows(
    session: &mut Session,
    query: &Query,
) -> ServerResult<(Vec<Column>, Vec<Row>)> {
    let output = query_output(session, None, query)?;
    Ok((output.columns, output.rows))
}

fn query_output(session: &mut Session, text: Option<&str>, query: &Query) -> ServerResult<Output> {
    let SetExpr::Select(select) = query.body.as_ref() else {
        let mut output = set_output(session, text, &query.body)?;
        if let Some(order_by) = &query.order_by {
            sort_output(&mut output, &order_by.kind)?;
        }
        output.rows = apply_limit(session, output.rows, query.limit_clause.as_ref())?;
        return Ok(output);
    };
    select_output(session, text, select, query)
}

/// UNION [ALL|DISTINCT] of query blocks, and parenthesized queries.
fn set_output(session: &mut Session, text: Option<&str>, body: &SetExpr) -> ServerResult<Output> {
    match body {
        SetExpr::Select(select) => select_output(session, text, select, &plain_query(body)),
        SetExpr::Query(query) => query_output(session, text, query),
        SetExpr::SetOperation {
            op: SetOperator::Union,
            set_quantifier,
            left,
            right,
        } => {
            let mut output = set_output(session, text, left)?;
            let more = set_output(session, text, right)?;
            if more.columns.len() != output.columns.len() {
                return Err(crate::error::ServerError::new(
                    1222,
                    "21000",
                    "The used SELECT statements have a different number of columns",
                ));
            }
            output.rows.extend(more.rows);
            if !matches!(set_quantifier, SetQuantifier::All) {
                output.rows = distinct(std::mem::take(&mut output.rows));
            }
            Ok(output)
        }
        _ => Err(not_supported("this form of query")),
    }
}

/// A query with no ORDER BY, LIMIT or locking around a query block.
fn plain_query(body: &SetExpr) -> Query {
    Query {
        with: None,
        body: Box::new(body.clone()),
        order_by: None,
        limit_clause: None,
        fetch: None,
        locks: Vec::new(),
        for_clause: None,
        settings: None,
        format_clause: None,
        pipe_operators: Vec::new(),
    }
}

/// ORDER BY of a UNION: by position or by the name of an output column.
fn sort_output(output: &mut Output, kind: &OrderByKind) -> ServerResult<()> {
    let OrderByKind::Expressions(keys) = kind else {
        return Err(not_supported("ORDER BY ALL"));
    };
    let mut positions = Vec::new();
    for key in keys {
        let position = match &key.expr {
            Expr::Value(v) => match &v.value {
                sqlparser::ast::Value::Number(n, _) => {
                    n.parse::<usize>().ok().and_then(|p| p.checked_sub(1))
                }
                _ => None,
            },
            Expr::Identifier(i) => output
                .columns
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(&i.value)),
            _ => None,
        };
        let position = position
            .filter(|p| *p < output.columns.len())
            .ok_or_else(|| super::errors::unknown_column(&key.expr.to_string(), "ORDER BY"))?;
        positions.push((
            position,
            matches!(key.options.sort, Some(sqlparser::ast::OrderBySort::Desc)),
        ));
    }
    output.rows.sort_by(|a, b| {
        for &(p, descending) in &positions {
            let order = compare_values(&a[p], &b[p]);
            let order = if descending { order.reverse() } else { order };
            if !order.is_eq() {
                return order;
            }
        }
        std::cmp::Ordering::Equal
    });
    Ok(())
}

/// The row locks a locking read takes: FOR UPDATE exclusive, FOR SHARE
/// (LOCK IN SHARE MODE) shared.
fn lock_mode(query: &Query) -> Option<LockMode> {
    let mut locks = query.locks.iter();
    let first = locks.next()?;
    let update = std::iter::once(first)
        .chain(locks)
        .any(|l| l.lock_type == sqlparser::ast::LockType::Update);
    Some(if update {
        LockMode::Exclusive
    } else {
        LockMode::Shared
    })
}

fn select_output(
    session: &mut Session,
    text: Option<&str>,
    select: &Select,
    query: &Query,
) -> ServerResult<Output> {
    let single_table = select.from.len() == 1 && select.from[0].joins.is_empty();
    let locking = lock_mode(query).map(|mode| Locking {
        mode,
        only: select.selection.as_ref().filter(|_| single_table),
    });
    let (sources, rows) = from_rows(session, &select.from, locking)?;
    let rows = filter_where(session, &sources, rows, select.selection.as_ref())?;
    let mut candidates = if is_grouped(select) {
        group(session, &sources, rows, select)?
    } else {
        rows.into_iter()
            .map(|row| Candidate {
                row,
                aggregates: None,
            })
            .collect()
    };
    let items = expand_items(select, &sources, text);
    if let Some(having) = &select.having {
        let having = having_with_aliases(having, &sources, &items);
        candidates = filter_having(session, &sources, candidates, &having)?;
    }
    let mut projected = Vec::with_capacity(candidates.len());
    for candidate in &candidates {
        let mut ctx = context(session, &sources, candidate, "SELECT");
        let values = items
            .iter()
            .map(|item| evaluate(&item.expr, &mut ctx))
            .collect::<ServerResult<Row>>()?;
        projected.push(values);
    }
    let mut order: Vec<usize> = (0..projected.len()).collect();
    if let Some(order_by) = &query.order_by {
        order = sort(
            session,
            &sources,
            &candidates,
            &projected,
            &items,
            &order_by.kind,
        )?;
    }
    let mut rows: Vec<Row> = order.into_iter().map(|i| projected[i].clone()).collect();
    if select.distinct.is_some() {
        rows = distinct(rows);
    }
    rows = apply_limit(session, rows, query.limit_clause.as_ref())?;
    let collation = connection_collation(session);
    let lookup = |e: &Expr| direct_column(e, &sources);
    let env = eval::TypeEnv {
        column: &lookup,
        collation,
    };
    let columns = items
        .iter()
        .enumerate()
        .map(|(i, item)| item.column(&rows.iter().map(|r| &r[i]).collect::<Vec<_>>(), &env))
        .collect();
    Ok(Output { columns, rows })
}

/// A row of the FROM product, with its group's aggregate values.
struct Candidate {
    row: Row,
    aggregates: Option<HashMap<String, Value>>,
}

fn context<'a>(
    session: &'a mut Session,
    sources: &'a [Source],
    candidate: &'a Candidate,
    clause: &'static str,
) -> RowContext<'a> {
    let mut ctx = RowContext::new(session, sources, &candidate.row, clause);
    ctx.aggregates = candidate.aggregates.as_ref();
    ctx
}

/// The joined rows of the FROM clause (one empty row without FROM).
fn from_rows(
    session: &mut Session,
    from: &[TableWithJoins],
    locking: Option<Locking<'_>>,
) -> ServerResult<(Vec<Source>, Vec<Row>)> {
    let (sources, joined) = joined_rows(session, from, locking)?;
    Ok((sources, joined.into_iter().map(|j| j.row).collect()))
}

/// One row of the FROM clause's join, and where its parts came from.
pub(super) struct Joined {
    pub row: Row,
    /// Per source: the index of its row in the order the table was read
    /// (None for LEFT JOIN padding), so a multi-table UPDATE finds it.
    pub origins: Vec<Option<usize>>,
}

/// The joined rows of the FROM clause, with their origins.
pub(super) fn joined_rows(
    session: &mut Session,
    from: &[TableWithJoins],
    locking: Option<Locking<'_>>,
) -> ServerResult<(Vec<Source>, Vec<Joined>)> {
    let mut sources = Vec::new();
    let mut rows = vec![Joined {
        row: Vec::new(),
        origins: Vec::new(),
    }];
    for item in from {
        rows = join(
            session,
            &mut sources,
            rows,
            &item.relation,
            None,
            false,
            locking,
        )?;
        for j in &item.joins {
            let (constraint, left) = match &j.join_operator {
                JoinOperator::Join(c) | JoinOperator::Inner(c) | JoinOperator::CrossJoin(c) => {
                    (c, false)
                }
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (c, true),
                _ => return Err(not_supported("this kind of join")),
            };
            let on = match constraint {
                JoinConstraint::On(expr) => Some(expr),
                JoinConstraint::None => None,
                _ => return Err(not_supported("USING/NATURAL joins")),
            };
            rows = join(session, &mut sources, rows, &j.relation, on, left, locking)?;
        }
    }
    Ok((sources, rows))
}

#[allow(clippy::too_many_arguments)]
fn join(
    session: &mut Session,
    sources: &mut Vec<Source>,
    left_rows: Vec<Joined>,
    factor: &TableFactor,
    on: Option<&Expr>,
    left_outer: bool,
    locking: Option<Locking<'_>>,
) -> ServerResult<Vec<Joined>> {
    let Some((source, right_rows)) = relation(session, sources, factor, locking)? else {
        return Ok(left_rows);
    };
    let width = source.columns.len();
    sources.push(source);
    let mut out = Vec::new();
    for left in left_rows {
        let mut matched = false;
        for (index, right) in right_rows.iter().enumerate() {
            let mut row = left.row.clone();
            row.extend(right.iter().cloned());
            if let Some(on) = on {
                let mut ctx = RowContext::new(session, sources, &row, "ON");
                if truth(&evaluate(on, &mut ctx)?) != Some(true) {
                    continue;
                }
            }
            matched = true;
            let mut origins = left.origins.clone();
            origins.push(Some(index));
            out.push(Joined { row, origins });
        }
        if left_outer && !matched {
            let mut joined = left;
            joined.row.extend(std::iter::repeat_n(Value::Null, width));
            joined.origins.push(None);
            out.push(joined);
        }
    }
    Ok(out)
}

/// A table or derived table of FROM and its rows (None for DUAL).
fn relation(
    session: &mut Session,
    sources: &[Source],
    factor: &TableFactor,
    locking: Option<Locking<'_>>,
) -> ServerResult<Option<(Source, Vec<Row>)>> {
    let offset = sources.last().map_or(0, |s| s.offset + s.columns.len());
    let (name, alias) = match factor {
        TableFactor::Table { name, alias, .. } => (name, alias),
        TableFactor::Derived {
            subquery, alias, ..
        } => return derived(session, sources, subquery, alias.as_ref(), offset).map(Some),
        _ => return Err(not_supported("this kind of table reference")),
    };
    if name.0.len() == 1 && name.to_string().eq_ignore_ascii_case("DUAL") {
        return Ok(None);
    }
    let (schema, table) = super::names::qualified(session, name)?;
    let alias = alias
        .as_ref()
        .map_or_else(|| table.clone(), |a| a.name.value.clone());
    unique_alias(sources, &alias)?;
    let computed = match session.temp_table(&schema, &table) {
        Some(_) => None,
        None => match super::views::read(session, &schema, &table)? {
            Some(view) => Some(view),
            None => virtual_tables::read(session, &schema, &table)?,
        },
    };
    let (def, columns, rows) = match computed {
        Some((columns, rows)) => (None, columns, rows),
        None => {
            let (def, rows) = super::dml::read_table(session, &schema, &table, &alias, locking)?;
            let columns = def.columns.iter().map(|c| c.name.clone()).collect();
            (Some(def), columns, rows)
        }
    };
    let source = Source {
        def,
        alias,
        schema,
        table,
        columns,
        offset,
    };
    Ok(Some((source, rows)))
}

/// `(SELECT …) AS alias`: the subquery's result as a table.
fn derived(
    session: &mut Session,
    sources: &[Source],
    subquery: &Query,
    alias: Option<&sqlparser::ast::TableAlias>,
    offset: usize,
) -> ServerResult<(Source, Vec<Row>)> {
    let alias = alias.map(|a| a.name.value.clone()).ok_or_else(|| {
        crate::error::ServerError::new(1248, "42000", "Every derived table must have its own alias")
    })?;
    unique_alias(sources, &alias)?;
    let output = query_output(session, None, subquery)?;
    let source = Source {
        def: None,
        alias: alias.clone(),
        schema: String::new(),
        table: alias,
        columns: output.columns.into_iter().map(|c| c.name).collect(),
        offset,
    };
    Ok((source, output.rows))
}

fn unique_alias(sources: &[Source], alias: &str) -> ServerResult<()> {
    if sources.iter().any(|s| s.alias.eq_ignore_ascii_case(alias)) {
        return Err(super::errors::not_unique_table(alias));
    }
    Ok(())
}

pub(super) fn filter_where(
    session: &mut Session,
    sources: &[Source],
    rows: Vec<Row>,
    selection: Option<&Expr>,
) -> ServerResult<Vec<Row>> {
    let Some(condition) = selection else {
        return Ok(rows);
    };
    let mut kept = Vec::new();
    for row in rows {
        let mut ctx = RowContext::new(session, sources, &row, "WHERE");
        if truth(&evaluate(condition, &mut ctx)?) == Some(true) {
            kept.push(row);
        }
    }
    Ok(kept)
}

fn filter_having(
    session: &mut Session,
    sources: &[Source],
    candidates: Vec<Candidate>,
    having: &Expr,
) -> ServerResult<Vec<Candidate>> {
    let mut kept = Vec::new();
    for candidate in candidates {
        let mut ctx = context(session, sources, &candidate, "HAVING");
        if truth(&evaluate(having, &mut ctx)?) == Some(true) {
            kept.push(candidate);
        }
    }
    Ok(kept)
}

/// HAVING may name select-list aliases (`COUNT(*) AS n … HAVING n > 1`):
/// a bare name that is no column of the FROM tables becomes its item.
fn having_with_aliases(having: &Expr, sources: &[Source], items: &[Item]) -> Expr {
    let mut having = having.clone();
    let _ = sqlparser::ast::visit_expressions_mut(&mut having, |e| {
        if let Expr::Identifier(i) = e {
            let is_column = super::context::resolve_column(sources, &[], &i.value, "").is_ok();
            let item = items
                .iter()
                .find(|it| it.name.eq_ignore_ascii_case(&i.value));
            if let (false, Some(item)) = (is_column, item) {
                *e = Expr::Nested(Box::new(item.expr.clone()));
            }
        }
        ControlFlow::<()>::Continue(())
    });
    having
}

/// Aggregate calls anywhere in the select list, HAVING and ORDER BY.
struct AggregateCalls(Vec<sqlparser::ast::Function>);

impl Visitor for AggregateCalls {
    type Break = ();
    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::Function(f) = expr {
            if aggregate_kind(f).is_some() && !self.0.contains(f) {
                self.0.push(f.clone());
            }
        }
        ControlFlow::Continue(())
    }
}

fn aggregate_calls(select: &Select) -> Vec<sqlparser::ast::Function> {
    let mut calls = AggregateCalls(Vec::new());
    let _ = select.projection.visit(&mut calls);
    let _ = select.having.visit(&mut calls);
    calls.0
}

fn group_exprs(select: &Select) -> &[Expr] {
    match &select.group_by {
        GroupByExpr::Expressions(exprs, _) => exprs,
        GroupByExpr::All(_) => &[],
    }
}

fn is_grouped(select: &Select) -> bool {
    !group_exprs(select).is_empty() || !aggregate_calls(select).is_empty()
}

/// GROUP BY: one candidate per group (its first row), with its aggregates.
fn group(
    session: &mut Session,
    sources: &[Source],
    rows: Vec<Row>,
    select: &Select,
) -> ServerResult<Vec<Candidate>> {
    let calls = aggregate_calls(select);
    let keys = group_exprs(select);
    let mut groups: Vec<(Row, Row, Vec<Accumulator>)> = Vec::new();
    for row in rows {
        let mut ctx = RowContext::new(session, sources, &row, "GROUP BY");
        let key = keys
            .iter()
            .map(|k| evaluate(k, &mut ctx))
            .collect::<ServerResult<Row>>()?;
        let position = groups.iter().position(|(k, _, _)| same_key(k, &key));
        let index = match position {
            Some(i) => i,
            None => {
                let accumulators = calls
                    .iter()
                    .map(|c| Accumulator::for_call(c).expect("aggregate call"))
                    .collect();
                groups.push((key, row.clone(), accumulators));
                groups.len() - 1
            }
        };
        for (call, accumulator) in calls.iter().zip(groups[index].2.iter_mut()) {
            let mut ctx = RowContext::new(session, sources, &row, "SELECT");
            let argument = aggregate_argument(call, &mut ctx)?;
            accumulator.add(&argument);
        }
    }
    if groups.is_empty() && keys.is_empty() {
        let accumulators = calls
            .iter()
            .map(|c| Accumulator::for_call(c).expect("aggregate call"))
            .collect();
        let width = sources.last().map_or(0, |s| s.offset + s.columns.len());
        groups.push((Vec::new(), vec![Value::Null; width], accumulators));
    }
    Ok(groups
        .into_iter()
        .map(|(_, row, accumulators)| Candidate {
            row,
            aggregates: Some(
                calls
                    .iter()
                    .map(ToString::to_string)
                    .zip(accumulators.iter().map(Accumulator::finish))
                    .collect(),
            ),
        })
        .collect())
}

/// The value an aggregate call adds for one row (`*` counts every row).
fn aggregate_argument(
    call: &sqlparser::ast::Function,
    ctx: &mut RowContext<'_>,
) -> ServerResult<Value> {
    use sqlparser::ast::{FunctionArg, FunctionArgExpr, FunctionArguments};
    let FunctionArguments::List(list) = &call.args else {
        return Ok(Value::Int(1));
    };
    match list.args.first() {
        Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(expr))) => evaluate(expr, ctx),
        _ => Ok(Value::Int(1)),
    }
}

fn same_key(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| compare_values(x, y).is_eq())
}

/// One column of the select list.
struct Item {
    expr: Expr,
    name: String,
    /// Metadata of the table column it reads directly.
    table_column: Option<Column>,
}

impl Item {
    /// The table column's metadata, else the expression's type, else the
    /// type of the values it gave.
    fn column(&self, values: &[&Value], env: &eval::TypeEnv<'_>) -> Column {
        match &self.table_column {
            Some(column) => Column {
                name: self.name.clone(),
                ..column.clone()
            },
            None => eval::expression_column(&self.expr, &self.name, env)
                .unwrap_or_else(|| eval::result_column(&self.name, values, env.collation)),
        }
    }
}

/// The select list with `*` and `t.*` expanded and every item named.
fn expand_items(select: &Select, sources: &[Source], text: Option<&str>) -> Vec<Item> {
    let mut items = Vec::new();
    for item in &select.projection {
        match item {
            SelectItem::UnnamedExpr(expr) => items.push(Item {
                name: item_name(expr, text),
                table_column: direct_column(expr, sources),
                expr: expr.clone(),
            }),
            SelectItem::ExprWithAlias { expr, alias } => items.push(Item {
                name: alias.value.clone(),
                table_column: direct_column(expr, sources),
                expr: expr.clone(),
            }),
            SelectItem::Wildcard(_) => sources.iter().for_each(|s| push_all(&mut items, s)),
            SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), _) => {
                let alias = name
                    .0
                    .last()
                    .map(|p| p.to_string().trim_matches('`').to_string())
                    .unwrap_or_default();
                sources
                    .iter()
                    .filter(|s| s.alias.eq_ignore_ascii_case(&alias))
                    .for_each(|s| push_all(&mut items, s));
            }
            _ => {}
        }
    }
    items
}

fn push_all(items: &mut Vec<Item>, source: &Source) {
    for column in &source.columns {
        items.push(Item {
            expr: Expr::CompoundIdentifier(vec![
                source.alias.as_str().into(),
                column.as_str().into(),
            ]),
            name: column.clone(),
            table_column: column_meta(source, column),
        });
    }
}

/// MariaDB names an unaliased item by its text as written.
pub(crate) fn item_name(expr: &Expr, text: Option<&str>) -> String {
    use sqlparser::ast::Spanned;
    if let Expr::Identifier(ident) = expr {
        return ident.value.clone();
    }
    if let Expr::Value(v) = expr {
        if let sqlparser::ast::Value::SingleQuotedString(s)
        | sqlparser::ast::Value::DoubleQuotedString(s) = &v.value
        {
            // MariaDB drops leading white space from item names.
            return s.trim_start().to_string();
        }
    }
    if let Expr::CompoundIdentifier(parts) = expr {
        if !parts[0].value.starts_with('@') {
            return parts.last().map(|p| p.value.clone()).unwrap_or_default();
        }
    }
    if let Some(name) = eval::name_const_label(expr) {
        return name.to_string();
    }
    text.and_then(|t| super::source_text::item_text(t, expr.span().start))
        .map_or_else(|| expr.to_string(), str::to_string)
}

fn direct_column(expr: &Expr, sources: &[Source]) -> Option<Column> {
    let (qualifier, name): (Vec<String>, String) = match expr {
        Expr::Identifier(i) => (Vec::new(), i.value.clone()),
        Expr::CompoundIdentifier(parts) if !parts[0].value.starts_with('@') => (
            parts[..parts.len() - 1]
                .iter()
                .map(|p| p.value.clone())
                .collect(),
            parts.last()?.value.clone(),
        ),
        _ => return None,
    };
    let index = super::context::resolve_column(sources, &qualifier, &name, "SELECT").ok()?;
    let source = sources
        .iter()
        .find(|s| index >= s.offset && index < s.offset + s.columns.len())?;
    column_meta(source, &source.columns[index - source.offset])
}

/// The metadata of a column of a FROM table: its declared type when the
/// table has a definition, else a text column (virtual tables).
fn column_meta(source: &Source, column: &str) -> Option<Column> {
    let mut meta = match &source.def {
        Some(def) => {
            let position = def.column_index(column)?;
            let collation = charsets::character_set(&def.charset)
                .and_then(charsets::default_collation_id)
                .unwrap_or(LATIN1_SWEDISH_CI);
            eval::table_column(
                &def.columns[position],
                &source.alias,
                &source.schema,
                collation,
            )
        }
        None => Column::text(column, 192),
    };
    meta.table = source.alias.clone();
    meta.org_table = source.table.clone();
    meta.schema = source.schema.clone();
    meta.org_name = column.to_string();
    Some(meta)
}

/// ORDER BY: positions, select-list aliases, or expressions over the row.
fn sort(
    session: &mut Session,
    sources: &[Source],
    candidates: &[Candidate],
    projected: &[Row],
    items: &[Item],
    kind: &OrderByKind,
) -> ServerResult<Vec<usize>> {
    let OrderByKind::Expressions(keys) = kind else {
        return Err(not_supported("ORDER BY ALL"));
    };
    let mut sort_keys: Vec<(Vec<Value>, usize)> = Vec::new();
    for (i, candidate) in candidates.iter().enumerate() {
        let mut values = Vec::new();
        for key in keys {
            values.push(order_value(
                session,
                sources,
                candidate,
                &projected[i],
                items,
                &key.expr,
            )?);
        }
        sort_keys.push((values, i));
    }
    let descending: Vec<bool> = keys
        .iter()
        .map(|k| matches!(k.options.sort, Some(sqlparser::ast::OrderBySort::Desc)))
        .collect();
    sort_keys.sort_by(|(a, _), (b, _)| {
        for (index, (x, y)) in a.iter().zip(b).enumerate() {
            let order = compare_values(x, y);
            let order = if descending[index] {
                order.reverse()
            } else {
                order
            };
            if !order.is_eq() {
                return order;
            }
        }
        std::cmp::Ordering::Equal
    });
    Ok(sort_keys.into_iter().map(|(_, i)| i).collect())
}

fn order_value(
    session: &mut Session,
    sources: &[Source],
    candidate: &Candidate,
    projected: &Row,
    items: &[Item],
    expr: &Expr,
) -> ServerResult<Value> {
    if let Expr::Value(v) = expr {
        if let sqlparser::ast::Value::Number(n, _) = &v.value {
            if let Ok(position) = n.parse::<usize>() {
                if position >= 1 && position <= projected.len() {
                    return Ok(projected[position - 1].clone());
                }
                return Err(super::errors::unknown_column(n, "ORDER BY"));
            }
        }
    }
    let alias = match expr {
        Expr::Identifier(ident) => items
            .iter()
            .position(|item| item.name.eq_ignore_ascii_case(&ident.value)),
        _ => None,
    };
    let expr = alias.map_or(expr, |i| &items[i].expr);
    let mut ctx = context(session, sources, candidate, "ORDER BY");
    // ENUM columns sort by member position, not by text
    if let Some(position) = eval::enum_position(expr, &mut ctx) {
        return position;
    }
    match alias {
        Some(i) => Ok(projected[i].clone()),
        None => evaluate(expr, &mut ctx),
    }
}

fn distinct(rows: Vec<Row>) -> Vec<Row> {
    let mut kept: Vec<Row> = Vec::new();
    for row in rows {
        if !kept.iter().any(|k| same_key(k, &row)) {
            kept.push(row);
        }
    }
    kept
}

fn apply_limit(
    session: &mut Session,
    rows: Vec<Row>,
    limit: Option<&LimitClause>,
) -> ServerResult<Vec<Row>> {
    let (count, offset) = match limit {
        None => return Ok(rows),
        Some(LimitClause::LimitOffset { limit, offset, .. }) => {
            (limit.clone(), offset.as_ref().map(|o| o.value.clone()))
        }
        Some(LimitClause::OffsetCommaLimit { offset, limit }) => {
            (Some(limit.clone()), Some(offset.clone()))
        }
    };
    let mut number = |e: Option<Expr>| -> ServerResult<Option<usize>> {
        let Some(e) = e else { return Ok(None) };
        let mut ctx = RowContext::new(session, &[], &[], "LIMIT");
        let value = evaluate(&e, &mut ctx)?;
        Ok(Some(match value {
            Value::Int(i) => usize::try_from(i).unwrap_or(0),
            Value::UInt(u) => usize::try_from(u).unwrap_or(usize::MAX),
            _ => 0,
        }))
    };
    let offset = number(offset)?.unwrap_or(0);
    let count = number(count)?.unwrap_or(usize::MAX);
    Ok(rows.into_iter().skip(offset).take(count).collect())
}
