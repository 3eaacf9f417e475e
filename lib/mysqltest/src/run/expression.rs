//! Values computed from text, as mysqltest's `eval_expr` does: a `$var`, a
//! backquoted query (its first row, fields joined by tabs), a
//! `query_get_value(query, column, row)`, or the text itself. `let` assigns
//! them; `if`/`while` test them, alone or compared with `== != < <= > >=`,
//! or test the value of a `$(…)` expression that is the whole condition.

use super::eval::variable_at;
use super::expr;
use super::flow::{Stop, show};
use super::interpreter::Interpreter;
use super::variables::Value;
use crate::client::Response;
use crate::script::Command;
use crate::script::args::split_args_full;
use crate::script::lexer::is_space;

/// A comparison in a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Operator {
    /// The operator at the start of `text` and its length.
    fn at(text: &[u8]) -> Option<(Operator, usize)> {
        Some(match text {
            [b'=', b'=', ..] => (Operator::Eq, 2),
            [b'!', b'=', ..] => (Operator::Ne, 2),
            [b'>', b'=', ..] => (Operator::Ge, 2),
            [b'>', ..] => (Operator::Gt, 1),
            [b'<', b'=', ..] => (Operator::Le, 2),
            [b'<', ..] => (Operator::Lt, 1),
            _ => return None,
        })
    }
}

impl Interpreter {
    /// `let $name= value` (without `$`, also exported to the environment).
    pub(crate) fn cmd_let(&mut self, command: &Command) -> Result<(), Stop> {
        let arg = command.argument();
        if arg.is_empty() {
            return Err(Stop::die("Missing arguments to let"));
        }
        let name_end = arg
            .iter()
            .position(|&b| b == b'=' || is_space(b))
            .unwrap_or(arg.len());
        let name = &arg[..name_end];
        if name.is_empty() || name == b"$" {
            return Err(Stop::die("Missing variable name in let"));
        }
        let mut p = name_end + arg[name_end..].iter().take_while(|b| is_space(**b)).count();
        if arg.get(p) != Some(&b'=') {
            return Err(Stop::die("Missing assignment operator in let"));
        }
        p += 1;
        p += arg[p..].iter().take_while(|b| is_space(**b)).count();
        let rhs = self.expand(&arg[p..], false)?;
        let value = self.eval_expr(&rhs, false)?;
        let (export, name) = match name.strip_prefix(b"$") {
            Some(stripped) => (false, stripped),
            None => (true, name),
        };
        self.vars.set(name, value, export);
        self.props.revert(&mut self.vars);
        Ok(())
    }

    /// mysqltest's `eval_expr`.
    pub(crate) fn eval_expr(&mut self, text: &[u8], open_end: bool) -> Result<Value, Stop> {
        match text.first() {
            Some(b'$') => {
                let (name, end) = variable_at(text, 0)?;
                if !open_end && end < text.len() {
                    return Err(Stop::die(format!(
                        "Found junk '{}' after $variable in expression",
                        show(&text[end..])
                    )));
                }
                Ok(self.vars.get(name))
            }
            Some(b'`') => self.query_value(text),
            _ if text.starts_with(b"query_get_value") => {
                self.query_get_value(&text[b"query_get_value".len()..])
            }
            _ => Ok(Value::new(text)),
        }
    }

