//! Function calls: aggregates go to the context's group values, functions
//! of session state to `ctx.session_function`, the pure built-ins to the
//! file of their family (string, numeric, control flow, date and time,
//! UUID).
//! Other names, and qualified ones, are stored functions, which the
//! context runs. A call expression comes in, its value or MariaDB's error
//! goes out (1305 for unknown names, 1582 for a wrong argument count).

mod bytes;
mod control;
mod datetime;
mod numeric;
mod string;
mod uuid;

use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, TrimWhereField,
};

use super::aggregate::aggregate_kind;
use super::context::EvalContext;
use super::errors::{function_does_not_exist, invalid_group_function_use, wrong_param_count};
use super::evaluate::{evaluate, numeric_operand};
use super::random::RandSeed;
use crate::error::ServerResult;
use crate::sql::value::Value;

pub use string::{substring_expr, trim_expr};

/// The argument expressions of a call (`*` is left out).
pub fn argument_exprs(call: &Function) -> Vec<&Expr> {
    match &call.args {
        FunctionArguments::List(list) => list
            .args
            .iter()
            .filter_map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
                | FunctionArg::Named {
                    arg: FunctionArgExpr::Expr(e),
                    ..
                }
                | FunctionArg::ExprNamed {
                    arg: FunctionArgExpr::Expr(e),
                    ..
                } => Some(e),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The function's name as written (last part of a qualified name).
pub fn call_name(call: &Function) -> String {
    call.name
        .0
        .last()
        .map_or_else(String::new, |p| p.to_string())
}

/// The name NAME_CONST('name', value) gives its column, when `expr` is one.
pub fn name_const_label(expr: &Expr) -> Option<&str> {
    let Expr::Function(call) = expr else {
        return None;
    };
    if !call_name(call).eq_ignore_ascii_case("NAME_CONST") {
        return None;
    }
    control::name_const_name(&argument_exprs(call))
}

/// Evaluates a function call.
pub fn call(whole: &Expr, call: &Function, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let name = call_name(call);
    let lower = name.to_ascii_lowercase();
    if aggregate_kind(call).is_some() {
        return ctx
            .aggregate(call)
            .unwrap_or_else(|| Err(invalid_group_function_use()));
    }
    let exprs = argument_exprs(call);
    if let Some(result) = datetime::special_form(&lower, &name, &exprs, ctx) {
        return result;
    }
    if let Some(result) = control::lazy_form(&lower, &name, &exprs, ctx) {
        return result;
    }
    if lower == "rand" && call.name.0.len() == 1 {
        return rand(&name, &exprs, whole, ctx);
    }
    let args = if lower == "char" {
        exprs
            .iter()
            .map(|e| numeric_operand(e, ctx))
            .collect::<ServerResult<Vec<_>>>()?
    } else {
        exprs
            .iter()
            .map(|e| evaluate(e, ctx))
            .collect::<ServerResult<Vec<_>>>()?
    };
    let args = bytes::in_own_charset(&lower, &exprs, args, ctx);
    if let [schema, _] = call.name.0.as_slice() {
        let schema = schema.to_string().trim_matches('`').to_string();
        return ctx
            .stored_function(Some(&schema), &name, args, &whole.to_string())
            .unwrap_or_else(|| Err(function_does_not_exist(&format!("{schema}.{name}"))));
    }
    if let Some(result) = ctx.session_function(&lower, &args) {
        return result;
    }
    if let Some(result) = builtin(&lower, &name, &args, whole, ctx) {
        return result;
    }
    match ctx.stored_function(None, &name, args, &whole.to_string()) {
        Some(result) => result,
        None => Err(unknown_function(&name, ctx)),
    }
}

/// RAND() and RAND(N): a double in [0, 1).
fn rand(
    name: &str,
    exprs: &[&Expr],
    whole: &Expr,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    arity(name, exprs.len(), 0, 1)?;
    let seed = match exprs.first() {
        None => None,
        Some(e) => {
            let v = evaluate(e, ctx)?;
            let seed = crate::sql::value::convert::to_i64(&v, &mut |c| ctx.warn(c)).unwrap_or(0);
            Some(RandSeed {
                call: whole as *const Expr as usize,
                seed,
                constant: matches!(e, Expr::Value(_)),
            })
        }
    };
    Ok(Value::Double(ctx.random(seed)))
}

/// 1305 naming the current database when the context knows it.
fn unknown_function(name: &str, ctx: &mut dyn EvalContext) -> crate::error::ServerError {
    match ctx.session_function("database", &[]) {
        Some(Ok(Value::Bytes(db))) => {
            function_does_not_exist(&format!("{}.{name}", String::from_utf8_lossy(&db)))
        }
        _ => function_does_not_exist(name),
    }
}

/// A built-in called by the evaluator itself (CEIL, FLOOR, POSITION syntax).
pub fn call_simple(
    lower: &str,
    args: &[Value],
    whole: &Expr,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    builtin(lower, lower, args, whole, ctx).unwrap_or_else(|| Err(function_does_not_exist(lower)))
}

/// The pure built-in `lower`; None when there is none of that name.
fn builtin(
    lower: &str,
    name: &str,
    args: &[Value],
    whole: &Expr,
    ctx: &mut dyn EvalContext,
) -> Option<ServerResult<Value>> {
    string::call(lower, name, args, ctx)
        .or_else(|| numeric::call(lower, name, args, whole, ctx))
        .or_else(|| control::call(lower, name, args, ctx))
        .or_else(|| datetime::call(lower, name, args, ctx))
        .or_else(|| uuid::call(lower, name, args))
}

/// 1582 unless the argument count is within `min..=max`.
pub fn arity(name: &str, n: usize, min: usize, max: usize) -> ServerResult<()> {
    if (min..=max).contains(&n) {
        Ok(())
    } else {
        Err(wrong_param_count(name))
    }
}

/// Which ends TRIM works on.
pub fn trim_sides(w: Option<&TrimWhereField>) -> (bool, bool) {
    match w {
        Some(TrimWhereField::Leading) => (true, false),
        Some(TrimWhereField::Trailing) => (false, true),
        _ => (true, true),
    }
}
