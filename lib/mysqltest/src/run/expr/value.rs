//! The values an expression computes with: NULL, a 64-bit integer that is
//! either signed or unsigned (mysqltest keeps the bits and a flag), or a byte
//! string. Literals, operators and functions make them; [`Value::to_text`]
//! turns the final one into the text that replaces `$(…)` (NULL is empty).

use std::borrow::Cow;
use std::cmp::Ordering;

/// A 64-bit integer: its bits, and whether they read as unsigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Int {
    pub bits: u64,
    pub unsigned: bool,
}

impl Int {
    pub fn signed(n: i64) -> Self {
        Int {
            bits: n as u64,
            unsigned: false,
        }
    }

    pub fn unsigned(n: u64) -> Self {
        Int {
            bits: n,
            unsigned: true,
        }
    }

    /// 1 or 0, signed, as comparisons and logical operators give.
    pub fn truth(b: bool) -> Self {
        Int::signed(i64::from(b))
    }

    /// The bits read as a signed number, whatever the flag says.
    pub fn as_i64(self) -> i64 {
        self.bits as i64
    }

    /// The number the bits and the flag stand for.
    pub fn as_i128(self) -> i128 {
        if self.unsigned {
            i128::from(self.bits)
        } else {
            i128::from(self.as_i64())
        }
    }

    /// Compares the numbers, not the bits.
    pub fn cmp_value(self, other: Int) -> Ordering {
        self.as_i128().cmp(&other.as_i128())
    }

    /// Decimal text, as mysqltest prints it.
    pub fn to_text(self) -> Vec<u8> {
        if self.unsigned {
            self.bits.to_string().into_bytes()
        } else {
            self.as_i64().to_string().into_bytes()
        }
    }
}

/// One value of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(Int),
    Str(Vec<u8>),
}

impl Value {
    pub fn signed(n: i64) -> Self {
        Value::Int(Int::signed(n))
    }

    pub fn unsigned(n: u64) -> Self {
        Value::Int(Int::unsigned(n))
    }

    pub fn truth(b: bool) -> Self {
        Value::Int(Int::truth(b))
    }

    pub fn str(bytes: impl Into<Vec<u8>>) -> Self {
        Value::Str(bytes.into())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_int(&self) -> Option<Int> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The text a string function sees: integers in decimal, NULL none.
    pub fn as_text(&self) -> Option<Cow<'_, [u8]>> {
        match self {
            Value::Null => None,
            Value::Int(i) => Some(Cow::Owned(i.to_text())),
            Value::Str(s) => Some(Cow::Borrowed(s)),
        }
    }

    /// The text that replaces `$(…)`.
    pub fn to_text(&self) -> Vec<u8> {
        self.as_text().map(Cow::into_owned).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signedness_decides_the_text_and_the_order() {
        let minus_one = Int::signed(-1);
        let max = Int::unsigned(u64::MAX);
        assert_eq!(minus_one.bits, max.bits);
        assert_eq!(minus_one.to_text(), b"-1");
        assert_eq!(max.to_text(), b"18446744073709551615");
        assert_eq!(minus_one.cmp_value(max), Ordering::Less);
    }

    #[test]
    fn null_prints_as_nothing() {
        assert_eq!(Value::Null.to_text(), b"");
        assert_eq!(Value::signed(-5).to_text(), b"-5");
        assert_eq!(Value::str("ab").to_text(), b"ab");
    }
}
