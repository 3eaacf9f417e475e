//! Running a body: one node at a time, in the session's top frame. Leaves
//! go through the executor like any statement (each its own statement
//! inside a CALL, part of the calling statement inside a function or
//! trigger); SELECTs of a procedure add result sets to the CALL's; control
//! flow is a [`Flow`] passed back up the tree; an error looks for a
//! handler in scope before it leaves the program.
//!
//! Warnings follow MariaDB's rule inside programs: a statement clears the
//! previous conditions only when it uses tables (or is SIGNAL), so a CALL
//! leaves the conditions of its last such statement and of what followed;
//! statements of functions and triggers add to their caller's conditions.

use std::ops::ControlFlow;
use std::sync::Arc;

use sqlparser::ast::{Expr, Statement as Ast};

use super::ast::{CondValue, Declare, Handler, Leaf, Node, Stmt};
use super::state::{FrameKind, OpenCursor, Variable};
use crate::error::{Level, ServerError, ServerResult};
use crate::session::Session;
use crate::session::outcome::Outcome;
use crate::sql::eval::{evaluate, store, truth};
use crate::sql::exec::context::RowContext;
use crate::sql::parse::{Extra, Piece, Statement};
use crate::sql::value::{Value, compare_values};
use crate::storage::schema::ColumnDef;

/// Where control goes after a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Flow {
    Next,
    Leave(String),
    Iterate(String),
    /// An EXIT handler ran: leave the block at this depth.
    Exit(usize),
    Return(Value),
}

/// Runs one statement of a body.
pub fn run_node(session: &mut Session, node: &Node) -> ServerResult<Flow> {
    match &node.stmt {
        Stmt::Block { label, body } => block(session, label.as_deref(), body),
        Stmt::Declare(declare) => declare_vars(session, declare),
        Stmt::Condition { name, value } => {
            let frame = top(session);
            frame
                .conditions
                .push((frame.depth, name.clone(), value.clone()));
            Ok(Flow::Next)
        }
        Stmt::Handler(handler) => {
            let frame = top(session);
            frame
                .handlers
                .push((frame.depth, Arc::new(handler.clone())));
            Ok(Flow::Next)
        }
        Stmt::Cursor { name, query } => {
            let frame = top(session);
            let depth = frame.depth;
            frame.cursors.push(OpenCursor {
                depth,
                name: name.clone(),
                query: Arc::new(query.clone()),
                rows: None,
            });
            Ok(Flow::Next)
        }
        Stmt::If {
            branches,
            otherwise,
        } => if_statement(session, branches, otherwise.as_deref()),
        Stmt::Case {
            operand,
            branches,
            otherwise,
        } => case_statement(session, operand.as_ref(), branches, otherwise.as_deref()),
        Stmt::While {
            label,
            condition,
            body,
        } => looping(session, label.as_deref(), body, Some(condition), None),
        Stmt::Repeat { label, body, until } => {
            looping(session, label.as_deref(), body, None, Some(until))
        }
        Stmt::Loop { label, body } => looping(session, label.as_deref(), body, None, None),
        Stmt::Leave(label) => Ok(Flow::Leave(label.clone())),
        Stmt::Iterate(label) => Ok(Flow::Iterate(label.clone())),
        Stmt::Return(expr) => Ok(Flow::Return(eval(session, expr)?)),
        Stmt::Open(name) => open_cursor(session, name),
        Stmt::Fetch { cursor, into } => fetch(session, cursor, into),
        Stmt::Close(name) => {
            let cursor = top(session).cursor_mut(name)?;
            if cursor.rows.take().is_none() {
                return Err(cursor_not_open());
            }
            Ok(Flow::Next)
        }
        Stmt::SelectInto { query, targets } => select_into(session, query, targets),
        Stmt::Leaf(leaf) => run_leaf(session, leaf),
    }
}

/// The running program's frame (a body only runs inside one).
fn top(session: &mut Session) -> &mut super::state::Frame {
    session
        .routines
        .frame_mut()
        .expect("a body runs inside a frame")
}

/// Evaluates an expression of the body (locals in scope, no row).
pub fn eval(session: &mut Session, expr: &Expr) -> ServerResult<Value> {
    let mut ctx = RowContext::new(session, &[], &[], "field list");
    evaluate(expr, &mut ctx)
}

