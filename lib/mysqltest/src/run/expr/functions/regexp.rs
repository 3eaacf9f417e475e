//! `regexp_instr`, `regexp_substr` and `regexp_replace`. Patterns are
//! PCRE-style, matched against bytes, case-insensitively unless the pattern
//! says `(?-i)`, with `.` matching newlines, as mysqltest compiles them.
//! `regexp_replace` matches again on what is left after each match (so `^`
//! matches there too), steps over one byte after an empty match (dropping
//! it), expands `\0`–`\9`, and leaves the subject alone for an empty
//! pattern. Compile errors are reported in the words of PCRE's POSIX layer.

use regex::bytes::{Captures, Regex, RegexBuilder};

use super::{expects, text};
use crate::run::expr::error::ExprError;
use crate::run::expr::value::Value;
use crate::run::replace::pcre_to_rust;

/// `regexp_instr(subject, pattern)`: 1-based start of the first match, or 0.
pub fn regexp_instr(args: &[Value]) -> Result<Value, ExprError> {
    expects(
        args,
        2,
        2,
        "regexp_instr() expects 2 arguments (subject, pattern)",
    )?;
    let regex = compile(&text(&args[1]))?;
    let found = regex
        .find(&text(&args[0]))
        .map_or(0, |m| m.start() as i64 + 1);
    Ok(Value::signed(found))
}

/// `regexp_substr(subject, pattern)`: the first match, or the empty string.
pub fn regexp_substr(args: &[Value]) -> Result<Value, ExprError> {
    expects(
        args,
        2,
        2,
        "regexp_substr() expects 2 arguments (subject, pattern)",
    )?;
    let regex = compile(&text(&args[1]))?;
    let subject = text(&args[0]);
    Ok(Value::str(
        regex.find(&subject).map_or(&b""[..], |m| m.as_bytes()),
    ))
}

/// `regexp_replace(subject, pattern, replacement)`.
pub fn regexp_replace(args: &[Value]) -> Result<Value, ExprError> {
    expects(
        args,
        3,
        3,
        "regexp_replace() expects 3 arguments (subject, pattern, replace)",
    )?;
    let (subject, pattern, replacement) = (text(&args[0]), text(&args[1]), text(&args[2]));
    if pattern.is_empty() {
        return Ok(Value::str(&subject[..]));
    }
    let regex = compile(&pattern)?;
    let mut out = Vec::with_capacity(subject.len());
    let mut pos = 0;
    while pos < subject.len() {
        let rest = &subject[pos..];
        let Some(caps) = regex.captures(rest) else {
            out.extend_from_slice(rest);
            break;
        };
        let whole = caps.get(0).map_or(0..0, |m| m.range());
        out.extend_from_slice(&rest[..whole.start]);
        expand(&caps, &replacement, &mut out);
        pos += if whole.is_empty() {
            whole.start + 1
        } else {
            whole.end
        };
    }
    Ok(Value::Str(out))
}

/// Appends `replacement` with `\N` standing for group N when it matched.
fn expand(caps: &Captures<'_>, replacement: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < replacement.len() {
        let group = match (replacement[i], replacement.get(i + 1)) {
            (b'\\', Some(d)) if d.is_ascii_digit() => caps.get(usize::from(d - b'0')),
            _ => None,
        };
        match group {
            Some(m) => {
                out.extend_from_slice(m.as_bytes());
                i += 2;
            }
            None => {
                out.push(replacement[i]);
                i += 1;
            }
        }
    }
}

/// Compiles a pattern the way mysqltest does.
fn compile(pattern: &[u8]) -> Result<Regex, ExprError> {
    let error = |message: String, offset: usize| {
        ExprError::function(format!("Regex error: {message} at offset {offset:<6}\n"))
    };
    if let Some((message, offset)) = diagnose(pattern) {
        return Err(error(message, offset));
    }
    RegexBuilder::new(&pcre_to_rust(pattern))
        .unicode(false)
        .dot_matches_new_line(true)
        .case_insensitive(true)
        .build()
        .map_err(|e| error(format!("not supported by rmtr: {e}"), 0))
}

/// The POSIX message and offset PCRE gives for a common mistake in
/// `pattern`, if it has one.
fn diagnose(p: &[u8]) -> Option<(String, usize)> {
    let fail = |m: &str, at: usize| Some((m.to_string(), at));
    let mut open = Vec::new();
    let mut can_repeat = false;
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            b'\\' => {
                i += 1;
                can_repeat = true;
            }
            b'[' => {
                if let Err((m, at)) = class_end(p, i).map(|end| i = end) {
                    return fail(m, at);
                }
                can_repeat = true;
            }
            b'(' => {
                open.push(i);
                if p.get(i + 1) == Some(&b'?') {
                    i += 1;
                }
                can_repeat = false;
            }
            b')' => {
                if open.pop().is_none() {
                    return fail("unbalanced ()", i);
                }
                can_repeat = true;
            }
            b'|' => can_repeat = false,
            b'*' | b'+' | b'?' => {
                if !can_repeat {
                    return fail("? * + invalid", i);
                }
                if matches!(p.get(i + 1), Some(b'?' | b'+')) {
                    i += 1;
                }
                can_repeat = false;
            }
            b'{' => match repeat_counts(p, i) {
                Some((_, close)) if !can_repeat => return fail("? * + invalid", close),
                Some((true, close)) => {
                    i = close;
                    can_repeat = false;
                }
                Some((false, close)) => return fail("invalid repeat counts in {}", close),
                None => can_repeat = true,
            },
            _ => can_repeat = true,
        }
        i += 1;
    }
    if !open.is_empty() {
        return fail("unbalanced ()", p.len());
    }
    None
}

