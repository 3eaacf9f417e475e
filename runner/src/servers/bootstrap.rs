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

/// What MySQL logs as warnings where MariaDB is silent or logs notes: on
/// every start in mtr's layout and in a container (the vardir under /tmp,
/// its own self-signed certificates, no NUMA rights) and at a shutdown with
/// clients connected. Global suppressions on MySQL servers.
pub const MYSQL_SUPPRESSIONS: &[&str] = &[
    "Insecure configuration for --",
    "CA certificate .* is self signed",
    "Failed to set NUMA memory policy",
    "Forcing close of thread",
];

/// rmtr's own `mtr` schema, a statement each (no terminators): the tables
/// `mtr.add_suppression()` fills and the warnings check reads, with
/// `patterns` as the global suppressions, for trees that bring no schema
/// and for MySQL, which cannot run MariaDB's.
fn own_mtr_statements(patterns: &[&str]) -> Vec<String> {
    let rows: Vec<String> = patterns.iter().map(|p| format!("('{p}')")).collect();
    vec![
        "CREATE TABLE mtr.test_suppressions (pattern VARCHAR(255)) ENGINE=MyISAM".into(),
        "CREATE TABLE mtr.global_suppressions (pattern VARCHAR(255)) ENGINE=MyISAM".into(),
        format!("INSERT INTO mtr.global_suppressions VALUES {}", rows.join(", ")),
        "CREATE DEFINER=root@localhost PROCEDURE mtr.add_suppression(pattern VARCHAR(255)) BEGIN INSERT INTO mtr.test_suppressions (pattern) VALUES (pattern); FLUSH NO_WRITE_TO_BINLOG TABLE mtr.test_suppressions; END".into(),
    ]
}

/// rmtr's own `mtr` schema as `--bootstrap` reads it: a statement a line.
pub fn own_mtr_schema() -> String {
    own_mtr_statements(OWN_GLOBAL_SUPPRESSIONS)
        .iter()
        .map(|s| format!("{s};\n"))
        .collect()
}

/// What MySQL runs by `--init-file` once `--initialize` has made its system
/// tables: the `test` database and rmtr's own `mtr` schema. A compound
/// statement sits between `DELIMITER $$` lines, the one form of delimiter
/// MySQL's init-file reader accepts.
pub fn initialize_sql() -> String {
    let mut sql = String::from(
        "CREATE DATABASE IF NOT EXISTS test CHARACTER SET latin1 COLLATE latin1_swedish_ci;\n\
         CREATE DATABASE mtr CHARSET=latin1;\n",
    );
    let patterns: Vec<&str> = OWN_GLOBAL_SUPPRESSIONS
        .iter()
        .chain(MYSQL_SUPPRESSIONS)
        .copied()
        .collect();
    for statement in own_mtr_statements(&patterns) {
        if statement.contains(" BEGIN ") {
            sql.push_str(&format!("DELIMITER $$\n{statement}$$\nDELIMITER ;\n"));
        } else {
            sql.push_str(&format!("{statement};\n"));
        }
    }
    sql
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
    fn mysql_init_file_wraps_the_procedure_in_dollar_delimiters() {
        let sql = initialize_sql();
        let procedure = sql
            .lines()
            .position(|l| l.contains("PROCEDURE mtr.add_suppression"))
            .expect("the procedure");
        let lines: Vec<&str> = sql.lines().collect();
        assert_eq!(lines[procedure - 1], "DELIMITER $$");
        assert!(lines[procedure].ends_with("END$$"));
        assert_eq!(lines[procedure + 1], "DELIMITER ;");
        // Every other line is one statement with its own terminator.
        for (n, line) in lines.iter().enumerate() {
            if n + 1 != procedure && n != procedure && n != procedure + 1 {
                assert!(line.ends_with(';'), "{line}");
            }
        }
        assert!(lines[0].starts_with("CREATE DATABASE IF NOT EXISTS test "));
        assert!(sql.contains("('CA certificate .* is self signed')"));
    }

    #[test]
    fn mariadb_bootstrap_keeps_a_statement_a_line() {
        let schema = own_mtr_schema();
        assert_eq!(schema.lines().count(), 4);
        assert!(schema.lines().all(|l| l.ends_with(';')));
        assert!(schema.contains("END;\n"));
    }

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
