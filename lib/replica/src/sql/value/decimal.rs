//! Exact decimal numbers: an integer of digits and a count of them after
//! the point, enough for DECIMAL(38, s). Arithmetic and rounding follow
//! MariaDB's rules for DECIMAL results.

/// `digits / 10^scale`, e.g. 1.50 is `{ digits: 150, scale: 2 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    pub digits: i128,
    pub scale: u8,
}

impl Decimal {
    pub fn new(digits: i128, scale: u8) -> Self {
        Decimal { digits, scale }
    }
}

impl std::fmt::Display for Decimal {
    /// MariaDB's text form: all `scale` digits after the point, no exponent.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.digits < 0 { "-" } else { "" };
        let abs = self.digits.unsigned_abs().to_string();
        let scale = usize::from(self.scale);
        if scale == 0 {
            return write!(f, "{sign}{abs}");
        }
        let padded = format!("{abs:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{int}.{frac}")
    }
}
