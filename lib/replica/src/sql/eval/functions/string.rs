//! String functions: CONCAT, CONCAT_WS, LENGTH, CHAR_LENGTH, UPPER, LOWER,
//! SUBSTRING, SUBSTRING_INDEX, INSERT, LEFT, RIGHT, TRIM, REPLACE, REPEAT, REVERSE, LPAD, RPAD,
//! INSTR, LOCATE, SPACE, HEX, UNHEX, ASCII, CHAR, STRCMP, FIELD,
//! FIND_IN_SET, ELT, FORMAT. Evaluated arguments come in; character
//! positions count UTF-8 characters, searches fold case like the collation.

use std::cmp::Ordering;

use sqlparser::ast::{Expr, TrimWhereField};

use super::{arity, trim_sides};
use crate::error::ServerResult;
use crate::sql::eval::context::EvalContext;
use crate::sql::eval::evaluate::{evaluate, with_warn};
use crate::sql::value::convert::{Num, to_decimal, to_i64, to_num};
use crate::sql::value::{Value, compare_collated, compare_values, fold_char, to_text};

/// The string function `lower`, or None.
pub fn call(
    lower: &str,
    name: &str,
    args: &[Value],
    ctx: &mut dyn EvalContext,
) -> Option<ServerResult<Value>> {
    let n = args.len();
    let checked = |min: usize, max: usize| arity(name, n, min, max);
    Some(match lower {
        "concat" => checked(1, usize::MAX).map(|_| concat(args)),
        "concat_ws" => checked(2, usize::MAX).map(|_| concat_ws(args)),
        "length" | "octet_length" => {
            checked(1, 1).map(|_| map_text(&args[0], |t| Value::Int(t.len() as i64)))
        }
        "char_length" | "character_length" => {
            checked(1, 1).map(|_| map_str(&args[0], |s| Value::Int(s.chars().count() as i64)))
        }
        "upper" | "ucase" => {
            checked(1, 1).map(|_| map_str(&args[0], |s| Value::text(&s.to_uppercase())))
        }
        "lower" | "lcase" => {
            checked(1, 1).map(|_| map_str(&args[0], |s| Value::text(&s.to_lowercase())))
        }
        "substring" | "substr" | "mid" => checked(2, 3).map(|_| substring(args, ctx)),
        "substring_index" => checked(3, 3).map(|_| substring_index(args, ctx)),
        "insert" => checked(4, 4).map(|_| insert(args, ctx)),
        "left" => checked(2, 2).map(|_| left_right(args, true, ctx)),
        "right" => checked(2, 2).map(|_| left_right(args, false, ctx)),
        "trim" => checked(1, 1).map(|_| trim_value(&args[0], &Value::text(" "), (true, true))),
        "ltrim" => checked(1, 1).map(|_| trim_value(&args[0], &Value::text(" "), (true, false))),
        "rtrim" => checked(1, 1).map(|_| trim_value(&args[0], &Value::text(" "), (false, true))),
        "replace" => checked(3, 3).map(|_| replace(args)),
        "repeat" => checked(2, 2).map(|_| repeat(args, ctx)),
        "reverse" => checked(1, 1).map(|_| {
            map_str(&args[0], |s| {
                Value::text(&s.chars().rev().collect::<String>())
            })
        }),
        "lpad" => checked(3, 3).map(|_| pad(args, true, ctx)),
        "rpad" => checked(3, 3).map(|_| pad(args, false, ctx)),
        "instr" => checked(2, 2).map(|_| locate(&args[1], &args[0], None, ctx)),
        "locate" | "position" => {
            checked(2, 3).map(|_| locate(&args[0], &args[1], args.get(2), ctx))
        }
        "space" => checked(1, 1).map(|_| space(&args[0], ctx)),
        "hex" => checked(1, 1).map(|_| hex(&args[0], ctx)),
        "unhex" => checked(1, 1).map(|_| unhex(&args[0])),
        "ascii" => checked(1, 1).map(|_| {
            map_text(&args[0], |t| {
                Value::Int(i64::from(t.first().copied().unwrap_or(0)))
            })
        }),
        "char" => checked(1, usize::MAX).map(|_| char_of(args, ctx)),
        "strcmp" => checked(2, 2).map(|_| strcmp(args)),
        "field" => checked(2, usize::MAX).map(|_| field(args)),
        "find_in_set" => checked(2, 2).map(|_| find_in_set(args)),
        "elt" => checked(2, usize::MAX).map(|_| elt(args, ctx)),
        "format" => checked(2, 3).map(|_| format_number(args, ctx)),
        _ => return None,
    })
}

