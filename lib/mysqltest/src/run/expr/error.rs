//! What can go wrong in a `$(…)` expression, worded exactly as mysqltest
//! words it (tests compare these texts). Parsing and evaluation return an
//! [`ExprError`]; the interpreter turns it into a `die` with its `Display`.

use thiserror::Error;

use crate::run::flow::Stop;

/// A failed expression, with mysqltest's message as its `Display`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExprError {
    #[error("Syntax error: invalid expression")]
    InvalidExpression,
    #[error("Syntax error: Expected ')' in expression")]
    ExpectedParenthesis,
    #[error("Syntax error: Expected ',' or ')' in function call")]
    ExpectedArgumentEnd,
    #[error("Syntax error: Unmatched quote in expression")]
    UnmatchedQuote,
    #[error("Syntax error: Unknown function '{0}'")]
    UnknownFunction(String),
    /// Text left over after a complete expression; holds the whole text.
    #[error("Syntax error in sub-expression '{0}'")]
    TrailingText(String),
    #[error("Too many function arguments (max {0})")]
    TooManyArguments(usize),
    /// Parentheses nested deeper than rmtr follows (mysqltest has no limit).
    #[error("Syntax error: expression nested too deeply")]
    TooDeep,
    /// A binary operator given a non-integer; holds the operator.
    #[error("Type error: operator '{0}' requires integer operands")]
    OperandType(&'static str),
    /// A unary operator given a non-integer; holds its description.
    #[error("Type error: {0} requires an integer operand")]
    UnaryOperandType(&'static str),
    #[error("Evaluation error: Division by zero")]
    DivisionByZero,
    #[error("Evaluation error: Modulo by zero")]
    ModuloByZero,
    #[error("Evaluation error: Invalid shift amount")]
    InvalidShift,
    /// A number that does not fit 64 bits; holds its text.
    #[error("Range error: {0} value out of range for Integer type")]
    NumberOutOfRange(String),
    /// A converted number that does not fit 64 bits (`conv()`).
    #[error("Range error: value out of range for Integer type")]
    OutOfRange,
    /// A function's own complaint (argument counts, types, bases, regexes).
    #[error("{0}")]
    Function(String),
}

impl ExprError {
    /// A function's own complaint.
    pub fn function(message: impl Into<String>) -> Self {
        ExprError::Function(message.into())
    }

    /// A number out of range, quoting the text that held it.
    pub fn out_of_range(text: &[u8]) -> Self {
        ExprError::NumberOutOfRange(String::from_utf8_lossy(text).into_owned())
    }
}

impl From<ExprError> for Stop {
    fn from(e: ExprError) -> Self {
        Stop::die(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_errors_with_and_without_text() {
        assert_eq!(
            ExprError::out_of_range(b"18446744073709551616").to_string(),
            "Range error: 18446744073709551616 value out of range for Integer type"
        );
        assert_eq!(
            ExprError::OutOfRange.to_string(),
            "Range error: value out of range for Integer type"
        );
    }
}
