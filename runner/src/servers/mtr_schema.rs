//! The `mtr` schema of a bundled server, which starts from an empty data
//! directory and is never bootstrapped: the two suppression tables the
//! warnings check reads (`mtr.add_suppression()` fills the test's), with
//! the global patterns of the tree's `include/mtr_warnings.sql` (read at
//! run time, as mtr's bootstrap reads them), or rmtr's own list when the
//! tree has none. The tree comes in; statements go out, and are run on
//! each server once it is up, outside the binary log.

use std::path::Path;

use anyhow::Context;
use rmtr_mysqltest::client::{ConnectOptions, Connection};

use super::bootstrap::OWN_GLOBAL_SUPPRESSIONS;

/// The statement of mtr_warnings.sql that fills the global table.
const GLOBAL_INSERT: &str = "INSERT INTO global_suppressions VALUES";

/// The global patterns: the tree's, else rmtr's own.
pub fn global_suppressions(tree: &Path) -> anyhow::Result<Vec<String>> {
    let path = tree.join("include/mtr_warnings.sql");
    if !path.is_file() {
        return Ok(OWN_GLOBAL_SUPPRESSIONS
            .iter()
            .map(|p| p.to_string())
            .collect());
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(insert_patterns(&text))
}

/// The statements that create (or refresh) the schema on a running server.
pub fn statements(patterns: &[String]) -> Vec<String> {
    let mut out = vec![
        "SET SESSION sql_log_bin=0".to_string(),
        "CREATE DATABASE IF NOT EXISTS mtr CHARACTER SET latin1".to_string(),
        "CREATE TABLE IF NOT EXISTS mtr.test_suppressions (pattern VARCHAR(255)) ENGINE=MyISAM"
            .to_string(),
        "CREATE TABLE IF NOT EXISTS mtr.global_suppressions (pattern VARCHAR(255)) ENGINE=MyISAM"
            .to_string(),
        "DELETE FROM mtr.global_suppressions".to_string(),
    ];
    if !patterns.is_empty() {
        let rows: Vec<String> = patterns.iter().map(|p| format!("({})", quote(p))).collect();
        out.push(format!(
            "INSERT INTO mtr.global_suppressions VALUES {}",
            rows.join(", ")
        ));
    }
    out
}

/// Runs `statements` on the server at `port`.
pub fn install(port: u16, statements: &[String]) -> anyhow::Result<()> {
    let opts = ConnectOptions {
        port,
        database: None,
        ..ConnectOptions::default()
    };
    let mut conn = Connection::connect(&opts).context("connecting to create the mtr schema")?;
    for sql in statements {
        conn.query(sql.as_bytes())
            .with_context(|| format!("creating the mtr schema: {sql}"))?;
    }
    conn.quit();
    Ok(())
}

/// The values of the literals in the global INSERT of `sql` (none if it
/// has no such statement).
fn insert_patterns(sql: &str) -> Vec<String> {
    let Some(start) = sql.find(GLOBAL_INSERT) else {
        return Vec::new();
    };
    let mut patterns = Vec::new();
    let mut chars = sql[start + GLOBAL_INSERT.len()..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => patterns.push(literal(&mut chars, c)),
            '/' if chars.peek() == Some(&'*') => skip_comment(&mut chars),
            // The statement's end: mtr_warnings.sql's `||` or a `;`.
            '|' | ';' => break,
            _ => {}
        }
    }
    patterns
}

/// The rest of a quoted literal, unescaped as MariaDB reads it.
fn literal(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, quote: char) -> String {
    let mut value = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) => value.push_str(&unescape(e)),
                None => break,
            },
            c if c == quote => {
                if chars.peek() == Some(&quote) {
                    chars.next();
                    value.push(quote);
                } else {
                    break;
                }
            }
            c => value.push(c),
        }
    }
    value
}

/// What `\e` stands for in a string literal (`\%` and `\_` keep their backslash).
fn unescape(e: char) -> String {
    match e {
        '0' => "\0".into(),
        'b' => "\u{8}".into(),
        'n' => "\n".into(),
        'r' => "\r".into(),
        't' => "\t".into(),
        'Z' => "\u{1a}".into(),
        '%' | '_' => format!("\\{e}"),
        other => other.to_string(),
    }
}

fn skip_comment(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    let mut last = '\0';
    for c in chars.by_ref() {
        if last == '*' && c == '/' {
            return;
        }
        last = c;
    }
}

/// `'…'` with backslash escapes, read back as the same value.
fn quote(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\0' => out.push_str("\\0"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            other => out.push(other),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_global_insert_of_mtr_warnings_sql() {
        let sql = "CREATE TABLE global_suppressions (pattern VARCHAR(255)) ENGINE=MyISAM||\n\
INSERT INTO global_suppressions VALUES\n (\".SELECT UNIX_TIMESTAMP... failed on master\"),\n\
 /*\n   a comment with \"quotes\"\n */\n (\"Slave: it's \\\\. \\\"x\\\"\"),\n ('a''b'),\n\
 (\"THE_LAST_SUPPRESSION\")||\n\nCREATE PROCEDURE p() BEGIN SELECT \"no\"; END||\n";
        assert_eq!(
            insert_patterns(sql),
            vec![
                ".SELECT UNIX_TIMESTAMP... failed on master",
                "Slave: it's \\. \"x\"",
                "a'b",
                "THE_LAST_SUPPRESSION",
            ]
        );
    }

    #[test]
    fn upstreams_file_gives_its_patterns_when_installed() {
        let tree = Path::new("/usr/share/mysql/mysql-test");
        if !tree.join("include/mtr_warnings.sql").is_file() {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "MariaDB's mysql-test tree is missing"
            );
            return;
        }
        let patterns = global_suppressions(tree).unwrap();
        assert!(patterns.len() > 50, "{patterns:?}");
        assert_eq!(
            patterns.last().map(String::as_str),
            Some("THE_LAST_SUPPRESSION")
        );
    }

    #[test]
    fn a_tree_without_the_file_gets_rmtrs_own_list() {
        let patterns = global_suppressions(Path::new("/nonexistent")).unwrap();
        assert_eq!(patterns.len(), OWN_GLOBAL_SUPPRESSIONS.len());
    }

    #[test]
    fn statements_quote_patterns_back() {
        let s = statements(&["it's \\. x".to_string()]);
        assert_eq!(
            s.last().unwrap(),
            "INSERT INTO mtr.global_suppressions VALUES ('it\\'s \\\\. x')"
        );
        assert!(s[0].contains("sql_log_bin=0"));
    }
}
