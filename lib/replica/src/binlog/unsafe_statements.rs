//! Which statements are unsafe to log as statements: a DML statement logged
//! under BINLOG_FORMAT = STATEMENT may give a different result on the slave
//! (a LIMIT, a system variable or function, a non-transactional write after
//! transactional ones). The hook asks [`reasons`] with the parsed statement
//! and what the transaction did before it; each reason leaves as one Note
//! 1592, in MariaDB's order of reasons.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, FromTable, SetExpr, Statement as Ast, TableFactor, TableObject, Visit, Visitor,
};

use crate::error::{Condition, Level, ServerError};

/// Why a statement is unsafe, in the order MariaDB reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unsafe {
    Limit,
    SystemVariable,
    SystemFunction,
    NontransAfterTrans,
}

impl Unsafe {
    /// The reason's text (MariaDB's ER_BINLOG_UNSAFE_* message).
    fn text(self) -> &'static str {
        match self {
            Unsafe::Limit => {
                "The statement is unsafe because it uses a LIMIT clause. This is unsafe because the set of rows included cannot be predicted"
            }
            Unsafe::SystemVariable => {
                "Statement is unsafe because it uses a system variable that may have a different value on the slave"
            }
            Unsafe::SystemFunction => {
                "Statement is unsafe because it uses a system function that may return a different value on the slave"
            }
            Unsafe::NontransAfterTrans => {
                "Statement is unsafe because it accesses a non-transactional table after accessing a transactional table within the same transaction"
            }
        }
    }

    /// Note 1592 for this reason.
    pub fn note(self) -> Condition {
        ServerError::new(
            1592,
            "HY000",
            format!(
                "Unsafe statement written to the binary log using statement format since BINLOG_FORMAT = STATEMENT. {}",
                self.text()
            ),
        )
        .as_condition(Level::Note)
    }
}

/// Functions whose value may differ on the slave (checked on MariaDB 10.11;
/// RAND, NOW, CONNECTION_ID, LAST_INSERT_ID are safe: their inputs are logged).
const SYSTEM_FUNCTIONS: &[&str] = &[
    "uuid",
    "uuid_short",
    "sys_guid",
    "sysdate",
    "user",
    "current_user",
    "session_user",
    "system_user",
    "version",
    "sleep",
    "found_rows",
    "row_count",
    "load_file",
    "get_lock",
    "release_lock",
    "is_free_lock",
    "is_used_lock",
    "random_bytes",
    "master_pos_wait",
    "master_gtid_wait",
];

/// Session variables the Query event carries, so reading them is safe
/// (their global values are not).
const LOGGED_VARIABLES: &[&str] = &[
    "auto_increment_increment",
    "auto_increment_offset",
    "character_set_client",
    "collation_connection",
    "collation_database",
    "collation_server",
    "foreign_key_checks",
    "unique_checks",
    "sql_auto_is_null",
    "time_zone",
    "lc_time_names",
    "timestamp",
    "pseudo_thread_id",
    "last_insert_id",
    "identity",
    "rand_seed1",
    "rand_seed2",
];

/// What the transaction did before the statement, and what the statement writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// A multi-statement transaction is open (BEGIN, or autocommit off).
    pub in_transaction: bool,
    /// Earlier statements of the transaction changed transactional tables.
    pub wrote_transactional: bool,
    /// The statement writes one non-transactional, non-temporary table
    /// and reads no other table.
    pub writes_only_non_transactional: bool,
    /// An INSERT whose table has a column DEFAULT calling an unsafe function.
    pub unsafe_default: bool,
}

/// The reasons `ast` is unsafe, sorted, each once.
pub fn reasons(ast: &Ast, context: Context) -> Vec<Unsafe> {
    let mut found = Vec::new();
    if has_limit(ast) {
        found.push(Unsafe::Limit);
    }
    let mut walker = Walker::default();
    let _ = ast.visit(&mut walker);
    if walker.variable {
        found.push(Unsafe::SystemVariable);
    }
    if walker.function || context.unsafe_default {
        found.push(Unsafe::SystemFunction);
    }
    if context.in_transaction
        && context.wrote_transactional
        && context.writes_only_non_transactional
    {
        found.push(Unsafe::NontransAfterTrans);
    }
    found
}

/// A column DEFAULT expression (its text) that calls an unsafe function.
pub fn default_is_unsafe(text: &str) -> bool {
    let Ok(expr) = crate::sql::parse::parse_expression(text) else {
        return false;
    };
    let mut walker = Walker::default();
    let _ = expr.visit(&mut walker);
    walker.function
}

/// UPDATE/DELETE … LIMIT, INSERT … SELECT … LIMIT (ORDER BY does not help).
fn has_limit(ast: &Ast) -> bool {
    match ast {
        Ast::Update(u) => u.limit.is_some(),
        Ast::Delete(d) => d.limit.is_some(),
        Ast::Insert(i) => i.source.as_ref().is_some_and(|q| q.limit_clause.is_some()),
        _ => false,
    }
}

