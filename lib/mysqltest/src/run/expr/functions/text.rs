//! Functions that build or reshape one string: `concat`, `concat_ws`,
//! `length`, `lower`/`upper` (latin1 case), `reverse`, the trims, `lpad`,
//! `rpad` and `repeat`. They work on bytes, take integers as their decimal
//! text, and return strings (`length` returns an integer). A result too big
//! to allocate is the empty string.

use super::{at_least, c_int, expects, text};
use crate::run::expr::error::ExprError;
use crate::run::expr::lexer::is_space;
use crate::run::expr::value::Value;
use crate::run::latin1;

/// `concat(s, …)`.
pub fn concat(args: &[Value]) -> Result<Value, ExprError> {
    at_least(args, 1, "concat() expects at least 1 argument")?;
    Ok(Value::Str(
        args.iter().flat_map(|a| text(a).into_owned()).collect(),
    ))
}

/// `concat_ws(separator, s, …)`: NULL separator gives NULL; NULL parts are
/// left out.
pub fn concat_ws(args: &[Value]) -> Result<Value, ExprError> {
    at_least(args, 2, "concat_ws() expects at least 2 arguments")?;
    let Some(separator) = args[0].as_text() else {
        return Ok(Value::Null);
    };
    let parts: Vec<_> = args[1..].iter().filter_map(Value::as_text).collect();
    Ok(Value::Str(parts.join(&separator[..])))
}

/// `length(s)` in bytes.
pub fn length(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 1, 1, "length() expects 1 argument")?;
    Ok(Value::signed(text(&args[0]).len() as i64))
}

/// `lower(s)`, also `lcase`.
pub fn lower(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 1, 1, "lower() expects 1 argument")?;
    Ok(Value::Str(
        text(&args[0])
            .iter()
            .map(|&b| latin1::to_lower(b))
            .collect(),
    ))
}

/// `upper(s)`, also `ucase`.
pub fn upper(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 1, 1, "upper() expects 1 argument")?;
    Ok(Value::Str(
        text(&args[0])
            .iter()
            .map(|&b| latin1::to_upper(b))
            .collect(),
    ))
}

/// `reverse(s)`, byte by byte.
pub fn reverse(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 1, 1, "reverse() expects 1 argument")?;
    Ok(Value::Str(text(&args[0]).iter().rev().copied().collect()))
}

/// `trim(s)`: whitespace off both ends.
pub fn trim(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 1, 1, "trim() expects 1 argument")?;
    Ok(Value::str(trim_end(trim_start(&text(&args[0])))))
}

/// `ltrim(s)`.
pub fn ltrim(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 1, 1, "ltrim() expects 1 argument")?;
    Ok(Value::str(trim_start(&text(&args[0]))))
}

/// `rtrim(s)`.
pub fn rtrim(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 1, 1, "rtrim() expects 1 argument")?;
    Ok(Value::str(trim_end(&text(&args[0]))))
}

fn trim_start(s: &[u8]) -> &[u8] {
    &s[s.iter().take_while(|&&b| is_space(b)).count()..]
}

fn trim_end(s: &[u8]) -> &[u8] {
    &s[..s.iter().rposition(|&b| !is_space(b)).map_or(0, |i| i + 1)]
}

/// `lpad(s, length [, pad])`.
pub fn lpad(args: &[Value]) -> Result<Value, ExprError> {
    pad(args, "lpad", true)
}

/// `rpad(s, length [, pad])`.
pub fn rpad(args: &[Value]) -> Result<Value, ExprError> {
    pad(args, "rpad", false)
}

/// Pads `s` with repeats of `pad` (a space by default) to `length` bytes,
/// or cuts it to that length; an empty pad gives the empty string.
fn pad(args: &[Value], name: &str, left: bool) -> Result<Value, ExprError> {
    expects(
        args,
        2,
        3,
        &format!("{name}() expects 2 or 3 arguments (str, length [, padstr])"),
    )?;
    let length = c_int(&args[1], &format!("{name}() length must be numeric"))?;
    let Ok(length) = usize::try_from(length) else {
        return Err(ExprError::function(format!(
            "{name}() length cannot be negative"
        )));
    };
    let s = text(&args[0]);
    let padding = args.get(2).map_or(b" ".to_vec(), |p| text(p).into_owned());
    if padding.is_empty() {
        return Ok(Value::str(""));
    }
    if length <= s.len() {
        return Ok(Value::str(&s[..length]));
    }
    let mut out = Vec::new();
    if out.try_reserve_exact(length).is_err() {
        return Ok(Value::str(""));
    }
    let fill = padding.iter().cycle().take(length - s.len());
    if left {
        out.extend(fill);
        out.extend_from_slice(&s);
    } else {
        out.extend_from_slice(&s);
        out.extend(fill);
    }
    Ok(Value::Str(out))
}