/// The offset of the `]` closing the class opened at `p[start]`.
fn class_end(p: &[u8], start: usize) -> Result<usize, (&'static str, usize)> {
    let mut i = start + 1;
    if p.get(i) == Some(&b'^') {
        i += 1;
    }
    if p.get(i) == Some(&b']') {
        i += 1;
    }
    let mut previous: Option<u8> = None;
    while i < p.len() {
        match p[i] {
            b']' => return Ok(i),
            b'[' if p.get(i + 1) == Some(&b':') => {
                let name_end = p[i + 2..]
                    .windows(2)
                    .position(|w| w == b":]")
                    .map(|n| i + 2 + n);
                match name_end {
                    Some(end) if is_class_name(&p[i + 2..end]) => i = end + 1,
                    _ => return Err(("bad class", i + 2)),
                }
                previous = None;
            }
            b'\\' => {
                previous = p.get(i + 1).copied();
                i += 1;
            }
            b'-' if previous.is_some() && p.get(i + 1).is_some_and(|&b| b != b']') => {
                let (low, high) = (previous.unwrap_or(0), p[i + 1]);
                if high < low {
                    return Err(("bad range inside []", i + 1));
                }
                i += 1;
                previous = None;
            }
            b => previous = Some(b),
        }
        i += 1;
    }
    Err(("unbalanced []", p.len()))
}

/// POSIX class names PCRE knows.
fn is_class_name(name: &[u8]) -> bool {
    const NAMES: &[&[u8]] = &[
        b"alpha", b"lower", b"upper", b"alnum", b"ascii", b"blank", b"cntrl", b"digit", b"graph",
        b"print", b"punct", b"space", b"word", b"xdigit",
    ];
    NAMES.contains(&name)
}

/// For `{n}`, `{n,}` or `{n,m}` at `p[start]`: whether the counts are in
/// order, and the offset of `}`.
fn repeat_counts(p: &[u8], start: usize) -> Option<(bool, usize)> {
    let close = start + p[start..].iter().position(|&b| b == b'}')?;
    let inner = std::str::from_utf8(&p[start + 1..close]).ok()?;
    let (low, high) = inner.split_once(',').unwrap_or((inner, inner));
    let low: u64 = low.parse().ok()?;
    if high.is_empty() {
        return Some((true, close));
    }
    let high: u64 = high.parse().ok()?;
    Some((low <= high, close))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{i, run, s, shown};
    use crate::run::expr::value::Value;

    fn call(name: &str, args: Vec<Value>) -> String {
        shown(run(name, args))
    }

    fn replace(subject: &str, pattern: &str, with: &str) -> String {
        call("regexp_replace", vec![s(subject), s(pattern), s(with)])
    }

    #[test]
    fn matching_ignores_case_unless_told() {
        assert_eq!(call("regexp_instr", vec![s("abc"), s("B")]), "2");
        assert_eq!(call("regexp_instr", vec![s("ABC"), s("(?-i)b")]), "0");
        assert_eq!(call("regexp_instr", vec![s(""), s("")]), "1");
        assert_eq!(call("regexp_instr", vec![s("BJÖRN"), s("N")]), "6");
        assert_eq!(call("regexp_instr", vec![i(123), i(2)]), "2");
        assert_eq!(call("regexp_substr", vec![s("ab12cd"), s("[0-9]+")]), "12");
        assert_eq!(call("regexp_substr", vec![s("abcd"), s("[0-9]+")]), "");
    }

    #[test]
    fn replacing_follows_mysqltest() {
        assert_eq!(
            replace("James Bond", "^(.*) (.*)$", "\\2, \\1"),
            "Bond, James"
        );
        assert_eq!(replace("aaa", "^a", "b"), "bbb");
        assert_eq!(replace("abc", "b*", "-"), "---");
        assert_eq!(replace("abcd", "c*", "-"), "----");
        assert_eq!(replace("ABC", "", "A"), "ABC");
        assert_eq!(replace("ab", "(a)|(b)", "[\\1\\2]"), "[a\\2][\\1b]");
        assert_eq!(replace("ABC", "b", "$A"), "A$AC");
        assert_eq!(replace("", ".", "x"), "");
        assert_eq!(
            replace("<html><head><title>title</title></head>", "<.+?>", " "),
            "   title  "
        );
    }

    #[test]
    fn compile_errors_read_like_pcre() {
        let err = |p: &str| call("regexp_instr", vec![s("ab"), s(p)]);
        assert_eq!(err("["), "Regex error: unbalanced [] at offset 1     \n");
        assert_eq!(err("a)"), "Regex error: unbalanced () at offset 1     \n");
        assert_eq!(err("(?"), "Regex error: unbalanced () at offset 2     \n");
        assert_eq!(err("*"), "Regex error: ? * + invalid at offset 0     \n");
        assert_eq!(err("a**"), "Regex error: ? * + invalid at offset 2     \n");
        assert_eq!(
            err("[b-a]"),
            "Regex error: bad range inside [] at offset 3     \n"
        );
        assert_eq!(
            err("x{2,1}"),
            "Regex error: invalid repeat counts in {} at offset 5     \n"
        );
        assert_eq!(
            err("[[:foo:]]"),
            "Regex error: bad class at offset 3     \n"
        );
    }
}