/// The single table a DML statement writes, when it reads no other table.
pub fn sole_target(ast: &Ast) -> Option<&sqlparser::ast::ObjectName> {
    match ast {
        Ast::Insert(i) => match (&i.table, &i.source) {
            (TableObject::TableName(name), None) => Some(name),
            (TableObject::TableName(name), Some(q)) if reads_no_table(&q.body) => Some(name),
            _ => None,
        },
        Ast::Update(u) if u.table.joins.is_empty() && u.from.is_none() => {
            table_name(&u.table.relation)
        }
        Ast::Delete(d) if d.tables.is_empty() && d.using.is_none() => match &d.from {
            FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t)
                if t.len() == 1 && t[0].joins.is_empty() =>
            {
                table_name(&t[0].relation)
            }
            _ => None,
        },
        _ => None,
    }
}

fn reads_no_table(body: &SetExpr) -> bool {
    match body {
        SetExpr::Values(_) => true,
        SetExpr::Select(s) => s.from.is_empty(),
        _ => false,
    }
}

fn table_name(factor: &TableFactor) -> Option<&sqlparser::ast::ObjectName> {
    match factor {
        TableFactor::Table { name, .. } => Some(name),
        _ => None,
    }
}

/// Finds system variables and functions anywhere in a statement.
#[derive(Default)]
struct Walker {
    variable: bool,
    function: bool,
}

impl Visitor for Walker {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        match expr {
            Expr::Identifier(id) if id.quote_style.is_none() => {
                if let Some(name) = id.value.strip_prefix("@@") {
                    self.variable |= !is_logged_variable(name);
                }
            }
            Expr::CompoundIdentifier(parts) => {
                self.variable |= unsafe_scoped_variable(&parts[0].value, &parts[1..]);
            }
            Expr::Function(call) => {
                let name = call.name.to_string().to_ascii_lowercase();
                self.function |= SYSTEM_FUNCTIONS.contains(&name.as_str());
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

/// `@@global.x` is never logged; `@@session.x` is as safe as `@@x`.
fn unsafe_scoped_variable(scope: &str, rest: &[sqlparser::ast::Ident]) -> bool {
    let name = rest
        .iter()
        .map(|p| p.value.as_str())
        .collect::<Vec<_>>()
        .join(".");
    match scope.to_ascii_lowercase().as_str() {
        "@@global" => true,
        "@@session" | "@@local" => !is_logged_variable(&name),
        _ => false,
    }
}

fn is_logged_variable(name: &str) -> bool {
    LOGGED_VARIABLES.contains(&name.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::parser::Parser;

    fn parse(sql: &str) -> Ast {
        Parser::parse_sql(&MySqlDialect {}, sql).unwrap().remove(0)
    }

    fn of(sql: &str) -> Vec<Unsafe> {
        reasons(&parse(sql), Context::default())
    }

    #[test]
    fn system_functions_and_variables_are_unsafe_but_logged_inputs_are_not() {
        assert_eq!(
            of("INSERT INTO t SELECT i+20+0*sleep(1) FROM t WHERE i=1"),
            [Unsafe::SystemFunction]
        );
        assert_eq!(
            of("INSERT INTO t VALUES (UUID())"),
            [Unsafe::SystemFunction]
        );
        assert_eq!(of("INSERT INTO t VALUES (NOW(), RAND())"), []);
        assert_eq!(
            of("INSERT INTO t VALUES (@@server_id)"),
            [Unsafe::SystemVariable]
        );
        assert_eq!(of("INSERT INTO t VALUES (@@session.time_zone)"), []);
        assert_eq!(
            of("INSERT INTO t VALUES (@@global.auto_increment_increment)"),
            [Unsafe::SystemVariable]
        );
    }

    #[test]
    fn reasons_come_in_mariadbs_order() {
        assert_eq!(
            of("UPDATE t SET a = USER() WHERE b = @@hostname LIMIT 1"),
            [
                Unsafe::Limit,
                Unsafe::SystemVariable,
                Unsafe::SystemFunction
            ]
        );
        assert_eq!(
            of("INSERT INTO t SELECT a FROM u ORDER BY a LIMIT 1"),
            [Unsafe::Limit]
        );
    }

    #[test]
    fn a_non_transactional_write_after_transactional_ones_is_unsafe_in_a_transaction() {
        let ast = parse("INSERT INTO t2m VALUES (1)");
        let after = Context {
            in_transaction: true,
            wrote_transactional: true,
            writes_only_non_transactional: true,
            unsafe_default: false,
        };
        assert_eq!(reasons(&ast, after), [Unsafe::NontransAfterTrans]);
        let autocommit = Context {
            in_transaction: false,
            ..after
        };
        assert_eq!(reasons(&ast, autocommit), []);
        assert!(sole_target(&ast).is_some());
        assert!(sole_target(&parse("INSERT INTO t SELECT * FROM u")).is_none());
    }

    #[test]
    fn an_unsafe_column_default_makes_an_insert_unsafe() {
        assert!(default_is_unsafe("uuid_short()"));
        assert!(default_is_unsafe("(concat(user(), 'x'))"));
        assert!(!default_is_unsafe("(1 + 1)"));
        let ast = parse("INSERT INTO t (a) VALUES (1)");
        let context = Context {
            unsafe_default: true,
            ..Context::default()
        };
        assert_eq!(reasons(&ast, context), [Unsafe::SystemFunction]);
        assert_eq!(reasons(&ast, Context::default()), []);
    }

    #[test]
    fn the_note_is_mariadbs_1592() {
        let note = Unsafe::SystemFunction.note();
        assert_eq!(note.code, 1592);
        assert!(note.message.ends_with(
            "BINLOG_FORMAT = STATEMENT. Statement is unsafe because it uses a system function that may return a different value on the slave"
        ));
    }
}
