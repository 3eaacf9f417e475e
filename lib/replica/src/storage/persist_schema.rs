//! Table definitions on disk: [`TableDef`] with its columns, types,
//! defaults and keys, written through the byte codec and read back
//! identical (the round trip is what SHOW CREATE TABLE sees after a restart).

use super::persist_codec::{Decoded, Decoder, Encoder};
use super::schema::{ColumnDef, ColumnDefault, Engine, KeyDef, KeyKind, TableDef};
use crate::sql::types::{IntWidth, LobSize, SqlType};

pub fn encode_def(e: &mut Encoder, def: &TableDef) {
    e.str(&def.schema);
    e.str(&def.name);
    e.u32(def.columns.len() as u32);
    def.columns.iter().for_each(|c| encode_column(e, c));
    e.u32(def.keys.len() as u32);
    def.keys.iter().for_each(|k| encode_key(e, k));
    e.u8(engine_code(def.engine));
    e.u64(def.auto_increment);
    e.str(&def.charset);
    e.opt_str(def.comment.as_deref());
    e.bool(def.temporary);
}

pub fn decode_def(d: &mut Decoder) -> Decoded<TableDef> {
    let schema = d.str()?;
    let name = d.str()?;
    let n = d.count()?;
    let columns = (0..n).map(|_| decode_column(d)).collect::<Decoded<_>>()?;
    let n = d.count()?;
    let keys = (0..n).map(|_| decode_key(d)).collect::<Decoded<_>>()?;
    Ok(TableDef {
        schema,
        name,
        columns,
        keys,
        engine: decode_engine(d)?,
        auto_increment: d.u64()?,
        charset: d.str()?,
        comment: d.opt_str()?,
        temporary: d.bool()?,
    })
}

fn engine_code(e: Engine) -> u8 {
    match e {
        Engine::InnoDb => 0,
        Engine::MyIsam => 1,
        Engine::Aria => 2,
        Engine::Memory => 3,
    }
}

fn decode_engine(d: &mut Decoder) -> Decoded<Engine> {
    match d.u8()? {
        0 => Ok(Engine::InnoDb),
        1 => Ok(Engine::MyIsam),
        2 => Ok(Engine::Aria),
        3 => Ok(Engine::Memory),
        _ => Err(d.error("unknown engine")),
    }
}

fn encode_column(e: &mut Encoder, c: &ColumnDef) {
    e.str(&c.name);
    encode_type(e, &c.ty);
    e.bool(c.nullable);
    match &c.default {
        None => e.u8(0),
        Some(ColumnDefault::Value(v)) => {
            e.u8(1);
            e.value(v);
        }
        Some(ColumnDefault::CurrentTimestamp) => e.u8(2),
        Some(ColumnDefault::Expr(text)) => {
            e.u8(3);
            e.str(text);
        }
    }
    e.bool(c.auto_increment);
    e.bool(c.on_update_now);
    e.opt_str(c.comment.as_deref());
}

fn decode_column(d: &mut Decoder) -> Decoded<ColumnDef> {
    let name = d.str()?;
    let ty = decode_type(d)?;
    let nullable = d.bool()?;
    let default = match d.u8()? {
        0 => None,
        1 => Some(ColumnDefault::Value(d.value()?)),
        2 => Some(ColumnDefault::CurrentTimestamp),
        3 => Some(ColumnDefault::Expr(d.str()?)),
        _ => return Err(d.error("unknown column default")),
    };
    Ok(ColumnDef {
        name,
        ty,
        nullable,
        default,
        auto_increment: d.bool()?,
        on_update_now: d.bool()?,
        comment: d.opt_str()?,
    })
}

fn encode_key(e: &mut Encoder, k: &KeyDef) {
    e.str(&k.name);
    e.u8(match k.kind {
        KeyKind::Primary => 0,
        KeyKind::Unique => 1,
        KeyKind::Index => 2,
    });
    e.u32(k.columns.len() as u32);
    k.columns.iter().for_each(|&c| e.u32(c as u32));
}