/// Applies `f` to a value's bytes; NULL stays NULL.
fn map_text(v: &Value, f: impl FnOnce(&[u8]) -> Value) -> Value {
    to_text(v).map_or(Value::Null, |t| f(&t))
}

/// Applies `f` to a value's text; NULL stays NULL.
fn map_str(v: &Value, f: impl FnOnce(&str) -> Value) -> Value {
    to_text(v).map_or(Value::Null, |t| f(&String::from_utf8_lossy(&t)))
}

/// An integer argument (strings warn "INTEGER"); None for NULL.
fn int_arg(v: &Value, ctx: &mut dyn EvalContext) -> Option<i64> {
    with_warn(ctx, |w| to_i64(v, w))
}

fn concat(args: &[Value]) -> Value {
    let mut out = Vec::new();
    for a in args {
        match to_text(a) {
            Some(t) => out.extend(t),
            None => return Value::Null,
        }
    }
    Value::Bytes(out)
}

fn concat_ws(args: &[Value]) -> Value {
    let Some(sep) = to_text(&args[0]) else {
        return Value::Null;
    };
    let parts: Vec<Vec<u8>> = args[1..].iter().filter_map(to_text).collect();
    Value::Bytes(parts.join(sep.as_slice()))
}

/// Characters of a text from 1-based `pos` (negative: from the end), `len` of them.
fn substr_chars(s: &str, pos: i64, len: Option<i64>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let count = chars.len() as i64;
    let start = match pos {
        0 => return String::new(),
        p if p > 0 => p - 1,
        p => count + p,
    };
    if start < 0 || start >= count {
        return String::new();
    }
    let end = match len {
        Some(l) if l <= 0 => return String::new(),
        Some(l) => (start + l).min(count),
        None => count,
    };
    chars[start as usize..end as usize].iter().collect()
}

fn substring(args: &[Value], ctx: &mut dyn EvalContext) -> Value {
    let pos = int_arg(&args[1], ctx);
    let len = match args.get(2) {
        Some(l) => match int_arg(l, ctx) {
            Some(l) => Some(l),
            None => return Value::Null,
        },
        None => None,
    };
    match (to_text(&args[0]), pos) {
        (Some(t), Some(p)) => Value::text(&substr_chars(&String::from_utf8_lossy(&t), p, len)),
        _ => Value::Null,
    }
}

/// SUBSTRING_INDEX(s, delim, n): the text before the n-th delimiter, or
/// after the n-th from the end when n is negative; the match is exact.
fn substring_index(args: &[Value], ctx: &mut dyn EvalContext) -> Value {
    let count = int_arg(&args[2], ctx);
    let (Some(s), Some(delim), Some(count)) = (to_text(&args[0]), to_text(&args[1]), count) else {
        return Value::Null;
    };
    Value::Bytes(split_at_delimiter(&s, &delim, count).to_vec())
}

/// The part of `s` SUBSTRING_INDEX keeps: delimiters are found without
/// overlapping, from the left for a positive count, from the right otherwise.
fn split_at_delimiter<'a>(s: &'a [u8], delim: &[u8], count: i64) -> &'a [u8] {
    if delim.is_empty() || count == 0 || delim.len() > s.len() {
        return if count == 0 || delim.is_empty() {
            &[]
        } else {
            s
        };
    }
    let mut left = count.unsigned_abs();
    if count > 0 {
        let mut i = 0;
        while i + delim.len() <= s.len() {
            if s[i..].starts_with(delim) {
                left -= 1;
                if left == 0 {
                    return &s[..i];
                }
                i += delim.len();
            } else {
                i += 1;
            }
        }
    } else {
        let mut i = s.len() - delim.len();
        loop {
            if s[i..].starts_with(delim) {
                left -= 1;
                if left == 0 {
                    return &s[i + delim.len()..];
                }
                if i < delim.len() {
                    break;
                }
                i -= delim.len();
            } else if i == 0 {
                break;
            } else {
                i -= 1;
            }
        }
    }
    s
}