fn is_true(session: &mut Session, expr: &Expr) -> ServerResult<bool> {
    Ok(truth(&eval(session, expr)?) == Some(true))
}

/// Statements in order; an error goes to a handler in scope, if any.
fn run_list(session: &mut Session, nodes: &[Node]) -> ServerResult<Flow> {
    for node in nodes {
        let flow = match run_node(session, node) {
            Ok(flow) => flow,
            Err(e) => handle(session, e)?,
        };
        if flow != Flow::Next {
            return Ok(flow);
        }
    }
    Ok(Flow::Next)
}

fn block(session: &mut Session, label: Option<&str>, body: &[Node]) -> ServerResult<Flow> {
    top(session).enter_block();
    let depth = top(session).depth;
    let flow = run_list(session, body);
    top(session).leave_block();
    Ok(match flow? {
        Flow::Leave(l) if label.is_some_and(|b| b.eq_ignore_ascii_case(&l)) => Flow::Next,
        Flow::Exit(d) if d == depth => Flow::Next,
        other => other,
    })
}

fn declare_vars(session: &mut Session, declare: &Declare) -> ServerResult<Flow> {
    let initial = match &declare.default {
        Some(expr) => eval(session, expr)?,
        None => Value::Null,
    };
    for name in &declare.names {
        let column = variable_column(name, declare.ty.clone());
        let value = convert(session, initial.clone(), &column)?;
        let frame = top(session);
        let depth = frame.depth;
        frame.vars.push(Variable {
            depth,
            column,
            value,
        });
    }
    Ok(Flow::Next)
}

/// A variable's name and type as a column, for conversions and messages.
pub fn variable_column(name: &str, ty: crate::sql::types::SqlType) -> ColumnDef {
    ColumnDef {
        name: name.to_string(),
        ty,
        nullable: true,
        default: None,
        auto_increment: false,
        on_update_now: false,
        comment: None,
    }
}

/// Converts a value into a variable's type, as MariaDB stores it (row 0;
/// strict modes raise the error, otherwise a warning).
pub fn convert(session: &mut Session, value: Value, column: &ColumnDef) -> ServerResult<Value> {
    let strict = session.vars.has_sql_mode("STRICT_ALL_TABLES")
        || session.vars.has_sql_mode("STRICT_TRANS_TABLES");
    let mut conditions = Vec::new();
    let stored = store(value, column, 0, strict, &mut |c| conditions.push(c));
    conditions.into_iter().for_each(|c| session.warn(c));
    stored
}

fn if_statement(
    session: &mut Session,
    branches: &[(Expr, Vec<Node>)],
    otherwise: Option<&[Node]>,
) -> ServerResult<Flow> {
    for (condition, body) in branches {
        if is_true(session, condition)? {
            return run_list(session, body);
        }
    }
    otherwise.map_or(Ok(Flow::Next), |body| run_list(session, body))
}

fn case_statement(
    session: &mut Session,
    operand: Option<&Expr>,
    branches: &[(Expr, Vec<Node>)],
    otherwise: Option<&[Node]>,
) -> ServerResult<Flow> {
    let subject = operand.map(|e| eval(session, e)).transpose()?;
    for (when, body) in branches {
        let hit = match &subject {
            Some(subject) => {
                let value = eval(session, when)?;
                !subject.is_null()
                    && !value.is_null()
                    && compare_values(subject, &value) == std::cmp::Ordering::Equal
            }
            None => is_true(session, when)?,
        };
        if hit {
            return run_list(session, body);
        }
    }
    match otherwise {
        Some(body) => run_list(session, body),
        None => Err(ServerError::new(
            1339,
            "20000",
            "Case not found for CASE statement",
        )),
    }
}

/// WHILE (condition first), REPEAT (`until` after) and LOOP.
fn looping(
    session: &mut Session,
    label: Option<&str>,
    body: &[Node],
    condition: Option<&Expr>,
    until: Option<&Expr>,
) -> ServerResult<Flow> {
    let mine = |l: &str| label.is_some_and(|b| b.eq_ignore_ascii_case(l));
    loop {
        if let Some(c) = condition {
            if !is_true(session, c)? {
                return Ok(Flow::Next);
            }
        }
        match run_list(session, body)? {
            Flow::Next => {}
            Flow::Iterate(l) if mine(&l) => continue,
            Flow::Leave(l) if mine(&l) => return Ok(Flow::Next),
            other => return Ok(other),
        }
        if let Some(u) = until {
            if is_true(session, u)? {
                return Ok(Flow::Next);
            }
        }
    }
}

