//! Invoking stored routines: CALL of a procedure (IN arguments evaluated,
//! OUT and INOUT ones written back to the caller's variables, the CALL's
//! OK counting the rows its statements changed) and a stored function
//! called from an expression (arguments converted into the parameters'
//! types, the RETURN value into the return type). Each runs in a new
//! frame, in its own database and under the sql_mode it was created with.

use sqlparser::ast::{Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments};

use super::ast::{Param, ParamMode, RoutineDef};
use super::header::{Create, parse_create};
use super::interpreter::{Flow, assign_target, convert, eval, run_node, variable_column};
use super::state::{Frame, FrameKind, Variable};
use crate::error::{ServerError, ServerResult};
use crate::session::outcome::{OkInfo, Outcome};
use crate::session::{Session, StatementResult};
use crate::sql::value::Value;
use crate::storage::programs::{RoutineKind, StoredRoutine};
use crate::sysvars::Setting;

/// CALL p(args): runs the procedure; falls back to the `mtr` schema's
/// stand-ins when there is no such procedure.
pub fn call(session: &mut Session, function: &Function) -> StatementResult {
    let parts: Vec<String> = function
        .name
        .0
        .iter()
        .map(|p| unquoted(&p.to_string()))
        .collect();
    let (schema, name) = match parts.as_slice() {
        [schema, name] => (schema.clone(), name.clone()),
        [name] => (session.db.clone().unwrap_or_default(), name.clone()),
        _ => return Err(crate::session::not_supported("CALL of this name")),
    };
    let Some(stored) = session
        .state
        .storage
        .routine(RoutineKind::Procedure, &schema, &name)
    else {
        return crate::sql::exec::call_builtin(session, function);
    };
    let outermost = session.routines.frames.is_empty();
    if outermost {
        session.routines.affected = 0;
    }
    let args = arguments(function);
    run_procedure(session, &stored, &args)?;
    let affected = if outermost {
        session.row_count = session.routines.affected as i64;
        session.routines.affected
    } else {
        0
    };
    Ok(Outcome::Ok(OkInfo {
        affected_rows: affected,
        ..OkInfo::default()
    }))
}

fn unquoted(part: &str) -> String {
    part.trim_matches('`').to_string()
}