/// INSERT(s, pos, len, new): `len` characters from `pos` replaced by `new`;
/// a position outside the text leaves it as it is.
fn insert(args: &[Value], ctx: &mut dyn EvalContext) -> Value {
    let pos = int_arg(&args[1], ctx);
    let len = int_arg(&args[2], ctx);
    let (Some(s), Some(pos), Some(len), Some(new)) =
        (to_text(&args[0]), pos, len, to_text(&args[3]))
    else {
        return Value::Null;
    };
    let s = String::from_utf8_lossy(&s);
    Value::text(&replace_chars(&s, pos, len, &String::from_utf8_lossy(&new)))
}

/// The characters of `s` from 1-based `pos`, `len` of them (all when
/// negative or past the end), replaced by `new`.
fn replace_chars(s: &str, pos: i64, len: i64, new: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let count = chars.len() as i64;
    if pos < 1 || pos > count {
        return s.to_string();
    }
    let start = (pos - 1) as usize;
    let end = if len < 0 || len > count - pos + 1 {
        chars.len()
    } else {
        start + len as usize
    };
    let mut out: String = chars[..start].iter().collect();
    out.push_str(new);
    out.extend(&chars[end..]);
    out
}

/// `SUBSTRING(e FROM a FOR b)` and `SUBSTRING(e, a, b)`.
pub fn substring_expr(
    _whole: &Expr,
    e: &Expr,
    from: Option<&Expr>,
    len: Option<&Expr>,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let mut args = vec![evaluate(e, ctx)?];
    args.push(match from {
        Some(f) => evaluate(f, ctx)?,
        None => Value::Int(1),
    });
    if let Some(l) = len {
        args.push(evaluate(l, ctx)?);
    }
    Ok(substring(&args, ctx))
}

fn left_right(args: &[Value], left: bool, ctx: &mut dyn EvalContext) -> Value {
    let (Some(t), Some(n)) = (to_text(&args[0]), int_arg(&args[1], ctx)) else {
        return Value::Null;
    };
    let s = String::from_utf8_lossy(&t);
    let count = s.chars().count() as i64;
    let n = n.clamp(0, count);
    let out: String = if left {
        s.chars().take(n as usize).collect()
    } else {
        s.chars().skip((count - n) as usize).collect()
    };
    Value::text(&out)
}

/// Removes repeated `what` from the chosen ends of `v`.
fn trim_value(v: &Value, what: &Value, (lead, trail): (bool, bool)) -> Value {
    let (Some(t), Some(w)) = (to_text(v), to_text(what)) else {
        return Value::Null;
    };
    let mut s: &[u8] = &t;
    if !w.is_empty() {
        while lead && s.starts_with(&w) {
            s = &s[w.len()..];
        }
        while trail && s.ends_with(&w) {
            s = &s[..s.len() - w.len()];
        }
    }
    Value::Bytes(s.to_vec())
}

/// `TRIM([BOTH|LEADING|TRAILING] [what] FROM e)`.
pub fn trim_expr(
    w: Option<&TrimWhereField>,
    what: Option<&Expr>,
    e: &Expr,
    ctx: &mut dyn EvalContext,
) -> ServerResult<Value> {
    let v = evaluate(e, ctx)?;
    let what = match what {
        Some(x) => evaluate(x, ctx)?,
        None => Value::text(" "),
    };
    Ok(trim_value(&v, &what, trim_sides(w)))
}

fn replace(args: &[Value]) -> Value {
    let (Some(s), Some(from), Some(to)) = (to_text(&args[0]), to_text(&args[1]), to_text(&args[2]))
    else {
        return Value::Null;
    };
    if from.is_empty() {
        return Value::Bytes(s);
    }
    let (s, from, to) = (
        String::from_utf8_lossy(&s),
        String::from_utf8_lossy(&from),
        String::from_utf8_lossy(&to),
    );
    Value::text(&s.replace(from.as_ref(), to.as_ref()))
}

