//! The evaluator's entry: one sqlparser expression and the statement's
//! context come in, one value (or MariaDB's error) goes out. Each kind of
//! expression is dispatched to the file of its idea: arithmetic, logic,
//! comparison, patterns, functions, casts, subqueries, variables.

use sqlparser::ast::{BinaryOperator, Expr, Ident, UnaryOperator};

use super::context::{EvalContext, VarScope};
use super::errors::not_supported;
use super::{
    arithmetic, bits, cast, comparison, functions, interval, literal, logic, pattern, subquery,
};
use crate::error::{Condition, ServerResult};
use crate::sql::value::{Temporal, TemporalKind, Value};

/// The value of an expression in the context's current row.
pub fn evaluate(expr: &Expr, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    match expr {
        Expr::Identifier(id) => identifier(id, ctx),
        Expr::CompoundIdentifier(ids) => compound_identifier(ids, ctx),
        Expr::Value(v) => literal::parse_literal(&v.value),
        Expr::Prefixed { value, .. } => evaluate(value, ctx),
        Expr::Nested(inner) => evaluate(inner, ctx),
        Expr::TypedString(ts) => typed_string(&ts.data_type, &ts.value.value),
        Expr::BinaryOp { left, op, right } => binary(expr, left, op, right, ctx),
        Expr::UnaryOp { op, expr: inner } => unary(expr, op, inner, ctx),
        Expr::IsNull(e) => Ok(bool_value(evaluate(e, ctx)?.is_null())),
        Expr::IsNotNull(e) => Ok(bool_value(!evaluate(e, ctx)?.is_null())),
        Expr::IsTrue(e) => logic::is_truth(evaluate(e, ctx)?, Some(true), false),
        Expr::IsNotTrue(e) => logic::is_truth(evaluate(e, ctx)?, Some(true), true),
        Expr::IsFalse(e) => logic::is_truth(evaluate(e, ctx)?, Some(false), false),
        Expr::IsNotFalse(e) => logic::is_truth(evaluate(e, ctx)?, Some(false), true),
        Expr::IsUnknown(e) => logic::is_truth(evaluate(e, ctx)?, None, false),
        Expr::IsNotUnknown(e) => logic::is_truth(evaluate(e, ctx)?, None, true),
        Expr::IsDistinctFrom(a, b) => {
            comparison::null_safe_equal(a, b, ctx).map(|v| logic::not(&v))
        }
        Expr::IsNotDistinctFrom(a, b) => comparison::null_safe_equal(a, b, ctx),
        Expr::InList {
            expr: e,
            list,
            negated,
        } => comparison::in_list(e, list, *negated, ctx),
        Expr::InSubquery {
            expr: e,
            subquery: q,
            negated,
        } => subquery::in_subquery(e, q, *negated, ctx),
        Expr::Between {
            expr: e,
            negated,
            low,
            high,
        } => comparison::between(e, low, high, *negated, ctx),
        Expr::Like {
            negated,
            expr: e,
            pattern: p,
            escape_char,
            ..
        }
        | Expr::ILike {
            negated,
            expr: e,
            pattern: p,
            escape_char,
            ..
        } => pattern::like(e, p, escape_char.as_deref(), *negated, ctx),
        Expr::RLike {
            negated,
            expr: e,
            pattern: p,
            ..
        } => pattern::regexp(e, p, *negated, ctx),
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => logic::case(operand.as_deref(), conditions, else_result.as_deref(), ctx),
        Expr::Exists {
            subquery: q,
            negated,
        } => subquery::exists(q, *negated, ctx),
        Expr::Subquery(q) => subquery::scalar(q, ctx),
        Expr::Cast {
            expr: e, data_type, ..
        } => cast::cast(expr, e, data_type, ctx),
        Expr::Convert {
            expr: e,
            data_type: Some(ty),
            ..
        } => cast::cast(expr, e, ty, ctx),
        Expr::Convert {
            expr: e,
            data_type: None,
            ..
        } => evaluate(e, ctx),
        Expr::Collate { expr: e, .. } => evaluate(e, ctx),
        Expr::Ceil { expr: e, .. } => {
            functions::call_simple("ceiling", &[evaluate(e, ctx)?], expr, ctx)
        }
        Expr::Floor { expr: e, .. } => {
            functions::call_simple("floor", &[evaluate(e, ctx)?], expr, ctx)
        }
        Expr::Position { expr: e, r#in } => {
            let args = [evaluate(e, ctx)?, evaluate(r#in, ctx)?];
            functions::call_simple("locate", &args, expr, ctx)
        }
        Expr::Substring {
            expr: e,
            substring_from,
            substring_for,
            ..
        } => functions::substring_expr(
            expr,
            e,
            substring_from.as_deref(),
            substring_for.as_deref(),
            ctx,
        ),
        Expr::Trim {
            trim_where,
            trim_what,
            expr: e,
            ..
        } => functions::trim_expr(trim_where.as_ref(), trim_what.as_deref(), e, ctx),
        Expr::Extract { field, expr: e, .. } => interval::extract(field, evaluate(e, ctx)?, ctx),
        Expr::Function(call) => functions::call(expr, call, ctx),
        Expr::Tuple(items) if items.len() == 1 => evaluate(&items[0], ctx),
        Expr::Tuple(_) => Err(super::errors::operand_columns(1)),
        Expr::CompoundFieldAccess { root, access_chain } => {
            match dotted_user_variable(root, access_chain) {
                Some(name) => Ok(ctx.user_variable(&name)),
                None => Err(not_supported(&expr.to_string())),
            }
        }
        other => Err(not_supported(&other.to_string())),
    }
}

/// `@a.b` as the parser reads it in expressions (`@a` then field `.b`):
/// the user variable named `a.b`.
fn dotted_user_variable(root: &Expr, chain: &[sqlparser::ast::AccessExpr]) -> Option<String> {
    let Expr::Identifier(first) = root else {
        return None;
    };
    let mut names = vec![first.value.clone()];
    for access in chain {
        match access {
            sqlparser::ast::AccessExpr::Dot(Expr::Identifier(part)) => {
                names.push(part.value.clone())
            }
            _ => return None,
        }
    }
    user_variable_with_dots(first, &names)
}

/// 1 or 0 for a truth.
pub fn bool_value(b: bool) -> Value {
    Value::Int(i64::from(b))
}

/// Evaluates every expression of a list in order.
pub fn evaluate_all(exprs: &[Expr], ctx: &mut dyn EvalContext) -> ServerResult<Vec<Value>> {
    exprs.iter().map(|e| evaluate(e, ctx)).collect()
}

/// Runs `f` with a warning sink that records into the context.
pub fn with_warn<T>(
    ctx: &mut dyn EvalContext,
    f: impl FnOnce(&mut dyn FnMut(Condition)) -> T,
) -> T {
    let mut sink = |c: Condition| ctx.warn(c);
    f(&mut sink)
}

/// `a`, `@x`, `@@x`: a column, a user variable or a system variable.
fn identifier(id: &Ident, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let name = id.value.as_str();
    if id.quote_style.is_none() {
        if let Some(var) = name.strip_prefix("@@") {
            return ctx.system_variable(VarScope::Default, var);
        }
        if let Some(var) = name.strip_prefix('@') {
            return Ok(ctx.user_variable(var));
        }
    }
    ctx.column(&[], name)
}

/// `@save.gtid_slave_pos` is one user variable whose name holds dots.
fn user_variable_with_dots(first: &Ident, names: &[String]) -> Option<String> {
    let head = first.value.strip_prefix('@')?;
    if first.quote_style.is_some() || head.starts_with('@') {
        return None;
    }
    Some(
        std::iter::once(head.to_string())
            .chain(names[1..].iter().cloned())
            .collect::<Vec<_>>()
            .join("."),
    )
}

/// `t.a`, `db.t.a`, `@@global.x`, `@@session.x`.
fn compound_identifier(ids: &[Ident], ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let first = ids[0].value.to_ascii_lowercase();
    let scope = match first.as_str() {
        "@@global" => Some(VarScope::Global),
        "@@session" | "@@local" => Some(VarScope::Session),
        _ => None,
    };
    let names: Vec<String> = ids.iter().map(|i| i.value.clone()).collect();
    if let Some(user) = user_variable_with_dots(&ids[0], &names) {
        return Ok(ctx.user_variable(&user));
    }
    match scope {
        Some(scope) => ctx.system_variable(scope, &names[1..].join(".")),
        None => {
            let (last, qualifier) = names.split_last().expect("compound identifiers have parts");
            ctx.column(qualifier, last)
        }
    }
}

/// `DATE '…'`, `TIMESTAMP '…'`, `TIME '…'` literals.
fn typed_string(ty: &sqlparser::ast::DataType, v: &sqlparser::ast::Value) -> ServerResult<Value> {
    use sqlparser::ast::DataType;
    let text = match v {
        sqlparser::ast::Value::SingleQuotedString(s)
        | sqlparser::ast::Value::DoubleQuotedString(s) => s.clone(),
        other => other.to_string(),
    };
    let parsed = match ty {
        DataType::Date => Temporal::parse_datetime(&text).map(|t| t.with_kind(TemporalKind::Date)),
        DataType::Time(..) => Temporal::parse_time(&text),
        DataType::Timestamp(..) | DataType::Datetime(..) => {
            Temporal::parse_datetime(&text).map(|t| t.with_kind(TemporalKind::DateTime))
        }
        _ => return Ok(Value::text(&text)),
    };
    parsed
        .map(Value::Temporal)
        .ok_or_else(|| crate::sql::value::errors::incorrect_datetime_value(&text))
}

/// Binary operators: arithmetic, comparison, logic, bits, `:=`.
fn binary(
    whole: &Expr,
    left: &Expr,
    op: &BinaryOperator,
    right: &Expr,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    use BinaryOperator as B;
    match op {
        B::And => logic::and(left, right, ctx),
        B::Or => logic::or(left, right, ctx),
        B::Xor => logic::xor(left, right, ctx),
        B::Assignment => assign(left, right, ctx),
        B::Plus | B::Minus
            if matches!(right, Expr::Interval(_)) || matches!(left, Expr::Interval(_)) =>
        {
            interval::add_expr(left, op, right, ctx)
        }
        B::Plus
        | B::Minus
        | B::Multiply
        | B::Divide
        | B::Modulo
        | B::MyIntegerDivide
        | B::DuckIntegerDivide => {
            let (a, b) = (numeric_operand(left, ctx)?, numeric_operand(right, ctx)?);
            arithmetic::binary(op, &a, &b, whole, ctx)
        }
        B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq | B::Spaceship => {
            let (a, b) = (evaluate(left, ctx)?, evaluate(right, ctx)?);
            Ok(comparison::compare_op(op, &a, &b, ctx))
        }
        B::StringConcat => logic::or(left, right, ctx),
        B::BitwiseOr
        | B::BitwiseAnd
        | B::BitwiseXor
        | B::PGBitwiseXor
        | B::PGBitwiseShiftLeft
        | B::PGBitwiseShiftRight => {
            let (a, b) = (numeric_operand(left, ctx)?, numeric_operand(right, ctx)?);
            Ok(bits::binary(op, &a, &b, ctx))
        }
        B::Regexp => pattern::regexp(left, right, false, ctx),
        other => Err(not_supported(&other.to_string())),
    }
}

/// An operand in numeric context: hex and bit literals are numbers there,
/// and so is an ENUM column (its member's position).
pub fn numeric_operand(expr: &Expr, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    if let Some(number) = literal::hex_number(expr) {
        return Ok(number);
    }
    match enum_position(expr, ctx) {
        Some(position) => position,
        None => evaluate(expr, ctx),
    }
}

/// An ENUM column's value as its 1-based member position (0 for the
/// invalid ''), as MariaDB uses it in numeric context and in ORDER BY.
/// None when `expr` is not an ENUM column.
pub fn enum_position(expr: &Expr, ctx: &mut dyn EvalContext) -> Option<ServerResult<Value>> {
    let (qualifier, name) = match expr {
        Expr::Identifier(i) => (Vec::new(), i.value.clone()),
        Expr::CompoundIdentifier(parts) => {
            let (last, rest) = parts.split_last()?;
            (
                rest.iter().map(|p| p.value.clone()).collect(),
                last.value.clone(),
            )
        }
        _ => return None,
    };
    let crate::sql::types::SqlType::Enum(members) = ctx.column_type(&qualifier, &name)? else {
        return None;
    };
    Some(evaluate(expr, ctx).map(|v| match v {
        Value::Bytes(b) => {
            let text = String::from_utf8_lossy(&b);
            let position = members.iter().position(|m| m.eq_ignore_ascii_case(&text));
            Value::Int(position.map_or(0, |p| p as i64 + 1))
        }
        other => other,
    }))
}

/// `@x := value`.
fn assign(left: &Expr, right: &Expr, ctx: &mut dyn EvalContext) -> ServerResult<Value> {
    let value = evaluate(right, ctx)?;
    match left {
        Expr::Identifier(id) if id.value.starts_with('@') && !id.value.starts_with("@@") => {
            ctx.set_user_variable(&id.value[1..], value.clone());
            Ok(value)
        }
        other => Err(not_supported(&format!("{other} :="))),
    }
}

/// `-x`, `+x`, `NOT x`, `!x`, `~x`.
fn unary(
    whole: &Expr,
    op: &UnaryOperator,
    inner: &Expr,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let v = match op {
        UnaryOperator::Minus | UnaryOperator::BitwiseNot => numeric_operand(inner, ctx)?,
        _ => evaluate(inner, ctx)?,
    };
    match op {
        UnaryOperator::Minus => arithmetic::negate(&v, whole, ctx),
        UnaryOperator::Plus => Ok(v),
        UnaryOperator::Not | UnaryOperator::BangNot => Ok(logic::not(&v)),
        UnaryOperator::BitwiseNot => Ok(bits::not(&v, ctx)),
        other => Err(not_supported(&other.to_string())),
    }
}
