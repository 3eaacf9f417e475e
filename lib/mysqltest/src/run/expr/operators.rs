//! The operators, their precedence and what they compute. Arithmetic wraps
//! at 64 bits and is unsigned when either operand is; bitwise operators and
//! shifts give unsigned results; comparisons and logical operators give a
//! signed 0 or 1. NULL makes comparisons NULL and every other operator a
//! type error; strings only take `==` and `!=`. The parser hands over the
//! operator and the two (or one) evaluated operands and gets the value back.

use super::error::ExprError;
use super::value::{Int, Value};

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binary {
    Or,
    And,
    Eq,
    Ne,
    Le,
    Ge,
    Lt,
    Gt,
    BitOr,
    BitAnd,
    Shl,
    Shr,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Xor,
}

/// A prefix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unary {
    Not,
    Neg,
    BitNot,
}

/// An operator's spelling and the bytes that must not follow it (so that
/// `|` is not read out of `||`).
pub struct Spelling {
    pub op: Binary,
    pub text: &'static [u8],
    pub not_before: &'static [u8],
}

const fn spell(op: Binary, text: &'static [u8], not_before: &'static [u8]) -> Spelling {
    Spelling {
        op,
        text,
        not_before,
    }
}

/// Binary operators from the loosest level to the tightest.
pub const LEVELS: &[&[Spelling]] = &[
    &[spell(Binary::Or, b"||", b"")],
    &[spell(Binary::And, b"&&", b"")],
    &[spell(Binary::Eq, b"==", b""), spell(Binary::Ne, b"!=", b"")],
    &[
        spell(Binary::Le, b"<=", b""),
        spell(Binary::Ge, b">=", b""),
        spell(Binary::Lt, b"<", b"<="),
        spell(Binary::Gt, b">", b">="),
    ],
    &[spell(Binary::BitOr, b"|", b"|")],
    &[spell(Binary::BitAnd, b"&", b"&")],
    &[
        spell(Binary::Shl, b"<<", b""),
        spell(Binary::Shr, b">>", b""),
    ],
    &[spell(Binary::Add, b"+", b""), spell(Binary::Sub, b"-", b"")],
    &[
        spell(Binary::Mul, b"*", b""),
        spell(Binary::Div, b"/", b""),
        spell(Binary::Mod, b"%", b""),
    ],
    &[spell(Binary::Xor, b"^", b"")],
];

impl Binary {
    /// The operator as error messages name it.
    pub fn symbol(self) -> &'static str {
        match self {
            Binary::Or => "||",
            Binary::And => "&&",
            Binary::Eq => "==",
            Binary::Ne => "!=",
            Binary::Le => "<=",
            Binary::Ge => ">=",
            Binary::Lt => "<",
            Binary::Gt => ">",
            Binary::BitOr => "|",
            Binary::BitAnd => "&",
            Binary::Shl => "<<",
            Binary::Shr => ">>",
            Binary::Add => "+",
            Binary::Sub => "-",
            Binary::Mul => "*",
            Binary::Div => "/",
            Binary::Mod => "%",
            Binary::Xor => "^",
        }
    }
}

/// `left op right`.
pub fn binary(op: Binary, left: Value, right: Value) -> Result<Value, ExprError> {
    match op {
        Binary::Eq | Binary::Ne => Ok(equality(op, &left, &right)),
        Binary::Le | Binary::Ge | Binary::Lt | Binary::Gt => ordering(op, &left, &right),
        _ => {
            let (Value::Int(l), Value::Int(r)) = (&left, &right) else {
                return Err(ExprError::OperandType(op.symbol()));
            };
            integer(op, *l, *r).map(Value::Int)
        }
    }
}

/// `==` and `!=`: NULL on NULL, false across types.
fn equality(op: Binary, left: &Value, right: &Value) -> Value {
    let equal = match (left, right) {
        (Value::Null, _) | (_, Value::Null) => return Value::Null,
        (Value::Int(l), Value::Int(r)) => l.cmp_value(*r).is_eq(),
        (Value::Str(l), Value::Str(r)) => l == r,
        _ => false,
    };
    Value::truth(equal == (op == Binary::Eq))
}

/// `<`, `<=`, `>`, `>=`: NULL on NULL, integers only.
fn ordering(op: Binary, left: &Value, right: &Value) -> Result<Value, ExprError> {
    match (left, right) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::Int(l), Value::Int(r)) => {
            let o = l.cmp_value(*r);
            Ok(Value::truth(match op {
                Binary::Lt => o.is_lt(),
                Binary::Le => o.is_le(),
                Binary::Gt => o.is_gt(),
                _ => o.is_ge(),
            }))
        }
        _ => Err(ExprError::OperandType(op.symbol())),
    }
}

/// Operators on two integers.
fn integer(op: Binary, l: Int, r: Int) -> Result<Int, ExprError> {
    match op {
        Binary::Or => Ok(Int::truth(l.bits != 0 || r.bits != 0)),
        Binary::And => Ok(Int::truth(l.bits != 0 && r.bits != 0)),
        Binary::BitOr => Ok(Int::unsigned(l.bits | r.bits)),
        Binary::BitAnd => Ok(Int::unsigned(l.bits & r.bits)),
        Binary::Xor => Ok(Int::unsigned(l.bits ^ r.bits)),
        Binary::Shl | Binary::Shr => shift(op, l, r),
        _ => arithmetic(op, l, r),
    }
}

