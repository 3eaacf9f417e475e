//! The name of one test run: suite, test and the combinations it runs under.
//! The runner builds a [`TestId`] while discovering tests; reporters turn it
//! back into text the way mysql-test-run names tests (`rpl.x 'mix'`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// One test under one set of combinations; the unit that passes or fails.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TestId {
    /// Suite name, e.g. `rpl` or `main`.
    pub suite: String,
    /// Test name without suite and extension, e.g. `rpl_parallel`.
    pub name: String,
    /// Combination names this run uses, e.g. `["mix"]`; empty for none.
    pub combinations: Vec<String>,
}

impl TestId {
    /// Builds an id; combinations are kept in the order given.
    pub fn new(
        suite: impl Into<String>,
        name: impl Into<String>,
        combinations: Vec<String>,
    ) -> Self {
        Self {
            suite: suite.into(),
            name: name.into(),
            combinations,
        }
    }

    /// `suite.name` without combinations: what a user types to rerun the test.
    pub fn full_name(&self) -> String {
        format!("{}.{}", self.suite, self.name)
    }

    /// Combination names sorted and joined with `,`, as mtr shows them;
    /// `None` when the test has no combinations.
    pub fn combination_label(&self) -> Option<String> {
        if self.combinations.is_empty() {
            return None;
        }
        let mut sorted: Vec<&str> = self.combinations.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        Some(sorted.join(","))
    }
}

impl fmt::Display for TestId {
    /// `suite.name` or `suite.name 'a,b'` (combinations sorted), like mtr.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.suite, self.name)?;
        match self.combination_label() {
            Some(label) => write!(f, " '{label}'"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_without_combinations_is_suite_dot_name() {
        let id = TestId::new("main", "select", vec![]);
        assert_eq!(id.to_string(), "main.select");
        assert_eq!(id.full_name(), "main.select");
    }

    #[test]
    fn display_sorts_combinations_and_quotes_them() {
        let id = TestId::new("rpl", "rpl_default", vec!["stmt".into(), "innodb".into()]);
        assert_eq!(id.to_string(), "rpl.rpl_default 'innodb,stmt'");
        assert_eq!(id.full_name(), "rpl.rpl_default");
    }
}
