//! The slave's replication filters (`replicate_do_db` … `replicate_wild_ignore_table`):
//! how their SET GLOBAL text becomes rules (`rules`), the `%`/`_`
//! wildcard match of the wild table rules (`wild`), and which tables a
//! replicated statement updates (`statement_tables`). The SQL thread asks
//! [`skips`] before it runs a Query event; the globals enter, a yes/no leaves.

pub mod rules;
pub mod statement_tables;
pub mod wild;

pub use rules::Filters;

use crate::server::state::ServerState;
use crate::sql::parse::Statement;

/// The six variables, in SHOW SLAVE STATUS column order.
pub const VARIABLES: [&str; 6] = [
    "replicate_do_db",
    "replicate_ignore_db",
    "replicate_do_table",
    "replicate_ignore_table",
    "replicate_wild_do_table",
    "replicate_wild_ignore_table",
];

/// The filters as the globals set them now.
pub fn current(state: &ServerState) -> Filters {
    let text = |name: &str| {
        state
            .globals
            .global(name)
            .map(|s| s.as_text().to_string())
            .unwrap_or_default()
    };
    let texts = VARIABLES.map(text);
    Filters::from_texts(texts.each_ref().map(String::as_str))
}

/// Whether the SQL thread passes over `statement`, run with current database `db`.
pub fn skips(filters: &Filters, db: &str, statement: &Statement) -> bool {
    let db = (!db.is_empty()).then_some(db);
    // Query_log_event::do_apply_event runs a statement only when db_ok(thd->db).
    if !filters.db_ok(db) {
        return true;
    }
    if !filters.table_rules_on() {
        return false;
    }
    match statement_tables::updated(statement, db.unwrap_or_default()) {
        Some(tables) => !filters.tables_ok(&tables),
        None => false,
    }
}
