//! Variable expansion as mysqltest's `do_eval` does it: `$name` and `$0`–`$9`
//! are replaced by their values; a backslash before `\`, `$` or `"` escapes
//! that character (and is dropped, unless the caller passes escapes through,
//! as `exec` and `error` do); a NUL byte ends the text.

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

/// The name of the variable whose `$` is at `at`, and the offset after it.
pub fn variable_at(text: &[u8], at: usize) -> Result<(&[u8], usize), Stop> {
    let start = at + 1;
    match text.get(start) {
        Some(d) if d.is_ascii_digit() => return Ok((&text[start..start + 1], start + 1)),
        Some(b'(') => {
            return Err(Stop::die(
                "expression evaluation with $(...) is not supported by rmtr yet",
            ));
        }
        _ => {}
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
    fn nul_ends_the_text() {
        assert_eq!(expand(&mut vars(), b"ab\0cd", false).unwrap(), b"ab");
    }
}
