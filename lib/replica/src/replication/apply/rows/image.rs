//! Row images: a NULL bitmap over the columns the image carries, then each
//! non-NULL value packed by its binlog type and the table map's metadata
//! (integers little-endian, DECIMAL and the temporal types of MySQL 5.6+
//! big-endian, strings and blobs after a length). Bytes and column types
//! enter; one [`Field`] per carried column leaves, or [`ImageError`].

use super::table_map::ColumnType;
use super::{Malformed, Reader, code};
use crate::sql::value::{Decimal, Temporal, TemporalKind};

/// One decoded value, before the slave column decides its final form.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Null,
    /// An integer's bytes, zero-extended; the column's signedness reads them.
    Int {
        bits: u64,
        bytes: u8,
    },
    Float(f32),
    Double(f64),
    Decimal(Decimal),
    Bytes(Vec<u8>),
    /// An ENUM's index or a SET's member bits.
    Index(u64),
    Bit(u64),
    Year(u16),
    Temporal(Temporal),
}

/// Why an image could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageError {
    Malformed,
    /// A column type this server cannot read, by code.
    Unsupported(u8),
}

impl From<Malformed> for ImageError {
    fn from(_: Malformed) -> ImageError {
        ImageError::Malformed
    }
}

/// Reads one image: `present` says which of `columns` it carries; the
/// result has one entry per column, None for those not carried.
pub fn read_image(
    r: &mut Reader<'_>,
    columns: &[ColumnType],
    present: &[bool],
) -> Result<Vec<Option<Field>>, ImageError> {
    let carried = present.iter().filter(|&&p| p).count();
    let nulls = r.bitmap(carried)?;
    let mut nulls = nulls.into_iter();
    let mut out = Vec::with_capacity(present.len());
    for (i, &p) in present.iter().enumerate() {
        if !p {
            out.push(None);
            continue;
        }
        let is_null = nulls.next().ok_or(Malformed)?;
        let ty = columns.get(i).ok_or(Malformed)?;
        out.push(Some(match is_null {
            true => Field::Null,
            false => field(r, *ty)?,
        }));
    }
    Ok(out)
}

/// One non-NULL value of type `ty`.
pub fn field(r: &mut Reader<'_>, ty: ColumnType) -> Result<Field, ImageError> {
    let meta = usize::from(ty.meta);
    Ok(match ty.code {
        code::TINY => int(r, 1)?,
        code::SHORT => int(r, 2)?,
        code::INT24 => int(r, 3)?,
        code::LONG => int(r, 4)?,
        code::LONGLONG => int(r, 8)?,
        code::FLOAT => Field::Float(f32::from_bits(r.uint_le(4)? as u32)),
        code::DOUBLE => Field::Double(f64::from_bits(r.uint_le(8)?)),
        code::NEWDECIMAL => Field::Decimal(decimal(r, meta & 0xff, meta >> 8)?),
        code::VARCHAR | code::VAR_STRING | code::STRING => {
            let len = r.uint_le(if meta < 256 { 1 } else { 2 })? as usize;
            Field::Bytes(r.take(len)?.to_vec())
        }
        code::BLOB | code::TINY_BLOB | code::MEDIUM_BLOB | code::LONG_BLOB | code::JSON => {
            if !(1..=4).contains(&meta) {
                return Err(ImageError::Malformed);
            }
            let len = r.uint_le(meta)? as usize;
            Field::Bytes(r.take(len)?.to_vec())
        }
        code::ENUM | code::SET => Field::Index(r.uint_le(meta.clamp(1, 8))?),
        code::BIT => Field::Bit(r.uint_be((meta >> 8) + usize::from(meta & 0xff != 0))?),
        code::YEAR => Field::Year(match r.u8()? {
            0 => 0,
            y => 1900 + u16::from(y),
        }),
        code::DATE | code::NEWDATE => Field::Temporal(date(r.uint_le(3)?)),
        code::TIMESTAMP => Field::Temporal(timestamp(r.uint_le(4)?, 0, 0)),
        code::TIMESTAMP2 => {
            let secs = r.uint_be(4)?;
            let fsp = fsp(meta)?;
            let micros = fraction(r, fsp)?;
            Field::Temporal(timestamp(secs, micros, fsp))
        }
        code::DATETIME => Field::Temporal(datetime_number(r.uint_le(8)?)),
        code::DATETIME2 => Field::Temporal(datetime2(r, fsp(meta)?)?),
        code::TIME => Field::Temporal(time_number(r.uint_le(3)?)),
        code::TIME2 => Field::Temporal(time2(r, fsp(meta)?)?),
        other => return Err(ImageError::Unsupported(other)),
    })
}

fn int(r: &mut Reader<'_>, bytes: u8) -> Result<Field, Malformed> {
    let bits = r.uint_le(usize::from(bytes))?;
    Ok(Field::Int { bits, bytes })
}

fn fsp(meta: usize) -> Result<u8, Malformed> {
    u8::try_from(meta).ok().filter(|&f| f <= 6).ok_or(Malformed)
}

/// Bytes of a packed DECIMAL part of `digits` digits.
fn decimal_bytes(digits: usize) -> usize {
    const REST: [usize; 10] = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];
    digits / 9 * 4 + REST[digits % 9]
}

