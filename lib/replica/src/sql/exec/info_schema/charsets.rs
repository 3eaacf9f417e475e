//! information_schema.CHARACTER_SETS and COLLATIONS, SHOW CHARACTER SET
//! and SHOW COLLATION: the character sets this server really handles
//! (latin1, utf8mb3, utf8mb4, binary) with every collation MariaDB 10.11
//! has for them, ids and sort lengths as it reports them. Tests that need
//! another character set (have_utf32.inc, …) then skip, as they do on a
//! server built without it.

use sqlparser::ast::ShowStatementFilter;

use crate::session::StatementResult;
use crate::session::outcome::{Column, Outcome, ResultSet};
use crate::sql::eval::like_text as like;
use crate::sql::value::{Row, Value};

/// One character set: name, default collation, description, bytes per character.
struct CharacterSet {
    name: &'static str,
    default_collation: &'static str,
    description: &'static str,
    max_len: u64,
}

/// One collation: name, character set, id, whether default, sort length.
struct Collation {
    name: &'static str,
    charset: &'static str,
    id: u64,
    is_default: bool,
    sort_len: u64,
}

/// information_schema.CHARACTER_SETS' columns.
pub const CHARACTER_SETS_COLUMNS: &[&str] = &[
    "CHARACTER_SET_NAME",
    "DEFAULT_COLLATE_NAME",
    "DESCRIPTION",
    "MAXLEN",
];

/// information_schema.COLLATIONS' columns.
pub const COLLATIONS_COLUMNS: &[&str] = &[
    "COLLATION_NAME",
    "CHARACTER_SET_NAME",
    "ID",
    "IS_DEFAULT",
    "IS_COMPILED",
    "SORTLEN",
];

/// CHARACTER_SETS rows.
pub fn character_set_rows() -> Vec<Row> {
    CHARACTER_SETS
        .iter()
        .map(|c| {
            vec![
                Value::text(c.name),
                Value::text(c.default_collation),
                Value::text(c.description),
                Value::UInt(c.max_len),
            ]
        })
        .collect()
}

/// COLLATIONS rows.
pub fn collation_rows() -> Vec<Row> {
    COLLATIONS
        .iter()
        .map(|c| {
            vec![
                Value::text(c.name),
                Value::text(c.charset),
                Value::UInt(c.id),
                Value::text(if c.is_default { "Yes" } else { "" }),
                Value::text("Yes"),
                Value::UInt(c.sort_len),
            ]
        })
        .collect()
}

/// SHOW COLLATION [LIKE …].
pub fn show_collation(filter: Option<&ShowStatementFilter>) -> StatementResult {
    let pattern = super::super::show::like_filter(filter)?;
    let rows = COLLATIONS
        .iter()
        .filter(|c| pattern.as_deref().is_none_or(|p| like(p, c.name)))
        .map(|c| {
            vec![
                Some(c.name.to_string()),
                Some(c.charset.to_string()),
                Some(c.id.to_string()),
                Some(if c.is_default { "Yes" } else { "" }.to_string()),
                Some("Yes".to_string()),
                Some(c.sort_len.to_string()),
            ]
        })
        .collect();
    let mut result = ResultSet::of_text(
        &[
            "Collation",
            "Charset",
            "Id",
            "Default",
            "Compiled",
            "Sortlen",
        ],
        rows,
    );
    result.columns[2] = Column::integer("Id");
    result.columns[5] = Column::integer("Sortlen");
    Ok(Outcome::Rows(result))
}

/// SHOW CHARACTER SET [LIKE …].
pub fn show_charset(filter: Option<&ShowStatementFilter>) -> StatementResult {
    let pattern = super::super::show::like_filter(filter)?;
    let rows = CHARACTER_SETS
        .iter()
        .filter(|c| pattern.as_deref().is_none_or(|p| like(p, c.name)))
        .map(|c| {
            vec![
                Some(c.name.to_string()),
                Some(c.description.to_string()),
                Some(c.default_collation.to_string()),
                Some(c.max_len.to_string()),
            ]
        })
        .collect();
    let mut result = ResultSet::of_text(
        &["Charset", "Description", "Default collation", "Maxlen"],
        rows,
    );
    result.columns[3] = Column::integer("Maxlen");
    Ok(Outcome::Rows(result))
}

