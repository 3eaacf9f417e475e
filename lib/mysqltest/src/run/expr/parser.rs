//! The grammar of `$(…)`, parsed by recursive descent and evaluated as it
//! is parsed, as mysqltest does (so the first error in reading order wins,
//! and `0 && 1/0` still divides by zero). Levels, loosest first:
//! `||`, `&&`, `== !=`, `< <= > >=`, `|`, `&`, `<< >>`, `+ -`, `* / %`, `^`,
//! then prefix `! - ~`, then a primary: `( expr )`, a quoted string, a
//! function call `name(args)`, or an unquoted word. Text enters after its
//! variables are expanded; a [`Value`] or an [`ExprError`] leaves.

use super::error::ExprError;
use super::functions;
use super::lexer::Cursor;
use super::literal::word_value;
use super::operators::{self, LEVELS, Unary};
use super::value::Value;

/// Most arguments a function call takes.
const MAX_ARGUMENTS: usize = 100;

/// Deepest nesting of parentheses and prefix operators rmtr follows.
const MAX_DEPTH: usize = 200;

/// Evaluates a whole expression text.
pub fn evaluate(text: &[u8]) -> Result<Value, ExprError> {
    let mut parser = Parser {
        cursor: Cursor::new(text),
        depth: 0,
    };
    let value = parser.expression()?;
    if !parser.cursor.at_end() {
        return Err(ExprError::TrailingText(
            String::from_utf8_lossy(text).into_owned(),
        ));
    }
    Ok(value)
}

struct Parser<'a> {
    cursor: Cursor<'a>,
    depth: usize,
}

