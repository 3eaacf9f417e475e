//! One non-NULL column value packed as MariaDB's `Field::pack` writes it
//! in a row image: integers little-endian, floats IEEE, strings with their
//! length in front, ENUM and SET as numbers, dates and decimals in their
//! binary forms (`temporal`, `decimal`). A stored value and the column's
//! [`Packing`] come in; bytes leave, or [`Unpackable`] when the value is
//! not one the column can hold (the statement is then refused, never
//! logged wrongly).

use super::column::Packing;
use super::{decimal, temporal};
use crate::sql::value::{Decimal, Temporal, TemporalKind, Value};

/// A value this packing cannot represent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpackable;

/// Appends `value` packed by `packing`; `utc_offset` converts TIMESTAMPs.
pub fn pack(
    value: &Value,
    packing: &Packing,
    utc_offset: i64,
    out: &mut Vec<u8>,
) -> Result<(), Unpackable> {
    match packing {
        Packing::Int(bytes) => push_le(out, integer(value)?, *bytes),
        Packing::Year => {
            let year = integer(value)?;
            push_le(out, if year == 0 { 0 } else { year - 1900 }, 1);
        }
        Packing::Bit { bytes } => {
            let bits = integer(value)? as u64;
            out.extend_from_slice(&bits.to_be_bytes()[8 - bytes..]);
        }
        Packing::Float => out.extend_from_slice(&(float(value)? as f32).to_le_bytes()),
        Packing::Double => out.extend_from_slice(&float(value)?.to_le_bytes()),
        Packing::Decimal { precision, scale } => {
            decimal::pack(exact(value)?, *precision, *scale, out)
        }
        Packing::Fixed { length_bytes, pad } => {
            let bytes = bytes_of(value)?;
            let kept = bytes.iter().rposition(|b| b != pad).map_or(0, |i| i + 1);
            with_length(out, &bytes[..kept], *length_bytes)?;
        }
        Packing::Variable { length_bytes } => with_length(out, bytes_of(value)?, *length_bytes)?,
        Packing::Date => temporal::date(&moment(value, TemporalKind::Date)?, out),
        Packing::Time2 { fsp } => temporal::time2(&moment(value, TemporalKind::Time)?, *fsp, out),
        Packing::DateTime2 { fsp } => {
            temporal::datetime2(&moment(value, TemporalKind::DateTime)?, *fsp, out)
        }
        Packing::Timestamp2 { fsp } => {
            let t = moment(value, TemporalKind::DateTime)?;
            temporal::timestamp2(&t, *fsp, utc_offset, out)
        }
        Packing::Enum { members, bytes } => push_le(out, enum_index(value, members)?, *bytes),
        Packing::Set { members, bytes } => push_le(out, set_mask(value, members)? as i64, *bytes),
    }
    Ok(())
}

fn integer(value: &Value) -> Result<i64, Unpackable> {
    match value {
        Value::Int(n) => Ok(*n),
        Value::UInt(n) => Ok(*n as i64),
        _ => Err(Unpackable),
    }
}

fn float(value: &Value) -> Result<f64, Unpackable> {
    match value {
        Value::Double(d) => Ok(*d),
        Value::Int(n) => Ok(*n as f64),
        Value::UInt(n) => Ok(*n as f64),
        _ => Err(Unpackable),
    }
}

fn exact(value: &Value) -> Result<Decimal, Unpackable> {
    match value {
        Value::Decimal(d) => Ok(*d),
        Value::Int(n) => Ok(Decimal::from_int(i128::from(*n))),
        Value::UInt(n) => Ok(Decimal::from_int(i128::from(*n))),
        _ => Err(Unpackable),
    }
}

fn bytes_of(value: &Value) -> Result<&[u8], Unpackable> {
    match value {
        Value::Bytes(b) => Ok(b),
        _ => Err(Unpackable),
    }
}

/// A temporal value; the empty string a NOT NULL column got as its
/// implicit value is the zero date.
fn moment(value: &Value, kind: TemporalKind) -> Result<Temporal, Unpackable> {
    match value {
        Value::Temporal(t) => Ok(*t),
        Value::Bytes(b) if b.is_empty() => Ok(Temporal {
            kind,
            negative: false,
            year: 0,
            month: 0,
            day: 0,
            hour: 0,
            minute: 0,
            second: 0,
            micros: 0,
            fsp: 0,
        }),
        _ => Err(Unpackable),
    }
}

/// The member's 1-based index; 0 for the empty string ENUM stores for bad values.
fn enum_index(value: &Value, members: &[String]) -> Result<i64, Unpackable> {
    match value {
        Value::Bytes(b) if b.is_empty() => Ok(0),
        Value::Bytes(b) => members
            .iter()
            .position(|m| m.as_bytes() == b.as_slice())
            .or_else(|| {
                let text = String::from_utf8_lossy(b);
                members.iter().position(|m| m.eq_ignore_ascii_case(&text))
            })
            .map(|i| i as i64 + 1)
            .ok_or(Unpackable),
        Value::Int(n) if (0..=members.len() as i64).contains(n) => Ok(*n),
        _ => Err(Unpackable),
    }
}

