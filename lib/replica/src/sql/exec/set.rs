//! SET: system variables (`SET [GLOBAL|SESSION] x = v`, `SET @@global.x`),
//! user variables (`SET @a = v`) and `SET NAMES`, assigned left to right.

use sqlparser::ast::{ContextModifier, Expr, ObjectName, Set};

use super::context::RowContext;
use super::ok;
use crate::error::ServerResult;
use crate::replication::apply::slave_pos_conflicts;
use crate::session::{Session, StatementResult, not_supported};
use crate::sql::eval::{VarScope, evaluate};
use crate::sysvars::SetValue;

/// Runs a SET statement.
pub fn run(session: &mut Session, set: &Set) -> StatementResult {
    match set {
        Set::SingleAssignment {
            scope,
            variable,
            values,
            ..
        } => {
            assign(session, scope.as_ref(), variable, values.first())?;
        }
        Set::MultipleAssignments { assignments } => {
            // A GLOBAL or SESSION keyword holds for the assignments after it
            // until the next keyword; an `@@global.` prefix holds for its own.
            let mut keyword = None;
            for a in assignments {
                keyword = a.scope.as_ref().or(keyword);
                assign(session, keyword, &a.name, Some(&a.value))?;
            }
        }
        Set::SetNames {
            charset_name,
            collation_name,
        } => set_names(session, &charset_name.value, collation_name.as_deref())?,
        Set::SetNamesDefault {} => set_names(session, "latin1", None)?,
        other => return Err(not_supported(&format!("{other}"))),
    }
    ok(0)
}

fn assign(
    session: &mut Session,
    scope: Option<&ContextModifier>,
    name: &ObjectName,
    value: Option<&Expr>,
) -> ServerResult<()> {
    let parts: Vec<String> = name.0.iter().map(|p| p.to_string()).collect();
    if scope.is_none() {
        if let Some(done) = crate::sql::routines::assign(session, &parts, value) {
            return done;
        }
    }
    let (scope, variable) = target(scope, &parts);
    let value = match value {
        Some(Expr::Identifier(i))
            if i.value.eq_ignore_ascii_case("DEFAULT") && i.quote_style.is_none() =>
        {
            SetValue::Default
        }
        Some(expr) => SetValue::Value(value_of(session, expr, variable.is_some())?),
        None => SetValue::Default,
    };
    match variable {
        None => {
            let name = parts.join(".").trim_start_matches('@').to_ascii_lowercase();
            if let SetValue::Value(v) = value {
                session.user_vars.insert(name, v);
            }
            Ok(())
        }
        Some(variable) => {
            let lower = variable.to_ascii_lowercase();
            if lower == "debug_sync" {
                return set_debug_sync(session, scope, value);
            }
            crate::replication::slave::settings::check_set(&session.state, &lower)?;
            let conditions =
                session
                    .state
                    .globals
                    .set(&mut session.vars, scope, &variable, value)?;
            conditions.into_iter().for_each(|c| session.warn(c));
            if scope == VarScope::Global && variable.eq_ignore_ascii_case("gtid_slave_pos") {
                slave_pos_assigned(session)?;
            }
            Ok(())
        }
    }
}

/// SET DEBUG_SYNC: a string (1232 otherwise) for the session only
/// (1228), parsed into an action rather than stored.
fn set_debug_sync(session: &mut Session, scope: VarScope, value: SetValue) -> ServerResult<()> {
    let text = match &value {
        SetValue::Value(crate::sql::value::Value::Bytes(b)) => {
            String::from_utf8_lossy(b).into_owned()
        }
        _ => return Err(crate::sysvars::errors::wrong_type("debug_sync")),
    };
    session
        .state
        .globals
        .set(&mut session.vars, scope, "debug_sync", value)?;
    crate::debug::sync::set(session, &text)
}

