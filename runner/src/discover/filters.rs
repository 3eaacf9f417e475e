//! `--do-test` and `--skip-test` patterns.
//!
//! The option's text goes in and a matcher comes out. A text made only of
//! lowercase letters, digits and dots is a prefix (`rpl_gtid` means names
//! starting with it); anything else is a regular expression searched anywhere
//! in the name. Which names a pattern is matched against is the caller's
//! business: `--do-test` sees the short name, `--skip-test` both the short
//! and the `suite.test` name.

use std::sync::LazyLock;

use regex::Regex;

use super::error::DiscoverError;

/// Texts that are taken as a prefix rather than a regular expression.
static PLAIN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z0-9.]*$").unwrap());

/// A compiled `--do-test` / `--skip-test` pattern.
#[derive(Debug, Clone)]
pub struct NamePattern {
    regex: Regex,
}

impl NamePattern {
    /// Compiles the text of `option` (used in the error message).
    pub fn new(text: &str, option: &'static str) -> Result<NamePattern, DiscoverError> {
        let source = if PLAIN.is_match(text) {
            format!("^{text}")
        } else {
            text.to_string()
        };
        let regex = Regex::new(&source).map_err(|e| DiscoverError::BadPattern {
            option,
            pattern: text.to_string(),
            message: e.to_string(),
        })?;
        Ok(NamePattern { regex })
    }

    /// Compiles an optional pattern.
    pub fn optional(
        text: Option<&str>,
        option: &'static str,
    ) -> Result<Option<NamePattern>, DiscoverError> {
        text.map(|t| NamePattern::new(t, option)).transpose()
    }

    /// Whether `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        self.regex.is_match(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_a_prefix() {
        let p = NamePattern::new("alias", "--do-test").unwrap();
        assert!(p.matches("alias_2"));
        assert!(!p.matches("x_alias"));
        let dotted = NamePattern::new("rpl.rpl", "--skip-test").unwrap();
        assert!(dotted.matches("rpl.rpl_x"));
        assert!(!dotted.matches("main.rpl"));
    }

    #[test]
    fn anything_else_is_a_regex_searched_anywhere() {
        let p = NamePattern::new("gtid_[a-c]", "--do-test").unwrap();
        assert!(p.matches("rpl_gtid_basic"));
        assert!(!p.matches("rpl_gtid_x"));
        let upper = NamePattern::new("USER", "--do-test").unwrap();
        assert!(upper.matches("rpl_row_USER"), "uppercase makes it a regex");
        let underscore = NamePattern::new("rpl_gtid", "--do-test").unwrap();
        assert!(underscore.matches("x_rpl_gtid"), "so does an underscore");
    }

    #[test]
    fn a_bad_regex_is_an_error() {
        let err = NamePattern::new("a(", "--skip-test").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid regex 'a(' passed to --skip-test: "),
            "{err}"
        );
    }
}