/// Bit i for the i-th member named in the comma-separated list.
fn set_mask(value: &Value, members: &[String]) -> Result<u64, Unpackable> {
    match value {
        Value::Bytes(b) => {
            let text = String::from_utf8_lossy(b);
            text.split(',')
                .filter(|p| !p.is_empty())
                .try_fold(0u64, |mask, part| {
                    let i = members
                        .iter()
                        .position(|m| m.eq_ignore_ascii_case(part))
                        .ok_or(Unpackable)?;
                    Ok(mask | 1 << i)
                })
        }
        Value::Int(n) if *n >= 0 => Ok(*n as u64),
        Value::UInt(n) => Ok(*n),
        _ => Err(Unpackable),
    }
}

fn push_le(out: &mut Vec<u8>, value: i64, bytes: usize) {
    out.extend_from_slice(&value.to_le_bytes()[..bytes]);
}

/// The length in `length_bytes` little-endian bytes, then the bytes.
fn with_length(out: &mut Vec<u8>, bytes: &[u8], length_bytes: usize) -> Result<(), Unpackable> {
    let len = bytes.len() as u64;
    if length_bytes < 8 && len >> (8 * length_bytes) != 0 {
        return Err(Unpackable);
    }
    out.extend_from_slice(&len.to_le_bytes()[..length_bytes]);
    out.extend_from_slice(bytes);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn packed(value: Value, packing: Packing) -> Vec<u8> {
        let mut out = Vec::new();
        pack(&value, &packing, 0, &mut out).unwrap();
        out
    }

    #[test]
    fn bytes_are_mariadbs() {
        // From 10.11 Write_rows events (mariadb-binlog --hexdump).
        assert_eq!(packed(Value::Int(-5), Packing::Int(1)), [0xfb]);
        assert_eq!(packed(Value::Int(65535), Packing::Int(2)), [0xff, 0xff]);
        assert_eq!(
            packed(Value::Int(-8_388_608), Packing::Int(3)),
            [0, 0, 0x80]
        );
        assert_eq!(
            packed(Value::Double(1.5), Packing::Float),
            [0, 0, 0xc0, 0x3f]
        );
        assert_eq!(
            packed(Value::Double(-2.25), Packing::Double),
            [0, 0, 0, 0, 0, 0, 2, 0xc0]
        );
        let fixed = |length_bytes, pad| Packing::Fixed { length_bytes, pad };
        assert_eq!(
            packed(Value::text("ab  "), fixed(2, b' ')),
            [2, 0, b'a', b'b']
        );
        assert_eq!(packed(Value::text("a\0"), fixed(1, 0)), [1, b'a']);
        let variable = |length_bytes| Packing::Variable { length_bytes };
        assert_eq!(packed(Value::text("x"), variable(2)), [1, 0, b'x']);
        assert_eq!(
            packed(Value::text("lb"), variable(4)),
            [2, 0, 0, 0, b'l', b'b']
        );
        assert_eq!(packed(Value::Int(2024), Packing::Year), [124]);
        assert_eq!(
            packed(Value::Int(0x2aa), Packing::Bit { bytes: 2 }),
            [2, 0xaa]
        );
        let members: Vec<String> = ["x", "y", "z"].map(String::from).to_vec();
        let e = Packing::Enum {
            members: members.clone(),
            bytes: 1,
        };
        assert_eq!(packed(Value::text("y"), e.clone()), [2]);
        assert_eq!(packed(Value::text(""), e), [0]);
        let set = Packing::Set { members, bytes: 1 };
        assert_eq!(packed(Value::text("x,z"), set), [5]);
    }

    #[test]
    fn values_the_column_cannot_hold_are_refused() {
        let mut out = Vec::new();
        let too_long = Value::Bytes(vec![b'a'; 256]);
        let tiny = Packing::Variable { length_bytes: 1 };
        assert_eq!(pack(&too_long, &tiny, 0, &mut out), Err(Unpackable));
        assert_eq!(
            pack(&Value::text("1"), &Packing::Int(4), 0, &mut out),
            Err(Unpackable)
        );
        let e = Packing::Enum {
            members: vec!["a".into()],
            bytes: 1,
        };
        assert_eq!(pack(&Value::text("b"), &e, 0, &mut out), Err(Unpackable));
    }

    proptest! {
        #[test]
        fn integers_are_little_endian_in_their_width(n in any::<i64>(), bytes in 1usize..=8) {
            let out = packed(Value::Int(n), Packing::Int(bytes));
            prop_assert_eq!(out.len(), bytes);
            let mut wide = [if n < 0 { 0xff } else { 0 }; 8];
            wide[..bytes].copy_from_slice(&out);
            let back = i64::from_le_bytes(wide);
            let shift = 64 - 8 * bytes as u32;
            prop_assert_eq!(back << shift >> shift, n << shift >> shift);
        }

        #[test]
        fn strings_keep_their_bytes_after_the_length(s in proptest::collection::vec(any::<u8>(), 0..300)) {
            let out = packed(Value::Bytes(s.clone()), Packing::Variable { length_bytes: 2 });
            prop_assert_eq!(u16::from_le_bytes([out[0], out[1]]) as usize, s.len());
            prop_assert_eq!(&out[2..], &s[..]);
        }

        #[test]
        fn floats_round_trip(d in any::<f64>()) {
            let out = packed(Value::Double(d), Packing::Double);
            let back = f64::from_le_bytes(out.try_into().unwrap());
            prop_assert!(back == d || (back.is_nan() && d.is_nan()));
        }
    }
}