/// SET GLOBAL gtid_slave_pos: mysql.gtid_slave_pos and the slave channel
/// follow; warned when the own binary log is ahead of the new position.
fn slave_pos_assigned(session: &mut Session) -> ServerResult<()> {
    let text = session
        .state
        .globals
        .global("gtid_slave_pos")
        .map(|s| s.as_text().to_string())
        .unwrap_or_default();
    let conflicts = session.state.binlog.as_ref().map(|log| {
        let wanted = crate::binlog::gtid::parse_list(&text).unwrap_or_default();
        let server_id = session.state.globals.server_id() as u32;
        slave_pos_conflicts::conflicts(&log.gtid_state().list(), server_id, &wanted)
    });
    crate::replication::apply::slave_pos::assign(session, &text)?;
    conflicts
        .into_iter()
        .flatten()
        .for_each(|c| session.warn(c));
    Ok(())
}

/// A system variable's scope and name, or None for a user variable.
fn target(scope: Option<&ContextModifier>, parts: &[String]) -> (VarScope, Option<String>) {
    let declared = match scope {
        Some(ContextModifier::Global) => VarScope::Global,
        Some(ContextModifier::Session | ContextModifier::Local) => VarScope::Session,
        _ => VarScope::Default,
    };
    match parts {
        [single] if single.starts_with("@@") => (declared, Some(single[2..].to_string())),
        [single] if single.starts_with('@') => (declared, None),
        // `@save.gtid_slave_pos`: a user variable whose name holds dots.
        [first, ..] if first.starts_with('@') && !first.starts_with("@@") => (declared, None),
        [scope, name] if scope.eq_ignore_ascii_case("@@global") => {
            (VarScope::Global, Some(name.clone()))
        }
        [scope, name]
            if scope.eq_ignore_ascii_case("@@session") || scope.eq_ignore_ascii_case("@@local") =>
        {
            (VarScope::Session, Some(name.clone()))
        }
        _ => (declared, Some(parts.join("."))),
    }
}

/// The assigned value; a bare word for a system variable is its text (`SET x = ON`).
fn value_of(
    session: &mut Session,
    expr: &Expr,
    system: bool,
) -> ServerResult<crate::sql::value::Value> {
    if system {
        if let Expr::Identifier(i) = expr {
            // `@name` is a user variable, not a word.
            if i.quote_style.is_none() && !i.value.starts_with('@') {
                return Ok(crate::sql::value::Value::text(&i.value));
            }
        }
    }
    let mut ctx = RowContext::new(session, &[], &[], "SET");
    evaluate(expr, &mut ctx)
}

/// DO expr, …: evaluates and discards.
pub fn run_do(session: &mut Session, exprs: &[Expr]) -> StatementResult {
    for expr in exprs {
        let mut ctx = RowContext::new(session, &[], &[], "SELECT");
        evaluate(expr, &mut ctx)?;
    }
    ok(0)
}

/// SET NAMES x [COLLATE y]: 1115 for an unknown charset, 1273 for an
/// unknown collation, 1253 for a collation of another charset.
fn set_names(session: &mut Session, charset: &str, collation: Option<&str>) -> ServerResult<()> {
    use crate::error::ServerError;
    use crate::sysvars::charsets;
    let name = charset.trim_matches(['\'', '"']);
    let canonical = charsets::character_set(name).ok_or_else(|| {
        ServerError::new(1115, "42000", format!("Unknown character set: '{name}'"))
    })?;
    let collation = match collation {
        None => charsets::default_collation(canonical).unwrap_or("binary"),
        Some(c) => {
            let c = c.trim_matches(['\'', '"']);
            let (found, of) = charsets::collation(c).ok_or_else(|| {
                ServerError::new(1273, "HY000", format!("Unknown collation: '{c}'"))
            })?;
            if of != canonical {
                return Err(ServerError::new(
                    1253,
                    "42000",
                    format!("COLLATION '{found}' is not valid for CHARACTER SET '{canonical}'"),
                ));
            }
            found
        }
    };
    session.vars.set_names(canonical, collation);
    Ok(())
}
