//! The byte codec of the on-disk files: little-endian integers, length-
//! prefixed bytes and strings, and every [`Value`] kind. Encoders append to
//! a `Vec<u8>`; a [`Decoder`] reads a slice and reports the offset of the
//! first thing it cannot read, so a corrupt file names where it broke.

use crate::sql::value::{Decimal, Temporal, TemporalKind, Value};

/// Where decoding stopped and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
    pub what: String,
}

pub type Decoded<T> = Result<T, DecodeError>;

/// Appends encoded items to a buffer.
#[derive(Debug, Default)]
pub struct Encoder {
    pub buf: Vec<u8>,
}

impl Encoder {
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }

    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn bytes(&mut self, v: &[u8]) {
        self.u32(v.len() as u32);
        self.buf.extend_from_slice(v);
    }

    pub fn str(&mut self, v: &str) {
        self.bytes(v.as_bytes());
    }

    /// An optional string: a presence byte, then the string.
    pub fn opt_str(&mut self, v: Option<&str>) {
        self.bool(v.is_some());
        if let Some(s) = v {
            self.str(s);
        }
    }

    pub fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.u8(0),
            Value::Int(i) => {
                self.u8(1);
                self.u64(*i as u64);
            }
            Value::UInt(u) => {
                self.u8(2);
                self.u64(*u);
            }
            Value::Double(d) => {
                self.u8(3);
                self.u64(d.to_bits());
            }
            Value::Decimal(d) => self.decimal(d),
            Value::Bytes(b) => {
                self.u8(5);
                self.bytes(b);
            }
            Value::Temporal(t) => self.temporal(t),
        }
    }

    fn decimal(&mut self, d: &Decimal) {
        self.u8(4);
        self.buf.extend_from_slice(&d.digits.to_le_bytes());
        self.u8(d.scale);
    }

    fn temporal(&mut self, t: &Temporal) {
        self.u8(6);
        self.u8(match t.kind {
            TemporalKind::Date => 0,
            TemporalKind::DateTime => 1,
            TemporalKind::Time => 2,
        });
        self.bool(t.negative);
        self.buf.extend_from_slice(&t.year.to_le_bytes());
        self.u8(t.month);
        self.u8(t.day);
        self.u32(t.hour);
        self.u8(t.minute);
        self.u8(t.second);
        self.u32(t.micros);
        self.u8(t.fsp);
    }

    pub fn row(&mut self, row: &[Value]) {
        self.u32(row.len() as u32);
        row.iter().for_each(|v| self.value(v));
    }
}

/// Reads encoded items from a slice.
#[derive(Debug)]
pub struct Decoder<'a> {
    data: &'a [u8],
    pos: usize,
    /// Added to positions in errors (the slice's place in its file).
    base: usize,
}

impl<'a> Decoder<'a> {
    pub fn new(data: &'a [u8], base: usize) -> Decoder<'a> {
        Decoder { data, pos: 0, base }
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// An error at the current position.
    pub fn error(&self, what: &str) -> DecodeError {
        DecodeError {
            offset: self.base + self.pos,
            what: what.to_string(),
        }
    }

    fn take(&mut self, n: usize) -> Decoded<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        let end = end.ok_or_else(|| self.error("unexpected end of data"))?;
        let out = &self.data[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Decoded<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub fn u8(&mut self) -> Decoded<u8> {
        Ok(self.take(1)?[0])
    }

    pub fn bool(&mut self) -> Decoded<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.error("bad boolean")),
        }
    }

    pub fn u32(&mut self) -> Decoded<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Decoded<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub fn bytes(&mut self) -> Decoded<Vec<u8>> {
        let n = self.u32()? as usize;
        Ok(self.take(n)?.to_vec())
    }

    pub fn str(&mut self) -> Decoded<String> {
        let b = self.bytes()?;
        String::from_utf8(b).map_err(|_| self.error("bad UTF-8 in a name"))
    }

    pub fn opt_str(&mut self) -> Decoded<Option<String>> {
        if self.bool()? {
            Ok(Some(self.str()?))
        } else {
            Ok(None)
        }
    }

