//! A decoded field as the slave column's value: integers read signed or
//! unsigned as the column is declared (the table map does not say),
//! FLOAT through its shortest decimal form as MariaDB shows it, ENUM and
//! SET indexes through the column's members, then the column's usual
//! store (lengths, scale, fractional digits). A [`Field`] and a column
//! enter; a [`Value`] leaves.

use super::image::Field;
use crate::sql::types::SqlType;
use crate::sql::value::{Value, store};
use crate::storage::schema::ColumnDef;

/// The value `field` stores as in `column`.
pub fn value(field: Field, column: &ColumnDef) -> Value {
    let raw = raw_value(field, column);
    if raw.is_null() {
        return raw;
    }
    // The master checked the value; a clipped store keeps what fits.
    store(raw.clone(), column, 1, false, &mut |_| {}).unwrap_or(raw)
}

fn raw_value(field: Field, column: &ColumnDef) -> Value {
    match field {
        Field::Null => Value::Null,
        Field::Int { bits, bytes } => int(bits, bytes, is_unsigned(&column.ty)),
        Field::Float(f) => Value::Double(f.to_string().parse().unwrap_or(f64::from(f))),
        Field::Double(d) => Value::Double(d),
        Field::Decimal(d) => Value::Decimal(d),
        Field::Bytes(b) => Value::Bytes(b),
        Field::Index(i) | Field::Bit(i) => Value::UInt(i),
        Field::Year(y) => Value::Int(i64::from(y)),
        Field::Temporal(t) => Value::Temporal(t),
    }
}

/// An integer of `bytes` bytes, sign-extended unless unsigned.
fn int(bits: u64, bytes: u8, unsigned: bool) -> Value {
    if unsigned {
        return Value::UInt(bits);
    }
    let shift = 64 - 8 * u32::from(bytes.clamp(1, 8));
    Value::Int(((bits << shift) as i64) >> shift)
}

fn is_unsigned(ty: &SqlType) -> bool {
    matches!(ty, SqlType::Int { unsigned: true, .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::types::IntWidth;
    use crate::sql::value::{Temporal, to_text};

    fn column(ty: SqlType) -> ColumnDef {
        ColumnDef::plain("c", ty, true)
    }

    fn int_column(width: IntWidth, unsigned: bool) -> ColumnDef {
        column(SqlType::Int {
            width,
            unsigned,
            zerofill: false,
            display: None,
        })
    }

    fn text(v: Value) -> String {
        String::from_utf8_lossy(&to_text(&v).unwrap_or_default()).into_owned()
    }

    #[test]
    fn integers_follow_the_slave_columns_sign() {
        let tiny = Field::Int {
            bits: 251,
            bytes: 1,
        };
        assert_eq!(
            value(tiny.clone(), &int_column(IntWidth::Tiny, false)),
            Value::Int(-5)
        );
        assert_eq!(text(value(tiny, &int_column(IntWidth::Tiny, true))), "251");
        let big = Field::Int {
            bits: u64::MAX,
            bytes: 8,
        };
        assert_eq!(
            value(big.clone(), &int_column(IntWidth::Big, false)),
            Value::Int(-1)
        );
        assert_eq!(
            value(big, &int_column(IntWidth::Big, true)),
            Value::UInt(u64::MAX)
        );
        let medium = Field::Int {
            bits: 0xff_ffff,
            bytes: 3,
        };
        assert_eq!(
            text(value(medium, &int_column(IntWidth::Medium, true))),
            "16777215"
        );
    }

    #[test]
    fn floats_show_as_mariadb_shows_them() {
        let f = value(
            Field::Float(1.1),
            &column(SqlType::Float { unsigned: false }),
        );
        assert_eq!(text(f), "1.1");
    }

    #[test]
    fn enum_and_set_indexes_become_members() {
        let e = column(SqlType::Enum(vec!["x".into(), "y".into()]));
        assert_eq!(value(Field::Index(2), &e), Value::text("y"));
        let s = column(SqlType::Set(vec!["p".into(), "q".into(), "r".into()]));
        assert_eq!(value(Field::Index(5), &s), Value::text("p,r"));
    }

    #[test]
    fn year_bit_and_temporals() {
        assert_eq!(
            text(value(Field::Year(2021), &column(SqlType::Year))),
            "2021"
        );
        assert_eq!(text(value(Field::Bit(21), &column(SqlType::Bit(5)))), "21");
        let t = Temporal::parse_datetime("2020-01-02 03:04:05.678").unwrap();
        let v = value(Field::Temporal(t), &column(SqlType::DateTime { fsp: 3 }));
        assert_eq!(text(v), "2020-01-02 03:04:05.678");
        assert_eq!(value(Field::Null, &column(SqlType::Year)), Value::Null);
    }
}
