//! disabled.def files: tests a suite does not run, each with a reason.
//!
//! A file goes in, with the suite it belongs to; a lookup table comes out
//! that answers "is `suite.test` disabled, and why". A line reads
//! `[suite.]name : reason`; `#` lines and blank lines are ignored. A name
//! with `*` is a pattern matched against the start of `suite.test` (with
//! mysql-test-run's quirk kept: the entry is used as a regular expression, so
//! `rpl_*` means "`rpl` followed by any number of `_`"). Exact entries with a
//! reason win over patterns; patterns are tried in file order.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::error::DiscoverError;

/// `[suite.]name : reason`, with the characters mysql-test-run allows in each part.
static ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:([-0-9A-Za-z_/]+)\.)?([-0-9A-Za-z_#*]+)\s*:\s*(.*?)\s*$").unwrap()
});

/// The disabled tests of one or more files.
#[derive(Debug, Clone, Default)]
pub struct Disabled {
    /// `suite.test` → reason.
    exact: HashMap<String, String>,
    /// Patterns over `suite.test`, anchored at the start, with their reasons.
    wildcards: Vec<(Regex, String)>,
}

impl Disabled {
    /// Adds the entries of a disabled.def belonging to `suite`; a missing file adds nothing.
    pub fn add_file(&mut self, path: &Path, suite: &str) -> Result<(), DiscoverError> {
        if !path.is_file() {
            return Ok(());
        }
        let bytes = std::fs::read(path).map_err(|e| DiscoverError::read(path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        for (index, line) in text.split('\n').enumerate() {
            self.add_line(path, index + 1, line, suite)?;
        }
        Ok(())
    }

    /// Why `suite.test` is disabled, if it is.
    pub fn reason(&self, suite: &str, test: &str) -> Option<&str> {
        let name = format!("{suite}.{test}");
        let exact = self.exact.get(&name).map(String::as_str);
        if let Some(reason) = exact.filter(|r| !r.is_empty()) {
            return Some(reason);
        }
        self.wildcards
            .iter()
            .find(|(pattern, _)| pattern.is_match(&name))
            .map(|(_, reason)| reason.as_str())
            .or(exact)
    }

    /// Parses one line; comments and blank lines are skipped.
    fn add_line(
        &mut self,
        path: &Path,
        line: usize,
        text: &str,
        suite: &str,
    ) -> Result<(), DiscoverError> {
        if text.trim().is_empty() || text.trim_start().starts_with('#') {
            return Ok(());
        }
        let Some(caps) = ENTRY.captures(text) else {
            return Err(DiscoverError::DisabledSyntax {
                file: path.to_path_buf(),
                line,
                text: text.trim_end().to_string(),
            });
        };
        if let Some(named) = caps.get(1).filter(|m| m.as_str() != suite) {
            return Err(DiscoverError::DisabledWrongSuite {
                file: path.to_path_buf(),
                line,
                suite: suite.to_string(),
                named: named.as_str().to_string(),
            });
        }
        let key = format!("{suite}.{}", &caps[2]);
        let reason = caps[3].to_string();
        if !caps[2].contains('*') {
            self.exact.insert(key, reason);
            return Ok(());
        }
        let pattern =
            Regex::new(&format!("^{key}")).map_err(|e| DiscoverError::DisabledWildcard {
                file: path.to_path_buf(),
                line,
                pattern: key.clone(),
                message: e.to_string(),
            })?;
        self.wildcards.push((pattern, reason));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::TempTree;

    fn parse(text: &str) -> Result<Disabled, DiscoverError> {
        let tmp = TempTree::new("disabled");
        let path = tmp.write("disabled.def", text);
        let mut disabled = Disabled::default();
        disabled.add_file(&path, "rpl")?;
        Ok(disabled)
    }

    #[test]
    fn entries_with_and_without_suite_name() {
        let d = parse("# comment\n\n  rpl_a   : MDEV-1 2020-01-01 flaky  \nrpl.rpl_b:broken\r\n")
            .unwrap();
        assert_eq!(d.reason("rpl", "rpl_a"), Some("MDEV-1 2020-01-01 flaky"));
        assert_eq!(d.reason("rpl", "rpl_b"), Some("broken"));
        assert_eq!(d.reason("rpl", "rpl_c"), None);
        assert_eq!(d.reason("main", "rpl_a"), None, "entries belong to a suite");
    }

    #[test]
    fn wildcards_match_the_start_of_the_name() {
        let d = parse("rpl_parallel* : all of them\n").unwrap();
        assert_eq!(d.reason("rpl", "rpl_parallel_x"), Some("all of them"));
        assert_eq!(d.reason("rpl", "rpl_paralle"), Some("all of them"));
        assert_eq!(d.reason("rpl", "rpl_other"), None);
    }

    #[test]
    fn an_empty_reason_still_disables() {
        let d = parse("rpl_a :\n").unwrap();
        assert_eq!(d.reason("rpl", "rpl_a"), Some(""));
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let err = parse("# ok\nno colon here\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("disabled.def:2: syntax error in disabled list: 'no colon here'"),
            "{text}"
        );
    }

    #[test]
    fn another_suite_name_is_an_error() {
        let err = parse("main.alias : x\n").unwrap_err();
        assert!(
            err.to_string().ends_with(
                "disabled.def:1: wrong suite name: the file belongs to 'rpl' but names 'main'"
            ),
            "{err}"
        );
    }

    #[test]
    fn missing_file_disables_nothing() {
        let mut d = Disabled::default();
        d.add_file(Path::new("/nonexistent/disabled.def"), "rpl")
            .unwrap();
        assert_eq!(d.reason("rpl", "x"), None);
    }
}
