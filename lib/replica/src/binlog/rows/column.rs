//! How one column appears in row events, as MariaDB 10.11's Field classes
//! describe it: the type byte and metadata a Table_map event carries
//! (`save_field_metadata`), and the packing its row images use. A column
//! definition and its table's character set come in; a [`Layout`] leaves.

use mysql_common::constants::ColumnType;

use crate::sql::types::{IntWidth, LobSize, SqlType};
use crate::storage::schema::ColumnDef;
use crate::sysvars::charsets;

/// How a column's values are packed in a row image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packing {
    /// Little-endian integer of this many bytes.
    Int(usize),
    Float,
    Double,
    /// Binary decimal (`decimal2bin`).
    Decimal {
        precision: u8,
        scale: u8,
    },
    /// CHAR/BINARY: trailing `pad` bytes dropped, then a 1- or 2-byte length.
    Fixed {
        length_bytes: usize,
        pad: u8,
    },
    /// VARCHAR/VARBINARY and BLOB/TEXT: a length of this many bytes, then the bytes.
    Variable {
        length_bytes: usize,
    },
    Date,
    Time2 {
        fsp: u8,
    },
    DateTime2 {
        fsp: u8,
    },
    Timestamp2 {
        fsp: u8,
    },
    Year,
    /// Big-endian, this many bytes.
    Bit {
        bytes: usize,
    },
    /// The member's 1-based index, little-endian in `bytes`.
    Enum {
        members: Vec<String>,
        bytes: usize,
    },
    /// The members' bit mask, little-endian in `bytes`.
    Set {
        members: Vec<String>,
        bytes: usize,
    },
}

/// A column as row events describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The type byte of the Table_map event.
    pub type_code: u8,
    /// The column's bytes in the Table_map metadata block.
    pub metadata: Vec<u8>,
    pub packing: Packing,
}

/// The layout of `column` in a table whose character set is `charset`.
pub fn layout(column: &ColumnDef, charset: &str) -> Layout {
    let char_bytes = |binary: bool| {
        if binary {
            1
        } else {
            charsets::max_bytes(charset)
        }
    };
    match &column.ty {
        SqlType::Int { width, .. } => integer(*width),
        SqlType::Decimal {
            precision, scale, ..
        } => plain(
            ColumnType::MYSQL_TYPE_NEWDECIMAL,
            vec![*precision, *scale],
            Packing::Decimal {
                precision: *precision,
                scale: *scale,
            },
        ),
        SqlType::Float { .. } => plain(ColumnType::MYSQL_TYPE_FLOAT, vec![4], Packing::Float),
        SqlType::Double { .. } => plain(ColumnType::MYSQL_TYPE_DOUBLE, vec![8], Packing::Double),
        SqlType::Char { length, binary } => fixed(length * char_bytes(*binary), *binary),
        SqlType::Varchar { length, binary } => varchar(length * char_bytes(*binary)),
        SqlType::Text(size) | SqlType::Blob(size) => blob(*size),
        SqlType::Date => plain(ColumnType::MYSQL_TYPE_DATE, vec![], Packing::Date),
        SqlType::Time { fsp } => temporal(ColumnType::MYSQL_TYPE_TIME2, *fsp, |fsp| {
            Packing::Time2 { fsp }
        }),
        SqlType::DateTime { fsp } => temporal(ColumnType::MYSQL_TYPE_DATETIME2, *fsp, |fsp| {
            Packing::DateTime2 { fsp }
        }),
        SqlType::Timestamp { fsp } => temporal(ColumnType::MYSQL_TYPE_TIMESTAMP2, *fsp, |fsp| {
            Packing::Timestamp2 { fsp }
        }),
        SqlType::Year => plain(ColumnType::MYSQL_TYPE_YEAR, vec![], Packing::Year),
        SqlType::Bit(n) => plain(
            ColumnType::MYSQL_TYPE_BIT,
            vec![n % 8, n / 8],
            Packing::Bit {
                bytes: usize::from(*n).div_ceil(8),
            },
        ),
        SqlType::Enum(members) => {
            let bytes = if members.len() < 256 { 1 } else { 2 };
            string_like(
                ColumnType::MYSQL_TYPE_ENUM,
                bytes,
                Packing::Enum {
                    members: members.clone(),
                    bytes,
                },
            )
        }
        SqlType::Set(members) => {
            let bytes = match members.len().div_ceil(8) {
                n @ 0..=4 => n.max(1),
                _ => 8,
            };
            string_like(
                ColumnType::MYSQL_TYPE_SET,
                bytes,
                Packing::Set {
                    members: members.clone(),
                    bytes,
                },
            )
        }
    }
}

fn plain(ty: ColumnType, metadata: Vec<u8>, packing: Packing) -> Layout {
    Layout {
        type_code: ty as u8,
        metadata,
        packing,
    }
}

