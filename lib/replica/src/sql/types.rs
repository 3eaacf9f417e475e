//! Column types as CREATE TABLE declares them and SHOW CREATE TABLE prints
//! them, with the attributes that change how values are stored (length,
//! precision, UNSIGNED, character set).

/// Width class of an integer column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntWidth {
    Tiny,
    Small,
    Medium,
    Int,
    Big,
}

/// Size class of TEXT and BLOB columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LobSize {
    Tiny,
    Normal,
    Medium,
    Long,
}

/// A column's declared type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SqlType {
    Int {
        width: IntWidth,
        unsigned: bool,
        zerofill: bool,
        /// Display width if given, e.g. `int(5)`.
        display: Option<u32>,
    },
    Decimal {
        precision: u8,
        scale: u8,
        unsigned: bool,
    },
    Double {
        unsigned: bool,
    },
    Float {
        unsigned: bool,
    },
    Char {
        length: u32,
        binary: bool,
    },
    Varchar {
        length: u32,
        binary: bool,
    },
    Text(LobSize),
    Blob(LobSize),
    Date,
    DateTime {
        fsp: u8,
    },
    Timestamp {
        fsp: u8,
    },
    Time {
        fsp: u8,
    },
    Year,
    Enum(Vec<String>),
    Set(Vec<String>),
    Bit(u8),
}
