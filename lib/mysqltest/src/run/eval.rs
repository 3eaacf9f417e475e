//! Variable expansion as mysqltest's `do_eval` does it: `$name` and `$0`–`$9`
//! are replaced by their values, and `$(expression)` by the expression's
//! value (its inside expanded first); a backslash before `\`, `$` or `"`
//! escapes that character (and is dropped, unless the caller passes escapes
//! through, as `exec` and `error` do); a NUL byte ends the text.

use super::expr;
use super::flow::Stop;
use super::variables::{Variables, is_var_char};

/// Longest variable name mysqltest accepts.
const MAX_VAR_NAME_LENGTH: usize = 256;

/// Expands variables in `text`.
pub fn expand(vars: &mut Variables, text: &[u8], pass_escapes: bool) -> Result<Vec<u8>, Stop> {
    let mut out = Vec::with_capacity(text.len());
    let mut escaped = false;
    let mut i = 0;
    while i < text.len() && text[i] != 0 {
        match text[i] {
            b'$' if escaped => {
                escaped = false;
                out.push(b'$');
            }
            b'$' if text.get(i + 1) == Some(&b'(') => {
                let (value, end) = expression_at(vars, text, i)?;
                out.extend_from_slice(&value);
                i = end;
                continue;
            }
            b'$' => {
                let (name, end) = variable_at(text, i)?;
                out.extend_from_slice(vars.get(name).as_bytes());
                i = end;
                continue;
            }
            b'\\' if escaped => {
                escaped = false;
                out.push(b'\\');
            }
            b'\\' if matches!(text.get(i + 1), Some(b'\\' | b'$' | b'"')) => {
                escaped = true;
                if pass_escapes {
                    out.push(b'\\');
                }
            }
            c => {
                escaped = false;
                out.push(c);
            }
        }
        i += 1;
    }
    Ok(out)
}

/// The value of the `$(…)` whose `$` is at `at`, and the offset after it.
fn expression_at(vars: &mut Variables, text: &[u8], at: usize) -> Result<(Vec<u8>, usize), Stop> {
    let close = expr::closing_paren(text, at + 1).ok_or_else(|| expr::unmatched(text, at))?;
    let inner = expand(vars, &text[at + 2..close], false)?;
    let value = expr::evaluate(&inner)?;
    Ok((value.to_text(), close + 1))
}

/// The name of the variable whose `$` is at `at`, and the offset after it
/// (`$(` here is an empty name, as in mysqltest's `var_get`).
pub fn variable_at(text: &[u8], at: usize) -> Result<(&[u8], usize), Stop> {
    let start = at + 1;
    if let Some(d) = text.get(start).filter(|d| d.is_ascii_digit()) {
        return Ok((std::slice::from_ref(d), start + 1));
    }
    let len = text[start..]
        .iter()
        .take_while(|b| is_var_char(**b))
        .count();
    if len == 0 {
        return Err(Stop::die("Empty variable"));
    }
    if len >= MAX_VAR_NAME_LENGTH {
        return Err(Stop::die(format!(
            "Too long variable name: {}",
            String::from_utf8_lossy(&text[start..])
        )));
    }
    Ok((&text[start..start + len], start + len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::variables::Value;
    use std::collections::BTreeMap;

    fn vars() -> Variables {
        let mut v = Variables::new(BTreeMap::new());
        v.set(b"a", Value::new("A"), false);
        v.set(b"long_name1", Value::new("L"), false);
        v
    }

    fn eval(text: &str, pass: bool) -> String {
        String::from_utf8(expand(&mut vars(), text.as_bytes(), pass).unwrap()).unwrap()
    }

    #[test]
    fn expands_names_and_stops_at_non_name_characters() {
        assert_eq!(eval("x$a.y $long_name1!", false), "xA.y L!");
        assert_eq!(eval("$unset|", false), "|");
    }

    #[test]
    fn escapes_follow_mysqltest() {
        assert_eq!(eval(r"\$a", false), "$a");
        assert_eq!(eval(r"\$a", true), r"\$a");
        assert_eq!(eval(r#"a\"b"#, false), r#"a"b"#);
        assert_eq!(eval(r"a\\b", false), r"a\b");
        assert_eq!(eval(r"a\nb", false), r"a\nb");
    }

    #[test]
    fn empty_variable_is_an_error() {
        assert!(expand(&mut vars(), b"cost $ 5", false).is_err());
    }

    #[test]
    fn expressions_are_evaluated_after_their_variables() {
        assert_eq!(eval("x$(1 + 2)y", false), "x3y");
        assert_eq!(eval("$(concat('$a', \"-\", $(1+1)))", false), "A-2");
        assert_eq!(eval("\\$(1)", false), "$(1)");
        assert_eq!(eval("$(length('\\$a'))", false), "2");
        assert_eq!(eval("$(NULL)|", false), "|");
    }

    #[test]
    fn expression_errors_are_mysqltests() {
        let err = |text: &str| expand(&mut vars(), text.as_bytes(), false).unwrap_err();
        assert_eq!(
            err("$((1 + 2);"),
            Stop::die("Unmatched parenthesis in expression starting at '$((1 + 2);'")
        );
        assert_eq!(
            err("$(5 / 0)"),
            Stop::die("Evaluation error: Division by zero")
        );
        assert_eq!(err("$()"), Stop::die("Syntax error: invalid expression"));
    }

    proptest::proptest! {
        #[test]
        fn expansion_never_panics(text in "[$()'\"\\\\a-z0-9 +*,<>!=-]{0,80}") {
            let _ = expand(&mut vars(), text.as_bytes(), false);
            let _ = expand(&mut vars(), text.as_bytes(), true);
        }
    }

    #[test]
    fn nul_ends_the_text() {
        assert_eq!(expand(&mut vars(), b"ab\0cd", false).unwrap(), b"ab");
    }
}