/// `repeat(s, count)`: empty for a count below one.
pub fn repeat(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 2, 2, "repeat() expects 2 arguments (str, count)")?;
    let count = c_int(&args[1], "repeat() count must be numeric")?;
    let s = text(&args[0]);
    let Some(total) = usize::try_from(count)
        .ok()
        .and_then(|c| c.checked_mul(s.len()))
    else {
        return Ok(Value::str(""));
    };
    let mut out = Vec::new();
    if out.try_reserve_exact(total).is_err() {
        return Ok(Value::str(""));
    }
    for _ in 0..total.checked_div(s.len()).unwrap_or(0) {
        out.extend_from_slice(&s);
    }
    Ok(Value::Str(out))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{i, run, s, shown};
    use crate::run::expr::value::Value;

    fn call(name: &str, args: Vec<Value>) -> String {
        shown(run(name, args))
    }

    #[test]
    fn joining() {
        assert_eq!(call("concat", vec![i(42), s("a")]), "42a");
        assert_eq!(call("concat", vec![i(1), Value::Null]), "");
        assert_eq!(
            call("concat", vec![]),
            "concat() expects at least 1 argument"
        );
        assert_eq!(
            call("concat_ws", vec![s("..."), s("abc"), Value::Null, s("def")]),
            "abc...def"
        );
        assert_eq!(run("concat_ws", vec![Value::Null, s("a")]), Ok(Value::Null));
        assert_eq!(
            run("concat_ws", vec![s("-"), Value::Null]),
            Ok(Value::str(""))
        );
    }

    #[test]
    fn case_trim_reverse_length() {
        assert_eq!(call("upper", vec![s("björn")]), "BJöRN");
        assert_eq!(call("lower", vec![s("ABC123")]), "abc123");
        assert_eq!(call("reverse", vec![s("abc")]), "cba");
        assert_eq!(
            call("trim", vec![s(" \t hello  world \r\n")]),
            "hello  world"
        );
        assert_eq!(call("ltrim", vec![s("  a ")]), "a ");
        assert_eq!(call("rtrim", vec![s("  a ")]), "  a");
        assert_eq!(call("length", vec![s("Björn")]), "6");
        assert_eq!(call("length", vec![i(-12)]), "3");
    }

    #[test]
    fn padding() {
        assert_eq!(call("lpad", vec![s("hello"), i(10), s("ab")]), "ababahello");
        assert_eq!(call("rpad", vec![s("hello"), i(10), s("ab")]), "helloababa");
        assert_eq!(call("lpad", vec![s("hello"), i(3), s("*")]), "hel");
        assert_eq!(call("rpad", vec![s("hi"), i(5)]), "hi   ");
        assert_eq!(call("lpad", vec![s("hi"), i(1), s("")]), "");
        assert_eq!(call("lpad", vec![i(12), i(5), i(0)]), "00012");
        assert_eq!(call("rpad", vec![s("hi"), i(4294967299), s("*")]), "hi*");
        assert_eq!(
            call("lpad", vec![s("hi"), i(2147483648), s("*")]),
            "lpad() length cannot be negative"
        );
        assert_eq!(
            call("lpad", vec![s("hi"), i(-1), s("")]),
            "lpad() length cannot be negative"
        );
        assert_eq!(
            call("rpad", vec![s("hi"), s("5"), s("*")]),
            "rpad() length must be numeric"
        );
    }

    #[test]
    fn repeating() {
        assert_eq!(call("repeat", vec![s("ab"), i(3)]), "ababab");
        assert_eq!(call("repeat", vec![s("a"), i(-1)]), "");
        assert_eq!(call("repeat", vec![s("a"), Value::unsigned(u64::MAX)]), "");
        assert_eq!(call("repeat", vec![s("a"), i(i64::MAX)]), "");
        assert_eq!(call("repeat", vec![s("ab"), i(4294967298)]), "abab");
        assert_eq!(call("repeat", vec![s(""), i(4)]), "");
        assert_eq!(
            call("repeat", vec![s("a"), s("3")]),
            "repeat() count must be numeric"
        );
    }
}