fn decode_key(d: &mut Decoder) -> Decoded<KeyDef> {
    let name = d.str()?;
    let kind = match d.u8()? {
        0 => KeyKind::Primary,
        1 => KeyKind::Unique,
        2 => KeyKind::Index,
        _ => return Err(d.error("unknown key kind")),
    };
    let n = d.count()?;
    let columns = (0..n)
        .map(|_| d.u32().map(|c| c as usize))
        .collect::<Decoded<_>>()?;
    Ok(KeyDef {
        name,
        kind,
        columns,
    })
}

fn encode_type(e: &mut Encoder, ty: &SqlType) {
    match ty {
        SqlType::Int {
            width,
            unsigned,
            zerofill,
            display,
        } => encode_int(e, *width, *unsigned, *zerofill, *display),
        SqlType::Decimal {
            precision,
            scale,
            unsigned,
        } => {
            e.u8(1);
            e.u8(*precision);
            e.u8(*scale);
            e.bool(*unsigned);
        }
        SqlType::Double { unsigned } => encode_flag(e, 2, *unsigned),
        SqlType::Float { unsigned } => encode_flag(e, 3, *unsigned),
        SqlType::Char { length, binary } => encode_string(e, 4, *length, *binary),
        SqlType::Varchar { length, binary } => encode_string(e, 5, *length, *binary),
        SqlType::Text(size) => encode_lob(e, 6, *size),
        SqlType::Blob(size) => encode_lob(e, 7, *size),
        SqlType::Date => e.u8(8),
        SqlType::DateTime { fsp } => encode_fsp(e, 9, *fsp),
        SqlType::Timestamp { fsp } => encode_fsp(e, 10, *fsp),
        SqlType::Time { fsp } => encode_fsp(e, 11, *fsp),
        SqlType::Year => e.u8(12),
        SqlType::Enum(names) => encode_names(e, 13, names),
        SqlType::Set(names) => encode_names(e, 14, names),
        SqlType::Bit(n) => encode_fsp(e, 15, *n),
    }
}

fn encode_int(e: &mut Encoder, width: IntWidth, unsigned: bool, zerofill: bool, d: Option<u32>) {
    e.u8(0);
    e.u8(match width {
        IntWidth::Tiny => 0,
        IntWidth::Small => 1,
        IntWidth::Medium => 2,
        IntWidth::Int => 3,
        IntWidth::Big => 4,
    });
    e.bool(unsigned);
    e.bool(zerofill);
    e.bool(d.is_some());
    e.u32(d.unwrap_or(0));
}

fn encode_flag(e: &mut Encoder, tag: u8, flag: bool) {
    e.u8(tag);
    e.bool(flag);
}

fn encode_string(e: &mut Encoder, tag: u8, length: u32, binary: bool) {
    e.u8(tag);
    e.u32(length);
    e.bool(binary);
}

fn encode_lob(e: &mut Encoder, tag: u8, size: LobSize) {
    e.u8(tag);
    e.u8(match size {
        LobSize::Tiny => 0,
        LobSize::Normal => 1,
        LobSize::Medium => 2,
        LobSize::Long => 3,
    });
}

fn encode_fsp(e: &mut Encoder, tag: u8, fsp: u8) {
    e.u8(tag);
    e.u8(fsp);
}

fn encode_names(e: &mut Encoder, tag: u8, names: &[String]) {
    e.u8(tag);
    e.u32(names.len() as u32);
    names.iter().for_each(|n| e.str(n));
}

fn decode_type(d: &mut Decoder) -> Decoded<SqlType> {
    Ok(match d.u8()? {
        0 => decode_int(d)?,
        1 => SqlType::Decimal {
            precision: d.u8()?,
            scale: d.u8()?,
            unsigned: d.bool()?,
        },
        2 => SqlType::Double {
            unsigned: d.bool()?,
        },
        3 => SqlType::Float {
            unsigned: d.bool()?,
        },
        4 => SqlType::Char {
            length: d.u32()?,
            binary: d.bool()?,
        },
        5 => SqlType::Varchar {
            length: d.u32()?,
            binary: d.bool()?,
        },
        6 => SqlType::Text(decode_lob(d)?),
        7 => SqlType::Blob(decode_lob(d)?),
        8 => SqlType::Date,
        9 => SqlType::DateTime { fsp: d.u8()? },
        10 => SqlType::Timestamp { fsp: d.u8()? },
        11 => SqlType::Time { fsp: d.u8()? },
        12 => SqlType::Year,
        13 => SqlType::Enum(decode_names(d)?),
        14 => SqlType::Set(decode_names(d)?),
        15 => SqlType::Bit(d.u8()?),
        _ => return Err(d.error("unknown column type")),
    })
}