fn repeat(args: &[Value], ctx: &mut dyn EvalContext) -> Value {
    match (to_text(&args[0]), int_arg(&args[1], ctx)) {
        (Some(t), Some(n)) => Value::Bytes(t.repeat(n.clamp(0, 1 << 20) as usize)),
        _ => Value::Null,
    }
}

fn pad(args: &[Value], left: bool, ctx: &mut dyn EvalContext) -> Value {
    let (Some(t), Some(n), Some(p)) =
        (to_text(&args[0]), int_arg(&args[1], ctx), to_text(&args[2]))
    else {
        return Value::Null;
    };
    let s: Vec<char> = String::from_utf8_lossy(&t).chars().collect();
    let fill: Vec<char> = String::from_utf8_lossy(&p).chars().collect();
    let n = n.max(0) as usize;
    if n <= s.len() {
        return Value::text(&s[..n].iter().collect::<String>());
    }
    if fill.is_empty() {
        return Value::Null;
    }
    let padding: String = fill.iter().cycle().take(n - s.len()).collect();
    let body: String = s.iter().collect();
    Value::text(&if left {
        padding + &body
    } else {
        body + &padding
    })
}

/// 1-based position of `needle` in `hay` from `start`, case folded; 0 if absent.
fn locate(needle: &Value, hay: &Value, start: Option<&Value>, ctx: &mut dyn EvalContext) -> Value {
    let start = match start {
        Some(s) => match int_arg(s, ctx) {
            Some(s) => s,
            None => return Value::Null,
        },
        None => 1,
    };
    let (Some(n), Some(h)) = (to_text(needle), to_text(hay)) else {
        return Value::Null;
    };
    let n: Vec<char> = String::from_utf8_lossy(&n).chars().map(fold_char).collect();
    let h: Vec<char> = String::from_utf8_lossy(&h).chars().map(fold_char).collect();
    if start < 1 || start as usize > h.len() + 1 {
        return Value::Int(0);
    }
    let from = start as usize - 1;
    let found = (from..=h.len().saturating_sub(n.len()))
        .find(|&i| i + n.len() <= h.len() && h[i..i + n.len()] == n[..]);
    Value::Int(found.map_or(0, |i| i as i64 + 1))
}

fn space(v: &Value, ctx: &mut dyn EvalContext) -> Value {
    int_arg(v, ctx).map_or(Value::Null, |n| {
        Value::text(&" ".repeat(n.clamp(0, 1 << 20) as usize))
    })
}

fn hex(v: &Value, ctx: &mut dyn EvalContext) -> Value {
    let bits = match v {
        Value::Null => return Value::Null,
        Value::Bytes(b) => {
            return Value::text(&b.iter().map(|c| format!("{c:02X}")).collect::<String>());
        }
        Value::UInt(u) => *u,
        other => match with_warn(ctx, |w| to_num(other, w)) {
            Some(Num::Dbl(d)) => d.round() as i64 as u64,
            Some(n) => crate::sql::value::convert::num_to_i64(n) as u64,
            None => return Value::Null,
        },
    };
    Value::text(&format!("{bits:X}"))
}

fn unhex(v: &Value) -> Value {
    let Some(t) = to_text(v) else {
        return Value::Null;
    };
    let s = String::from_utf8_lossy(&t);
    let padded = if s.len() % 2 == 1 {
        format!("0{s}")
    } else {
        s.into_owned()
    };
    let bytes: Option<Vec<u8>> = padded
        .as_bytes()
        .chunks(2)
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    bytes.map_or(Value::Null, Value::Bytes)
}

/// CHAR(n, …): each integer as its big-endian bytes; NULLs skipped.
fn char_of(args: &[Value], ctx: &mut dyn EvalContext) -> Value {
    let mut out = Vec::new();
    for a in args {
        if let Some(n) = int_arg(a, ctx) {
            let bytes = (n as u32).to_be_bytes();
            let skip = bytes.iter().take_while(|&&b| b == 0).count().min(3);
            out.extend(&bytes[skip..]);
        }
    }
    Value::Bytes(out)
}

