//! Turns the value of a `SET x = v` into the value the variable stores,
//! by the variable's kind: integers are clipped to the range and rounded to
//! the block size with a 1292 warning, booleans and enums accept names or
//! numbers, sets and flag lists are parsed, and a value of the wrong type
//! is refused with 1232 or 1231 as MariaDB refuses it.

use super::def::{Kind, VarDef};
use super::errors;
use super::flagset;
use super::set_list;
use super::setting::Setting;
use crate::error::{Condition, ServerResult};
use crate::sql::value::Value;

/// A converted value and the warnings the conversion raised.
pub type Converted = (Setting, Vec<Condition>);

/// Converts `value` for `def`; `current` is the value being replaced
/// (flag lists change only the flags they name).
pub fn convert(def: &VarDef, value: &Value, current: &Setting) -> ServerResult<Converted> {
    match def.kind {
        Kind::Bool => to_bool(def, value).map(|b| (Setting::Bool(b), Vec::new())),
        Kind::Signed { min, max } => to_signed(def, value, min, max),
        Kind::Unsigned { min, max, block } => to_unsigned(def, value, min, max, block),
        Kind::Double { min, max } => to_double(def, value, min, max),
        Kind::Enum(names) => to_enum(def, value, names).map(|t| (text(t), Vec::new())),
        Kind::Set(names) => set_list::convert(def, value, names).map(|t| (text(t), Vec::new())),
        Kind::FlagSet(names) => {
            flagset::convert(def, value, names, current).map(|t| (text(t), Vec::new()))
        }
        Kind::Text { nullable } => {
            to_text(def, value, nullable).map(|t| (Setting::Text(t), Vec::new()))
        }
    }
}

/// How a value reads inside a 1231 or 1292 message.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Double(d) => d.to_string(),
        Value::Decimal(d) => d.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Temporal(t) => t.to_string(),
    }
}

fn text(t: String) -> Setting {
    Setting::Text(Some(t))
}

fn to_bool(def: &VarDef, value: &Value) -> ServerResult<bool> {
    match value {
        Value::Int(0) | Value::UInt(0) => Ok(false),
        Value::Int(1) | Value::UInt(1) => Ok(true),
        Value::Bytes(b) if b.eq_ignore_ascii_case(b"ON") => Ok(true),
        Value::Bytes(b) if b.eq_ignore_ascii_case(b"OFF") => Ok(false),
        Value::Int(_) | Value::UInt(_) | Value::Bytes(_) | Value::Null => {
            Err(errors::wrong_value(def.name, &value_text(value)))
        }
        _ => Err(errors::wrong_type(def.name)),
    }
}

/// An integer argument widened to i128, with 1916 when it exceeds 64 bits.
fn integer_argument(def: &VarDef, value: &Value) -> ServerResult<(i128, Vec<Condition>)> {
    match value {
        Value::Int(i) => Ok((i128::from(*i), Vec::new())),
        Value::UInt(u) => Ok((i128::from(*u), Vec::new())),
        Value::Decimal(d) if d.scale == 0 => {
            let limit = i128::from(u64::MAX);
            if d.digits > limit {
                Ok((limit, vec![errors::data_overflow(&d.to_string())]))
            } else if d.digits < i128::from(i64::MIN) {
                Ok((
                    i128::from(i64::MIN),
                    vec![errors::data_overflow(&d.to_string())],
                ))
            } else {
                Ok((d.digits, Vec::new()))
            }
        }
        _ => Err(errors::wrong_type(def.name)),
    }
}

/// `v` clipped into `[min, max]` and rounded down to `block`.
fn clip(v: i128, min: i128, max: i128, block: i128) -> i128 {
    let clipped = v.clamp(min, max);
    let rounded = clipped - clipped.rem_euclid(block.max(1));
    if rounded < min { min } else { rounded }
}

fn to_signed(def: &VarDef, value: &Value, min: i64, max: i64) -> ServerResult<Converted> {
    let (v, mut warnings) = integer_argument(def, value)?;
    let stored = clip(v, i128::from(min), i128::from(max), 1);
    if stored != v && warnings.is_empty() {
        warnings.push(errors::truncated_value(def.name, &value_text(value)));
    }
    Ok((Setting::Signed(stored as i64), warnings))
}

fn to_unsigned(
    def: &VarDef,
    value: &Value,
    min: u64,
    max: u64,
    block: u64,
) -> ServerResult<Converted> {
    let (v, mut warnings) = integer_argument(def, value)?;
    let stored = clip(v, i128::from(min), i128::from(max), i128::from(block));
    if stored != v && warnings.is_empty() {
        warnings.push(errors::truncated_value(def.name, &value_text(value)));
    }
    Ok((Setting::Unsigned(stored as u64), warnings))
}

fn to_double(def: &VarDef, value: &Value, min: f64, max: f64) -> ServerResult<Converted> {
    let v = match value {
        Value::Int(i) => *i as f64,
        Value::UInt(u) => *u as f64,
        Value::Double(d) => *d,
        Value::Decimal(d) => d.digits as f64 / 10f64.powi(i32::from(d.scale)),
        _ => return Err(errors::wrong_type(def.name)),
    };
    let stored = v.clamp(min, max);
    let mut warnings = Vec::new();
    if stored != v {
        warnings.push(errors::truncated_value(def.name, &value_text(value)));
    }
    Ok((Setting::Double(stored), warnings))
}

