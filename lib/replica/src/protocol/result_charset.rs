//! A result set on its way out, put in `character_set_results`: character
//! columns (any collation but binary) get their values converted from the
//! server's UTF-8 and, as MariaDB's protocol layer does, their charsetnr and
//! byte length restated for the results charset. With
//! `character_set_results` NULL the values leave in their column's charset;
//! binary columns always pass unchanged.

use crate::session::outcome::{Column, ResultSet};
use crate::sql::value::encoding;
use crate::sysvars::charsets;

/// Collation id of binary strings and numbers.
const BINARY: u16 = 63;

/// Converts a result set's character columns for a client reading `results`.
pub fn convert(set: &mut ResultSet, results: Option<&str>) {
    for (index, column) in set.columns.iter_mut().enumerate() {
        if column.charset == BINARY {
            continue;
        }
        let field = charsets::charset_of_id(column.charset).unwrap_or("utf8mb3");
        let target = restate(column, field, results);
        if !encoding::converts(target) {
            continue;
        }
        for row in &mut set.rows {
            if let Some(Some(value)) = row.get_mut(index) {
                *value = encoding::encode(value, target);
            }
        }
    }
}

/// Restates a column's charsetnr and length for the results charset; the
/// charset its values must be sent in.
fn restate<'a>(column: &mut Column, field: &'a str, results: Option<&'a str>) -> &'a str {
    let Some(results) = results else {
        return field;
    };
    if results == field {
        return field;
    }
    let chars = column.length / charsets::max_bytes(field);
    column.length = chars.saturating_mul(charsets::max_bytes(results));
    column.charset = charsets::default_collation_id(results).unwrap_or(column.charset);
    if results == "binary" { field } else { results }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_column(charset: u16, length: u32, value: &[u8]) -> ResultSet {
        ResultSet {
            columns: vec![Column {
                charset,
                ..Column::text("c", length)
            }],
            rows: vec![vec![Some(value.to_vec())]],
        }
    }

    #[test]
    fn latin1_results_get_latin1_bytes_and_lengths() {
        // MariaDB, SET NAMES latin1: a utf8mb3 VARCHAR(64) is charsetnr 8, length 64.
        let mut set = one_column(33, 192, "café".as_bytes());
        convert(&mut set, Some("latin1"));
        assert_eq!((set.columns[0].charset, set.columns[0].length), (8, 64));
        assert_eq!(set.rows[0][0].as_deref(), Some(&b"caf\xE9"[..]));
    }

    #[test]
    fn utf8mb4_results_restate_a_latin1_column() {
        // MariaDB, SET NAMES utf8mb4: a latin1 VARCHAR(10) is charsetnr 45, length 40.
        let mut set = one_column(8, 10, b"vv");
        convert(&mut set, Some("utf8mb4"));
        assert_eq!((set.columns[0].charset, set.columns[0].length), (45, 40));
    }

    #[test]
    fn null_and_binary_results_keep_the_column_charset() {
        // MariaDB, character_set_results=NULL: latin1 VARCHAR(10) stays 8, 10.
        let mut set = one_column(8, 10, "é".as_bytes());
        convert(&mut set, None);
        assert_eq!((set.columns[0].charset, set.columns[0].length), (8, 10));
        assert_eq!(set.rows[0][0].as_deref(), Some(&b"\xE9"[..]));
        // character_set_results=binary: utf8mb3 'x' (length 3) is 63, length 1.
        let mut set = one_column(33, 3, b"x");
        convert(&mut set, Some("binary"));
        assert_eq!((set.columns[0].charset, set.columns[0].length), (63, 1));
    }

    #[test]
    fn binary_columns_pass_unchanged() {
        let mut set = one_column(63, 2, &[0xE9, 0xFF]);
        convert(&mut set, Some("latin1"));
        assert_eq!(set.rows[0][0].as_deref(), Some(&[0xE9, 0xFF][..]));
    }
}
