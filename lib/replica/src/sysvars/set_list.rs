//! SET-typed variables (sql_mode, log_output, old_mode, …): a value is a
//! comma-separated list of names or a bitmask, printed back as the names in
//! the variable's own order. sql_mode also expands MariaDB's combination
//! modes (ANSI, TRADITIONAL, ORACLE, …) into the modes they stand for.

use super::convert::value_text;
use super::def::VarDef;
use super::errors;
use crate::error::ServerResult;
use crate::sql::value::Value;

/// The modes each combination mode of sql_mode turns on besides itself.
const SQL_MODE_COMBINATIONS: &[(&str, &[&str])] = &[
    (
        "ANSI",
        &[
            "REAL_AS_FLOAT",
            "PIPES_AS_CONCAT",
            "ANSI_QUOTES",
            "IGNORE_SPACE",
        ],
    ),
    (
        "TRADITIONAL",
        &[
            "STRICT_TRANS_TABLES",
            "STRICT_ALL_TABLES",
            "NO_ZERO_IN_DATE",
            "NO_ZERO_DATE",
            "ERROR_FOR_DIVISION_BY_ZERO",
            "NO_AUTO_CREATE_USER",
            "NO_ENGINE_SUBSTITUTION",
        ],
    ),
    (
        "ORACLE",
        &[
            "PIPES_AS_CONCAT",
            "ANSI_QUOTES",
            "IGNORE_SPACE",
            "NO_KEY_OPTIONS",
            "NO_TABLE_OPTIONS",
            "NO_FIELD_OPTIONS",
            "NO_AUTO_CREATE_USER",
            "SIMULTANEOUS_ASSIGNMENT",
        ],
    ),
    ("POSTGRESQL", FOREIGN_DIALECT),
    ("MSSQL", FOREIGN_DIALECT),
    ("DB2", FOREIGN_DIALECT),
    (
        "MAXDB",
        &[
            "PIPES_AS_CONCAT",
            "ANSI_QUOTES",
            "IGNORE_SPACE",
            "NO_KEY_OPTIONS",
            "NO_TABLE_OPTIONS",
            "NO_FIELD_OPTIONS",
            "NO_AUTO_CREATE_USER",
        ],
    ),
    ("MYSQL323", &["HIGH_NOT_PRECEDENCE"]),
    ("MYSQL40", &["HIGH_NOT_PRECEDENCE"]),
];

/// What POSTGRESQL, MSSQL and DB2 modes stand for.
const FOREIGN_DIALECT: &[&str] = &[
    "PIPES_AS_CONCAT",
    "ANSI_QUOTES",
    "IGNORE_SPACE",
    "NO_KEY_OPTIONS",
    "NO_TABLE_OPTIONS",
    "NO_FIELD_OPTIONS",
];

/// Converts a SET value to its canonical text.
pub fn convert(def: &VarDef, value: &Value, names: &[&str]) -> ServerResult<String> {
    let mut mask = match value {
        Value::Bytes(b) => mask_of_names(def, &String::from_utf8_lossy(b), names)?,
        Value::Int(_) | Value::UInt(_) => mask_of_number(def, value, names)?,
        Value::Null => return Err(errors::wrong_value(def.name, "NULL")),
        _ => return Err(errors::wrong_type(def.name)),
    };
    if def.name == "sql_mode" {
        mask = expand_sql_mode(mask, names);
    }
    Ok(names_of_mask(mask, names))
}

/// The bits a list like `ansi_quotes,,pipes_as_concat ` names; trailing
/// spaces of an item are dropped, leading ones are not.
fn mask_of_names(def: &VarDef, list: &str, names: &[&str]) -> ServerResult<u64> {
    let mut mask = 0u64;
    for item in list.split(',') {
        let item = item.trim_end_matches(' ');
        if item.is_empty() {
            continue;
        }
        let index = names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(item))
            .ok_or_else(|| errors::wrong_value(def.name, item))?;
        mask |= 1 << index;
    }
    Ok(mask)
}

/// A bitmask, refused when it has bits beyond the names.
fn mask_of_number(def: &VarDef, value: &Value, names: &[&str]) -> ServerResult<u64> {
    let limit = 1u128 << names.len();
    let fits = match value {
        Value::Int(i) => u128::try_from(*i).ok().filter(|v| *v < limit),
        Value::UInt(u) => Some(u128::from(*u)).filter(|v| *v < limit),
        _ => None,
    };
    fits.map(|v| v as u64)
        .ok_or_else(|| errors::wrong_value(def.name, &value_text(value)))
}

