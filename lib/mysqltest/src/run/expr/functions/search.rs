//! Functions that find or cut within a string: `instr` and `locate`
//! (matching case- and accent-insensitively), `replace` and
//! `substring_index` (matching bytes exactly), `substr`/`substring` and
//! `insert` (1-based byte positions, negative ones counting from the end
//! where SQL does). Positions and lengths are integers read as signed.

use super::{c_int, expects, int, text};
use crate::run::expr::error::ExprError;
use crate::run::expr::value::Value;
use crate::run::latin1;

/// `instr(str, substr)`: 1-based position of the first match, or 0
/// (mysqltest ignores arguments after the second).
pub fn instr(args: &[Value]) -> Result<Value, ExprError> {
    expects(
        args,
        2,
        usize::MAX,
        "instr() expects 2 arguments (str, substr)",
    )?;
    Ok(Value::signed(position(&text(&args[0]), &text(&args[1]), 1)))
}

/// `locate(substr, str [, start])`.
pub fn locate(args: &[Value]) -> Result<Value, ExprError> {
    expects(
        args,
        2,
        3,
        "locate() expects 2 or 3 arguments (substr, str [, start])",
    )?;
    let start = match args.get(2) {
        Some(v) => int(v, "locate() start position must be numeric")?,
        None => 1,
    };
    Ok(Value::signed(position(
        &text(&args[1]),
        &text(&args[0]),
        start,
    )))
}

/// Where `needle` first matches `hay` at or after 1-based `start`, or 0.
fn position(hay: &[u8], needle: &[u8], start: i64) -> i64 {
    let Some(from) = start.checked_sub(1).and_then(|s| usize::try_from(s).ok()) else {
        return 0;
    };
    latin1::find(hay, needle, from).map_or(0, |p| p as i64 + 1)
}

/// `replace(str, from, to)`: every `from`, left to right, becomes `to`.
pub fn replace(args: &[Value]) -> Result<Value, ExprError> {
    expects(args, 3, 3, "replace() expects 3 arguments (str, from, to)")?;
    let (Value::Str(s), Value::Str(from), Value::Str(to)) = (&args[0], &args[1], &args[2]) else {
        return Err(ExprError::function("replace() arguments must be strings"));
    };
    if from.is_empty() {
        return Ok(Value::Str(s.clone()));
    }
    let mut out = Vec::with_capacity(s.len());
    let mut rest = &s[..];
    while let Some(p) = find_exact(rest, from) {
        out.extend_from_slice(&rest[..p]);
        out.extend_from_slice(to);
        rest = &rest[p + from.len()..];
    }
    out.extend_from_slice(rest);
    Ok(Value::Str(out))
}

