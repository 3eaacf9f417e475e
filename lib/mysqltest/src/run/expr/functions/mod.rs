//! The functions `$(…)` can call, looked up by name (any case) before their
//! arguments are read. A call gets the evaluated arguments; unless the
//! function deals with NULL itself (`coalesce`, `ifnull`, `nullif`,
//! `concat_ws`), any NULL argument makes the result NULL before the argument
//! count is even checked. The functions live by theme in the submodules;
//! this module holds the table and the argument helpers they share.

mod choice;
mod numeric;
mod regexp;
mod search;
mod text;

use std::borrow::Cow;

use super::error::ExprError;
use super::value::Value;

/// One callable function.
pub struct Function {
    name: &'static str,
    handles_null: bool,
    run: fn(&[Value]) -> Result<Value, ExprError>,
}

const fn f(name: &'static str, run: fn(&[Value]) -> Result<Value, ExprError>) -> Function {
    Function {
        name,
        handles_null: false,
        run,
    }
}

const fn null_aware(name: &'static str, run: fn(&[Value]) -> Result<Value, ExprError>) -> Function {
    Function {
        name,
        handles_null: true,
        run,
    }
}

/// Every function, with its aliases.
static FUNCTIONS: &[Function] = &[
    f("abs", numeric::abs),
    f("bin", numeric::bin),
    f("oct", numeric::oct),
    f("hex", numeric::hex),
    f("conv", numeric::conv),
    f("concat", text::concat),
    null_aware("concat_ws", text::concat_ws),
    f("length", text::length),
    f("lower", text::lower),
    f("lcase", text::lower),
    f("upper", text::upper),
    f("ucase", text::upper),
    f("reverse", text::reverse),
    f("trim", text::trim),
    f("ltrim", text::ltrim),
    f("rtrim", text::rtrim),
    f("lpad", text::lpad),
    f("rpad", text::rpad),
    f("repeat", text::repeat),
    f("instr", search::instr),
    f("locate", search::locate),
    f("replace", search::replace),
    f("substr", search::substr),
    f("substring", search::substr),
    f("substring_index", search::substring_index),
    f("insert", search::insert),
    f("least", choice::least),
    f("greatest", choice::greatest),
    null_aware("coalesce", choice::coalesce),
    null_aware("ifnull", choice::ifnull),
    null_aware("nullif", choice::nullif),
    f("regexp_instr", regexp::regexp_instr),
    f("regexp_substr", regexp::regexp_substr),
    f("regexp_replace", regexp::regexp_replace),
];

/// The function called `name`, in any case.
pub fn lookup(name: &[u8]) -> Option<&'static Function> {
    FUNCTIONS
        .iter()
        .find(|f| f.name.as_bytes().eq_ignore_ascii_case(name))
}

/// Calls `function` on evaluated arguments.
pub fn call(function: &Function, args: &[Value]) -> Result<Value, ExprError> {
    if !function.handles_null && args.iter().any(Value::is_null) {
        return Ok(Value::Null);
    }
    (function.run)(args)
}

/// Fails with "`what`, got N" unless there are `min..=max` arguments.
fn expects(args: &[Value], min: usize, max: usize, what: &str) -> Result<(), ExprError> {
    if (min..=max).contains(&args.len()) {
        Ok(())
    } else {
        Err(ExprError::function(format!("{what}, got {}", args.len())))
    }
}

/// Fails with `what` unless there are at least `min` arguments.
fn at_least(args: &[Value], min: usize, what: &str) -> Result<(), ExprError> {
    if args.len() >= min {
        Ok(())
    } else {
        Err(ExprError::function(what))
    }
}

/// An argument as text (integers in decimal; NULL, never passed, as empty).
fn text(value: &Value) -> Cow<'_, [u8]> {
    value.as_text().unwrap_or_default()
}

/// An integer argument read as signed, or the complaint `what`.
fn int(value: &Value, what: &str) -> Result<i64, ExprError> {
    value
        .as_int()
        .map(|i| i.as_i64())
        .ok_or_else(|| ExprError::function(what))
}

/// An integer argument cut to a C `int` (its low 32 bits, signed), as
/// mysqltest reads counts, positions and lengths; or the complaint `what`.
fn c_int(value: &Value, what: &str) -> Result<i64, ExprError> {
    int(value, what).map(|n| i64::from(n as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn run(name: &str, args: Vec<Value>) -> Result<Value, ExprError> {
        call(lookup(name.as_bytes()).expect("known function"), &args)
    }

    pub(super) fn s(text: &str) -> Value {
        Value::str(text)
    }

    pub(super) fn i(n: i64) -> Value {
        Value::signed(n)
    }

    /// The result as text, or the error message.
    pub(super) fn shown(result: Result<Value, ExprError>) -> String {
        match result {
            Ok(v) => String::from_utf8_lossy(&v.to_text()).into_owned(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn names_ignore_case_and_aliases_share_messages() {
        assert!(lookup(b"SUBSTRING_index").is_some());
        assert!(lookup(b"mid").is_none());
        assert_eq!(
            shown(run("lcase", vec![i(1), i(2)])),
            "lower() expects 1 argument, got 2"
        );
    }

    #[test]
    fn null_arguments_win_over_argument_counts() {
        assert_eq!(run("abs", vec![Value::Null, i(1)]), Ok(Value::Null));
        assert_eq!(run("least", vec![Value::Null]), Ok(Value::Null));
        assert_eq!(
            shown(run("ifnull", vec![Value::Null])),
            "ifnull() expects 2 arguments, got 1"
        );
    }
}
