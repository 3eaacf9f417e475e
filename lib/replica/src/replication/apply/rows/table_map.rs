//! The Table_map event: which `db.table` a table id names for the rows
//! events after it, with each column's binlog type, the metadata that
//! sizes its values (lengths, precision, fractional digits) and whether
//! it may be NULL. An event body enters; a [`TableMap`] or [`Malformed`]
//! leaves.

use super::{Malformed, Reader, code};

/// The most columns a MariaDB table has.
pub const MAX_COLUMNS: usize = 4096;

/// One column as the master's table map describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnType {
    /// The real type: ENUM and SET, which travel as STRING, get their own code.
    pub code: u8,
    /// Type metadata: max bytes (strings), pack length (BLOB, ENUM, SET),
    /// precision | scale << 8 (DECIMAL), bits | bytes << 8 (BIT), fsp.
    pub meta: u16,
}

/// A decoded Table_map event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableMap {
    pub table_id: u64,
    pub db: String,
    pub table: String,
    pub columns: Vec<ColumnType>,
    pub nullable: Vec<bool>,
}

/// Decodes a Table_map body (post-header of 8 bytes, as 10.11 writes it).
pub fn decode(body: &[u8]) -> Result<TableMap, Malformed> {
    let mut r = Reader::new(body);
    let table_id = r.uint_le(6)?;
    r.take(2)?;
    let db = name(&mut r)?;
    let table = name(&mut r)?;
    let count = column_count(&mut r)?;
    let codes = r.take(count)?.to_vec();
    let meta_len = usize::try_from(r.lenenc()?).map_err(|_| Malformed)?;
    let mut meta = Reader::new(r.take(meta_len)?);
    let columns = codes
        .iter()
        .map(|&c| column_type(c, &mut meta))
        .collect::<Result<Vec<_>, _>>()?;
    let nullable = r.bitmap(count)?;
    // Optional metadata (binlog_row_metadata) may follow; nothing here needs it.
    Ok(TableMap {
        table_id,
        db,
        table,
        columns,
        nullable,
    })
}

/// A column count, at most [`MAX_COLUMNS`].
pub fn column_count(r: &mut Reader<'_>) -> Result<usize, Malformed> {
    let n = r.lenenc()?;
    usize::try_from(n)
        .ok()
        .filter(|&n| n <= MAX_COLUMNS)
        .ok_or(Malformed)
}

/// A length-prefixed name followed by a NUL.
fn name(r: &mut Reader<'_>) -> Result<String, Malformed> {
    let len = usize::from(r.u8()?);
    let bytes = r.take(len)?;
    if r.u8()? != 0 {
        return Err(Malformed);
    }
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// A column's type with its metadata read from `meta`.
fn column_type(c: u8, meta: &mut Reader<'_>) -> Result<ColumnType, Malformed> {
    let plain = |meta| Ok(ColumnType { code: c, meta });
    match c {
        code::FLOAT
        | code::DOUBLE
        | code::BLOB
        | code::TINY_BLOB
        | code::MEDIUM_BLOB
        | code::LONG_BLOB
        | code::GEOMETRY
        | code::JSON
        | code::TIMESTAMP2
        | code::DATETIME2
        | code::TIME2 => plain(u16::from(meta.u8()?)),
        code::VARCHAR | code::VAR_STRING | code::BIT | code::NEWDECIMAL => {
            plain(meta.uint_le(2)? as u16)
        }
        code::STRING | code::ENUM | code::SET => string_type(meta.u8()?, meta.u8()?),
        _ => plain(0),
    }
}

/// STRING's two metadata bytes: the real type and the length, whose two
/// high bits hide (inverted) in the first byte when CHAR is over 255 bytes.
fn string_type(first: u8, second: u8) -> Result<ColumnType, Malformed> {
    if first & 0x30 != 0x30 {
        let length = u16::from(second) | (u16::from((first & 0x30) ^ 0x30) << 4);
        return Ok(ColumnType {
            code: first | 0x30,
            meta: length,
        });
    }
    Ok(ColumnType {
        code: first,
        meta: u16::from(second),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Table_map 10.11 wrote for a table of 19 columns of many types.
    const MAP: &str = "120000000000 0100 04 7465737400 02 743100 13 030f12f6fefe100d11130a040508fcfcfe0109 13 0a00030a02f701f8010500020104080202fe0c feff07";

    fn bytes(hex: &str) -> Vec<u8> {
        let hex: String = hex.chars().filter(|c| !c.is_whitespace()).collect();
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn decodes_a_mariadb_table_map() {
        let map = decode(&bytes(MAP)).unwrap();
        assert_eq!(map.table_id, 18);
        assert_eq!((map.db.as_str(), map.table.as_str()), ("test", "t1"));
        let types: Vec<(u8, u16)> = map.columns.iter().map(|c| (c.code, c.meta)).collect();
        assert_eq!(
            types,
            [
                (code::LONG, 0),
                (code::VARCHAR, 10),
                (code::DATETIME2, 3),
                (code::NEWDECIMAL, 10 | 2 << 8),
                (code::ENUM, 1),
                (code::SET, 1),
                (code::BIT, 5),
                (code::YEAR, 0),
                (code::TIMESTAMP2, 2),
                (code::TIME2, 1),
                (code::DATE, 0),
                (code::FLOAT, 4),
                (code::DOUBLE, 8),
                (code::LONGLONG, 0),
                (code::BLOB, 2),
                (code::BLOB, 2),
                (code::STRING, 12),
                (code::TINY, 0),
                (code::INT24, 0),
            ]
        );
        assert!(!map.nullable[0] && map.nullable[1] && map.nullable[18]);
    }

    #[test]
    fn long_char_lengths_hide_in_the_type_byte() {
        // CHAR(255) in utf8mb4: 1020 bytes.
        let t = string_type(0xce, 0xfc).unwrap();
        assert_eq!((t.code, t.meta), (code::STRING, 1020));
    }

    #[test]
    fn truncated_maps_are_malformed() {
        let full = bytes(MAP);
        for n in 0..full.len() - 3 {
            assert_eq!(decode(&full[..n]), Err(Malformed), "{n}");
        }
    }
}