/// The first exact occurrence of a non-empty `needle`.
fn find_exact(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `substr(str, start [, length])`, also `substring`.
pub fn substr(args: &[Value]) -> Result<Value, ExprError> {
    expects(
        args,
        2,
        3,
        "substr() expects 2 or 3 arguments (str, start [, length])",
    )?;
    let Value::Str(s) = &args[0] else {
        return Err(ExprError::function(
            "substr() first argument must be a string",
        ));
    };
    let start = c_int(&args[1], "substr() start position must be numeric")?;
    let length = match args.get(2) {
        Some(v) => Some(c_int(v, "substr() length must be numeric")?),
        None => None,
    };
    Ok(Value::str(cut(s, start, length)))
}

/// SQL's `SUBSTRING` on bytes.
fn cut(s: &[u8], start: i64, length: Option<i64>) -> &[u8] {
    let len = s.len() as i128;
    let start = i128::from(start);
    let from = match start {
        0 => return b"",
        1.. => start - 1,
        _ => len + start,
    };
    if from < 0 || from >= len {
        return b"";
    }
    let available = len - from;
    let take = match length {
        Some(n) if n <= 0 => return b"",
        Some(n) => i128::from(n).min(available),
        None => available,
    };
    &s[from as usize..(from + take) as usize]
}

/// `substring_index(str, delimiter, count)`: the text before the count-th
/// delimiter, or after the count-th from the end when count is negative.
pub fn substring_index(args: &[Value]) -> Result<Value, ExprError> {
    expects(
        args,
        3,
        3,
        "substring_index() expects 3 arguments (str, delimiter, count)",
    )?;
    let count = c_int(&args[2], "substring_index() count must be numeric")?;
    let (s, delimiter) = (text(&args[0]), text(&args[1]));
    if count == 0 || delimiter.is_empty() {
        return Ok(Value::str(""));
    }
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(p) = find_exact(&s[at..], &delimiter) {
        found.push(at + p);
        at += p + delimiter.len();
    }
    let wanted = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
    if wanted > found.len() {
        return Ok(Value::str(&s[..]));
    }
    Ok(Value::str(if count > 0 {
        &s[..found[wanted - 1]]
    } else {
        &s[found[found.len() - wanted] + delimiter.len()..]
    }))
}

/// `insert(str, pos, len, newstr)`: `len` bytes from `pos` become `newstr`;
/// a position outside the string changes nothing.
pub fn insert(args: &[Value]) -> Result<Value, ExprError> {
    expects(
        args,
        4,
        4,
        "insert() expects 4 arguments (str, pos, len, newstr)",
    )?;
    let pos = c_int(&args[1], "insert() position must be numeric")?;
    let length = c_int(&args[2], "insert() length must be numeric")?;
    let (s, new) = (text(&args[0]), text(&args[3]));
    let len = s.len() as i128;
    let pos = i128::from(pos);
    if pos < 1 || pos > len {
        return Ok(Value::str(&s[..]));
    }
    let from = (pos - 1) as usize;
    let rest = len - from as i128;
    let length = i128::from(length);
    let cut = if length < 0 || length > rest {
        rest
    } else {
        length
    } as usize;
    let mut out = s[..from].to_vec();
    out.extend_from_slice(&new);
    out.extend_from_slice(&s[from + cut..]);
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
    fn finding() {
        assert_eq!(call("instr", vec![s("Hello World"), s("hello")]), "1");
        assert_eq!(call("instr", vec![s(""), s("")]), "1");
        assert_eq!(call("instr", vec![i(123), s("world")]), "0");
        assert_eq!(call("instr", vec![s("hello"), s("l"), s("x")]), "3");
        assert_eq!(call("locate", vec![s("l"), s("hello"), i(4294967299)]), "0");
        assert_eq!(call("locate", vec![s("o"), s("hello world"), i(6)]), "8");
        assert_eq!(call("locate", vec![s(""), s("hello"), i(6)]), "6");
        assert_eq!(call("locate", vec![s(""), s("hello"), i(7)]), "0");
        assert_eq!(call("locate", vec![s("l"), s("hello"), i(-1)]), "0");
        assert_eq!(
            call("locate", vec![s("l"), s("hello"), s("2")]),
            "locate() start position must be numeric"
        );
    }

    #[test]
    fn replacing() {
        assert_eq!(call("replace", vec![s("aaaa"), s("aa"), s("b")]), "bb");
        assert_eq!(call("replace", vec![s("aAa"), s("a"), s("x")]), "xAx");
        assert_eq!(call("replace", vec![s("abc"), s(""), s("x")]), "abc");
        assert_eq!(
            call("replace", vec![i(1), s("a"), s("b")]),
            "replace() arguments must be strings"
        );
    }

    #[test]
    fn substrings() {
        let sub = |start: i64, len: i64| call("substr", vec![s("hello"), i(start), i(len)]);
        assert_eq!(sub(-5, 2), "he");
        assert_eq!(sub(-6, 7), "");
        assert_eq!(sub(0, 3), "");
        assert_eq!(sub(2, 7), "ello");
        assert_eq!(sub(5, 1), "o");
        assert_eq!(sub(6, 1), "");
        assert_eq!(sub(1, -1), "");
        assert_eq!(
            call("substr", vec![s("abc"), Value::unsigned(u64::MAX)]),
            "c"
        );
        assert_eq!(
            call("substr", vec![s("hello"), i(4294967298), i(4294967297)]),
            "e"
        );
        assert_eq!(
            call("substring", vec![i(123), i(1)]),
            "substr() first argument must be a string"
        );
    }

    #[test]
    fn substring_index_splits_left_to_right() {
        let idx = |str: &str, d: &str, n: i64| call("substring_index", vec![s(str), s(d), i(n)]);
        assert_eq!(idx("www.mariadb.org", ".", 2), "www.mariadb");
        assert_eq!(idx("www.mariadb.org", ".", -2), "mariadb.org");
        assert_eq!(idx("a.b.c", ".", 5), "a.b.c");
        assert_eq!(idx("aaa", "aa", -1), "a");
        assert_eq!(idx("aaaa", "aa", 2), "aa");
        assert_eq!(idx("mariadb", "A", 1), "mariadb");
        assert_eq!(idx("x", "", 1), "");
    }

    #[test]
    fn inserting() {
        let ins = |pos: i64, len: i64, new: &str| {
            call("insert", vec![s("Quadratic"), i(pos), i(len), s(new)])
        };
        assert_eq!(ins(3, 4, "What"), "QuWhattic");
        assert_eq!(ins(-1, 4, "What"), "Quadratic");
        assert_eq!(ins(3, 100, "What"), "QuWhat");
        assert_eq!(ins(4, -2, "wow"), "Quawow");
        assert_eq!(ins(4, 0, "wow"), "Quawowdratic");
        assert_eq!(ins(10, 1, "x"), "Quadratic");
        assert_eq!(ins(4294967298, 1, "X"), "QXadratic");
    }
}
