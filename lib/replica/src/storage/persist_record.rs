//! The records of the on-disk files. The snapshot holds one `Database` or
//! `Table` record per database and table; the log appends one record per
//! DDL statement and per committed change set. Tables are named in change
//! records by the process-local table id their `Table` record gave them.

use super::persist_codec::{Decoded, Decoder, Encoder};
use super::persist_schema::{decode_def, encode_def};
use super::programs::{RoutineKind, StoredRoutine, StoredTrigger, StoredView};
use super::rows::RowId;
use super::schema::TableDef;
use crate::sql::value::Row;

/// A whole table: its definition, counters and newest committed rows.
#[derive(Debug, Clone, PartialEq)]
pub struct TableImage {
    /// The table's id in the process that wrote the record.
    pub id: u64,
    pub def: TableDef,
    pub auto_increment: u64,
    pub rows: Vec<(RowId, Row)>,
}

/// One committed change to a table's rows or counter.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Put { table: u64, id: RowId, row: Row },
    Delete { table: u64, id: RowId },
    AutoIncrement { table: u64, next: u64 },
}

/// One record of the snapshot or the log.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    CreateDatabase(String),
    DropDatabase(String),
    /// CREATE TABLE (no rows) or a snapshot's table; replaces a namesake.
    Table(TableImage),
    DropTable {
        schema: String,
        name: String,
    },
    Rename {
        from: (String, String),
        to: (String, String),
    },
    /// ALTER TABLE: the old table goes, the rebuilt one comes.
    Alter {
        schema: String,
        name: String,
        image: TableImage,
    },
    Truncate {
        table: u64,
    },
    /// A committed transaction's (or a non-transactional write's) changes.
    Changes(Vec<Change>),
    /// CREATE PROCEDURE / FUNCTION; replaces a namesake.
    Routine(StoredRoutine),
    DropRoutine {
        kind: RoutineKind,
        schema: String,
        name: String,
    },
    Trigger(StoredTrigger),
    DropTrigger {
        schema: String,
        name: String,
    },
    /// CREATE [OR REPLACE] VIEW; replaces a namesake.
    View(StoredView),
    DropView {
        schema: String,
        name: String,
    },
}

pub fn encode(record: &Record) -> Vec<u8> {
    let mut e = Encoder::default();
    match record {
        Record::CreateDatabase(name) => tagged_str(&mut e, 0, name),
        Record::DropDatabase(name) => tagged_str(&mut e, 1, name),
        Record::Table(image) => {
            e.u8(2);
            encode_image(&mut e, image);
        }
        Record::DropTable { schema, name } => {
            tagged_str(&mut e, 3, schema);
            e.str(name);
        }
        Record::Rename { from, to } => {
            tagged_str(&mut e, 4, &from.0);
            [&from.1, &to.0, &to.1].into_iter().for_each(|s| e.str(s));
        }
        Record::Alter {
            schema,
            name,
            image,
        } => {
            tagged_str(&mut e, 5, schema);
            e.str(name);
            encode_image(&mut e, image);
        }
        Record::Truncate { table } => {
            e.u8(6);
            e.u64(*table);
        }
        Record::Changes(changes) => {
            e.u8(7);
            e.u32(changes.len() as u32);
            changes.iter().for_each(|c| encode_change(&mut e, c));
        }
        Record::Routine(r) => {
            e.u8(8);
            e.u8(kind_tag(r.kind));
            [
                &r.schema,
                &r.name,
                &r.definition,
                &r.sql_mode,
                &r.definer,
                &r.created,
            ]
            .into_iter()
            .for_each(|s| e.str(s));
        }
        Record::DropRoutine { kind, schema, name } => {
            e.u8(9);
            e.u8(kind_tag(*kind));
            e.str(schema);
            e.str(name);
        }
        Record::Trigger(t) => {
            e.u8(10);
            [
                &t.schema,
                &t.name,
                &t.table,
                &t.definition,
                &t.sql_mode,
                &t.definer,
                &t.created,
            ]
            .into_iter()
            .for_each(|s| e.str(s));
        }
        Record::DropTrigger { schema, name } => {
            tagged_str(&mut e, 11, schema);
            e.str(name);
        }
        Record::View(v) => encode_view(&mut e, v),
        Record::DropView { schema, name } => {
            tagged_str(&mut e, 13, schema);
            e.str(name);
        }
    }
    e.buf
}

