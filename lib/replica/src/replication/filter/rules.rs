//! The rules of the six filter variables and MariaDB's decisions on them
//! (sql/rpl_filter.cc): `db_ok` for the statement's current database,
//! `tables_ok` for the tables it updates. A variable's text enters as
//! comma-separated items; `canonical` gives the text SHOW shows (or the
//! 1210 of a table item without a dot).

use super::wild;
use crate::error::{ServerError, ServerResult};

/// The parsed rules of all six variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub do_db: Vec<String>,
    pub ignore_db: Vec<String>,
    pub do_table: Vec<String>,
    pub ignore_table: Vec<String>,
    pub wild_do_table: Vec<String>,
    pub wild_ignore_table: Vec<String>,
}

/// A variable's items as Rpl_filter::parse_filter_rule cuts them: split
/// at commas, empty items dropped, leading blanks (only) trimmed.
pub fn items(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|item| !item.is_empty())
        .map(|item| item.trim_start().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

/// The text a filter variable keeps after SET GLOBAL: its items joined by
/// commas; a table rule must be `db.table` (ER_WRONG_ARGUMENTS otherwise).
pub fn canonical(name: &str, text: &str) -> ServerResult<String> {
    let items = items(text);
    if name.ends_with("_table") && items.iter().any(|item| !item.contains('.')) {
        return Err(ServerError::new(
            1210,
            "HY000",
            "Incorrect arguments to SET",
        ));
    }
    Ok(items.join(","))
}

impl Filters {
    /// The rules from the variables' texts, in [`super::VARIABLES`] order.
    pub fn from_texts(texts: [&str; 6]) -> Filters {
        let [
            do_db,
            ignore_db,
            do_table,
            ignore_table,
            wild_do,
            wild_ignore,
        ] = texts.map(items);
        Filters {
            do_db,
            ignore_db,
            do_table,
            ignore_table,
            wild_do_table: wild_do,
            wild_ignore_table: wild_ignore,
        }
    }

    /// Any table rule is set (Rpl_filter::is_on).
    pub fn table_rules_on(&self) -> bool {
        !(self.do_table.is_empty()
            && self.ignore_table.is_empty()
            && self.wild_do_table.is_empty()
            && self.wild_ignore_table.is_empty())
    }

    /// Rpl_filter::db_ok: no database rules, or no current database, lets
    /// everything through; else the do list decides, or the ignore list.
    pub fn db_ok(&self, db: Option<&str>) -> bool {
        let Some(db) = db else {
            return true;
        };
        if !self.do_db.is_empty() {
            return self.do_db.iter().any(|d| d == db);
        }
        !self.ignore_db.iter().any(|d| d == db)
    }

    /// Rpl_filter::tables_ok over the updated `(db, table)`s: the first rule
    /// a table meets decides (do, ignore, wild do, wild ignore, in that
    /// order); with none met, only a statement that updates something and
    /// faces no do rule passes.
    pub fn tables_ok(&self, updated: &[(String, String)]) -> bool {
        for (db, table) in updated {
            let key = format!("{db}.{table}");
            let named = |list: &[String]| list.iter().any(|r| r.eq_ignore_ascii_case(&key));
            let wild = |list: &[String]| list.iter().any(|r| wild::matches(r, &key));
            if named(&self.do_table) {
                return true;
            }
            if named(&self.ignore_table) {
                return false;
            }
            if wild(&self.wild_do_table) {
                return true;
            }
            if wild(&self.wild_ignore_table) {
                return false;
            }
        }
        !updated.is_empty() && self.do_table.is_empty() && self.wild_do_table.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(db: &str, table: &str) -> (String, String) {
        (db.to_string(), table.to_string())
    }

    fn wild_ignore(text: &str) -> Filters {
        Filters::from_texts(["", "", "", "", "", text])
    }

    #[test]
    fn items_are_cut_as_mariadb_cuts_them() {
        assert_eq!(
            canonical("replicate_wild_ignore_table", "  mysql.% , test.x% ").unwrap(),
            "mysql.% ,test.x% "
        );
        assert_eq!(canonical("replicate_do_db", "a,,b").unwrap(), "a,b");
        assert_eq!(canonical("replicate_do_db", "").unwrap(), "");
        assert_eq!(
            canonical("replicate_ignore_table", "test.t1,t2")
                .unwrap_err()
                .code,
            1210
        );
    }

    #[test]
    fn wild_ignore_of_mysql_skips_grant_tables_only() {
        let f = wild_ignore("mysql.%");
        assert!(f.table_rules_on());
        assert!(!f.tables_ok(&[t("mysql", "global_priv")]));
        assert!(f.tables_ok(&[t("test", "t1")]));
        assert!(!f.tables_ok(&[]));
    }

    #[test]
    fn the_first_rule_met_decides() {
        let f = Filters::from_texts(["", "", "test.keep", "test.drop", "", "test.%"]);
        assert!(f.tables_ok(&[t("test", "keep")]));
        assert!(!f.tables_ok(&[t("test", "drop"), t("test", "keep")]));
        assert!(!f.tables_ok(&[t("test", "other")]));
        // A do rule that no table meets refuses the statement.
        assert!(!f.tables_ok(&[t("other", "x")]));
        let wild_do = Filters::from_texts(["", "", "", "", "db%.t_", ""]);
        assert!(wild_do.tables_ok(&[t("db1", "t1")]));
        assert!(!wild_do.tables_ok(&[t("db1", "t10")]));
    }

    #[test]
    fn database_rules() {
        let f = Filters::from_texts(["a,b", "c", "", "", "", ""]);
        assert!(f.db_ok(Some("a")));
        assert!(!f.db_ok(Some("c")));
        assert!(!f.db_ok(Some("z")));
        assert!(f.db_ok(None));
        let ignore = Filters::from_texts(["", "c", "", "", "", ""]);
        assert!(!ignore.db_ok(Some("c")));
        assert!(ignore.db_ok(Some("z")));
        assert!(Filters::default().db_ok(Some("any")));
        assert!(!Filters::default().table_rules_on());
    }
}