fn integer(width: IntWidth) -> Layout {
    let (ty, bytes) = match width {
        IntWidth::Tiny => (ColumnType::MYSQL_TYPE_TINY, 1),
        IntWidth::Small => (ColumnType::MYSQL_TYPE_SHORT, 2),
        IntWidth::Medium => (ColumnType::MYSQL_TYPE_INT24, 3),
        IntWidth::Int => (ColumnType::MYSQL_TYPE_LONG, 4),
        IntWidth::Big => (ColumnType::MYSQL_TYPE_LONGLONG, 8),
    };
    plain(ty, vec![], Packing::Int(bytes))
}

/// CHAR and BINARY: type STRING, metadata the real type with the length's
/// two high bits folded in, then its low byte.
fn fixed(bytes: u32, binary: bool) -> Layout {
    let real = ColumnType::MYSQL_TYPE_STRING as u8;
    let high = ((bytes & 0x300) >> 4) as u8;
    Layout {
        type_code: real,
        metadata: vec![real ^ high, (bytes & 0xff) as u8],
        packing: Packing::Fixed {
            length_bytes: if bytes > 255 { 2 } else { 1 },
            pad: if binary { 0 } else { b' ' },
        },
    }
}

/// VARCHAR and VARBINARY: metadata the largest length in bytes.
fn varchar(bytes: u32) -> Layout {
    plain(
        ColumnType::MYSQL_TYPE_VARCHAR,
        (bytes as u16).to_le_bytes().to_vec(),
        Packing::Variable {
            length_bytes: if bytes > 255 { 2 } else { 1 },
        },
    )
}

/// BLOB and TEXT of every size: type BLOB, metadata the length's bytes.
fn blob(size: LobSize) -> Layout {
    let length_bytes = match size {
        LobSize::Tiny => 1,
        LobSize::Normal => 2,
        LobSize::Medium => 3,
        LobSize::Long => 4,
    };
    plain(
        ColumnType::MYSQL_TYPE_BLOB,
        vec![length_bytes as u8],
        Packing::Variable { length_bytes },
    )
}

fn temporal(ty: ColumnType, fsp: u8, packing: fn(u8) -> Packing) -> Layout {
    plain(ty, vec![fsp], packing(fsp))
}

/// ENUM and SET: type STRING, metadata the real type and the pack length.
fn string_like(real: ColumnType, bytes: usize, packing: Packing) -> Layout {
    Layout {
        type_code: ColumnType::MYSQL_TYPE_STRING as u8,
        metadata: vec![real as u8, bytes as u8],
        packing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(ty: SqlType) -> ColumnDef {
        ColumnDef::plain("c", ty, true)
    }

    fn described(ty: SqlType, charset: &str) -> (u8, Vec<u8>) {
        let l = layout(&column(ty), charset);
        (l.type_code, l.metadata)
    }

    #[test]
    fn types_and_metadata_are_mariadbs() {
        // As a 10.11 Table_map event carries them (mariadb-binlog --hexdump).
        let cases: Vec<(SqlType, &str, u8, Vec<u8>)> = vec![
            (
                SqlType::Decimal {
                    precision: 10,
                    scale: 3,
                    unsigned: false,
                },
                "latin1",
                0xf6,
                vec![10, 3],
            ),
            (
                SqlType::Char {
                    length: 5,
                    binary: false,
                },
                "latin1",
                0xfe,
                vec![0xfe, 5],
            ),
            (
                SqlType::Char {
                    length: 100,
                    binary: false,
                },
                "utf8mb4",
                0xfe,
                vec![0xee, 0x90],
            ),
            (
                SqlType::Varchar {
                    length: 300,
                    binary: false,
                },
                "latin1",
                0x0f,
                vec![0x2c, 0x01],
            ),
            (SqlType::Text(LobSize::Tiny), "latin1", 0xfc, vec![1]),
            (SqlType::Blob(LobSize::Long), "latin1", 0xfc, vec![4]),
            (SqlType::Date, "latin1", 0x0a, vec![]),
            (SqlType::Time { fsp: 3 }, "latin1", 0x13, vec![3]),
            (SqlType::Timestamp { fsp: 6 }, "latin1", 0x11, vec![6]),
            (SqlType::Year, "latin1", 0x0d, vec![]),
            (SqlType::Bit(10), "latin1", 0x10, vec![2, 1]),
            (SqlType::Bit(64), "latin1", 0x10, vec![0, 8]),
            (
                SqlType::Enum(vec!["x".into(), "y".into()]),
                "latin1",
                0xfe,
                vec![0xf7, 1],
            ),
            (
                SqlType::Set((0..9).map(|i| i.to_string()).collect()),
                "latin1",
                0xfe,
                vec![0xf8, 2],
            ),
        ];
        for (ty, charset, code, metadata) in cases {
            assert_eq!(described(ty.clone(), charset), (code, metadata), "{ty:?}");
        }
    }

    #[test]
    fn binary_strings_pad_with_zero_bytes() {
        let l = layout(
            &column(SqlType::Char {
                length: 4,
                binary: true,
            }),
            "utf8mb4",
        );
        assert_eq!(l.metadata, vec![0xfe, 4]);
        assert_eq!(
            l.packing,
            Packing::Fixed {
                length_bytes: 1,
                pad: 0
            }
        );
    }
}