/// A packed DECIMAL(precision, scale).
fn decimal(r: &mut Reader<'_>, precision: usize, scale: usize) -> Result<Decimal, Malformed> {
    if precision == 0 || precision > 65 || scale > precision || scale > 38 {
        return Err(Malformed);
    }
    let size = decimal_bytes(precision - scale) + decimal_bytes(scale);
    let mut packed = vec![precision as u8, scale as u8];
    packed.extend_from_slice(r.take(size)?);
    let text = crate::replication::apply::decode::decimal_text(&packed).ok_or(Malformed)?;
    Decimal::parse(&text).ok_or(Malformed)
}

/// Fractional seconds of `fsp` digits, as microseconds.
fn fraction(r: &mut Reader<'_>, fsp: u8) -> Result<u32, Malformed> {
    let bytes = usize::from(fsp).div_ceil(2);
    let v = r.uint_be(bytes)? as u32;
    Ok(match bytes {
        1 => v * 10_000,
        2 => v * 100,
        _ => v,
    })
}

/// A 3-byte DATE: day in bits 0-4, month 5-8, year above.
fn date(v: u64) -> Temporal {
    let mut t = Temporal::date_time(
        (v >> 9) as i64,
        ((v >> 5) & 15) as u32,
        (v & 31) as u32,
        0,
        0,
        0,
        0,
    );
    t.kind = TemporalKind::Date;
    t
}

/// A TIMESTAMP as seconds since the epoch (UTC); 0 is the zero date.
fn timestamp(secs: u64, micros: u32, fsp: u8) -> Temporal {
    let mut t = match secs {
        0 => Temporal::date_time(0, 0, 0, 0, 0, 0, micros),
        s => Temporal::from_seconds(s as i64, micros, fsp),
    };
    t.fsp = fsp;
    t
}

/// DATETIME2: 40 bits of (year*13+month, day, hour, minute, second), then the fraction.
fn datetime2(r: &mut Reader<'_>, fsp: u8) -> Result<Temporal, Malformed> {
    let packed = r.uint_be(5)?;
    let int = packed.checked_sub(0x80_0000_0000).ok_or(Malformed)?;
    let micros = fraction(r, fsp)?;
    let ymd = int >> 17;
    let ym = ymd >> 5;
    let hms = int & 0x1ffff;
    let mut t = Temporal::date_time(
        (ym / 13) as i64,
        (ym % 13) as u32,
        (ymd & 31) as u32,
        (hms >> 12) as u32,
        ((hms >> 6) & 63) as u32,
        (hms & 63) as u32,
        micros,
    );
    t.fsp = fsp;
    Ok(t)
}

/// The old DATETIME: YYYYMMDDhhmmss as a number.
fn datetime_number(v: u64) -> Temporal {
    let (d, t) = (v / 1_000_000, v % 1_000_000);
    Temporal::date_time(
        (d / 10_000) as i64,
        (d / 100 % 100) as u32,
        (d % 100) as u32,
        (t / 10_000) as u32,
        (t / 100 % 100) as u32,
        (t % 100) as u32,
        0,
    )
}

/// The old TIME: a signed 3-byte HHMMSS.
fn time_number(v: u64) -> Temporal {
    let signed = ((v << 40) as i64) >> 40;
    let n = signed.unsigned_abs();
    time_value(
        signed < 0,
        (n / 10_000) as u32,
        n / 100 % 100,
        n % 100,
        0,
        0,
    )
}

/// TIME2: a 24-bit offset value (sign, hours, minutes, seconds) and a
/// fraction that, for negative times, borrows from it (my_time_packed_from_binary).
fn time2(r: &mut Reader<'_>, fsp: u8) -> Result<Temporal, Malformed> {
    const INT_OFS: i64 = 0x80_0000;
    let packed: i64 = match fsp {
        0 => (r.uint_be(3)? as i64 - INT_OFS) << 24,
        1 | 2 => {
            let mut int = r.uint_be(3)? as i64 - INT_OFS;
            let mut frac = i64::from(r.u8()?);
            if int < 0 && frac != 0 {
                int += 1;
                frac -= 0x100;
            }
            (int << 24) + frac * 10_000
        }
        3 | 4 => {
            let mut int = r.uint_be(3)? as i64 - INT_OFS;
            let mut frac = r.uint_be(2)? as i64;
            if int < 0 && frac != 0 {
                int += 1;
                frac -= 0x10000;
            }
            (int << 24) + frac * 100
        }
        _ => r.uint_be(6)? as i64 - 0x8000_0000_0000,
    };
    let negative = packed < 0;
    let abs = packed.unsigned_abs();
    let hms = abs >> 24;
    Ok(time_value(
        negative,
        ((hms >> 12) % (1 << 10)) as u32,
        (hms >> 6) % 64,
        hms % 64,
        (abs % (1 << 24)) as u32,
        fsp,
    ))
}

fn time_value(
    negative: bool,
    hour: u32,
    minute: u64,
    second: u64,
    micros: u32,
    fsp: u8,
) -> Temporal {
    let mut t = Temporal::date_time(0, 0, 0, hour, minute as u32, second as u32, micros);
    t.kind = TemporalKind::Time;
    t.negative = negative && (hour, minute, second, micros) != (0, 0, 0, 0);
    t.fsp = fsp;
    t
}

#[cfg(test)]
#[path = "image_tests.rs"]
mod tests;