    /// `` `query` ``: the first row's fields joined by tabs (a NULL first
    /// field gives an empty value), rewritten by active replacements.
    fn query_value(&mut self, text: &[u8]) -> Result<Value, Stop> {
        let mut end = text.len() - 1;
        while end > 0 && text[end] != b'`' {
            if !matches!(text[end], b' ' | b'\t' | b'\n' | b')') {
                return Err(Stop::die("Spurious text after `query` expression"));
            }
            end -= 1;
        }
        if end == 0 {
            return Err(Stop::die("Syntax error in query, missing '`'"));
        }
        let query = self.expand(&text[1..end], false)?;
        let Some(rs) = self.query_for_value(&query)? else {
            return Ok(Value::default());
        };
        let Some(row) = rs.rows.first() else {
            return Ok(Value::default());
        };
        if row.first().is_none_or(Option::is_none) {
            return Ok(Value::default());
        }
        let mut joined = Vec::new();
        for field in row {
            if let Some(field) = field {
                if self.rep.rewrites_values() {
                    joined.extend_from_slice(&self.rep.rewrite_value(field));
                } else {
                    joined.extend_from_slice(field);
                }
            }
            joined.push(b'\t');
        }
        joined.pop();
        Ok(Value::new(joined))
    }

    /// Runs a query whose result feeds a value; an accepted error gives `None`.
    fn query_for_value(&mut self, query: &[u8]) -> Result<Option<crate::client::ResultSet>, Stop> {
        let current = self.current_session()?;
        let mut ds = Vec::new();
        if self.sessions[current].conn.is_none() {
            let result =
                self.handle_error(2006, b"MariaDB server has gone away", "000000", &mut ds);
            self.out.push(&ds);
            return result.map(|()| None);
        }
        match self.with_connection(current, |c| c.query(query)) {
            Ok(responses) => {
                if let Some(last) = responses.last() {
                    self.sessions[current].status = last.status_flags();
                }
                match responses.into_iter().next() {
                    Some(Response::ResultSet(rs)) => Ok(Some(rs)),
                    _ => {
                        let result = self.handle_error(0, b"", "00000", &mut ds);
                        self.out.push(&ds);
                        result.map(|()| None)
                    }
                }
            }
            Err(err) => {
                let result = self.handle_error(
                    u32::from(err.code()),
                    err.message(),
                    err.sqlstate(),
                    &mut ds,
                );
                self.out.push(&ds);
                result.map(|()| None)
            }
        }
    }

    /// `query_get_value(query, column, row)`.
    fn query_get_value(&mut self, args: &[u8]) -> Result<Value, Stop> {
        let inner = strip_parentheses(args)?;
        let split = split_args_full(inner, b',', 3);
        let mut values = Vec::new();
        for (value, name) in split
            .values
            .iter()
            .zip(["query", "column name", "row number"])
        {
            let expanded = self.expand(value, false)?;
            if expanded.is_empty() {
                return Err(Stop::die(format!(
                    "Missing required argument '{name}' to command 'query_get_value'"
                )));
            }
            values.push(expanded);
        }
        let row_text = show(&values[2]);
        let row: usize = row_text
            .trim()
            .parse()
            .map_err(|_| Stop::die(format!("Invalid row number: '{row_text}'")))?;
        let query = strip_double_quotes(&values[0])?;
        let Some(rs) = self.query_for_value(&query)? else {
            return Ok(Value::default());
        };
        let column = rs
            .columns
            .iter()
            .position(|c| c.name == values[1])
            .ok_or_else(|| {
                Stop::die(format!(
                    "Could not find column '{}' in the result of '{}'",
                    show(&values[1]),
                    show(&query)
                ))
            })?;
        let value: &[u8] = match row.checked_sub(1).and_then(|r| rs.rows.get(r)) {
            Some(fields) => fields[column].as_deref().unwrap_or(b"NULL"),
            None => b"No such row",
        };
        Ok(Value::new(value))
    }

    /// The condition of `if`/`while`.
    pub(crate) fn evaluate_condition(
        &mut self,
        command: &Command,
        is_while: bool,
    ) -> Result<bool, Stop> {
        let what = if is_while { "while" } else { "if" };
        let arg = command.argument();
        let open = arg
            .iter()
            .position(|&b| b == b'(')
            .ok_or_else(|| Stop::die(format!("missing '(' in {what}")))?;
        let mut start = open + 1;
        start += arg[start..].iter().take_while(|b| is_space(**b)).count();
        let negate = arg.get(start) == Some(&b'!');
        if negate {
            start += 1;
            start += arg[start..].iter().take_while(|b| is_space(**b)).count();
        }
        let truth = if arg[start..].starts_with(b"$(") {
            self.expression_condition(arg, start, what)?
        } else {
            self.plain_condition(arg, start, negate, what)?
        };
        Ok(truth != negate)
    }