/// The argument expressions of a call.
fn arguments(function: &Function) -> Vec<Expr> {
    match &function.args {
        FunctionArguments::List(list) => list
            .args
            .iter()
            .filter_map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A stored routine's parsed definition.
fn definition(stored: &StoredRoutine) -> ServerResult<RoutineDef> {
    match parse_create(&stored.definition)? {
        Create::Routine(def) => Ok(def),
        Create::Trigger(_) => Err(crate::session::not_supported(
            "a trigger called as a routine",
        )),
    }
}

/// The routine's definition and qualified name, after the argument count
/// and the recursion check (`recursion` builds the error for the name).
fn prepare(
    session: &Session,
    stored: &StoredRoutine,
    arg_count: usize,
    recursion: impl FnOnce(&str) -> ServerError,
) -> ServerResult<(RoutineDef, String)> {
    let def = definition(stored)?;
    let qualified = format!("{}.{}", stored.schema, stored.name);
    check_arguments(&def, &qualified, arg_count)?;
    if session
        .routines
        .frames
        .iter()
        .any(|f| f.qualified == qualified)
    {
        return Err(recursion(&stored.name));
    }
    Ok((def, qualified))
}

fn run_procedure(session: &mut Session, stored: &StoredRoutine, args: &[Expr]) -> ServerResult<()> {
    let (def, qualified) = prepare(session, stored, args.len(), |name| {
        ServerError::new(
            1456,
            "HY000",
            format!(
                "Recursive limit 0 (as set by the max_sp_recursion_depth variable) was exceeded for routine {name}"
            ),
        )
    })?;
    let mut targets = Vec::new();
    let mut values = Vec::new();
    for (position, (param, arg)) in def.params.iter().zip(args).enumerate() {
        if param.mode != ParamMode::In {
            targets.push((
                param.name.clone(),
                out_target(arg, position + 1, &qualified)?,
            ));
        }
        values.push(match param.mode {
            ParamMode::Out => Value::Null,
            _ => eval(session, arg)?,
        });
    }
    let frame = Frame::new(FrameKind::Procedure, qualified);
    let out = in_frame(session, stored, frame, |session| {
        bind(session, &def.params, values)?;
        run_node(session, &def.body)?;
        let frame = session.routines.frame().expect("own frame");
        Ok(targets
            .iter()
            .map(|(param, target)| (target.clone(), frame.var(param).map(|v| v.value.clone())))
            .collect::<Vec<_>>())
    })?;
    for (target, value) in out {
        assign_target(session, &target, value.unwrap_or(Value::Null))?;
    }
    Ok(())
}

/// What an OUT or INOUT argument writes to: `@var` or a local (1414 else).
fn out_target(arg: &Expr, position: usize, qualified: &str) -> ServerResult<String> {
    match arg {
        Expr::Identifier(id) if id.quote_style.is_none() && !id.value.starts_with("@@") => {
            Ok(id.value.clone())
        }
        _ => Err(ServerError::new(
            1414,
            "42000",
            format!(
                "OUT or INOUT argument {position} for routine {qualified} is not a variable or NEW pseudo-variable in BEFORE trigger"
            ),
        )),
    }
}

/// 1318 unless the call passes one argument per parameter.
fn check_arguments(def: &RoutineDef, qualified: &str, given: usize) -> ServerResult<()> {
    if def.params.len() == given {
        return Ok(());
    }
    Err(ServerError::new(
        1318,
        "42000",
        format!(
            "Incorrect number of arguments for {} {qualified}; expected {}, got {given}",
            def.kind.name(),
            def.params.len()
        ),
    ))
}

/// Declares the parameters as the frame's first variables.
fn bind(session: &mut Session, params: &[Param], values: Vec<Value>) -> ServerResult<()> {
    for (param, value) in params.iter().zip(values) {
        let column = variable_column(&param.name, param.ty.clone());
        let value = convert(session, value, &column)?;
        let frame = session.routines.frame_mut().expect("own frame");
        frame.vars.push(Variable {
            depth: 0,
            column,
            value,
        });
    }
    Ok(())
}

/// Runs `body` with `frame` on top, in the program's database and
/// sql_mode; both come back afterwards, whatever happened.
pub fn in_frame<T>(
    session: &mut Session,
    stored_schema_mode: &impl ProgramContext,
    frame: Frame,
    body: impl FnOnce(&mut Session) -> ServerResult<T>,
) -> ServerResult<T> {
    let saved_db = session.db.replace(stored_schema_mode.schema().to_string());
    let saved_mode = session.vars.setting("sql_mode").cloned();
    session.vars.set_server_value(
        "sql_mode",
        Setting::Text(Some(stored_schema_mode.sql_mode().to_string())),
    );
    session.routines.frames.push(frame);
    let result = body(session);
    session.routines.frames.pop();
    session.db = saved_db;
    if let Some(mode) = saved_mode {
        session.vars.set_server_value("sql_mode", mode);
    }
    result
}

/// The database and sql_mode a stored program runs in.
pub trait ProgramContext {
    fn schema(&self) -> &str;
    fn sql_mode(&self) -> &str;
}

impl ProgramContext for StoredRoutine {
    fn schema(&self) -> &str {
        &self.schema
    }
    fn sql_mode(&self) -> &str {
        &self.sql_mode
    }
}

impl ProgramContext for crate::storage::programs::StoredTrigger {
    fn schema(&self) -> &str {
        &self.schema
    }
    fn sql_mode(&self) -> &str {
        &self.sql_mode
    }
}

/// A stored function called from an expression; None when `schema.name`
/// (the current database when `schema` is None) has no such function.
/// `display` is the call's text, naming the value in conversion errors.
pub fn call_function(
    session: &mut Session,
    schema: Option<&str>,
    name: &str,
    args: Vec<Value>,
    display: &str,
) -> Option<ServerResult<Value>> {
    let schema = match schema {
        Some(s) => s.to_string(),
        None => session.db.clone()?,
    };
    let stored = session
        .state
        .storage
        .routine(RoutineKind::Function, &schema, name)?;
    Some(run_function(session, &stored, args, display))
}

fn run_function(
    session: &mut Session,
    stored: &StoredRoutine,
    args: Vec<Value>,
    display: &str,
) -> ServerResult<Value> {
    let (def, qualified) = prepare(session, stored, args.len(), |_| {
        ServerError::new(
            1424,
            "HY000",
            "Recursive stored functions and triggers are not allowed",
        )
    })?;
    let frame = Frame::new(FrameKind::Function, qualified);
    let returns = def.returns.clone();
    in_frame(session, stored, frame, |session| {
        bind(session, &def.params, args)?;
        let Flow::Return(value) = run_node(session, &def.body)? else {
            return Err(ServerError::new(
                1321,
                "2F005",
                format!("FUNCTION {} ended without RETURN", stored.name),
            ));
        };
        match returns {
            Some(ty) => convert(session, value, &variable_column(display, ty)),
            None => Ok(value),
        }
    })
}
