//! Tables computed on read: the information_schema tables tests query
//! (SCHEMATA, TABLES, PROCESSLIST, ROUTINES, EVENTS), `mysql.user` and
//! `mysql.roles_mapping`, built from the catalog, the process list, the
//! accounts and the session.

use std::time::Instant;

use crate::error::ServerResult;
use crate::session::Session;
use crate::sql::value::{Row, Value};

/// Column names and rows of a virtual table; None when `schema.table` is not one.
pub fn read(
    session: &mut Session,
    schema: &str,
    table: &str,
) -> ServerResult<Option<(Vec<String>, Vec<Row>)>> {
    let schema = schema.to_ascii_lowercase();
    let table = table.to_ascii_lowercase();
    if let Some(found) = super::info_schema::read(session, &schema, &table) {
        return Ok(Some(found));
    }
    let (columns, rows): (&[&str], Vec<Row>) = match (schema.as_str(), table.as_str()) {
        ("information_schema", "schemata") => (SCHEMATA, schemata(session)),
        ("information_schema", "tables") => (TABLES, tables(session)),
        ("information_schema", "processlist") => (PROCESSLIST, processlist(session)),
        ("information_schema", "routines") => {
            return Ok(Some(crate::sql::routines::listing::routines_table(session)));
        }
        ("information_schema", "triggers") => {
            return Ok(Some(crate::sql::routines::listing::triggers_table(session)));
        }
        ("information_schema", "events") => (EVENTS, Vec::new()),
        ("mysql", "user") => (USER, users(session)),
        ("mysql", "roles_mapping") => (ROLES_MAPPING, roles_mapping(session)),
        ("mysql", "proc") => return Ok(Some(crate::sql::routines::listing::proc_table(session))),
        ("information_schema", "plugins") => (PLUGINS, Vec::new()),
        ("information_schema", other) => {
            return Err(crate::error::ServerError::new(
                1109,
                "42S02",
                format!("Unknown table '{other}' in information_schema"),
            ));
        }
        _ => return Ok(None),
    };
    Ok(Some((
        columns.iter().map(|c| c.to_string()).collect(),
        rows,
    )))
}

const SCHEMATA: &[&str] = &[
    "CATALOG_NAME",
    "SCHEMA_NAME",
    "DEFAULT_CHARACTER_SET_NAME",
    "DEFAULT_COLLATION_NAME",
    "SQL_PATH",
    "SCHEMA_COMMENT",
];

fn schemata(session: &Session) -> Vec<Row> {
    let mut names = session.state.storage.database_names();
    names.push("information_schema".to_string());
    names.sort();
    names
        .into_iter()
        .map(|n| {
            vec![
                Value::text("def"),
                Value::text(&n),
                Value::text("latin1"),
                Value::text("latin1_swedish_ci"),
                Value::Null,
                Value::text(""),
            ]
        })
        .collect()
}

const TABLES: &[&str] = &[
    "TABLE_CATALOG",
    "TABLE_SCHEMA",
    "TABLE_NAME",
    "TABLE_TYPE",
    "ENGINE",
    "VERSION",
    "ROW_FORMAT",
    "TABLE_ROWS",
    "AVG_ROW_LENGTH",
    "DATA_LENGTH",
    "MAX_DATA_LENGTH",
    "INDEX_LENGTH",
    "DATA_FREE",
    "AUTO_INCREMENT",
    "CREATE_TIME",
    "UPDATE_TIME",
    "CHECK_TIME",
    "TABLE_COLLATION",
    "CHECKSUM",
    "CREATE_OPTIONS",
    "TABLE_COMMENT",
    "MAX_INDEX_LENGTH",
    "TEMPORARY",
];

fn tables(session: &Session) -> Vec<Row> {
    let storage = &session.state.storage;
    let mut rows = Vec::new();
    for schema in storage.database_names() {
        for name in storage.table_names(&schema).unwrap_or_default() {
            let Ok(table) = storage.table(&schema, &name) else {
                continue;
            };
            rows.push(table_row(&schema, &name, &table));
        }
    }
    rows
}

