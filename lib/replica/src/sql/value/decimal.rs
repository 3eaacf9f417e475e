//! Exact decimal numbers: an integer of digits and a count of them after
//! the point, enough for DECIMAL(38, s). Values come in from literals,
//! columns and conversions; arithmetic and rounding here follow MariaDB's
//! rules for DECIMAL results (half away from zero, `/` adds 4 digits).

use std::cmp::Ordering;

/// Largest scale a DECIMAL keeps.
pub const MAX_SCALE: u8 = 38;

/// `digits / 10^scale`, e.g. 1.50 is `{ digits: 150, scale: 2 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    pub digits: i128,
    pub scale: u8,
}

/// 10^n, None when it does not fit.
fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// `a / b` rounded half away from zero.
fn div_round(a: i128, b: i128) -> i128 {
    let q = a / b;
    let r = a % b;
    if r.unsigned_abs() * 2 >= b.unsigned_abs() {
        if (a < 0) == (b < 0) { q + 1 } else { q - 1 }
    } else {
        q
    }
}

impl Decimal {
    pub fn new(digits: i128, scale: u8) -> Self {
        Decimal { digits, scale }
    }

    /// An integer as a decimal of scale 0.
    pub fn from_int(i: i128) -> Self {
        Decimal::new(i, 0)
    }

    /// Parses `[-+]digits[.digits]` exactly (the whole text); None otherwise.
    pub fn parse(text: &str) -> Option<Decimal> {
        let t = text.trim();
        let (neg, body) = match t.as_bytes().first()? {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let frac = &frac[..frac.len().min(usize::from(MAX_SCALE))];
        let mut digits: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            digits = digits.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        let scale = u8::try_from(frac.len()).ok()?;
        Some(Decimal::new(if neg { -digits } else { digits }, scale))
    }

    /// Nearest double.
    pub fn to_f64(self) -> f64 {
        format!("{self}").parse().unwrap_or(0.0)
    }

    /// Nearest decimal of a double with at most `scale` digits.
    pub fn from_f64(d: f64, scale: u8) -> Option<Decimal> {
        if !d.is_finite() {
            return None;
        }
        Decimal::parse(&format!("{:.*}", usize::from(scale), d))
    }

    /// The same value with `scale` digits after the point, rounded half
    /// away from zero; None on overflow.
    pub fn rescale(self, scale: u8) -> Option<Decimal> {
        match scale.cmp(&self.scale) {
            Ordering::Equal => Some(self),
            Ordering::Greater => {
                let f = pow10(u32::from(scale - self.scale))?;
                Some(Decimal::new(self.digits.checked_mul(f)?, scale))
            }
            Ordering::Less => {
                let f = pow10(u32::from(self.scale - scale))?;
                Some(Decimal::new(div_round(self.digits, f), scale))
            }
        }
    }

    /// Cuts digits beyond `scale` (toward zero).
    pub fn truncate(self, scale: u8) -> Decimal {
        if scale >= self.scale {
            return self;
        }
        let f = pow10(u32::from(self.scale - scale)).unwrap_or(i128::MAX);
        Decimal::new(self.digits / f, scale)
    }

    /// The integral part toward minus infinity (`up` false) or plus infinity.
    pub fn floor_ceil(self, up: bool) -> i128 {
        let f = pow10(u32::from(self.scale)).unwrap_or(i128::MAX);
        let q = self.digits.div_euclid(f);
        if up && self.digits.rem_euclid(f) != 0 {
            q + 1
        } else {
            q
        }
    }

    /// Both operands brought to their larger scale.
    fn aligned(self, other: Decimal) -> Option<(i128, i128, u8)> {
        let s = self.scale.max(other.scale);
        Some((self.rescale(s)?.digits, other.rescale(s)?.digits, s))
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let (a, b, s) = self.aligned(other)?;
        Some(Decimal::new(a.checked_add(b)?, s))
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        let (a, b, s) = self.aligned(other)?;
        Some(Decimal::new(a.checked_sub(b)?, s))
    }

    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale + other.scale;
        let d = Decimal::new(self.digits.checked_mul(other.digits)?, scale);
        if scale > MAX_SCALE {
            d.rescale(MAX_SCALE)
        } else {
            Some(d)
        }
    }

    /// Division with `extra` more digits than the dividend (div_precision_increment).
    pub fn checked_div(self, other: Decimal, extra: u8) -> Option<Decimal> {
        if other.digits == 0 {
            return None;
        }
        let scale = (self.scale + extra).min(MAX_SCALE);
        // self.digits * 10^(other.scale + scale - self.scale) / other.digits
        let shift = u32::from(other.scale) + u32::from(scale) - u32::from(self.scale);
        let num = self.digits.checked_mul(pow10(shift)?)?;
        Some(Decimal::new(div_round(num, other.digits), scale))
    }

    /// Remainder with the dividend's sign (MOD).
    pub fn checked_rem(self, other: Decimal) -> Option<Decimal> {
        let (a, b, s) = self.aligned(other)?;
        if b == 0 {
            return None;
        }
        Some(Decimal::new(a % b, s))
    }

    /// Numeric order of two decimals.
    pub fn compare(self, other: Decimal) -> Ordering {
        match self.aligned(other) {
            Some((a, b, _)) => a.cmp(&b),
            None => self.to_f64().total_cmp(&other.to_f64()),
        }
    }

    /// Count of digits before the point (at least 1).
    pub fn int_digits(self) -> u32 {
        let f = pow10(u32::from(self.scale)).unwrap_or(1);
        let int = (self.digits / f).unsigned_abs();
        int.checked_ilog10().map_or(1, |l| l + 1)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!(d("1.50").to_string(), "1.50");
        assert_eq!(d("-0.05").to_string(), "-0.05");
        assert_eq!(d(".5").to_string(), "0.5");
        assert!(Decimal::parse("1e3").is_none());
    }

    #[test]
    fn arithmetic_follows_mariadb_scales() {
        // Checked against MariaDB 10.11: 1/3 = 0.3333, 1.0/3 = 0.33333, 1.10+2.200 = 3.300.
        assert_eq!(d("1").checked_div(d("3"), 4).unwrap().to_string(), "0.3333");
        assert_eq!(
            d("1.0").checked_div(d("3"), 4).unwrap().to_string(),
            "0.33333"
        );
        assert_eq!(d("2").checked_div(d("3"), 4).unwrap().to_string(), "0.6667");
        assert_eq!(
            d("1.10").checked_add(d("2.200")).unwrap().to_string(),
            "3.300"
        );
        assert_eq!(d("1.0").checked_mul(d("1.0")).unwrap().to_string(), "1.00");
        assert_eq!(d("7.5").checked_rem(d("2")).unwrap().to_string(), "1.5");
        assert_eq!(d("1.235").rescale(2).unwrap().to_string(), "1.24");
        assert_eq!(d("-1.5").rescale(0).unwrap().to_string(), "-2");
        assert_eq!(d("-1.5").floor_ceil(false), -2);
        assert_eq!(d("-1.2").floor_ceil(true), -1);
    }
}