fn kind_tag(kind: RoutineKind) -> u8 {
    match kind {
        RoutineKind::Procedure => 0,
        RoutineKind::Function => 1,
    }
}

fn decode_kind(d: &mut Decoder) -> Decoded<RoutineKind> {
    match d.u8()? {
        0 => Ok(RoutineKind::Procedure),
        1 => Ok(RoutineKind::Function),
        _ => Err(d.error("unknown routine kind")),
    }
}

fn decode_routine(d: &mut Decoder) -> Decoded<StoredRoutine> {
    Ok(StoredRoutine {
        kind: decode_kind(d)?,
        schema: d.str()?,
        name: d.str()?,
        definition: d.str()?,
        sql_mode: d.str()?,
        definer: d.str()?,
        created: d.str()?,
    })
}

fn decode_trigger(d: &mut Decoder) -> Decoded<StoredTrigger> {
    Ok(StoredTrigger {
        schema: d.str()?,
        name: d.str()?,
        table: d.str()?,
        definition: d.str()?,
        sql_mode: d.str()?,
        definer: d.str()?,
        created: d.str()?,
    })
}

fn encode_view(e: &mut Encoder, v: &StoredView) {
    tagged_str(e, 12, &v.schema);
    e.str(&v.name);
    e.u32(v.columns.len() as u32);
    v.columns.iter().for_each(|c| e.str(c));
    [&v.query, &v.algorithm, &v.definer, &v.security]
        .into_iter()
        .for_each(|s| e.str(s));
}

fn decode_view(d: &mut Decoder) -> Decoded<StoredView> {
    let schema = d.str()?;
    let name = d.str()?;
    let n = d.count()?;
    let columns = (0..n).map(|_| d.str()).collect::<Decoded<_>>()?;
    Ok(StoredView {
        schema,
        name,
        columns,
        query: d.str()?,
        algorithm: d.str()?,
        definer: d.str()?,
        security: d.str()?,
    })
}

fn tagged_str(e: &mut Encoder, tag: u8, s: &str) {
    e.u8(tag);
    e.str(s);
}

fn encode_image(e: &mut Encoder, image: &TableImage) {
    e.u64(image.id);
    encode_def(e, &image.def);
    e.u64(image.auto_increment);
    e.u32(image.rows.len() as u32);
    for (id, row) in &image.rows {
        e.u64(*id);
        e.row(row);
    }
}

fn encode_change(e: &mut Encoder, change: &Change) {
    match change {
        Change::Put { table, id, row } => {
            e.u8(0);
            e.u64(*table);
            e.u64(*id);
            e.row(row);
        }
        Change::Delete { table, id } => {
            e.u8(1);
            e.u64(*table);
            e.u64(*id);
        }
        Change::AutoIncrement { table, next } => {
            e.u8(2);
            e.u64(*table);
            e.u64(*next);
        }
    }
}

/// Decodes one whole record; trailing bytes are an error.
pub fn decode(d: &mut Decoder) -> Decoded<Record> {
    let record = match d.u8()? {
        0 => Record::CreateDatabase(d.str()?),
        1 => Record::DropDatabase(d.str()?),
        2 => Record::Table(decode_image(d)?),
        3 => Record::DropTable {
            schema: d.str()?,
            name: d.str()?,
        },
        4 => Record::Rename {
            from: (d.str()?, d.str()?),
            to: (d.str()?, d.str()?),
        },
        5 => Record::Alter {
            schema: d.str()?,
            name: d.str()?,
            image: decode_image(d)?,
        },
        6 => Record::Truncate { table: d.u64()? },
        7 => {
            let n = d.count()?;
            Record::Changes((0..n).map(|_| decode_change(d)).collect::<Decoded<_>>()?)
        }
        8 => Record::Routine(decode_routine(d)?),
        9 => Record::DropRoutine {
            kind: decode_kind(d)?,
            schema: d.str()?,
            name: d.str()?,
        },
        10 => Record::Trigger(decode_trigger(d)?),
        11 => Record::DropTrigger {
            schema: d.str()?,
            name: d.str()?,
        },
        12 => Record::View(decode_view(d)?),
        13 => Record::DropView {
            schema: d.str()?,
            name: d.str()?,
        },
        _ => return Err(d.error("unknown record kind")),
    };
    if !d.is_empty() {
        return Err(d.error("trailing bytes after a record"));
    }
    Ok(record)
}

