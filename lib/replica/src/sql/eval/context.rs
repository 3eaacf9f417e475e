//! What expression evaluation needs from the statement around it: the
//! current row's columns, variables, subqueries, aggregates computed by the
//! executor, functions that read session or server state, and a place to
//! put warnings. The executor implements it; `eval` stays free of storage.

use sqlparser::ast::{Function, Query};

use crate::error::{Condition, ServerResult};
use crate::sql::value::{Row, Value};

/// Which variable `@@x`, `@@global.x`, `@@session.x` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarScope {
    /// `@@x`: the session value if the variable has one, else the global.
    Default,
    Session,
    Global,
}

/// The statement-side services of expression evaluation.
pub trait EvalContext {
    /// A column reference (`a`, `t1.a`, `db.t1.a`) in the current row;
    /// 1054 when unknown, 1052 when ambiguous.
    fn column(&mut self, qualifier: &[String], name: &str) -> ServerResult<Value>;
    fn system_variable(&mut self, scope: VarScope, name: &str) -> ServerResult<Value>;
    /// `@name`; NULL when never set.
    fn user_variable(&mut self, name: &str) -> Value;
    /// `@name := value` inside an expression.
    fn set_user_variable(&mut self, name: &str, value: Value);
    /// Runs a subquery and returns all its rows.
    fn subquery(&mut self, query: &Query) -> ServerResult<Vec<Row>>;
    /// The value of an aggregate call (COUNT, SUM, …) for the current
    /// group, which the executor computed; None outside grouped queries.
    fn aggregate(&mut self, call: &Function) -> Option<ServerResult<Value>>;
    /// Functions that read or change session or server state (SLEEP,
    /// CONNECTION_ID, DATABASE, USER, NOW, LAST_INSERT_ID, ROW_COUNT,
    /// FOUND_ROWS, GET_LOCK, RELEASE_LOCK, IS_FREE_LOCK, IS_USED_LOCK, …);
    /// None when `name` (lower case) is not one of them.
    fn session_function(&mut self, name: &str, args: &[Value]) -> Option<ServerResult<Value>>;
    /// Records a note or warning of the running statement.
    fn warn(&mut self, condition: Condition);
    /// RAND's next value: the session's generator, or RAND(N)'s own.
    fn random(&mut self, seed: Option<super::random::RandSeed>) -> f64 {
        let mut generator = match seed {
            Some(s) => super::random::Random::seeded(s.seed),
            None => super::random::Random::for_connection(0),
        };
        generator.next_value()
    }
    /// The session's time zone (FROM_UNIXTIME, UNIX_TIMESTAMP(x)), noted as
    /// used for the binary log; UTC where there is no session.
    fn time_zone(&mut self) -> crate::sql::value::time_zone::TimeZone {
        crate::sql::value::time_zone::TimeZone::UTC
    }
    /// The session's sql_mode, as upper-case names (e.g. `STRICT_TRANS_TABLES`).
    fn sql_mode(&self) -> &[String];
    /// The character set a column reference's strings are stored in
    /// (`binary` for binary columns); None when not known.
    fn column_charset(&self, qualifier: &[String], name: &str) -> Option<String> {
        let _ = (qualifier, name);
        None
    }
    /// The type of a column reference, when it names a table column.
    fn column_type(&self, qualifier: &[String], name: &str) -> Option<crate::sql::types::SqlType> {
        let _ = (qualifier, name);
        None
    }
    /// character_set_connection: the charset of string literals.
    fn connection_charset(&self) -> String {
        "utf8mb4".to_string()
    }
    /// The stored function `schema.name` (the current database's when
    /// `schema` is None) called with `args`; None when there is no such
    /// function. `display` is the call's text.
    fn stored_function(
        &mut self,
        schema: Option<&str>,
        name: &str,
        args: Vec<Value>,
        display: &str,
    ) -> Option<ServerResult<Value>> {
        let _ = (schema, name, args, display);
        None
    }
}
