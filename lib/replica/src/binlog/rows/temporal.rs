//! Dates and times as MariaDB's row images hold them: DATE in three
//! little-endian bytes, and the big-endian "2" formats of TIME, DATETIME
//! and TIMESTAMP (field.cc, `my_*_packed_to_binary`) with their fraction
//! in 0 to 3 bytes by the column's fractional digits. A [`Temporal`]
//! stored in the column comes in; bytes leave.

use crate::sql::value::Temporal;

/// DATE: day | month << 5 | year << 9.
pub fn date(t: &Temporal, out: &mut Vec<u8>) {
    let n = u32::from(t.day) | u32::from(t.month) << 5 | u32::from(t.year) << 9;
    out.extend_from_slice(&n.to_le_bytes()[..3]);
}

/// TIME2: the signed packed time (hms << 24 + microseconds) offset by
/// 0x800000 in its integer part.
pub fn time2(t: &Temporal, fsp: u8, out: &mut Vec<u8>) {
    let hms = i64::from(t.hour) << 12 | i64::from(t.minute) << 6 | i64::from(t.second);
    let magnitude = (hms << 24) + i64::from(t.micros);
    let packed = if t.negative { -magnitude } else { magnitude };
    let int_part = (packed >> 24) + 0x80_0000;
    let frac = packed % (1 << 24);
    match fsp {
        0 => push_be(out, int_part, 3),
        1 | 2 => {
            push_be(out, int_part, 3);
            push_be(out, frac / 10_000, 1);
        }
        3 | 4 => {
            push_be(out, int_part, 3);
            push_be(out, frac / 100, 2);
        }
        _ => push_be(out, packed + 0x8000_0000_0000, 6),
    }
}

/// DATETIME2: ((year * 13 + month) << 5 | day) << 17 | hms, offset by
/// 0x80_0000_0000 in five bytes, then the fraction.
pub fn datetime2(t: &Temporal, fsp: u8, out: &mut Vec<u8>) {
    let ymd = (i64::from(t.year) * 13 + i64::from(t.month)) << 5 | i64::from(t.day);
    let hms = i64::from(t.hour) << 12 | i64::from(t.minute) << 6 | i64::from(t.second);
    push_be(out, (ymd << 17 | hms) + 0x80_0000_0000, 5);
    fraction(i64::from(t.micros), fsp, out);
}

/// TIMESTAMP2: seconds since the epoch in four bytes, then the fraction;
/// `utc_offset` is the session zone's distance from UTC in seconds. The
/// zero timestamp is 0.
pub fn timestamp2(t: &Temporal, fsp: u8, utc_offset: i64, out: &mut Vec<u8>) {
    let seconds = match t.year == 0 && t.month == 0 && t.day == 0 {
        true => 0,
        false => (t.signed_seconds() - utc_offset).clamp(0, i64::from(u32::MAX)),
    };
    push_be(out, seconds, 4);
    fraction(i64::from(t.micros), fsp, out);
}

/// A non-negative fraction of a second in the bytes `fsp` digits need.
fn fraction(micros: i64, fsp: u8, out: &mut Vec<u8>) {
    match fsp {
        0 => {}
        1 | 2 => push_be(out, micros / 10_000, 1),
        3 | 4 => push_be(out, micros / 100, 2),
        _ => push_be(out, micros, 3),
    }
}