fn decode_image(d: &mut Decoder) -> Decoded<TableImage> {
    let id = d.u64()?;
    let def = decode_def(d)?;
    let auto_increment = d.u64()?;
    let n = d.count()?;
    let rows = (0..n)
        .map(|_| Ok((d.u64()?, d.row()?)))
        .collect::<Decoded<_>>()?;
    Ok(TableImage {
        id,
        def,
        auto_increment,
        rows,
    })
}

fn decode_change(d: &mut Decoder) -> Decoded<Change> {
    Ok(match d.u8()? {
        0 => Change::Put {
            table: d.u64()?,
            id: d.u64()?,
            row: d.row()?,
        },
        1 => Change::Delete {
            table: d.u64()?,
            id: d.u64()?,
        },
        2 => Change::AutoIncrement {
            table: d.u64()?,
            next: d.u64()?,
        },
        _ => return Err(d.error("unknown change kind")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::value::Value;
    use crate::storage::schema::Engine;

    pub(crate) fn def(schema: &str, name: &str) -> TableDef {
        TableDef {
            schema: schema.into(),
            name: name.into(),
            columns: Vec::new(),
            keys: Vec::new(),
            engine: Engine::InnoDb,
            auto_increment: 1,
            charset: "latin1".into(),
            comment: None,
            temporary: false,
        }
    }

    #[test]
    fn every_record_kind_round_trips() {
        let image = TableImage {
            id: 9,
            def: def("db", "t"),
            auto_increment: 5,
            rows: vec![(1, vec![Value::Int(1)]), (4, vec![Value::Null])],
        };
        let s = |x: &str| x.to_string();
        let records = vec![
            Record::CreateDatabase(s("db")),
            Record::DropDatabase(s("db")),
            Record::Table(image.clone()),
            Record::DropTable {
                schema: s("db"),
                name: s("t"),
            },
            Record::Rename {
                from: (s("a"), s("b")),
                to: (s("c"), s("d")),
            },
            Record::Alter {
                schema: s("db"),
                name: s("t"),
                image,
            },
            Record::Truncate { table: 3 },
            Record::Changes(vec![
                Change::Put {
                    table: 1,
                    id: 2,
                    row: vec![Value::text("x")],
                },
                Change::Delete { table: 1, id: 3 },
                Change::AutoIncrement { table: 1, next: 8 },
            ]),
            Record::Routine(StoredRoutine {
                kind: RoutineKind::Function,
                schema: s("db"),
                name: s("f"),
                definition: s("CREATE FUNCTION f() RETURNS INT RETURN 1"),
                sql_mode: s("STRICT_TRANS_TABLES"),
                definer: s("root@localhost"),
                created: s("2024-01-01 00:00:00"),
            }),
            Record::DropRoutine {
                kind: RoutineKind::Procedure,
                schema: s("db"),
                name: s("p"),
            },
            Record::Trigger(StoredTrigger {
                schema: s("db"),
                name: s("tr"),
                table: s("t"),
                definition: s("CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW SET @a = 1"),
                sql_mode: String::new(),
                definer: s("root@localhost"),
                created: s("2024-01-01 00:00:00.00"),
            }),
            Record::DropTrigger {
                schema: s("db"),
                name: s("tr"),
            },
            Record::View(StoredView {
                schema: s("db"),
                name: s("v"),
                columns: vec![s("x"), s("y")],
                query: s("SELECT a, b FROM t"),
                algorithm: s("UNDEFINED"),
                definer: s("root@localhost"),
                security: s("DEFINER"),
            }),
            Record::DropView {
                schema: s("db"),
                name: s("v"),
            },
        ];
        for r in records {
            let buf = encode(&r);
            assert_eq!(decode(&mut Decoder::new(&buf, 0)), Ok(r));
        }
    }

    #[test]
    fn trailing_bytes_are_reported_at_their_offset() {
        let mut buf = encode(&Record::Truncate { table: 3 });
        buf.push(0);
        let err = decode(&mut Decoder::new(&buf, 10)).unwrap_err();
        assert_eq!(
            (err.offset, err.what.as_str()),
            (19, "trailing bytes after a record")
        );
    }
}
