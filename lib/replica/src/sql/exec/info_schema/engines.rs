//! information_schema.ENGINES and SHOW ENGINES: the storage engines this
//! server has (InnoDB, MyISAM, Aria, MEMORY) with MariaDB 10.11's texts,
//! the default one marked DEFAULT. Engines we lack (SEQUENCE, partition,
//! CSV, …) are not listed, so the include files that need them skip.

use crate::session::{Session, StatementResult};
use crate::sql::value::{Row, Value};

/// ENGINES' columns.
pub const COLUMNS: &[&str] = &[
    "ENGINE",
    "SUPPORT",
    "COMMENT",
    "TRANSACTIONS",
    "XA",
    "SAVEPOINTS",
];

/// (name, comment, transactions, xa, savepoints) in MariaDB's listing order.
const ENGINES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "MEMORY",
        "Hash based, stored in memory, useful for temporary tables",
        "NO",
        "NO",
        "NO",
    ),
    (
        "Aria",
        "Crash-safe tables with MyISAM heritage. Used for internal temporary tables and privilege tables",
        "NO",
        "NO",
        "NO",
    ),
    (
        "MyISAM",
        "Non-transactional engine with good performance and small data footprint",
        "NO",
        "NO",
        "NO",
    ),
    (
        "InnoDB",
        "Supports transactions, row-level locking, foreign keys and encryption for tables",
        "YES",
        "YES",
        "YES",
    ),
];

/// One row of texts per engine.
fn texts(session: &Session) -> Vec<[String; 6]> {
    let default = session
        .state
        .globals
        .global("default_storage_engine")
        .map(|s| s.as_text().to_string())
        .unwrap_or_default();
    ENGINES
        .iter()
        .map(|(name, comment, trx, xa, savepoints)| {
            let support = if name.eq_ignore_ascii_case(&default) {
                "DEFAULT"
            } else {
                "YES"
            };
            [name, &support, comment, trx, xa, savepoints].map(|t| t.to_string())
        })
        .collect()
}

/// ENGINES rows.
pub fn rows(session: &Session) -> Vec<Row> {
    texts(session)
        .into_iter()
        .map(|r| r.iter().map(|t| Value::text(t)).collect())
        .collect()
}

/// SHOW [STORAGE] ENGINES.
pub fn show(session: &Session) -> StatementResult {
    let rows = texts(session)
        .into_iter()
        .map(|r| r.into_iter().collect())
        .collect();
    Ok(super::super::show::rows(
        &[
            "Engine",
            "Support",
            "Comment",
            "Transactions",
            "XA",
            "Savepoints",
        ],
        rows,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn innodb_is_transactional_as_mariadb() {
        let innodb = ENGINES.iter().find(|e| e.0 == "InnoDB").unwrap();
        assert_eq!((innodb.2, innodb.3, innodb.4), ("YES", "YES", "YES"));
        assert!(!ENGINES.iter().any(|e| e.0 == "SEQUENCE"));
    }
}
