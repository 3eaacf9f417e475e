//! Functions that pick one of their arguments: `least` and `greatest`
//! (strings compare by collation when all arguments are strings; otherwise
//! everything compares as integers, strings read like `strtoll`, and the
//! first of equal candidates wins), and the NULL-aware `coalesce`, `ifnull`
//! and `nullif` (which compares the arguments' texts exactly).

use std::cmp::Ordering;

use super::{at_least, expects, text};
use crate::run::expr::error::ExprError;
use crate::run::expr::lexer::is_space;
use crate::run::expr::value::Value;
use crate::run::latin1;

/// `least(a, b, …)`.
pub fn least(args: &[Value]) -> Result<Value, ExprError> {
    at_least(args, 2, "least() expects at least 2 arguments")?;
    pick(args, Ordering::Less)
}

/// `greatest(a, b, …)`.
pub fn greatest(args: &[Value]) -> Result<Value, ExprError> {
    at_least(args, 2, "greatest() expects at least 2 arguments")?;
    pick(args, Ordering::Greater)
}

/// The argument that is strictly `better` than all before it.
fn pick(args: &[Value], better: Ordering) -> Result<Value, ExprError> {
    if args.iter().all(|a| matches!(a, Value::Str(_))) {
        let best = args.iter().reduce(|best, a| {
            if latin1::compare(&text(a), &text(best)) == better {
                a
            } else {
                best
            }
        });
        return Ok(best.cloned().unwrap_or(Value::Null));
    }
    let keys: Vec<NumericKey> = args.iter().map(NumericKey::of).collect();
    let best = (1..keys.len()).fold(0, |best, i| {
        if keys[i].value.cmp(&keys[best].value) == better {
            i
        } else {
            best
        }
    });
    match &args[best] {
        Value::Int(i) => Ok(Value::Int(*i)),
        other if keys[best].overflow => Err(ExprError::out_of_range(&text(other))),
        _ => Ok(Value::signed(keys[best].value as i64)),
    }
}

/// An argument as the number `least`/`greatest` compare.
struct NumericKey {
    value: i128,
    overflow: bool,
}

impl NumericKey {
    fn of(value: &Value) -> Self {
        match value {
            Value::Int(i) => NumericKey {
                value: i.as_i128(),
                overflow: false,
            },
            other => Self::parse(&text(other)),
        }
    }

    /// Leading whitespace, a sign, then digits up to the first non-digit;
    /// saturated to the signed 64-bit range.
    fn parse(s: &[u8]) -> Self {
        let mut rest = &s[s.iter().take_while(|&&b| is_space(b)).count()..];
        let negative = rest.first() == Some(&b'-');
        if matches!(rest.first(), Some(b'-' | b'+')) {
            rest = &rest[1..];
        }
        let mut n: i128 = 0;
        for &b in rest.iter().take_while(|b| b.is_ascii_digit()) {
            n = (n * 10 + i128::from(b - b'0')).min(i128::from(u64::MAX) + 1);
        }
        let n = if negative { -n } else { n };
        let clamped = n.clamp(i128::from(i64::MIN), i128::from(i64::MAX));
        NumericKey {
            value: clamped,
            overflow: clamped != n,
        }
    }
}

/// `coalesce(a, …)`: the first argument that is not NULL.
pub fn coalesce(args: &[Value]) -> Result<Value, ExprError> {
    at_least(args, 1, "coalesce() expects at least 1 argument")?;
    Ok(args
        .iter()
        .find(|a| !a.is_null())
        .cloned()
        .unwrap_or(Value::Null))
}

/// `ifnull(a, b)`: `a` unless it is NULL.
pub fn ifnull(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 2, 2, "ifnull() expects 2 arguments")?;
    Ok(if args[0].is_null() {
        args[1].clone()
    } else {
        args[0].clone()
    })
}

/// `nullif(a, b)`: NULL when both have the same text, else `a`.
pub fn nullif(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 2, 2, "nullif() expects 2 arguments")?;
    match (args[0].as_text(), args[1].as_text()) {
        (Some(a), Some(b)) if a == b => Ok(Value::Null),
        _ => Ok(args[0].clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{i, run, s, shown};
    use crate::run::expr::value::Value;

    fn call(name: &str, args: Vec<Value>) -> String {
        shown(run(name, args))
    }

    #[test]
    fn strings_compare_by_collation() {
        assert_eq!(call("greatest", vec![s("B"), s("a")]), "B");
        assert_eq!(call("least", vec![s("a"), s("A")]), "a");
        assert_eq!(call("least", vec![s("a "), s("a")]), "a ");
        assert_eq!(call("greatest", vec![s("100"), s("20"), s("3")]), "3");
        assert_eq!(
            call("greatest", vec![s("3.14"), s("2.71"), s("3.15")]),
            "3.15"
        );
    }

    #[test]
    fn mixed_arguments_compare_as_integers() {
        assert_eq!(call("least", vec![s("a"), i(1), s("b")]), "0");
        assert_eq!(call("least", vec![s("    -4a"), i(-1), s("b")]), "-4");
        assert_eq!(call("greatest", vec![s("z"), i(-2), s("a")]), "0");
        assert_eq!(call("least", vec![Value::unsigned(u64::MAX), i(-1)]), "-1");
        assert_eq!(
            call("greatest", vec![Value::unsigned(u64::MAX), i(-1)]),
            "18446744073709551615"
        );
        assert_eq!(
            call("greatest", vec![s("-99999999999999999999"), i(1)]),
            "1"
        );
        assert_eq!(
            call("least", vec![s("-99999999999999999999"), i(1)]),
            "Range error: -99999999999999999999 value out of range for Integer type"
        );
        assert_eq!(
            call("least", vec![i(1)]),
            "least() expects at least 2 arguments"
        );
    }

    #[test]
    fn null_handling_functions() {
        assert_eq!(call("coalesce", vec![Value::Null, s("a"), s("b")]), "a");
        assert_eq!(run("coalesce", vec![Value::Null]), Ok(Value::Null));
        assert_eq!(call("ifnull", vec![Value::Null, i(2)]), "2");
        assert_eq!(run("nullif", vec![i(1), s("1")]), Ok(Value::Null));
        assert_eq!(call("nullif", vec![s("a"), s("A")]), "a");
        assert_eq!(call("nullif", vec![s("a"), Value::Null]), "a");
        assert_eq!(run("nullif", vec![Value::Null, s("a")]), Ok(Value::Null));
    }
}
