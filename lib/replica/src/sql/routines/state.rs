//! What a session keeps while stored programs run: one [`Frame`] per
//! running procedure, function or trigger (its local variables, named
//! conditions, handlers and cursors in scope, and a trigger's OLD and NEW
//! rows), the result sets a CALL has produced so far, and the rows the
//! CALL's statements changed. Expression evaluation reads locals and
//! NEW/OLD columns from here; SET assigns them here.

use std::sync::Arc;

use super::ast::{CondValue, Event, Handler, Leaf, Timing};
use crate::error::{ServerError, ServerResult};
use crate::session::outcome::ResultSet;
use crate::sql::value::{Row, Value};
use crate::storage::schema::ColumnDef;

/// The stored-program state of one session.
#[derive(Debug, Default)]
pub struct RoutineState {
    pub frames: Vec<Frame>,
    /// Result sets of the running CALL's SELECTs, sent before its OK.
    pub results: Vec<ResultSet>,
    /// Rows changed by the running CALL's statements (its OK's count).
    pub affected: u64,
}

/// What kind of program a frame runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    Procedure,
    Function,
    Trigger,
}

/// One running program.
#[derive(Debug)]
pub struct Frame {
    pub kind: FrameKind,
    /// `db.name`, to find recursion.
    pub qualified: String,
    /// Nesting depth of BEGIN … END blocks.
    pub depth: usize,
    pub vars: Vec<Variable>,
    pub conditions: Vec<(usize, String, CondValue)>,
    pub handlers: Vec<(usize, Arc<Handler>)>,
    pub cursors: Vec<OpenCursor>,
    pub trigger: Option<TriggerRows>,
}

/// A local variable or parameter.
#[derive(Debug, Clone)]
pub struct Variable {
    /// The block depth that declared it.
    pub depth: usize,
    /// Its name and type, as a column for value conversion.
    pub column: ColumnDef,
    pub value: Value,
}

/// A declared cursor and, once opened, its remaining rows.
#[derive(Debug)]
pub struct OpenCursor {
    pub depth: usize,
    pub name: String,
    pub query: Arc<Leaf>,
    pub rows: Option<std::collections::VecDeque<Row>>,
}

/// The rows a trigger sees.
#[derive(Debug, Clone)]
pub struct TriggerRows {
    pub timing: Timing,
    pub event: Event,
    pub columns: Vec<ColumnDef>,
    pub old: Option<Row>,
    pub new: Option<Row>,
}

impl Frame {
    pub fn new(kind: FrameKind, qualified: String) -> Frame {
        Frame {
            kind,
            qualified,
            depth: 0,
            vars: Vec::new(),
            conditions: Vec::new(),
            handlers: Vec::new(),
            cursors: Vec::new(),
            trigger: None,
        }
    }

    /// The innermost variable called `name`.
    pub fn var_mut(&mut self, name: &str) -> Option<&mut Variable> {
        self.vars
            .iter_mut()
            .rev()
            .find(|v| v.column.name.eq_ignore_ascii_case(name))
    }

    pub fn var(&self, name: &str) -> Option<&Variable> {
        self.vars
            .iter()
            .rev()
            .find(|v| v.column.name.eq_ignore_ascii_case(name))
    }

    /// Enters a BEGIN … END block.
    pub fn enter_block(&mut self) {
        self.depth += 1;
    }

    /// Leaves a block: its variables, conditions, handlers and cursors go.
    pub fn leave_block(&mut self) {
        let depth = self.depth;
        self.vars.retain(|v| v.depth < depth);
        self.conditions.retain(|c| c.0 < depth);
        self.handlers.retain(|h| h.0 < depth);
        self.cursors.retain(|c| c.depth < depth);
        self.depth -= 1;
    }

    /// A named condition's value.
    pub fn condition(&self, name: &str) -> Option<&CondValue> {
        self.conditions
            .iter()
            .rev()
            .find(|c| c.1.eq_ignore_ascii_case(name))
            .map(|c| &c.2)
    }

    pub fn cursor_mut(&mut self, name: &str) -> ServerResult<&mut OpenCursor> {
        self.cursors
            .iter_mut()
            .rev()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| ServerError::new(1324, "42000", format!("Undefined CURSOR: {name}")))
    }
}

impl RoutineState {
    pub fn frame(&self) -> Option<&Frame> {
        self.frames.last()
    }

    pub fn frame_mut(&mut self) -> Option<&mut Frame> {
        self.frames.last_mut()
    }

    /// A local variable's value, if `name` is one in the running program.
    pub fn local(&self, name: &str) -> Option<Value> {
        self.frame()?.var(name).map(|v| v.value.clone())
    }

    /// `NEW.col` / `OLD.col` inside a trigger; None outside one or for
    /// other qualifiers.
    pub fn trigger_field(&self, qualifier: &str, name: &str) -> Option<ServerResult<Value>> {
        let rows = self.frame()?.trigger.as_ref()?;
        let old = if qualifier.eq_ignore_ascii_case("OLD") {
            true
        } else if qualifier.eq_ignore_ascii_case("NEW") {
            false
        } else {
            return None;
        };
        let row = if old { &rows.old } else { &rows.new };
        let Some(row) = row else {
            return Some(Err(no_such_row(old, rows.event)));
        };
        let found = rows
            .columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name));
        Some(match found {
            Some(i) => Ok(row.get(i).cloned().unwrap_or(Value::Null)),
            None => Err(crate::sql::exec::errors::unknown_column(
                name,
                if old { "OLD" } else { "NEW" },
            )),
        })
    }

    /// Whether statements run now are parts of an enclosing statement (in a
    /// function or trigger) rather than statements of their own.
    pub fn in_sub_statement(&self) -> bool {
        self.frames.iter().any(|f| f.kind != FrameKind::Procedure)
    }
}

/// ER_TRG_NO_SUCH_ROW_IN_TRG.
pub fn no_such_row(old: bool, event: Event) -> ServerError {
    ServerError::new(
        1363,
        "HY000",
        format!(
            "There is no {} row in on {} trigger",
            if old { "OLD" } else { "NEW" },
            event.name()
        ),
    )
}

/// ER_TRG_CANT_CHANGE_ROW.
pub fn cannot_change_row(old: bool, timing: Timing) -> ServerError {
    let (row, after) = if old {
        ("OLD", "")
    } else {
        (
            "NEW",
            if timing == Timing::After {
                "after "
            } else {
                ""
            },
        )
    };
    ServerError::new(
        1362,
        "HY000",
        format!("Updating of {row} row is not allowed in {after}trigger"),
    )
}
