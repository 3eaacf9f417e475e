//! The catalog's stored programs as the tables that list them:
//! information_schema.ROUTINES, mysql.proc and information_schema.TRIGGERS,
//! with MariaDB's columns, built from the stored CREATE statements.

use super::ast::RoutineDef;
use super::header::{Create, parse_create};
use crate::session::Session;
use crate::sql::value::{Row, Value};
use crate::storage::programs::StoredRoutine;

/// Column names and rows of one listing table.
pub type Listing = (Vec<String>, Vec<Row>);

const ROUTINES: &[&str] = &[
    "SPECIFIC_NAME",
    "ROUTINE_CATALOG",
    "ROUTINE_SCHEMA",
    "ROUTINE_NAME",
    "ROUTINE_TYPE",
    "DATA_TYPE",
    "CHARACTER_MAXIMUM_LENGTH",
    "CHARACTER_OCTET_LENGTH",
    "NUMERIC_PRECISION",
    "NUMERIC_SCALE",
    "DATETIME_PRECISION",
    "CHARACTER_SET_NAME",
    "COLLATION_NAME",
    "DTD_IDENTIFIER",
    "ROUTINE_BODY",
    "ROUTINE_DEFINITION",
    "EXTERNAL_NAME",
    "EXTERNAL_LANGUAGE",
    "PARAMETER_STYLE",
    "IS_DETERMINISTIC",
    "SQL_DATA_ACCESS",
    "SQL_PATH",
    "SECURITY_TYPE",
    "CREATED",
    "LAST_ALTERED",
    "SQL_MODE",
    "ROUTINE_COMMENT",
    "DEFINER",
    "CHARACTER_SET_CLIENT",
    "COLLATION_CONNECTION",
    "DATABASE_COLLATION",
];

const PROC: &[&str] = &[
    "db",
    "name",
    "type",
    "specific_name",
    "language",
    "sql_data_access",
    "is_deterministic",
    "security_type",
    "param_list",
    "returns",
    "body",
    "definer",
    "created",
    "modified",
    "sql_mode",
    "comment",
    "character_set_client",
    "collation_connection",
    "db_collation",
    "body_utf8",
    "aggregate",
];

const TRIGGERS: &[&str] = &[
    "TRIGGER_CATALOG",
    "TRIGGER_SCHEMA",
    "TRIGGER_NAME",
    "EVENT_MANIPULATION",
    "EVENT_OBJECT_CATALOG",
    "EVENT_OBJECT_SCHEMA",
    "EVENT_OBJECT_TABLE",
    "ACTION_ORDER",
    "ACTION_CONDITION",
    "ACTION_STATEMENT",
    "ACTION_ORIENTATION",
    "ACTION_TIMING",
    "ACTION_REFERENCE_OLD_TABLE",
    "ACTION_REFERENCE_NEW_TABLE",
    "ACTION_REFERENCE_OLD_ROW",
    "ACTION_REFERENCE_NEW_ROW",
    "CREATED",
    "SQL_MODE",
    "DEFINER",
    "CHARACTER_SET_CLIENT",
    "COLLATION_CONNECTION",
    "DATABASE_COLLATION",
];

fn names(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| c.to_string()).collect()
}

/// Every routine with its parsed definition (those that no longer parse are left out).
fn routines(session: &Session) -> Vec<(StoredRoutine, RoutineDef)> {
    session
        .state
        .storage
        .routines()
        .into_iter()
        .filter_map(|r| match parse_create(&r.definition) {
            Ok(Create::Routine(def)) => Some((r, def)),
            _ => None,
        })
        .collect()
}

fn text(s: &str) -> Value {
    Value::text(s)
}

/// `CONTAINS SQL`, … as written, CONTAINS SQL when not given.
fn data_access(def: &RoutineDef) -> String {
    def.characteristics
        .data_access
        .clone()
        .unwrap_or_else(|| "CONTAINS SQL".into())
}

fn yes_no(b: bool) -> Value {
    text(if b { "YES" } else { "NO" })
}

fn security(def: &RoutineDef) -> Value {
    text(if def.characteristics.security_invoker {
        "INVOKER"
    } else {
        "DEFINER"
    })
}

/// information_schema.ROUTINES.
pub fn routines_table(session: &Session) -> Listing {
    let rows = routines(session)
        .into_iter()
        .map(|(r, def)| {
            let returns = def.returns.as_ref().map(crate::sql::exec::type_text);
            let data_type = returns.as_deref().map_or(String::new(), |t| {
                t.split('(').next().unwrap_or(t).to_string()
            });
            vec![
                text(&r.name),
                text("def"),
                text(&r.schema),
                text(&r.name),
                text(r.kind.name()),
                text(&data_type),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                returns.as_deref().map_or(Value::Null, text),
                text("SQL"),
                text(&def.body_text),
                Value::Null,
                Value::Null,
                text("SQL"),
                yes_no(def.characteristics.deterministic),
                text(&data_access(&def)),
                Value::Null,
                security(&def),
                text(&r.created),
                text(&r.created),
                text(&r.sql_mode),
                text(def.characteristics.comment.as_deref().unwrap_or("")),
                text(&r.definer),
                text("latin1"),
                text("latin1_swedish_ci"),
                text("latin1_swedish_ci"),
            ]
        })
        .collect();
    (names(ROUTINES), rows)
}

/// mysql.proc.
pub fn proc_table(session: &Session) -> Listing {
    let rows = routines(session)
        .into_iter()
        .map(|(r, def)| {
            let returns = def
                .returns
                .as_ref()
                .map_or(String::new(), crate::sql::exec::type_text);
            vec![
                text(&r.schema),
                text(&r.name),
                text(r.kind.name()),
                text(&r.name),
                text("SQL"),
                text(&data_access(&def).replace(' ', "_")),
                yes_no(def.characteristics.deterministic),
                security(&def),
                text(&def.params_text),
                text(&returns),
                text(&def.body_text),
                text(&r.definer),
                text(&r.created),
                text(&r.created),
                text(&r.sql_mode),
                text(def.characteristics.comment.as_deref().unwrap_or("")),
                text("latin1"),
                text("latin1_swedish_ci"),
                text("latin1_swedish_ci"),
                text(&def.body_text),
                text("NONE"),
            ]
        })
        .collect();
    (names(PROC), rows)
}

/// Triggers that share an ACTION_ORDER sequence: schema, table, event, timing.
type TriggerGroup = (String, String, &'static str, &'static str);

/// information_schema.TRIGGERS.
pub fn triggers_table(session: &Session) -> Listing {
    let mut order: Vec<(TriggerGroup, i64)> = Vec::new();
    let mut rows = Vec::new();
    for t in session.state.storage.triggers() {
        let Ok(Create::Trigger(def)) = parse_create(&t.definition) else {
            continue;
        };
        let key = (
            t.schema.clone(),
            t.table.clone(),
            def.event.name(),
            def.timing.name(),
        );
        let position = match order.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                order.push((key, 1));
                1
            }
        };
        rows.push(vec![
            text("def"),
            text(&t.schema),
            text(&t.name),
            text(def.event.name()),
            text("def"),
            text(&t.schema),
            text(&t.table),
            Value::Int(position),
            Value::Null,
            text(&def.body_text),
            text("ROW"),
            text(def.timing.name()),
            Value::Null,
            Value::Null,
            text("OLD"),
            text("NEW"),
            text(&t.created),
            text(&t.sql_mode),
            text(&t.definer),
            text("latin1"),
            text("latin1_swedish_ci"),
            text("latin1_swedish_ci"),
        ]);
    }
    (names(TRIGGERS), rows)
}