/// A leaf: run through the executor; a result set joins the CALL's.
fn run_leaf(session: &mut Session, leaf: &Leaf) -> ServerResult<Flow> {
    match execute_leaf(session, leaf)? {
        Outcome::Rows(set) => {
            let kind = top(session).kind;
            if kind != FrameKind::Procedure {
                return Err(no_result_set(kind));
            }
            session.routines.results.push(set);
        }
        Outcome::Ok(info) if !session.routines.in_sub_statement() => {
            session.routines.affected += info.affected_rows;
        }
        Outcome::Ok(_) => {}
    }
    Ok(Flow::Next)
}

fn execute_leaf(session: &mut Session, leaf: &Leaf) -> crate::session::StatementResult {
    let own = !session.routines.in_sub_statement();
    if own && clears_warnings(&leaf.statement) {
        session.warnings.clear();
    }
    let piece = Piece {
        text: &leaf.text,
        line: 1,
    };
    let logged = own.then(|| super::binlog_text::logged_text(session, leaf));
    crate::sql::exec::run_sub_statement(session, &piece, &leaf.statement, logged.as_deref())
}

/// ER_SP_NO_RETSET.
pub fn no_result_set(kind: FrameKind) -> ServerError {
    let what = if kind == FrameKind::Trigger {
        "trigger"
    } else {
        "function"
    };
    ServerError::new(
        1415,
        "0A000",
        format!("Not allowed to return a result set from a {what}"),
    )
}

/// Whether a statement inside a program starts with empty diagnostics:
/// those that use tables, and SIGNAL.
pub fn clears_warnings(statement: &Statement) -> bool {
    match statement {
        Statement::Extra(Extra::Signal { .. }) => true,
        Statement::Extra(Extra::Do(_) | Extra::ShowWarningCount { .. }) => false,
        Statement::Extra(_) => true,
        Statement::Sql(ast) => match ast.as_ref() {
            Ast::Query(_) => uses_tables(ast),
            Ast::Set(_)
            | Ast::Call(_)
            | Ast::StartTransaction { .. }
            | Ast::Commit { .. }
            | Ast::Rollback { .. }
            | Ast::Use(_)
            | Ast::Kill { .. }
            | Ast::ShowVariable { .. } => false,
            _ => true,
        },
    }
}

/// Whether a statement names any table.
fn uses_tables(ast: &Ast) -> bool {
    sqlparser::ast::visit_relations(ast, |_| ControlFlow::Break(())).is_break()
}

/// Runs the handler in scope for `error`, or gives the error back.
fn handle(session: &mut Session, error: ServerError) -> ServerResult<Flow> {
    let Some((depth, handler)) = session
        .routines
        .frame()
        .and_then(|frame| find_handler(frame, &error))
    else {
        return Err(error);
    };
    let frame = top(session);
    let hidden: Vec<_> = frame
        .handlers
        .iter()
        .filter(|h| h.0 >= depth)
        .cloned()
        .collect();
    frame.handlers.retain(|h| h.0 < depth);
    let result = run_node(session, &handler.body);
    top(session).handlers.extend(hidden);
    match result? {
        Flow::Next if handler.exit => Ok(Flow::Exit(depth)),
        Flow::Next => Ok(Flow::Next),
        other => Ok(other),
    }
}

/// The handler for an error: the innermost scope's, preferring one that
/// names the error code, then its SQLSTATE, then its class.
fn find_handler(frame: &super::state::Frame, error: &ServerError) -> Option<(usize, Arc<Handler>)> {
    let mut best: Option<(usize, u8, Arc<Handler>)> = None;
    for (depth, handler) in &frame.handlers {
        for condition in &handler.conditions {
            let Some(rank) = match_rank(frame, condition, error) else {
                continue;
            };
            let better = best
                .as_ref()
                .is_none_or(|(d, r, _)| *depth > *d || (*depth == *d && rank > *r));
            if better {
                best = Some((*depth, rank, Arc::clone(handler)));
            }
        }
    }
    best.map(|(depth, _, h)| (depth, h))
}

