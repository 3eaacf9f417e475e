//! Bit operators `| & ^ << >> ~` on 64-bit unsigned integers, as MariaDB
//! computes them (operands rounded to integers, results BIGINT UNSIGNED).

use sqlparser::ast::BinaryOperator;

use super::context::EvalContext;
use super::evaluate::with_warn;
use crate::sql::value::Value;
use crate::sql::value::convert::{Num, to_num};

/// An operand as 64 bits (negative numbers in two's complement).
fn as_bits(v: &Value, ctx: &mut dyn EvalContext) -> Option<u64> {
    let n = with_warn(ctx, |w| to_num(v, w))?;
    Some(match n {
        Num::Int(i) => i as u64,
        Num::UInt(u) => u,
        Num::Dec(d) => d.rescale(0).map_or(u64::MAX, |d| d.digits as u64),
        Num::Dbl(d) => d.round() as i64 as u64,
    })
}

/// `a op b` for the bit operators; NULL when either is NULL.
pub fn binary(op: &BinaryOperator, a: &Value, b: &Value, ctx: &mut dyn EvalContext) -> Value {
    let (Some(x), Some(y)) = (as_bits(a, ctx), as_bits(b, ctx)) else {
        return Value::Null;
    };
    Value::UInt(match op {
        BinaryOperator::BitwiseOr => x | y,
        BinaryOperator::BitwiseAnd => x & y,
        BinaryOperator::PGBitwiseShiftLeft => x.checked_shl(y.min(64) as u32).unwrap_or(0),
        BinaryOperator::PGBitwiseShiftRight => x.checked_shr(y.min(64) as u32).unwrap_or(0),
        _ => x ^ y,
    })
}

/// `~a`.
pub fn not(v: &Value, ctx: &mut dyn EvalContext) -> Value {
    as_bits(v, ctx).map_or(Value::Null, |x| Value::UInt(!x))
}