/// Adds the modes each combination mode in `mask` stands for.
fn expand_sql_mode(mask: u64, names: &[&str]) -> u64 {
    let bit = |name: &str| {
        names
            .iter()
            .position(|n| *n == name)
            .map_or(0, |i| 1u64 << i)
    };
    SQL_MODE_COMBINATIONS
        .iter()
        .filter(|(combo, _)| mask & bit(combo) != 0)
        .flat_map(|(_, parts)| parts.iter())
        .fold(mask, |m, part| m | bit(part))
}

/// The names of the bits set, in the variable's order.
fn names_of_mask(mask: u64, names: &[&str]) -> String {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysvars::catalog::lookup;
    use crate::sysvars::def::Kind;

    fn sql_mode(value: Value) -> ServerResult<String> {
        let def = lookup("sql_mode").unwrap();
        let Kind::Set(names) = def.kind else { panic!() };
        convert(def, &value, names)
    }

    #[test]
    fn combination_modes_expand_in_canonical_order() {
        assert_eq!(
            sql_mode(Value::text("ansi")).unwrap(),
            "REAL_AS_FLOAT,PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ANSI"
        );
        assert_eq!(
            sql_mode(Value::text("traditional")).unwrap(),
            "STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,\
             ERROR_FOR_DIVISION_BY_ZERO,TRADITIONAL,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION"
        );
        assert_eq!(
            sql_mode(Value::text("ORACLE")).unwrap(),
            "PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ORACLE,NO_KEY_OPTIONS,NO_TABLE_OPTIONS,\
             NO_FIELD_OPTIONS,NO_AUTO_CREATE_USER,SIMULTANEOUS_ASSIGNMENT"
        );
        assert_eq!(
            sql_mode(Value::text("MYSQL40")).unwrap(),
            "MYSQL40,HIGH_NOT_PRECEDENCE"
        );
    }

    #[test]
    fn lists_skip_empty_items_and_trailing_spaces_but_not_leading_ones() {
        assert_eq!(
            sql_mode(Value::text("ansi_quotes,,pipes_as_concat ")).unwrap(),
            "PIPES_AS_CONCAT,ANSI_QUOTES"
        );
        assert_eq!(sql_mode(Value::text("")).unwrap(), "");
        let e = sql_mode(Value::text("ANSI_QUOTES, PIPES_AS_CONCAT")).unwrap_err();
        assert_eq!(
            e.message,
            "Variable 'sql_mode' can't be set to the value of ' PIPES_AS_CONCAT'"
        );
        let e = sql_mode(Value::text("ANSI_QUOTES,FOO,BAR")).unwrap_err();
        assert_eq!(
            e.message,
            "Variable 'sql_mode' can't be set to the value of 'FOO'"
        );
    }

    #[test]
    fn bitmasks_name_modes_and_refuse_unknown_bits() {
        assert_eq!(sql_mode(Value::Int(2)).unwrap(), "PIPES_AS_CONCAT");
        assert_eq!(
            sql_mode(Value::Int(1 << 34)).unwrap(),
            "TIME_ROUND_FRACTIONAL"
        );
        let e = sql_mode(Value::Int(1 << 36)).unwrap_err();
        assert_eq!(
            e.message,
            "Variable 'sql_mode' can't be set to the value of '68719476736'"
        );
        assert_eq!(sql_mode(Value::Int(-1)).unwrap_err().code, 1231);
        assert_eq!(sql_mode(Value::Null).unwrap_err().code, 1231);
        assert_eq!(sql_mode(Value::Double(1.5)).unwrap_err().code, 1232);
    }

    proptest::proptest! {
        /// Any text either fails with 1231 or gives a canonical list that sets to itself.
        #[test]
        fn any_text_is_refused_cleanly_or_round_trips(text in "[A-Za-z_, ]{0,40}") {
            match sql_mode(Value::text(&text)) {
                Ok(canonical) => proptest::prop_assert_eq!(sql_mode(Value::text(&canonical)).unwrap(), canonical),
                Err(e) => proptest::prop_assert_eq!(e.code, 1231),
            }
        }

        /// Every bitmask below 2^35 is accepted and names only known modes.
        #[test]
        fn any_valid_bitmask_round_trips(mask in 0i64..(1 << 35)) {
            let canonical = sql_mode(Value::Int(mask)).unwrap();
            proptest::prop_assert_eq!(sql_mode(Value::text(&canonical)).unwrap(), canonical);
        }
    }
}
