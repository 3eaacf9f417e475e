//! Pattern matching: LIKE with `%`, `_` and ESCAPE (case-insensitive as
//! the default collation), and REGEXP / RLIKE through the regex crate
//! (case-insensitive too). Expressions come in, 1, 0 or NULL goes out.

use sqlparser::ast::Expr;

use super::context::EvalContext;
use super::errors::{regexp_error, wrong_arguments};
use super::evaluate::{bool_value, evaluate};
use crate::error::ServerResult;
use crate::sql::value::{Value, fold_char, to_string_lossy};

/// `e [NOT] LIKE pattern [ESCAPE c]`.
pub fn like(
    e: &Expr,
    pattern: &Expr,
    escape: Option<&Expr>,
    negated: bool,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let v = evaluate(e, ctx)?;
    let p = evaluate(pattern, ctx)?;
    let esc = match escape {
        Some(x) => evaluate(x, ctx)?,
        None => Value::text("\\"),
    };
    if v.is_null() || p.is_null() {
        return Ok(Value::Null);
    }
    let esc_text = to_string_lossy(&esc);
    let mut esc_chars = esc_text.chars();
    let esc_char = esc_chars.next();
    if esc_chars.next().is_some() {
        return Err(wrong_arguments("ESCAPE"));
    }
    let text: Vec<char> = to_string_lossy(&v).chars().collect();
    let pat = compile_like(&to_string_lossy(&p), esc_char);
    Ok(bool_value(like_match(&text, &pat) != negated))
}

/// Whether `text` matches a LIKE `pattern` with the default escape `\\`
/// (SHOW … LIKE filters names this way).
pub fn like_text(pattern: &str, text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    like_match(&text, &compile_like(pattern, Some('\\')))
}

/// One element of a LIKE pattern.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Any,
    One,
    Char(char),
}

/// A LIKE pattern as pieces, escapes resolved.
fn compile_like(p: &str, esc: Option<char>) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            c if Some(c) == esc => Piece::Char(chars.next().unwrap_or(c)),
            '%' => Piece::Any,
            '_' => Piece::One,
            c => Piece::Char(c),
        });
    }
    out
}

/// Whether a text matches pattern pieces (iterative, with backtracking on `%`).
fn like_match(text: &[char], pat: &[Piece]) -> bool {
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pat.get(p) {
            Some(Piece::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Piece::One) => {
                t += 1;
                p += 1;
            }
            Some(Piece::Char(c)) if fold_char(*c) == fold_char(text[t]) => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pat[p.min(pat.len())..].iter().all(|x| *x == Piece::Any)
}

/// `e [NOT] REGEXP pattern`.
pub fn regexp(
    e: &Expr,
    pattern: &Expr,
    negated: bool,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let v = evaluate(e, ctx)?;
    let p = evaluate(pattern, ctx)?;
    if v.is_null() || p.is_null() {
        return Ok(Value::Null);
    }
    let re = regex::RegexBuilder::new(&to_string_lossy(&p))
        .case_insensitive(true)
        .build()
        .map_err(|err| regexp_error(&err.to_string()))?;
    Ok(bool_value(re.is_match(&to_string_lossy(&v)) != negated))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str, pat: &str) -> bool {
        like_match(
            &text.chars().collect::<Vec<_>>(),
            &compile_like(pat, Some('\\')),
        )
    }

    #[test]
    fn like_wildcards_and_escapes() {
        assert!(m("abc", "A%"));
        assert!(m("abc", "a_c"));
        assert!(m("a_c", "a\\_c"));
        assert!(!m("abc", "a\\_c"));
        assert!(m("abcbc", "%bc"));
        assert!(m("", "%"));
        assert!(!m("ab", "a"));
        assert!(m("aXbXc", "a%b%c"));
    }
}
