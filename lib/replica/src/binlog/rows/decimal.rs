//! DECIMAL(p, s) values in MariaDB's binary form (`decimal2bin`): the
//! integer digits then the fraction digits in groups of nine, each group
//! four big-endian bytes, a shorter leading (integer) or trailing
//! (fraction) group in as few bytes as its digits need; negative numbers
//! have every byte inverted; the first byte's top bit is flipped. A
//! [`Decimal`] comes in at the column's scale; bytes leave.

use crate::sql::value::Decimal;

/// Bytes for a group of 0 to 9 digits.
const DIGIT_BYTES: [usize; 10] = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];
const GROUP: u32 = 9;

/// How many bytes DECIMAL(precision, scale) takes.
pub fn packed_len(precision: u8, scale: u8) -> usize {
    let (intg, frac) = (
        u32::from(precision - scale.min(precision)),
        u32::from(scale),
    );
    let groups =
        |digits: u32| (digits / GROUP) as usize * 4 + DIGIT_BYTES[(digits % GROUP) as usize];
    groups(intg) + groups(frac)
}

/// `value` (already at `scale`) in DECIMAL(precision, scale)'s binary form.
pub fn pack(value: Decimal, precision: u8, scale: u8, out: &mut Vec<u8>) {
    let value = value.rescale(scale).unwrap_or(value);
    let negative = value.digits < 0;
    let magnitude = value.digits.unsigned_abs();
    let unit = pow10(u32::from(scale));
    let (int_part, frac_part) = (magnitude / unit, magnitude % unit);
    let intg = u32::from(precision.saturating_sub(scale));
    let start = out.len();
    // Integer digits: the short leading group, then full groups, most significant first.
    let full = intg / GROUP;
    let lead = intg % GROUP;
    if lead > 0 {
        let v = (int_part / pow10(full * GROUP)) % pow10(lead);
        push_be(out, v, DIGIT_BYTES[lead as usize]);
    }
    for k in (0..full).rev() {
        push_be(out, (int_part / pow10(k * GROUP)) % pow10(GROUP), 4);
    }
    // Fraction digits: full groups from the point, then the short trailing group.
    let frac = u32::from(scale);
    let full = frac / GROUP;
    let tail = frac % GROUP;
    for j in 0..full {
        let shift = frac - (j + 1) * GROUP;
        push_be(out, (frac_part / pow10(shift)) % pow10(GROUP), 4);
    }
    if tail > 0 {
        push_be(out, frac_part % pow10(tail), DIGIT_BYTES[tail as usize]);
    }
    if negative {
        for b in &mut out[start..] {
            *b = !*b;
        }
    }
    if let Some(first) = out.get_mut(start) {
        *first ^= 0x80;
    }
}

/// 10^n; past u128's range every quotient by it is 0, so saturating is exact.
fn pow10(n: u32) -> u128 {
    10u128.checked_pow(n).unwrap_or(u128::MAX)
}

fn push_be(out: &mut Vec<u8>, value: u128, bytes: usize) {
    let all = (value as u32).to_be_bytes();
    out.extend_from_slice(&all[4 - bytes..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn packed(text: &str, precision: u8, scale: u8) -> Vec<u8> {
        let mut out = Vec::new();
        pack(Decimal::parse(text).unwrap(), precision, scale, &mut out);
        out
    }

    #[test]
    fn bytes_are_mariadbs() {
        // From a 10.11 Write_rows event (mariadb-binlog --hexdump).
        assert_eq!(
            packed("-1234567.891", 10, 3),
            [0x7f, 0xed, 0x29, 0x78, 0xfc, 0x84]
        );
        assert_eq!(
            packed("-12345678901234567890.0123456789", 30, 10),
            [
                0x73, 0xeb, 0x65, 0x5b, 0xca, 0xf2, 0x04, 0xc7, 0x2d, 0xff, 0x43, 0x9e, 0xb1, 0xf6
            ]
        );
        assert_eq!(packed("0", 10, 0), [0x80, 0, 0, 0, 0]);
        assert_eq!(packed("1.5", 2, 1), [0x81, 0x05]);
    }

    /// Reads the form back, as `bin2decimal` does.
    fn unpack(bytes: &[u8], precision: u8, scale: u8) -> i128 {
        let mut b = bytes.to_vec();
        b[0] ^= 0x80;
        let negative = b[0] & 0x80 != 0;
        if negative {
            b.iter_mut().for_each(|x| *x = !*x);
        }
        let mut at = 0;
        let mut take = |n: usize| {
            let v = b[at..at + n]
                .iter()
                .fold(0i128, |a, &x| a << 8 | i128::from(x));
            at += n;
            v
        };
        let intg = u32::from(precision - scale);
        let mut v = 0i128;
        if intg % 9 > 0 {
            v = take(DIGIT_BYTES[(intg % 9) as usize]);
        }
        for _ in 0..intg / 9 {
            v = v * 1_000_000_000 + take(4);
        }
        for _ in 0..u32::from(scale) / 9 {
            v = v * 1_000_000_000 + take(4);
        }
        let tail = u32::from(scale) % 9;
        if tail > 0 {
            v = v * 10i128.pow(tail) + take(DIGIT_BYTES[tail as usize]);
        }
        if negative { -v } else { v }
    }

    proptest! {
        #[test]
        fn round_trips_and_keeps_its_length(
            precision in 1u8..=38,
            scale_seed in 0u8..=38,
            seed in any::<i128>(),
        ) {
            let scale = scale_seed % (precision + 1);
            let limit = 10i128.pow(u32::from(precision));
            let digits = seed % limit;
            let mut out = Vec::new();
            pack(Decimal::new(digits, scale), precision, scale, &mut out);
            prop_assert_eq!(out.len(), packed_len(precision, scale));
            prop_assert_eq!(unpack(&out, precision, scale), digits);
        }

        #[test]
        fn order_of_bytes_is_order_of_values(a in -99_999_999i128..99_999_999, b in -99_999_999i128..99_999_999) {
            let (mut x, mut y) = (Vec::new(), Vec::new());
            pack(Decimal::new(a, 2), 12, 2, &mut x);
            pack(Decimal::new(b, 2), 12, 2, &mut y);
            prop_assert_eq!(a.cmp(&b), x.cmp(&y));
        }
    }
}