    /// A condition that is one `$(…)`, alone up to the closing parenthesis.
    fn expression_condition(&mut self, arg: &[u8], start: usize, what: &str) -> Result<bool, Stop> {
        let close =
            expr::closing_paren(arg, start + 1).ok_or_else(|| expr::unmatched(arg, start))?;
        let after = close
            + 1
            + arg[close + 1..]
                .iter()
                .take_while(|b| is_space(**b))
                .count();
        if arg.get(after) != Some(&b')') {
            return Err(Stop::die(
                "Expression evaluator $(...) must be the entire condition",
            ));
        }
        check_block_opens(&arg[after + 1..], what)?;
        let inner = self.expand(&arg[start + 2..close], false)?;
        let value = expr::evaluate(&inner)?;
        Ok(is_true(&Value::new(value.to_text())))
    }

    /// A condition that is a `$var` (maybe compared), a query or a number.
    fn plain_condition(
        &mut self,
        arg: &[u8],
        start: usize,
        negate: bool,
        what: &str,
    ) -> Result<bool, Stop> {
        let close = arg[start..]
            .iter()
            .rposition(|&b| b == b')')
            .map(|i| i + start)
            .ok_or_else(|| Stop::die(format!("missing ')' in {what}")))?;
        check_block_opens(&arg[close + 1..], what)?;
        let expr = &arg[start..close];
        if expr.first() == Some(&b'$') {
            return self.variable_condition(expr, negate);
        }
        if !(expr.first() == Some(&b'`') || expr.first().is_some_and(u8::is_ascii_digit)) {
            return Err(Stop::die(
                "Expression in if/while must begin with $, ` or a number",
            ));
        }
        let value = self.eval_expr(expr, false)?;
        Ok(is_true(&value))
    }

    /// `$var`, or `$var op operand`.
    fn variable_condition(&mut self, expr: &[u8], negate: bool) -> Result<bool, Stop> {
        let (name, end) = variable_at(expr, 0)?;
        let left = self.vars.get(name);
        let rest = &expr[end..];
        let rest = &rest[rest.iter().take_while(|b| is_space(**b)).count()..];
        if rest.is_empty() {
            return Ok(is_true(&left));
        }
        let Some((op, len)) = Operator::at(rest) else {
            return Err(Stop::die(format!(
                "Found junk '{}' after $variable in condition",
                show(rest)
            )));
        };
        if negate {
            return Err(Stop::die(
                "Negation and comparison should not be combined, please rewrite",
            ));
        }
        let mut right = &rest[len..];
        right = &right[right.iter().take_while(|b| is_space(**b)).count()..];
        if right.is_empty() {
            return Err(Stop::die("Missing right operand in comparison"));
        }
        let trimmed = right
            .iter()
            .rposition(|b| !is_space(*b))
            .map_or(0, |i| i + 1);
        right = &right[..trimmed];
        if matches!(right[0], b'\'' | b'"') {
            if right.len() < 2 || right[right.len() - 1] != right[0] {
                return Err(Stop::die("Unterminated string value"));
            }
            right = &right[1..right.len() - 1];
        }
        let right = self.eval_expr(right, false)?;
        compare(&left, op, &right)
    }
}

/// Only a `{` may follow the condition of `if`/`while` on its line.
fn check_block_opens(after: &[u8], what: &str) -> Result<(), Stop> {
    let after = &after[after.iter().take_while(|b| is_space(**b)).count()..];
    if !after.is_empty() && after[0] != b'{' {
        return Err(Stop::die(format!(
            "Missing '{{' after {what}. Found \"{}\"",
            show(after)
        )));
    }
    Ok(())
}