/// The low `bytes` bytes of `value` (two's complement), most significant first.
fn push_be(out: &mut Vec<u8>, value: i64, bytes: usize) {
    out.extend_from_slice(&value.to_be_bytes()[8 - bytes..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::value::TemporalKind;
    use proptest::prelude::*;

    fn packed(f: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
        let mut out = Vec::new();
        f(&mut out);
        out
    }

    fn time(text: &str, fsp: u8) -> Temporal {
        let mut t = Temporal::parse_time(text).unwrap();
        t.fsp = fsp;
        t
    }

    fn datetime(text: &str) -> Temporal {
        Temporal::parse_datetime(text).unwrap()
    }

    #[test]
    fn bytes_are_mariadbs() {
        // From a 10.11 Write_rows event (mariadb-binlog --hexdump).
        let d = datetime("2024-02-29").with_kind(TemporalKind::Date);
        assert_eq!(packed(|o| date(&d, o)), [0x5d, 0xd0, 0x0f]);
        let t = time("-12:34:56.789", 3);
        assert_eq!(packed(|o| time2(&t, 3, o)), [0x7f, 0x37, 0x47, 0xe1, 0x2e]);
        let t = time("838:59:59", 0);
        assert_eq!(packed(|o| time2(&t, 0, o)), [0xb4, 0x6e, 0xfb]);
        let dt = datetime("2024-01-02 03:04:05");
        assert_eq!(
            packed(|o| datetime2(&dt, 0, o)),
            [0x99, 0xb2, 0x44, 0x31, 0x05]
        );
        let dt = datetime("9999-12-31 23:59:59.99");
        assert_eq!(
            packed(|o| datetime2(&dt, 2, o)),
            [0xfe, 0xf3, 0xff, 0x7e, 0xfb, 0x63]
        );
        let ts = datetime("2024-01-02 03:04:05.123456");
        assert_eq!(
            packed(|o| timestamp2(&ts, 6, 0, o)),
            [0x65, 0x93, 0x7d, 0x25, 0x01, 0xe2, 0x40]
        );
    }

    /// Reads TIME2 back as `my_time_packed_from_binary` does, to signed microseconds.
    fn read_time2(b: &[u8], fsp: u8) -> i64 {
        let be = |s: &[u8]| s.iter().fold(0i64, |a, &x| a << 8 | i64::from(x));
        let packed = match fsp {
            0 => (be(&b[..3]) - 0x80_0000) << 24,
            1 | 2 => {
                let mut int = be(&b[..3]) - 0x80_0000;
                let mut frac = be(&b[3..4]);
                if int < 0 && frac != 0 {
                    int += 1;
                    frac -= 0x100;
                }
                (int << 24) + frac * 10_000
            }
            3 | 4 => {
                let mut int = be(&b[..3]) - 0x80_0000;
                let mut frac = be(&b[3..5]);
                if int < 0 && frac != 0 {
                    int += 1;
                    frac -= 0x10000;
                }
                (int << 24) + frac * 100
            }
            _ => be(&b[..6]) - 0x8000_0000_0000,
        };
        let (int, frac) = (packed.abs() >> 24, packed.abs() % (1 << 24));
        let seconds = (int >> 12) * 3600 + (int >> 6 & 63) * 60 + (int & 63);
        let micros = seconds * 1_000_000 + frac;
        if packed < 0 { -micros } else { micros }
    }

    proptest! {
        #[test]
        fn time2_round_trips(
            negative in any::<bool>(),
            hour in 0u32..=838,
            minute in 0u8..60,
            second in 0u8..60,
            micros in 0u32..1_000_000,
            fsp in 0u8..=6,
        ) {
            let cut = 10u32.pow(6 - u32::from(fsp));
            let micros = micros / cut * cut;
            let t = Temporal {
                kind: TemporalKind::Time,
                negative,
                year: 0,
                month: 0,
                day: 0,
                hour,
                minute,
                second,
                micros,
                fsp,
            };
            let mut out = Vec::new();
            time2(&t, fsp, &mut out);
            let whole = (i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)) * 1_000_000
                + i64::from(micros);
            prop_assert_eq!(read_time2(&out, fsp), if negative { -whole } else { whole });
        }

        #[test]
        fn datetime2_orders_as_its_values(a in 0i64..253_402_300_799, b in 0i64..253_402_300_799) {
            let (x, y) = (Temporal::from_seconds(a - 62_135_596_800, 0, 0), Temporal::from_seconds(b - 62_135_596_800, 0, 0));
            let (mut p, mut q) = (Vec::new(), Vec::new());
            datetime2(&x, 0, &mut p);
            datetime2(&y, 0, &mut q);
            prop_assert_eq!(a.cmp(&b), p.cmp(&q));
        }
    }
}