fn strcmp(args: &[Value]) -> Value {
    match (to_text(&args[0]), to_text(&args[1])) {
        (Some(a), Some(b)) => Value::Int(match compare_collated(&a, &b) {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        }),
        _ => Value::Null,
    }
}

/// FIELD(x, a, b, …): 1-based index of the first equal argument, else 0.
fn field(args: &[Value]) -> Value {
    if args[0].is_null() {
        return Value::Int(0);
    }
    let pos = args[1..]
        .iter()
        .position(|a| !a.is_null() && compare_values(&args[0], a) == Ordering::Equal);
    Value::Int(pos.map_or(0, |p| p as i64 + 1))
}

fn find_in_set(args: &[Value]) -> Value {
    let (Some(x), Some(set)) = (to_text(&args[0]), to_text(&args[1])) else {
        return Value::Null;
    };
    let pos = set
        .split(|&b| b == b',')
        .position(|item| compare_collated(item, &x) == Ordering::Equal && !x.contains(&b','));
    Value::Int(pos.map_or(0, |p| p as i64 + 1))
}

fn elt(args: &[Value], ctx: &mut dyn EvalContext) -> Value {
    match int_arg(&args[0], ctx) {
        Some(i) if i >= 1 && (i as usize) < args.len() => args[i as usize].clone(),
        _ => Value::Null,
    }
}

/// FORMAT(x, d): rounded to d decimals with thousands separators.
fn format_number(args: &[Value], ctx: &mut dyn EvalContext) -> Value {
    let d = with_warn(ctx, |w| to_decimal(&args[0], w));
    let places = int_arg(&args[1], ctx);
    let (Some(d), Some(places)) = (d, places) else {
        return Value::Null;
    };
    let Some(r) = d.rescale(places.clamp(0, 38) as u8) else {
        return Value::Null;
    };
    let text = r.to_string();
    let (sign, body) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |b| ("-", b));
    let (int, frac) = body
        .split_once('.')
        .map_or((body, None), |(i, f)| (i, Some(f)));
    let grouped = group_thousands(int);
    let negative_zero = sign == "-" && r.digits == 0;
    let sign = if negative_zero { "" } else { sign };
    Value::text(&match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    })
}

/// `1234567` → `1,234,567`.
fn group_thousands(int: &str) -> String {
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{replace_chars, split_at_delimiter};

    #[test]
    fn insert_replaces_characters_inside_the_text_only() {
        assert_eq!(replace_chars("Quadratic", 3, 4, "What"), "QuWhattic");
        assert_eq!(replace_chars("Quadratic", -1, 4, "What"), "Quadratic");
        assert_eq!(replace_chars("Quadratic", 10, 4, "What"), "Quadratic");
        assert_eq!(replace_chars("Quadratic", 3, 100, "What"), "QuWhat");
        assert_eq!(replace_chars("Quadratic", 3, -1, "What"), "QuWhat");
        assert_eq!(replace_chars("ab", 1, 0, "x"), "xab");
    }

    #[test]
    fn substring_index_counts_delimiters_from_either_end() {
        let cut = |s: &str, d: &str, n| {
            String::from_utf8(split_at_delimiter(s.as_bytes(), d.as_bytes(), n).to_vec()).unwrap()
        };
        assert_eq!(cut("www.mariadb.org", ".", 2), "www.mariadb");
        assert_eq!(cut("www.mariadb.org", ".", -2), "mariadb.org");
        assert_eq!(cut("www.mariadb.org", ".", 5), "www.mariadb.org");
        assert_eq!(cut("www.mariadb.org", ".", -5), "www.mariadb.org");
        assert_eq!(cut("a.b", ".", 0), "");
        assert_eq!(cut("a.b", "", 1), "");
        assert_eq!(cut("aaaa", "aa", 2), "aa");
        assert_eq!(cut("aaaa", "aa", -1), "");
        assert_eq!(cut("x", "long", 1), "x");
        assert_eq!(cut("a,b", ",", -1), "b");
        assert_eq!(cut(",b", ",", -2), ",b");
    }
}