/// `<<` and `>>` by 0 to 63 bits.
fn shift(op: Binary, l: Int, r: Int) -> Result<Int, ExprError> {
    if r.bits >= 64 {
        return Err(ExprError::InvalidShift);
    }
    let n = r.bits as u32;
    Ok(Int::unsigned(if op == Binary::Shl {
        l.bits << n
    } else {
        l.bits >> n
    }))
}

/// `+ - * / %`, wrapping, unsigned when either side is.
fn arithmetic(op: Binary, l: Int, r: Int) -> Result<Int, ExprError> {
    if r.bits == 0 && op == Binary::Div {
        return Err(ExprError::DivisionByZero);
    }
    if r.bits == 0 && op == Binary::Mod {
        return Err(ExprError::ModuloByZero);
    }
    if l.unsigned || r.unsigned {
        let (a, b) = (l.bits, r.bits);
        return Ok(Int::unsigned(match op {
            Binary::Add => a.wrapping_add(b),
            Binary::Sub => a.wrapping_sub(b),
            Binary::Mul => a.wrapping_mul(b),
            Binary::Div => a / b,
            _ => a % b,
        }));
    }
    let (a, b) = (l.as_i64(), r.as_i64());
    Ok(Int::signed(match op {
        Binary::Add => a.wrapping_add(b),
        Binary::Sub => a.wrapping_sub(b),
        Binary::Mul => a.wrapping_mul(b),
        Binary::Div => a.wrapping_div(b),
        _ => a.wrapping_rem(b),
    }))
}

/// `op operand`.
pub fn unary(op: Unary, operand: Value) -> Result<Value, ExprError> {
    let Value::Int(i) = operand else {
        return Err(ExprError::UnaryOperandType(match op {
            Unary::Not => "logical NOT",
            Unary::Neg => "unary minus",
            Unary::BitNot => "bitwise NOT",
        }));
    };
    Ok(Value::Int(match op {
        Unary::Not => Int::truth(i.bits == 0),
        Unary::Neg => Int::signed(i.as_i64().wrapping_neg()),
        Unary::BitNot => Int::unsigned(!i.bits),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(n: i64) -> Value {
        Value::signed(n)
    }

    fn big(n: u64) -> Value {
        Value::unsigned(n)
    }

    fn apply(op: Binary, l: Value, r: Value) -> Value {
        binary(op, l, r).unwrap()
    }

    #[test]
    fn signed_arithmetic_wraps() {
        assert_eq!(apply(Binary::Add, int(i64::MAX), int(1)), int(i64::MIN));
        assert_eq!(apply(Binary::Div, int(i64::MIN), int(-1)), int(i64::MIN));
        assert_eq!(apply(Binary::Mod, int(i64::MIN), int(-1)), int(0));
        assert_eq!(apply(Binary::Div, int(-7), int(2)), int(-3));
        assert_eq!(apply(Binary::Mod, int(-7), int(3)), int(-1));
    }

    #[test]
    fn one_unsigned_side_makes_it_unsigned() {
        assert_eq!(apply(Binary::Sub, int(0), big(u64::MAX)), big(1));
        assert_eq!(apply(Binary::Div, big(u64::MAX / 2), int(-1)), big(0));
        assert_eq!(apply(Binary::Mul, big(1 << 63), int(-1)), big(1 << 63));
    }

    #[test]
    fn comparisons_compare_numbers_not_bits() {
        assert_eq!(apply(Binary::Eq, big(u64::MAX), int(-1)), int(0));
        assert_eq!(apply(Binary::Gt, big(u64::MAX), int(-1)), int(1));
        assert_eq!(apply(Binary::Lt, Value::Null, int(1)), Value::Null);
        assert_eq!(apply(Binary::Eq, Value::str("1"), int(1)), int(0));
        assert_eq!(apply(Binary::Ne, Value::str("a"), Value::str("a")), int(0));
        assert_eq!(
            binary(Binary::Lt, Value::str("a"), int(1)).unwrap_err(),
            ExprError::OperandType("<")
        );
    }

    #[test]
    fn bitwise_results_are_unsigned() {
        assert_eq!(apply(Binary::BitOr, int(-16), int(7)), big(u64::MAX - 8));
        assert_eq!(
            apply(Binary::Shr, int(-10), int(3)),
            big(2305843009213693950)
        );
        assert_eq!(apply(Binary::Shl, int(1), int(63)), big(1 << 63));
        assert_eq!(
            binary(Binary::Shl, int(5), int(-1)),
            Err(ExprError::InvalidShift)
        );
        assert_eq!(
            binary(Binary::Shr, int(5), int(64)),
            Err(ExprError::InvalidShift)
        );
    }

    #[test]
    fn null_is_not_an_operand() {
        assert_eq!(
            binary(Binary::And, Value::Null, int(0)),
            Err(ExprError::OperandType("&&"))
        );
        assert_eq!(
            binary(Binary::Div, int(1), int(0)),
            Err(ExprError::DivisionByZero)
        );
        assert_eq!(
            unary(Unary::Not, Value::Null),
            Err(ExprError::UnaryOperandType("logical NOT"))
        );
    }

    #[test]
    fn prefix_operators() {
        assert_eq!(unary(Unary::Neg, big(1 << 63)).unwrap(), int(i64::MIN));
        assert_eq!(unary(Unary::Neg, big(u64::MAX)).unwrap(), int(1));
        assert_eq!(unary(Unary::BitNot, int(0)).unwrap(), big(u64::MAX));
        assert_eq!(unary(Unary::Not, int(-3)).unwrap(), int(0));
    }
}