    /// A count of items that follow, bounded by the bytes left so a
    /// corrupt count cannot ask for a huge allocation.
    pub fn count(&mut self) -> Decoded<usize> {
        let n = self.u32()? as usize;
        if n > self.data.len() - self.pos {
            return Err(self.error("count larger than the data"));
        }
        Ok(n)
    }

    pub fn value(&mut self) -> Decoded<Value> {
        match self.u8()? {
            0 => Ok(Value::Null),
            1 => Ok(Value::Int(self.u64()? as i64)),
            2 => Ok(Value::UInt(self.u64()?)),
            3 => Ok(Value::Double(f64::from_bits(self.u64()?))),
            4 => self.decimal(),
            5 => Ok(Value::Bytes(self.bytes()?)),
            6 => self.temporal(),
            _ => Err(self.error("unknown value kind")),
        }
    }

    fn decimal(&mut self) -> Decoded<Value> {
        let digits = i128::from_le_bytes(self.array()?);
        Ok(Value::Decimal(Decimal::new(digits, self.u8()?)))
    }

    fn temporal(&mut self) -> Decoded<Value> {
        let kind = match self.u8()? {
            0 => TemporalKind::Date,
            1 => TemporalKind::DateTime,
            2 => TemporalKind::Time,
            _ => return Err(self.error("unknown temporal kind")),
        };
        Ok(Value::Temporal(Temporal {
            kind,
            negative: self.bool()?,
            year: u16::from_le_bytes(self.array()?),
            month: self.u8()?,
            day: self.u8()?,
            hour: self.u32()?,
            minute: self.u8()?,
            second: self.u8()?,
            micros: self.u32()?,
            fsp: self.u8()?,
        }))
    }

    pub fn row(&mut self) -> Decoded<Vec<Value>> {
        let n = self.count()?;
        (0..n).map(|_| self.value()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn temporal() -> impl Strategy<Value = Temporal> {
        let kind = prop_oneof![
            Just(TemporalKind::Date),
            Just(TemporalKind::DateTime),
            Just(TemporalKind::Time)
        ];
        (kind, any::<bool>(), any::<u16>(), any::<(u8, u8)>()).prop_flat_map(
            |(kind, negative, year, (month, day))| {
                (any::<u32>(), any::<(u8, u8, u32, u8)>()).prop_map(
                    move |(hour, (minute, second, micros, fsp))| Temporal {
                        kind,
                        negative,
                        year,
                        month,
                        day,
                        hour,
                        minute,
                        second,
                        micros,
                        fsp,
                    },
                )
            },
        )
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::Int),
            any::<u64>().prop_map(Value::UInt),
            any::<f64>().prop_map(Value::Double),
            (any::<i128>(), any::<u8>()).prop_map(|(d, s)| Value::Decimal(Decimal::new(d, s))),
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
            temporal().prop_map(Value::Temporal),
        ]
    }

    /// Doubles compare by bits so NaN round-trips count as equal.
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
            _ => a == b,
        }
    }

    proptest! {
        #[test]
        fn every_value_kind_round_trips(row in proptest::collection::vec(value(), 0..8)) {
            let mut e = Encoder::default();
            e.row(&row);
            let mut d = Decoder::new(&e.buf, 0);
            let back = d.row().unwrap();
            prop_assert!(d.is_empty());
            prop_assert_eq!(back.len(), row.len());
            for (a, b) in row.iter().zip(&back) {
                prop_assert!(same(a, b), "{:?} != {:?}", a, b);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic_the_decoder(data in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = Decoder::new(&data, 0).row();
        }
    }

    #[test]
    fn a_cut_value_reports_the_offset_where_data_ran_out() {
        let mut e = Encoder::default();
        e.value(&Value::text("hello"));
        let cut = &e.buf[..e.buf.len() - 2];
        let err = Decoder::new(cut, 100).value().unwrap_err();
        assert_eq!(err.offset, 105);
        assert_eq!(err.what, "unexpected end of data");
    }
}