impl Parser<'_> {
    fn expression(&mut self) -> Result<Value, ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError::TooDeep);
        }
        let value = self.level(0);
        self.depth -= 1;
        value
    }

    /// Operands joined by the operators of `LEVELS[level]`, left to right.
    fn level(&mut self, level: usize) -> Result<Value, ExprError> {
        let Some(spellings) = LEVELS.get(level) else {
            return self.prefixed();
        };
        let mut left = self.level(level + 1)?;
        while let Some(s) = spellings
            .iter()
            .find(|s| self.cursor.sees(s.text, s.not_before))
        {
            self.cursor.eat(s.text, s.not_before);
            let right = self.level(level + 1)?;
            left = operators::binary(s.op, left, right)?;
        }
        Ok(left)
    }

    /// A primary after any number of `!`, `-`, `~`.
    fn prefixed(&mut self) -> Result<Value, ExprError> {
        let op = match self.cursor.peek() {
            Some(b'!') => Unary::Not,
            Some(b'-') => Unary::Neg,
            Some(b'~') => Unary::BitNot,
            _ => return self.primary(),
        };
        self.cursor.advance();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError::TooDeep);
        }
        let operand = self.prefixed();
        self.depth -= 1;
        operators::unary(op, operand?)
    }

    fn primary(&mut self) -> Result<Value, ExprError> {
        match self.cursor.peek() {
            Some(b'(') => self.parenthesized(),
            Some(b'\'' | b'"') => Ok(Value::Str(self.cursor.quoted()?)),
            _ if self.cursor.at_operator() => Err(ExprError::InvalidExpression),
            _ => match self.cursor.function_name() {
                Some(name) => self.call(name),
                None => word_value(self.cursor.word()),
            },
        }
    }

    fn parenthesized(&mut self) -> Result<Value, ExprError> {
        self.cursor.eat(b"(", b"");
        let value = self.expression()?;
        if !self.cursor.eat(b")", b"") {
            return Err(ExprError::ExpectedParenthesis);
        }
        Ok(value)
    }

    /// A call whose `name(` has been read.
    fn call(&mut self, name: &[u8]) -> Result<Value, ExprError> {
        let function = functions::lookup(name).ok_or_else(|| {
            ExprError::UnknownFunction(String::from_utf8_lossy(name).into_owned())
        })?;
        let args = self.arguments()?;
        functions::call(function, &args)
    }

    /// Comma-separated arguments up to `)`; a trailing comma is allowed.
    fn arguments(&mut self) -> Result<Vec<Value>, ExprError> {
        let mut args = Vec::new();
        if self.cursor.eat(b")", b"") {
            return Ok(args);
        }
        loop {
            if args.len() >= MAX_ARGUMENTS {
                return Err(ExprError::TooManyArguments(MAX_ARGUMENTS));
            }
            args.push(self.expression()?);
            if self.cursor.eat(b",", b"") {
                if self.cursor.eat(b")", b"") {
                    return Ok(args);
                }
            } else if self.cursor.eat(b")", b"") {
                return Ok(args);
            } else {
                return Err(ExprError::ExpectedArgumentEnd);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eval(text: &str) -> String {
        match evaluate(text.as_bytes()) {
            Ok(v) => String::from_utf8_lossy(&v.to_text()).into_owned(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn precedence_follows_mysqltest() {
        assert_eq!(eval("2 + 3 * 4 - 1"), "13");
        assert_eq!(eval("12 | 8 ^ 4"), "12");
        assert_eq!(eval("2 + 3 << 1"), "10");
        assert_eq!(eval("5 * 3 + 7 << 1 ^ 12 >> 2"), "45056");
        assert_eq!(eval("8 * 2 / 4 + 3 % 2 << 1 > 2 ^ 1 & 1 | !0 - 2"), "0");
        assert_eq!(eval("4 + 3 * 2 >> 1 ^ 6 & 3 < 5 | ~1 - 1 % 2"), "1");
        assert_eq!(eval("2 == 2 == 2"), "0");
        assert_eq!(eval("-(2 + 3)"), "-5");
        assert_eq!(eval("!(2 + 3 == 6)"), "1");
    }

    #[test]
    fn literals_and_strings() {
        assert_eq!(eval("-9223372036854775808 / -1"), "-9223372036854775808");
        assert_eq!(eval("18446744073709551615 / 2 / -1"), "0");
        assert_eq!(eval("0x10 + 0b1000 + 8"), "32");
        assert_eq!(eval("  hello   world   ==   hello world  "), "0");
        assert_eq!(eval("hello   world == \"hello   world\""), "1");
        assert_eq!(eval("'\\))(' == \"\\))(\""), "1");
        assert_eq!(eval("NULL == NULL"), "");
        assert_eq!(eval("true + 1"), "2");
        assert_eq!(eval("1 2"), "1 2");
    }

    #[test]
    fn functions_are_called_with_evaluated_arguments() {
        assert_eq!(eval("ABS(-1)"), "1");
        assert_eq!(eval("concat('a',)"), "a");
        assert_eq!(eval("least(length('hello'), length('test'))"), "4");
        assert_eq!(eval("length(concat_ws(' ', 'hello', 'world'))"), "11");
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(eval(""), "error: Syntax error: invalid expression");
        assert_eq!(eval("1 +"), "error: Syntax error: invalid expression");
        assert_eq!(eval("a,b"), "error: Syntax error in sub-expression 'a,b'");
        assert_eq!(
            eval("Abs (-1)"),
            "error: Syntax error in sub-expression 'Abs (-1)'"
        );
        assert_eq!(
            eval("if(1, 2)"),
            "error: Syntax error: Unknown function 'if'"
        );
        assert_eq!(
            eval("(1, 2)"),
            "error: Syntax error: Expected ')' in expression"
        );
        assert_eq!(
            eval("concat('a' 'b')"),
            "error: Syntax error: Expected ',' or ')' in function call"
        );
        assert_eq!(
            eval("'\\' + 1/0"),
            "error: Syntax error: Unmatched quote in expression"
        );
        assert_eq!(
            eval("1/0 + '\\'"),
            "error: Evaluation error: Division by zero"
        );
        assert_eq!(
            eval("0 && 1/0"),
            "error: Evaluation error: Division by zero"
        );
        assert_eq!(
            eval("nosuch(1/0)"),
            "error: Syntax error: Unknown function 'nosuch'"
        );
    }

    #[test]
    fn argument_count_is_limited() {
        let args = (1..=100)
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(eval(&format!("length(concat({args}))")), "192");
        assert_eq!(
            eval(&format!("concat({args},101)")),
            "error: Too many function arguments (max 100)"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(
            eval(&text),
            "error: Syntax error: expression nested too deeply"
        );
        assert_eq!(
            eval(&"-".repeat(5000)),
            "error: Syntax error: expression nested too deeply"
        );
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = evaluate(&text);
        }

        #[test]
        fn expression_like_text_never_panics(
            text in "[-+*/%<>=!&|^~(),'\" a-z0-9_.]{0,120}"
        ) {
            let _ = evaluate(text.as_bytes());
        }
    }
}