/// How specifically a handler condition matches an error (None: not at all).
fn match_rank(
    frame: &super::state::Frame,
    condition: &CondValue,
    error: &ServerError,
) -> Option<u8> {
    let class = &error.sqlstate[..2.min(error.sqlstate.len())];
    match condition {
        CondValue::Code(code) => (*code == error.code).then_some(3),
        CondValue::SqlState(state) => (state == error.sqlstate).then_some(2),
        CondValue::SqlException => (!matches!(class, "00" | "01" | "02")).then_some(1),
        CondValue::SqlWarning => (class == "01").then_some(1),
        CondValue::NotFound => (class == "02").then_some(1),
        CondValue::Named(name) => match frame.condition(name) {
            Some(CondValue::Named(_)) | None => None,
            Some(value) => match_rank(frame, &value.clone(), error),
        },
    }
}

fn open_cursor(session: &mut Session, name: &str) -> ServerResult<Flow> {
    let cursor = top(session).cursor_mut(name)?;
    if cursor.rows.is_some() {
        return Err(ServerError::new(1325, "24000", "Cursor is already open"));
    }
    let query = Arc::clone(&cursor.query);
    let rows = query_rows(session, &query)?;
    top(session).cursor_mut(name)?.rows = Some(rows.into());
    Ok(Flow::Next)
}

fn fetch(session: &mut Session, name: &str, into: &[String]) -> ServerResult<Flow> {
    let cursor = top(session).cursor_mut(name)?;
    let Some(rows) = cursor.rows.as_mut() else {
        return Err(cursor_not_open());
    };
    let Some(row) = rows.pop_front() else {
        return Err(no_data());
    };
    if row.len() != into.len() {
        return Err(ServerError::new(
            1328,
            "HY000",
            "Incorrect number of FETCH variables",
        ));
    }
    for (target, value) in into.iter().zip(row) {
        assign_target(session, target, value)?;
    }
    Ok(Flow::Next)
}

fn cursor_not_open() -> ServerError {
    ServerError::new(1326, "24000", "Cursor is not open")
}

/// ER_SP_FETCH_NO_DATA.
fn no_data() -> ServerError {
    ServerError::new(
        1329,
        "02000",
        "No data - zero rows fetched, selected, or processed",
    )
}

/// The rows of a query leaf, typed.
fn query_rows(session: &mut Session, leaf: &Leaf) -> ServerResult<Vec<crate::sql::value::Row>> {
    if !session.routines.in_sub_statement() && clears_warnings(&leaf.statement) {
        session.warnings.clear();
    }
    match &leaf.statement {
        Statement::Sql(ast) => match ast.as_ref() {
            Ast::Query(query) => crate::sql::exec::query_rows(session, query),
            _ => Err(crate::session::not_supported(
                "a cursor over this statement",
            )),
        },
        Statement::Extra(_) => Err(crate::session::not_supported(
            "a cursor over this statement",
        )),
    }
}

fn select_into(session: &mut Session, query: &Leaf, targets: &[String]) -> ServerResult<Flow> {
    let rows = query_rows(session, query)?;
    session.routines.affected += store_one_row(session, &rows, targets)?;
    Ok(Flow::Next)
}

/// SELECT … INTO: the one row of `rows` goes to `targets`; how many rows
/// were stored. No row leaves them alone with warning 1329; more rows fail
/// with 1172, another column count with 1222.
pub fn store_one_row(
    session: &mut Session,
    rows: &[crate::sql::value::Row],
    targets: &[String],
) -> ServerResult<u64> {
    match rows {
        [] => {
            session.warn(no_data().as_condition(Level::Warning));
            Ok(0)
        }
        [row] if row.len() == targets.len() => {
            for (target, value) in targets.iter().zip(row) {
                assign_target(session, target, value.clone())?;
            }
            Ok(1)
        }
        [_] => Err(ServerError::new(
            1222,
            "21000",
            "The used SELECT statements have a different number of columns",
        )),
        _ => Err(ServerError::new(
            1172,
            "42000",
            "Result consisted of more than one row",
        )),
    }
}

/// Stores into `@user` or a local variable (1327 for an unknown one).
pub fn assign_target(session: &mut Session, target: &str, value: Value) -> ServerResult<()> {
    if let Some(user) = target.strip_prefix('@') {
        session.user_vars.insert(user.to_ascii_lowercase(), value);
        return Ok(());
    }
    match super::assign::set_local(session, target, value) {
        Some(result) => result,
        None => Err(ServerError::new(
            1327,
            "42000",
            format!("Undeclared variable: {target}"),
        )),
    }
}