/// One row of information_schema.TABLES; times are not kept, so NULL.
fn table_row(schema: &str, name: &str, table: &crate::storage::Table) -> Row {
    let def = table.def();
    let count = table.row_count();
    let sizes = super::table_sizes::of(&def, count);
    let auto_increment = match def.columns.iter().any(|c| c.auto_increment) {
        true => Value::UInt(table.next_auto_increment()),
        false => Value::Null,
    };
    let collation = crate::sysvars::charsets::default_collation(&def.charset).unwrap_or("");
    vec![
        Value::text("def"),
        Value::text(schema),
        Value::text(name),
        Value::text("BASE TABLE"),
        Value::text(def.engine.name()),
        Value::UInt(10),
        Value::text(sizes.row_format),
        Value::UInt(count),
        Value::UInt(sizes.avg_row_length),
        Value::UInt(sizes.data_length),
        Value::UInt(sizes.max_data_length),
        Value::UInt(sizes.index_length),
        Value::UInt(0),
        auto_increment,
        Value::Null,
        Value::Null,
        Value::Null,
        Value::text(collation),
        Value::Null,
        Value::text(""),
        Value::text(def.comment.as_deref().unwrap_or("")),
        Value::UInt(sizes.max_index_length),
        Value::text("N"),
    ]
}

const PROCESSLIST: &[&str] = &[
    "ID",
    "USER",
    "HOST",
    "DB",
    "COMMAND",
    "TIME",
    "STATE",
    "INFO",
    "TIME_MS",
    "STAGE",
    "MAX_STAGE",
    "PROGRESS",
    "MEMORY_USED",
    "MAX_MEMORY_USED",
    "EXAMINED_ROWS",
    "QUERY_ID",
    "INFO_BINARY",
    "TID",
];

fn processlist(session: &Session) -> Vec<Row> {
    let now = Instant::now();
    session
        .state
        .threads
        .snapshot()
        .into_iter()
        .map(|t| {
            let activity = t.activity.lock().unwrap().clone();
            let elapsed = now.saturating_duration_since(activity.since);
            let info = activity.info.as_deref().map_or(Value::Null, Value::text);
            vec![
                Value::UInt(t.id),
                Value::text(&t.user()),
                Value::text(&t.host),
                t.db.lock()
                    .unwrap()
                    .as_deref()
                    .map_or(Value::Null, Value::text),
                Value::text(t.shown_command(&activity)),
                Value::Int(elapsed.as_secs() as i64),
                Value::text(&activity.state),
                info.clone(),
                Value::Double(elapsed.as_secs_f64() * 1000.0),
                Value::Int(0),
                Value::Int(0),
                Value::Double(0.0),
                Value::Int(0),
                Value::Int(0),
                Value::Int(0),
                Value::UInt(t.id),
                info,
                Value::UInt(t.id),
            ]
        })
        .collect()
}

const EVENTS: &[&str] = &["EVENT_CATALOG", "EVENT_SCHEMA", "EVENT_NAME"];
const USER: &[&str] = &[
    "Host",
    "User",
    "password_expired",
    "is_role",
    "default_role",
];
const ROLES_MAPPING: &[&str] = &["Host", "User", "Role", "Admin_option"];
const PLUGINS: &[&str] = &[
    "PLUGIN_NAME",
    "PLUGIN_VERSION",
    "PLUGIN_STATUS",
    "PLUGIN_TYPE",
];

/// Every account and role, with the columns tests read.
fn users(session: &Session) -> Vec<Row> {
    let yes_no = |b: bool| Value::text(if b { "Y" } else { "N" });
    session
        .state
        .accounts
        .rows()
        .into_iter()
        .map(|a| {
            vec![
                Value::text(&a.name.host),
                Value::text(&a.name.user),
                yes_no(a.password_expired),
                yes_no(a.is_role),
                Value::text(&a.default_role),
            ]
        })
        .collect()
}

/// Who holds which role, and whether WITH ADMIN OPTION.
fn roles_mapping(session: &Session) -> Vec<Row> {
    session
        .state
        .accounts
        .role_mappings()
        .into_iter()
        .map(|(host, user, role, admin)| {
            vec![
                Value::text(&host),
                Value::text(&user),
                Value::text(&role),
                Value::text(if admin { "Y" } else { "N" }),
            ]
        })
        .collect()
}
