//! The executor's side of expression evaluation: [`RowContext`] resolves
//! column names against the tables of a statement's FROM clause and the
//! current (joined) row, reads variables and runs subqueries through the
//! session; [`ConstantContext`] evaluates expressions that may use no
//! row and no session (column defaults).

use std::collections::HashMap;

use sqlparser::ast::{Function, Query};

use super::errors;
use crate::error::{Condition, ServerError, ServerResult};
use crate::session::Session;
use crate::sql::eval::{EvalContext, VarScope};
use crate::sql::value::{Row, Value};

/// One table of a FROM clause, as names in expressions see it.
#[derive(Debug, Clone)]
pub struct Source {
    /// The alias, or the table's name.
    pub alias: String,
    pub schema: String,
    pub table: String,
    pub columns: Vec<String>,
    /// The table's definition; None for virtual tables.
    pub def: Option<std::sync::Arc<crate::storage::schema::TableDef>>,
    /// Where its values start in a joined row.
    pub offset: usize,
}

/// The current row of an enclosing query, seen by its correlated subqueries.
#[derive(Debug, Clone)]
pub struct OuterRow {
    pub sources: Vec<Source>,
    pub row: Row,
}

/// Evaluation over one row of a statement's tables.
pub struct RowContext<'a> {
    pub session: &'a mut Session,
    pub sources: &'a [Source],
    pub row: &'a [Value],
    /// For 1054's "in '…'": `field list`, `where clause`, `order clause`, …
    pub clause: &'static str,
    /// Aggregate values of the current group, by the call's text.
    pub aggregates: Option<&'a HashMap<String, Value>>,
    pub sql_mode: Vec<String>,
}

impl<'a> RowContext<'a> {
    pub fn new(
        session: &'a mut Session,
        sources: &'a [Source],
        row: &'a [Value],
        clause: &'static str,
    ) -> Self {
        let sql_mode = session.vars.sql_mode();
        RowContext {
            session,
            sources,
            row,
            clause,
            aggregates: None,
            sql_mode,
        }
    }
}

/// The position of a column in a joined row, by its possibly qualified name.
pub fn resolve_column(
    sources: &[Source],
    qualifier: &[String],
    name: &str,
    clause: &str,
) -> ServerResult<usize> {
    let mut found = None;
    for source in sources {
        let matches_qualifier = match qualifier {
            [] => true,
            [t] => source.alias.eq_ignore_ascii_case(t),
            [s, t, ..] => {
                source.schema.eq_ignore_ascii_case(s) && source.table.eq_ignore_ascii_case(t)
            }
        };
        if !matches_qualifier {
            continue;
        }
        if let Some(i) = source
            .columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
        {
            if found.is_some() {
                return Err(errors::ambiguous_column(name, clause));
            }
            found = Some(source.offset + i);
        }
    }
    let full = qualifier
        .iter()
        .chain(std::iter::once(&name.to_string()))
        .cloned()
        .collect::<Vec<_>>()
        .join(".");
    found.ok_or_else(|| errors::unknown_column(&full, clause))
}

/// A column of an enclosing query's row, innermost query first.
fn outer_column(outer: &[OuterRow], qualifier: &[String], name: &str) -> Option<Value> {
    outer.iter().rev().find_map(|o| {
        let index = resolve_column(&o.sources, qualifier, name, "").ok()?;
        Some(o.row.get(index).cloned().unwrap_or(Value::Null))
    })
}

impl RowContext<'_> {
    /// The table and column definitions behind a column reference.
    fn column_def(
        &self,
        qualifier: &[String],
        name: &str,
    ) -> Option<(
        &crate::storage::schema::TableDef,
        &crate::storage::schema::ColumnDef,
    )> {
        let index = resolve_column(self.sources, qualifier, name, self.clause).ok()?;
        let source = self
            .sources
            .iter()
            .find(|s| index >= s.offset && index < s.offset + s.columns.len())?;
        let def = source.def.as_ref()?;
        Some((def, def.columns.get(index - source.offset)?))
    }
}

impl RowContext<'_> {
    /// A TIMESTAMP column's stored (UTC) value as the session's zone shows it.
    fn in_session_zone(&mut self, index: usize, value: Value) -> Value {
        let Value::Temporal(t) = &value else {
            return value;
        };
        let is_timestamp = self
            .sources
            .iter()
            .find(|s| index >= s.offset && index < s.offset + s.columns.len())
            .and_then(|s| s.def.as_ref()?.columns.get(index - s.offset))
            .is_some_and(|c| matches!(c.ty, crate::sql::types::SqlType::Timestamp { .. }));
        if !is_timestamp {
            return value;
        }
        Value::Temporal(self.session.time_zone().from_utc(t))
    }
}