fn decode_int(d: &mut Decoder) -> Decoded<SqlType> {
    let width = match d.u8()? {
        0 => IntWidth::Tiny,
        1 => IntWidth::Small,
        2 => IntWidth::Medium,
        3 => IntWidth::Int,
        4 => IntWidth::Big,
        _ => return Err(d.error("unknown integer width")),
    };
    let unsigned = d.bool()?;
    let zerofill = d.bool()?;
    let has_display = d.bool()?;
    let display = d.u32()?;
    Ok(SqlType::Int {
        width,
        unsigned,
        zerofill,
        display: has_display.then_some(display),
    })
}

fn decode_lob(d: &mut Decoder) -> Decoded<LobSize> {
    match d.u8()? {
        0 => Ok(LobSize::Tiny),
        1 => Ok(LobSize::Normal),
        2 => Ok(LobSize::Medium),
        3 => Ok(LobSize::Long),
        _ => Err(d.error("unknown TEXT/BLOB size")),
    }
}

fn decode_names(d: &mut Decoder) -> Decoded<Vec<String>> {
    let n = d.count()?;
    (0..n).map(|_| d.str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::value::Value;

    fn column(name: &str, ty: SqlType, default: Option<ColumnDefault>) -> ColumnDef {
        ColumnDef {
            name: name.into(),
            ty,
            nullable: default.is_some(),
            default,
            auto_increment: name == "id",
            on_update_now: name == "ts",
            comment: (name == "e").then(|| "an enum".to_string()),
        }
    }

    #[test]
    fn every_column_type_and_key_round_trips() {
        let types = vec![
            SqlType::Int {
                width: IntWidth::Big,
                unsigned: true,
                zerofill: false,
                display: Some(20),
            },
            SqlType::Int {
                width: IntWidth::Tiny,
                unsigned: false,
                zerofill: true,
                display: None,
            },
            SqlType::Decimal {
                precision: 10,
                scale: 2,
                unsigned: false,
            },
            SqlType::Double { unsigned: false },
            SqlType::Float { unsigned: true },
            SqlType::Char {
                length: 3,
                binary: true,
            },
            SqlType::Varchar {
                length: 255,
                binary: false,
            },
            SqlType::Text(LobSize::Medium),
            SqlType::Blob(LobSize::Long),
            SqlType::Date,
            SqlType::DateTime { fsp: 6 },
            SqlType::Timestamp { fsp: 0 },
            SqlType::Time { fsp: 3 },
            SqlType::Year,
            SqlType::Enum(vec!["a".into(), "b".into()]),
            SqlType::Set(vec!["x".into()]),
            SqlType::Bit(7),
        ];
        let mut columns: Vec<ColumnDef> = types
            .into_iter()
            .enumerate()
            .map(|(i, ty)| column(&format!("c{i}"), ty, None))
            .collect();
        columns.push(column("id", SqlType::Year, None));
        columns.push(column(
            "ts",
            SqlType::Timestamp { fsp: 0 },
            Some(ColumnDefault::CurrentTimestamp),
        ));
        columns.push(column(
            "e",
            SqlType::Year,
            Some(ColumnDefault::Value(Value::Int(7))),
        ));
        let def = TableDef {
            schema: "db".into(),
            name: "t".into(),
            columns,
            keys: vec![
                KeyDef {
                    name: "PRIMARY".into(),
                    kind: KeyKind::Primary,
                    columns: vec![17],
                },
                KeyDef {
                    name: "u".into(),
                    kind: KeyKind::Unique,
                    columns: vec![0, 1],
                },
                KeyDef {
                    name: "i".into(),
                    kind: KeyKind::Index,
                    columns: vec![2],
                },
            ],
            engine: Engine::Aria,
            auto_increment: 42,
            charset: "utf8mb4".into(),
            comment: Some("c".into()),
            temporary: false,
        };
        let mut e = Encoder::default();
        encode_def(&mut e, &def);
        let mut d = Decoder::new(&e.buf, 0);
        assert_eq!(decode_def(&mut d).unwrap(), def);
        assert!(d.is_empty());
    }
}