fn to_enum(def: &VarDef, value: &Value, names: &[&str]) -> ServerResult<String> {
    let found = match value {
        Value::Bytes(b) => {
            let given = String::from_utf8_lossy(b);
            names.iter().find(|n| n.eq_ignore_ascii_case(&given))
        }
        Value::Int(i) => usize::try_from(*i).ok().and_then(|i| names.get(i)),
        Value::UInt(u) => usize::try_from(*u).ok().and_then(|i| names.get(i)),
        Value::Null => None,
        _ => return Err(errors::wrong_type(def.name)),
    };
    found
        .map(|n| n.to_string())
        .ok_or_else(|| errors::wrong_value(def.name, &value_text(value)))
}

fn to_text(def: &VarDef, value: &Value, nullable: bool) -> ServerResult<Option<String>> {
    match value {
        Value::Bytes(b) => Ok(Some(String::from_utf8_lossy(b).into_owned())),
        Value::Null if nullable => Ok(None),
        Value::Null => Err(errors::wrong_value(def.name, "NULL")),
        _ => Err(errors::wrong_type(def.name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysvars::catalog::lookup;

    fn set(name: &str, value: Value) -> ServerResult<Converted> {
        let def = lookup(name).unwrap();
        let current = Setting::from_show_text(&def.kind, def.default);
        convert(def, &value, &current)
    }

    #[test]
    fn integers_out_of_range_are_clipped_with_a_warning() {
        let (v, w) = set("wait_timeout", Value::Int(0)).unwrap();
        assert_eq!(v, Setting::Unsigned(1));
        assert_eq!(w[0].code, 1292);
        assert_eq!(w[0].message, "Truncated incorrect wait_timeout value: '0'");
        let (v, _) = set("wait_timeout", Value::Int(99_999_999_999_999)).unwrap();
        assert_eq!(v, Setting::Unsigned(31_536_000));
    }

    #[test]
    fn block_sizes_round_down_with_a_warning() {
        let (v, w) = set("max_allowed_packet", Value::Int(2000)).unwrap();
        assert_eq!(v, Setting::Unsigned(1024));
        assert_eq!(w.len(), 1);
        let (v, w) = set("max_allowed_packet", Value::Int(2048)).unwrap();
        assert_eq!(v, Setting::Unsigned(2048));
        assert!(w.is_empty());
    }

    #[test]
    fn integers_beyond_64_bits_overflow_with_1916() {
        let big = Value::Decimal(crate::sql::value::Decimal::new(
            18_446_744_073_709_551_616,
            0,
        ));
        let (v, w) = set("sql_select_limit", big).unwrap();
        assert_eq!(v, Setting::Unsigned(u64::MAX));
        assert_eq!(
            w[0].message,
            "Got overflow when converting '18446744073709551616' to INT. Value truncated"
        );
    }

    #[test]
    fn wrong_types_for_numbers_are_1232() {
        for v in [Value::text("10"), Value::Double(1.0), Value::Null] {
            let e = set("wait_timeout", v).unwrap_err();
            assert_eq!(e.code, 1232);
            assert_eq!(
                e.message,
                "Incorrect argument type to variable 'wait_timeout'"
            );
        }
    }

    #[test]
    fn booleans_take_on_off_and_0_1_only() {
        assert_eq!(
            set("autocommit", Value::text("off")).unwrap().0,
            Setting::Bool(false)
        );
        assert_eq!(
            set("autocommit", Value::Int(1)).unwrap().0,
            Setting::Bool(true)
        );
        for (v, shown) in [
            (Value::Int(2), "2"),
            (Value::text("TRUE"), "TRUE"),
            (Value::Null, "NULL"),
        ] {
            let e = set("autocommit", v).unwrap_err();
            assert_eq!(e.code, 1231);
            assert_eq!(
                e.message,
                format!("Variable 'autocommit' can't be set to the value of '{shown}'")
            );
        }
        let e = set("autocommit", Value::Double(1.0)).unwrap_err();
        assert_eq!(e.code, 1232);
    }

    #[test]
    fn enums_take_names_in_any_case_or_indexes() {
        let by_name = set("tx_isolation", Value::text("read-committed"))
            .unwrap()
            .0;
        assert_eq!(by_name, Setting::Text(Some("READ-COMMITTED".into())));
        assert_eq!(
            set("tx_isolation", Value::Int(3)).unwrap().0.as_text(),
            "SERIALIZABLE"
        );
        assert_eq!(set("tx_isolation", Value::Int(7)).unwrap_err().code, 1231);
        assert_eq!(set("tx_isolation", Value::Int(-1)).unwrap_err().code, 1231);
    }

    #[test]
    fn doubles_accept_decimals_and_clip() {
        let half = Value::Decimal(crate::sql::value::Decimal::new(25, 1));
        assert_eq!(
            set("long_query_time", half).unwrap().0,
            Setting::Double(2.5)
        );
        let (v, w) = set("long_query_time", Value::Int(-1)).unwrap();
        assert_eq!(v, Setting::Double(0.0));
        assert_eq!(
            w[0].message,
            "Truncated incorrect long_query_time value: '-1'"
        );
        assert_eq!(
            set("long_query_time", Value::text("x")).unwrap_err().code,
            1232
        );
    }

    #[test]
    fn text_refuses_numbers_and_null_unless_nullable() {
        assert_eq!(set("init_connect", Value::Int(1)).unwrap_err().code, 1232);
        assert_eq!(set("init_connect", Value::Null).unwrap_err().code, 1231);
        let (v, _) = set("default_tmp_storage_engine", Value::Null).unwrap();
        assert_eq!(v, Setting::Text(None));
    }
}
