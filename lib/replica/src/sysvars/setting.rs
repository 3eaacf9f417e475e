//! A system variable's current value as the registry stores it, and its two
//! printed forms: what `SELECT @@x` returns (booleans as 1/0, doubles with
//! six decimals) and what SHOW VARIABLES prints (booleans as ON/OFF, NULL
//! as an empty string). Enum, set and flag values are stored as their
//! canonical text.

use super::def::Kind;
use crate::sql::value::{Decimal, Value};

/// One stored value.
#[derive(Debug, Clone, PartialEq)]
pub enum Setting {
    Bool(bool),
    Signed(i64),
    Unsigned(u64),
    Double(f64),
    /// Text, enum, set and flag values; None is NULL.
    Text(Option<String>),
}

impl Setting {
    /// The value a SHOW-form text (the catalog's default) stands for.
    pub fn from_show_text(kind: &Kind, text: Option<&str>) -> Setting {
        let Some(text) = text else {
            return Setting::Text(None);
        };
        match kind {
            Kind::Bool => Setting::Bool(text.eq_ignore_ascii_case("ON")),
            Kind::Signed { .. } => Setting::Signed(text.parse().unwrap_or(0)),
            Kind::Unsigned { .. } => Setting::Unsigned(text.parse().unwrap_or(0)),
            Kind::Double { .. } => Setting::Double(text.parse().unwrap_or(0.0)),
            _ => Setting::Text(Some(text.to_string())),
        }
    }

    /// The value `SELECT @@x` returns.
    pub fn select_value(&self) -> Value {
        match self {
            Setting::Bool(b) => Value::Int(i64::from(*b)),
            Setting::Signed(i) => Value::Int(*i),
            Setting::Unsigned(u) => Value::UInt(*u),
            Setting::Double(d) => six_decimals(*d),
            Setting::Text(Some(t)) => Value::text(t),
            Setting::Text(None) => Value::Null,
        }
    }

    /// The Value column of SHOW VARIABLES.
    pub fn show_text(&self) -> String {
        match self {
            Setting::Bool(true) => "ON".to_string(),
            Setting::Bool(false) => "OFF".to_string(),
            Setting::Signed(i) => i.to_string(),
            Setting::Unsigned(u) => u.to_string(),
            Setting::Double(d) => format!("{d:.6}"),
            Setting::Text(t) => t.clone().unwrap_or_default(),
        }
    }

    /// The boolean a Bool setting holds (false for anything else).
    pub fn as_bool(&self) -> bool {
        matches!(self, Setting::Bool(true))
    }

    /// The number an integer setting holds, saturated into u64.
    pub fn as_u64(&self) -> u64 {
        match self {
            Setting::Unsigned(u) => *u,
            Setting::Signed(i) => u64::try_from(*i).unwrap_or(0),
            Setting::Bool(b) => u64::from(*b),
            Setting::Double(d) => *d as u64,
            Setting::Text(_) => 0,
        }
    }

    /// The text a Text setting holds ("" for NULL or a number).
    pub fn as_text(&self) -> &str {
        match self {
            Setting::Text(Some(t)) => t,
            _ => "",
        }
    }
}

/// A DOUBLE variable's value as MariaDB prints it: exactly six decimals.
fn six_decimals(d: f64) -> Value {
    let digits = (d * 1_000_000.0).round() as i128;
    Value::Decimal(Decimal::new(digits, 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_select_as_numbers_and_show_as_on_off() {
        let on = Setting::from_show_text(&Kind::Bool, Some("ON"));
        assert_eq!(on.select_value(), Value::Int(1));
        assert_eq!(on.show_text(), "ON");
        assert_eq!(Setting::Bool(false).show_text(), "OFF");
    }

    #[test]
    fn doubles_keep_six_decimals_in_both_forms() {
        let d = Setting::from_show_text(&Kind::Double { min: 0.0, max: 1e9 }, Some("10.000000"));
        assert_eq!(d.show_text(), "10.000000");
        assert_eq!(
            d.select_value(),
            Value::Decimal(Decimal::new(10_000_000, 6))
        );
    }

    #[test]
    fn null_text_selects_null_and_shows_empty() {
        let n = Setting::from_show_text(&Kind::Text { nullable: true }, None);
        assert_eq!(n.select_value(), Value::Null);
        assert_eq!(n.show_text(), "");
    }
}
