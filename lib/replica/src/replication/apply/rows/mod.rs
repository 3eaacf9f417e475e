//! Row-based events on the slave: decoding a Table_map (`table_map`) and
//! a Write/Update/Delete_rows event's frame (`event`), MariaDB's zlib
//! compressed forms (`compressed`), the row images inside (`image`),
//! the column type check against the slave's table (`types`), turning a
//! decoded field into the slave column's value (`convert`), finding a
//! before image's row (`lookup`), and applying the rows in the SQL
//! thread's session (`apply`). Event bodies enter from
//! `apply::decode`; table changes and MariaDB's row-event errors leave.

pub mod apply;
pub mod compressed;
pub mod convert;
pub mod event;
pub mod image;
pub mod lookup;
pub mod table_map;
pub mod types;

/// Field type codes of the binlog (`enum_field_types`).
pub mod code {
    pub const DECIMAL: u8 = 0;
    pub const TINY: u8 = 1;
    pub const SHORT: u8 = 2;
    pub const LONG: u8 = 3;
    pub const FLOAT: u8 = 4;
    pub const DOUBLE: u8 = 5;
    pub const NULL: u8 = 6;
    pub const TIMESTAMP: u8 = 7;
    pub const LONGLONG: u8 = 8;
    pub const INT24: u8 = 9;
    pub const DATE: u8 = 10;
    pub const TIME: u8 = 11;
    pub const DATETIME: u8 = 12;
    pub const YEAR: u8 = 13;
    pub const NEWDATE: u8 = 14;
    pub const VARCHAR: u8 = 15;
    pub const BIT: u8 = 16;
    pub const TIMESTAMP2: u8 = 17;
    pub const DATETIME2: u8 = 18;
    pub const TIME2: u8 = 19;
    pub const JSON: u8 = 245;
    pub const NEWDECIMAL: u8 = 246;
    pub const ENUM: u8 = 247;
    pub const SET: u8 = 248;
    pub const TINY_BLOB: u8 = 249;
    pub const MEDIUM_BLOB: u8 = 250;
    pub const LONG_BLOB: u8 = 251;
    pub const BLOB: u8 = 252;
    pub const VAR_STRING: u8 = 253;
    pub const STRING: u8 = 254;
    pub const GEOMETRY: u8 = 255;
}

/// A little-endian reader over an event body that fails instead of panicking.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// The body ended early or held an impossible value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed row event")]
pub struct Malformed;

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    /// Bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        &self.bytes[self.at..]
    }

    pub fn is_empty(&self) -> bool {
        self.at >= self.bytes.len()
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        let end = self.at.checked_add(n).ok_or(Malformed)?;
        let slice = self.bytes.get(self.at..end).ok_or(Malformed)?;
        self.at = end;
        Ok(slice)
    }

    pub fn u8(&mut self) -> Result<u8, Malformed> {
        Ok(self.take(1)?[0])
    }

    /// An unsigned little-endian integer of `n` (at most 8) bytes.
    pub fn uint_le(&mut self, n: usize) -> Result<u64, Malformed> {
        if n > 8 {
            return Err(Malformed);
        }
        let b = self.take(n)?;
        Ok(b.iter().rev().fold(0u64, |acc, &x| acc << 8 | u64::from(x)))
    }

    /// An unsigned big-endian integer of `n` (at most 8) bytes.
    pub fn uint_be(&mut self, n: usize) -> Result<u64, Malformed> {
        if n > 8 {
            return Err(Malformed);
        }
        let b = self.take(n)?;
        Ok(b.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x)))
    }

    /// A length-encoded integer (the packed form of the client protocol).
    pub fn lenenc(&mut self) -> Result<u64, Malformed> {
        match self.u8()? {
            n @ 0..=250 => Ok(u64::from(n)),
            252 => self.uint_le(2),
            253 => self.uint_le(3),
            254 => self.uint_le(8),
            _ => Err(Malformed),
        }
    }

    /// A bitmap of `n` bits, least significant bit first.
    pub fn bitmap(&mut self, n: usize) -> Result<Vec<bool>, Malformed> {
        let bytes = self.take(n.div_ceil(8))?;
        Ok((0..n).map(|i| bytes[i / 8] & (1 << (i % 8)) != 0).collect())
    }
}