impl EvalContext for RowContext<'_> {
    fn column(&mut self, qualifier: &[String], name: &str) -> ServerResult<Value> {
        if let Some(value) = crate::sql::routines::read(self.session, qualifier, name) {
            return value;
        }
        match resolve_column(self.sources, qualifier, name, self.clause) {
            Ok(index) => {
                let value = self.row.get(index).cloned().unwrap_or(Value::Null);
                Ok(self.in_session_zone(index, value))
            }
            Err(e) if e.code == errors::UNKNOWN_COLUMN => {
                outer_column(&self.session.outer_rows, qualifier, name).ok_or(e)
            }
            Err(e) => Err(e),
        }
    }

    fn system_variable(&mut self, scope: VarScope, name: &str) -> ServerResult<Value> {
        super::session_functions::system_variable(self.session, scope, name)
    }

    fn user_variable(&mut self, name: &str) -> Value {
        self.session
            .user_vars
            .get(&name.to_ascii_lowercase())
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn set_user_variable(&mut self, name: &str, value: Value) {
        self.session
            .user_vars
            .insert(name.to_ascii_lowercase(), value);
    }

    fn subquery(&mut self, query: &Query) -> ServerResult<Vec<Row>> {
        self.session.outer_rows.push(OuterRow {
            sources: self.sources.to_vec(),
            row: self.row.to_vec(),
        });
        let rows = super::select::subquery_rows(self.session, query);
        self.session.outer_rows.pop();
        rows
    }

    fn aggregate(&mut self, call: &Function) -> Option<ServerResult<Value>> {
        self.aggregates
            .and_then(|a| a.get(&call.to_string()))
            .cloned()
            .map(Ok)
    }

    fn session_function(&mut self, name: &str, args: &[Value]) -> Option<ServerResult<Value>> {
        super::session_functions::call(self.session, name, args)
    }

    fn warn(&mut self, condition: Condition) {
        self.session.warn(condition);
    }

    fn random(&mut self, seed: Option<crate::sql::eval::random::RandSeed>) -> f64 {
        super::session_functions::random(self.session, seed)
    }

    fn stored_function(
        &mut self,
        schema: Option<&str>,
        name: &str,
        args: Vec<Value>,
        display: &str,
    ) -> Option<ServerResult<Value>> {
        crate::sql::routines::call_function(self.session, schema, name, args, display)
    }

    fn sql_mode(&self) -> &[String] {
        &self.sql_mode
    }

    fn time_zone(&mut self) -> crate::sql::value::time_zone::TimeZone {
        self.session.time_zone()
    }

    fn column_type(&self, qualifier: &[String], name: &str) -> Option<crate::sql::types::SqlType> {
        let (_, column) = self.column_def(qualifier, name)?;
        Some(column.ty.clone())
    }

    fn column_charset(&self, qualifier: &[String], name: &str) -> Option<String> {
        use crate::sql::types::SqlType;
        let (def, column) = self.column_def(qualifier, name)?;
        match column.ty {
            SqlType::Char { binary: true, .. }
            | SqlType::Varchar { binary: true, .. }
            | SqlType::Blob(_) => Some("binary".to_string()),
            _ => crate::sysvars::charsets::character_set(&def.charset).map(str::to_string),
        }
    }

    fn connection_charset(&self) -> String {
        self.session.vars.character_set_connection().to_string()
    }
}

/// Evaluation of constants: no row, no session, no variables.
#[derive(Debug, Default)]
pub struct ConstantContext {
    pub warnings: Vec<Condition>,
}

impl EvalContext for ConstantContext {
    fn column(&mut self, qualifier: &[String], name: &str) -> ServerResult<Value> {
        let _ = qualifier;
        Err(errors::unknown_column(name, "SELECT"))
    }

    fn system_variable(&mut self, _scope: VarScope, name: &str) -> ServerResult<Value> {
        Err(ServerError::new(
            1193,
            "HY000",
            format!("Unknown system variable '{name}'"),
        ))
    }

    fn user_variable(&mut self, _name: &str) -> Value {
        Value::Null
    }

    fn set_user_variable(&mut self, _name: &str, _value: Value) {}

    fn subquery(&mut self, _query: &Query) -> ServerResult<Vec<Row>> {
        Err(crate::session::not_supported("subqueries here"))
    }

    fn aggregate(&mut self, _call: &Function) -> Option<ServerResult<Value>> {
        None
    }

    fn session_function(&mut self, _name: &str, _args: &[Value]) -> Option<ServerResult<Value>> {
        None
    }

    fn warn(&mut self, condition: Condition) {
        self.warnings.push(condition);
    }

    fn sql_mode(&self) -> &[String] {
        &[]
    }
}
