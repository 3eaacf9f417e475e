//! The one error type of discovery. Every variant says which input was wrong:
//! a file and line of the tree, a test name or a pattern from the command
//! line. The not-found and cannot-run messages keep mysql-test-run's own
//! words, since people search for them.

use std::path::PathBuf;

use crate::config::ConfigError;

/// Why the list of tests could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// A file or directory of the tree could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    /// A `.combinations`, `.opt` or `!include`d file was malformed (boxed: it is large).
    #[error(transparent)]
    Config(Box<ConfigError>),

    /// A test name with more than one `.` (besides a trailing `.test`).
    #[error("illegal format of test name: {0}")]
    BadTestName(String),

    /// A `--suite` name that is no directory of the tree.
    #[error(
        "could not find suite '{suite}' under {} (looked for {suite}/t, suite/{suite} and plugin/*/{suite})",
        root.display()
    )]
    NoSuchSuite { suite: String, root: PathBuf },

    /// A test name without suite that none of the searched suites holds.
    #[error("Could not find '{test}' in '{suites}' suite(s)")]
    NotFoundInSuites { test: String, suites: String },

    /// A `suite.test` name whose suite has no such test.
    #[error("Could not find '{test}' in '{suite}' suite")]
    NotFoundInSuite { test: String, suite: String },

    /// `suite.test,name` asked for a combination the test does not have.
    #[error("Could not run {test} with '{combinations}' combination(s)")]
    UnknownCombination { test: String, combinations: String },

    /// A line of a disabled.def that is neither a comment nor `name : reason`.
    #[error("{}:{line}: syntax error in disabled list: '{text}'", file.display())]
    DisabledSyntax {
        file: PathBuf,
        line: usize,
        text: String,
    },

    /// A disabled.def line naming another suite than the one it belongs to.
    #[error("{}:{line}: wrong suite name: the file belongs to '{suite}' but names '{named}'", file.display())]
    DisabledWrongSuite {
        file: PathBuf,
        line: usize,
        suite: String,
        named: String,
    },

    /// A wildcard of a disabled.def that is not a valid pattern.
    #[error("{}:{line}: bad wildcard '{pattern}': {message}", file.display())]
    DisabledWildcard {
        file: PathBuf,
        line: usize,
        pattern: String,
        message: String,
    },

    /// `--do-test` or `--skip-test` was given something that is not a regular expression.
    #[error("invalid regex '{pattern}' passed to {option}: {message}")]
    BadPattern {
        option: &'static str,
        pattern: String,
        message: String,
    },
}

impl From<ConfigError> for DiscoverError {
    fn from(err: ConfigError) -> Self {
        DiscoverError::Config(Box::new(err))
    }
}

impl DiscoverError {
    /// A read failure of `path`.
    pub fn read(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        DiscoverError::Read {
            path: path.into(),
            source,
        }
    }
}