/// A character set's default collation and bytes per character (`utf8`
/// names utf8mb3, as in MariaDB 10.11); None for one this server lacks.
pub fn charset_facts(name: &str) -> Option<(&'static str, u64)> {
    let name = match name.to_ascii_lowercase().as_str() {
        "utf8" => "utf8mb3".to_string(),
        other => other.to_string(),
    };
    CHARACTER_SETS
        .iter()
        .find(|c| c.name == name)
        .map(|c| (c.default_collation, c.max_len))
}

/// The character sets, in MariaDB's listing order.
static CHARACTER_SETS: &[CharacterSet] = &[
    CharacterSet {
        name: "latin1",
        default_collation: "latin1_swedish_ci",
        description: "cp1252 West European",
        max_len: 1,
    },
    CharacterSet {
        name: "utf8mb3",
        default_collation: "utf8mb3_general_ci",
        description: "UTF-8 Unicode",
        max_len: 3,
    },
    CharacterSet {
        name: "utf8mb4",
        default_collation: "utf8mb4_general_ci",
        description: "UTF-8 Unicode",
        max_len: 4,
    },
    CharacterSet {
        name: "binary",
        default_collation: "binary",
        description: "Binary pseudo charset",
        max_len: 1,
    },
];

/// The collations of those character sets, by id as MariaDB lists them.
static COLLATIONS: &[Collation] = &[
    Collation {
        name: "latin1_german1_ci",
        charset: "latin1",
        id: 5,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "latin1_swedish_ci",
        charset: "latin1",
        id: 8,
        is_default: true,
        sort_len: 1,
    },
    Collation {
        name: "latin1_danish_ci",
        charset: "latin1",
        id: 15,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "latin1_german2_ci",
        charset: "latin1",
        id: 31,
        is_default: false,
        sort_len: 2,
    },
    Collation {
        name: "utf8mb3_general_ci",
        charset: "utf8mb3",
        id: 33,
        is_default: true,
        sort_len: 1,
    },
    Collation {
        name: "utf8mb4_general_ci",
        charset: "utf8mb4",
        id: 45,
        is_default: true,
        sort_len: 1,
    },
    Collation {
        name: "utf8mb4_bin",
        charset: "utf8mb4",
        id: 46,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "latin1_bin",
        charset: "latin1",
        id: 47,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "latin1_general_ci",
        charset: "latin1",
        id: 48,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "latin1_general_cs",
        charset: "latin1",
        id: 49,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "binary",
        charset: "binary",
        id: 63,
        is_default: true,
        sort_len: 1,
    },
    Collation {
        name: "utf8mb3_bin",
        charset: "utf8mb3",
        id: 83,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "latin1_spanish_ci",
        charset: "latin1",
        id: 94,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "utf8mb3_unicode_ci",
        charset: "utf8mb3",
        id: 192,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_icelandic_ci",
        charset: "utf8mb3",
        id: 193,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_latvian_ci",
        charset: "utf8mb3",
        id: 194,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_romanian_ci",
        charset: "utf8mb3",
        id: 195,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_slovenian_ci",
        charset: "utf8mb3",
        id: 196,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_polish_ci",
        charset: "utf8mb3",
        id: 197,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_estonian_ci",
        charset: "utf8mb3",
        id: 198,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_spanish_ci",
        charset: "utf8mb3",
        id: 199,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_swedish_ci",
        charset: "utf8mb3",
        id: 200,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_turkish_ci",
        charset: "utf8mb3",
        id: 201,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_czech_ci",
        charset: "utf8mb3",
        id: 202,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_danish_ci",
        charset: "utf8mb3",
        id: 203,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_lithuanian_ci",
        charset: "utf8mb3",
        id: 204,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_slovak_ci",
        charset: "utf8mb3",
        id: 205,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_spanish2_ci",
        charset: "utf8mb3",
        id: 206,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_roman_ci",
        charset: "utf8mb3",
        id: 207,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_persian_ci",
        charset: "utf8mb3",
        id: 208,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_esperanto_ci",
        charset: "utf8mb3",
        id: 209,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_hungarian_ci",
        charset: "utf8mb3",
        id: 210,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_sinhala_ci",
        charset: "utf8mb3",
        id: 211,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_german2_ci",
        charset: "utf8mb3",
        id: 212,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_croatian_mysql561_ci",
        charset: "utf8mb3",
        id: 213,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_unicode_520_ci",
        charset: "utf8mb3",
        id: 214,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_vietnamese_ci",
        charset: "utf8mb3",
        id: 215,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_general_mysql500_ci",
        charset: "utf8mb3",
        id: 223,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "utf8mb4_unicode_ci",
        charset: "utf8mb4",
        id: 224,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_icelandic_ci",
        charset: "utf8mb4",
        id: 225,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_latvian_ci",
        charset: "utf8mb4",
        id: 226,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_romanian_ci",
        charset: "utf8mb4",
        id: 227,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_slovenian_ci",
        charset: "utf8mb4",
        id: 228,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_polish_ci",
        charset: "utf8mb4",
        id: 229,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_estonian_ci",
        charset: "utf8mb4",
        id: 230,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_spanish_ci",
        charset: "utf8mb4",
        id: 231,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_swedish_ci",
        charset: "utf8mb4",
        id: 232,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_turkish_ci",
        charset: "utf8mb4",
        id: 233,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_czech_ci",
        charset: "utf8mb4",
        id: 234,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_danish_ci",
        charset: "utf8mb4",
        id: 235,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_lithuanian_ci",
        charset: "utf8mb4",
        id: 236,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_slovak_ci",
        charset: "utf8mb4",
        id: 237,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_spanish2_ci",
        charset: "utf8mb4",
        id: 238,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_roman_ci",
        charset: "utf8mb4",
        id: 239,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_persian_ci",
        charset: "utf8mb4",
        id: 240,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_esperanto_ci",
        charset: "utf8mb4",
        id: 241,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_hungarian_ci",
        charset: "utf8mb4",
        id: 242,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_sinhala_ci",
        charset: "utf8mb4",
        id: 243,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_german2_ci",
        charset: "utf8mb4",
        id: 244,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_croatian_mysql561_ci",
        charset: "utf8mb4",
        id: 245,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_unicode_520_ci",
        charset: "utf8mb4",
        id: 246,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_vietnamese_ci",
        charset: "utf8mb4",
        id: 247,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_croatian_ci",
        charset: "utf8mb3",
        id: 576,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_myanmar_ci",
        charset: "utf8mb3",
        id: 577,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_thai_520_w2",
        charset: "utf8mb3",
        id: 578,
        is_default: false,
        sort_len: 4,
    },
    Collation {
        name: "utf8mb4_croatian_ci",
        charset: "utf8mb4",
        id: 608,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_myanmar_ci",
        charset: "utf8mb4",
        id: 609,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_thai_520_w2",
        charset: "utf8mb4",
        id: 610,
        is_default: false,
        sort_len: 4,
    },
    Collation {
        name: "latin1_swedish_nopad_ci",
        charset: "latin1",
        id: 1032,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "utf8mb3_general_nopad_ci",
        charset: "utf8mb3",
        id: 1057,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "utf8mb4_general_nopad_ci",
        charset: "utf8mb4",
        id: 1069,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "utf8mb4_nopad_bin",
        charset: "utf8mb4",
        id: 1070,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "latin1_nopad_bin",
        charset: "latin1",
        id: 1071,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "utf8mb3_nopad_bin",
        charset: "utf8mb3",
        id: 1107,
        is_default: false,
        sort_len: 1,
    },
    Collation {
        name: "utf8mb3_unicode_nopad_ci",
        charset: "utf8mb3",
        id: 1216,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb3_unicode_520_nopad_ci",
        charset: "utf8mb3",
        id: 1238,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_unicode_nopad_ci",
        charset: "utf8mb4",
        id: 1248,
        is_default: false,
        sort_len: 8,
    },
    Collation {
        name: "utf8mb4_unicode_520_nopad_ci",
        charset: "utf8mb4",
        id: 1270,
        is_default: false,
        sort_len: 8,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_set_has_its_default_collation() {
        for set in CHARACTER_SETS {
            let default = COLLATIONS
                .iter()
                .find(|c| c.is_default && c.charset == set.name);
            assert_eq!(default.map(|c| c.name), Some(set.default_collation));
        }
    }

    #[test]
    fn latin1_swedish_ci_as_mariadb() {
        // SHOW COLLATION LIKE 'latin1_swedish_ci' on MariaDB 10.11.
        let c = COLLATIONS
            .iter()
            .find(|c| c.name == "latin1_swedish_ci")
            .unwrap();
        assert_eq!(
            (c.charset, c.id, c.is_default, c.sort_len),
            ("latin1", 8, true, 1)
        );
        assert!(!COLLATIONS.iter().any(|c| c.charset == "utf32"));
    }
}
