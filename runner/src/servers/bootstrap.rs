//! The SQL a fresh data directory is initialised with, assembled as
//! mysql-test-run does: the server's own system-table scripts from its share
//! directory, a `test` database, no anonymous users, and the `mtr` schema
//! (warning suppressions). The schema comes from the tree's
//! `include/mtr_warnings.sql` and `include/mtr_check.sql` when the tree has
//! them (as with the upstream tree), and from rmtr's own definition otherwise.

use std::path::Path;

use anyhow::Context;

/// System scripts, in the order mtr feeds them.
const SYSTEM_SCRIPTS: &[&str] = &[
    "mysql_system_tables.sql",
    "maria_add_gis_sp_bootstrap.sql",
    "mysql_performance_tables.sql",
    "mysql_system_tables_data.sql",
    "mysql_test_data_timezone.sql",
    "fill_help_tables.sql",
    "mysql_sys_schema.sql",
];

/// rmtr's own global suppressions, for trees that bring no `mtr` schema.
pub const OWN_GLOBAL_SUPPRESSIONS: &[&str] = &[
    "Aborted connection",
    "Access denied for user",
    "deprecated",
    "unknown option .--loose-",
    "unknown variable .loose-",
    "Slave I/O: error reconnecting to master",
    "Error reading packet",
    "Lost connection to MariaDB server",
    "Semisync ack receiver",
];

/// rmtr's own `mtr` schema: the tables `mtr.add_suppression()` fills and the
/// warnings check reads, for trees that bring none.
pub fn own_mtr_schema() -> String {
    let rows: Vec<String> = OWN_GLOBAL_SUPPRESSIONS
        .iter()
        .map(|p| format!("('{p}')"))
        .collect();
    format!(
        "CREATE TABLE mtr.test_suppressions (pattern VARCHAR(255)) ENGINE=MyISAM;
CREATE TABLE mtr.global_suppressions (pattern VARCHAR(255)) ENGINE=MyISAM;
INSERT INTO mtr.global_suppressions VALUES {};
CREATE DEFINER=root@localhost PROCEDURE mtr.add_suppression(pattern VARCHAR(255)) BEGIN INSERT INTO mtr.test_suppressions (pattern) VALUES (pattern); FLUSH NO_WRITE_TO_BINLOG TABLE mtr.test_suppressions; END;
",
        rows.join(", ")
    )
}

/// The whole bootstrap script.
pub fn bootstrap_sql(share_dir: &Path, tree: &Path) -> anyhow::Result<String> {
    let mut sql = String::from("use mysql;\n");
    for script in SYSTEM_SCRIPTS {
        let path = share_dir.join(script);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        sql.push_str(&text);
        if !text.ends_with('\n') {
            sql.push('\n');
        }
    }
    sql.push_str(
        "CREATE DATABASE IF NOT EXISTS test CHARACTER SET latin1 COLLATE latin1_swedish_ci;\n",
    );
    sql.push_str("ALTER TABLE gtid_slave_pos ENGINE=Aria transactional=0;\n");
    sql.push_str("DELETE FROM mysql.global_priv where user= '';\n");
    sql.push_str("CREATE DATABASE mtr CHARSET=latin1;\n");
    let tree_schema = tree.join("include/mtr_warnings.sql");
    if tree_schema.is_file() {
        for file in ["include/mtr_warnings.sql", "include/mtr_check.sql"] {
            let path = tree.join(file);
            if path.is_file() {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                sql.push_str(&to_bootstrap(&text));
            }
        }
    } else {
        sql.push_str(&own_mtr_schema());
    }
    Ok(sql)
}

/// Rewrites a script written for the `mysql` client (with `delimiter`
/// lines) into plain `;`-terminated statements for `--bootstrap`.
pub fn to_bootstrap(sql: &str) -> String {
    let mut out = String::from("\n");
    let mut delimiter = String::from(";");
    for line in sql.lines() {
        if let Some(new) = line.strip_prefix("delimiter ") {
            delimiter = new
                .strip_suffix(delimiter.as_str())
                .unwrap_or(new)
                .to_string();
            continue;
        }
        if let Some(stripped) = line.strip_suffix(delimiter.as_str()) {
            out.push_str(stripped);
            out.push_str(";\n");
            continue;
        }
        if line.trim_start().starts_with("--") {
            continue;
        }
        out.push_str(&line.replace("'@HOSTNAME@'", "localhost"));
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_become_semicolons() {
        let text = "-- comment\ndelimiter ||;\nCREATE PROCEDURE p() BEGIN\n  SELECT 1;\nEND||\ndelimiter ;||\nSELECT 2;\n";
        let out = to_bootstrap(text);
        assert_eq!(
            out,
            "\nCREATE PROCEDURE p() BEGIN   SELECT 1; END;\nSELECT 2;\n"
        );
    }
}