/// A comparison's result; only `==`/`!=` apply to non-numbers.
fn compare(left: &Value, op: Operator, right: &Value) -> Result<bool, Stop> {
    let both_int = left.int().is_some() && right.int().is_some();
    if !matches!(op, Operator::Eq | Operator::Ne) && !both_int {
        return Err(Stop::die("Only == and != are supported for string values"));
    }
    let (l, r) = (left.int_or_zero(), right.int_or_zero());
    Ok(match op {
        Operator::Eq if left.int().is_some() => right.int() == Some(l),
        Operator::Eq => left.as_bytes() == right.as_bytes(),
        Operator::Ne if left.int().is_some() => right.int() != Some(l),
        Operator::Ne => left.as_bytes() != right.as_bytes(),
        Operator::Lt => l < r,
        Operator::Le => l <= r,
        Operator::Gt => l > r,
        Operator::Ge => l >= r,
    })
}

/// A value is true when it is a non-zero number, or text whose first
/// character after blanks and signs is not `0`.
fn is_true(value: &Value) -> bool {
    if let Some(n) = value.int() {
        return n != 0;
    }
    value
        .as_bytes()
        .iter()
        .find(|&&b| !(is_space(b) || b == b'-' || b == b'+'))
        .is_some_and(|&b| b != b'0')
}

/// `(…)` around the arguments of `query_get_value`.
fn strip_parentheses(text: &[u8]) -> Result<&[u8], Stop> {
    let start = text.iter().take_while(|b| is_space(**b)).count();
    if text.get(start) != Some(&b'(') {
        return Ok(text);
    }
    let end = text.iter().rposition(|b| !is_space(*b)).unwrap_or(0);
    if text[end] != b')' {
        return Err(Stop::die(
            "query_get_value - argument list started with '(' must be ended with ')'",
        ));
    }
    Ok(&text[start + 1..end])
}

/// Removes `"` around a query, as mysqltest does for `query_get_value`.
fn strip_double_quotes(query: &[u8]) -> Result<Vec<u8>, Stop> {
    let start = query.iter().take_while(|b| is_space(**b)).count();
    if query.get(start) != Some(&b'"') {
        return Ok(query.to_vec());
    }
    let end = query.iter().rposition(|b| !is_space(*b)).unwrap_or(0);
    if end == start || query[end] != b'"' {
        return Err(Stop::die(format!(
            "Mismatched \"'s around query '{}'",
            show(query)
        )));
    }
    let mut out = query[..end].to_vec();
    out[start] = b' ';
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_follows_mysqltest() {
        assert!(is_true(&Value::new("1")));
        assert!(!is_true(&Value::new("0")));
        assert!(is_true(&Value::new("abc")));
        assert!(!is_true(&Value::new("")));
        assert!(is_true(&Value::new("-5")));
        assert!(!is_true(&Value::new(" 0x")));
    }

    #[test]
    fn comparisons() {
        let v = |s: &str| Value::new(s);
        assert!(compare(&v("10"), Operator::Gt, &v("9")).unwrap());
        assert!(compare(&v("abc"), Operator::Eq, &v("abc")).unwrap());
        assert!(compare(&v("abc"), Operator::Ne, &v("abd")).unwrap());
        assert!(compare(&v("1"), Operator::Eq, &v("abc")).is_ok_and(|b| !b));
        assert!(compare(&v("abc"), Operator::Lt, &v("b")).is_err());
    }

    #[test]
    fn operators() {
        assert_eq!(Operator::at(b">= 1"), Some((Operator::Ge, 2)));
        assert_eq!(Operator::at(b"< 1"), Some((Operator::Lt, 1)));
        assert_eq!(Operator::at(b"= 1"), None);
    }
}
