//! Test names as they are typed on the command line: `test`, `suite.test`,
//! `test.test`, `path/to/test.test`, each optionally followed by
//! `,combination` parts that force those combinations.
//!
//! A string goes in and a [`TestSpec`] comes out. Like mysql-test-run, a name
//! ending in `.test` loses its directory part here; which suite such a path
//! belongs to is decided by the caller, who can look at the tree.

use super::error::DiscoverError;

/// One test name from the command line, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestSpec {
    /// The suite, when the name carried one (`rpl.x`).
    pub suite: Option<String>,
    /// The test's short name (`x`).
    pub name: String,
    /// Combinations forced with `,name` (`rpl.x,row`).
    pub combinations: Vec<String>,
}

/// Takes a command-line test name apart the way mysql-test-run does.
pub fn parse_test_name(text: &str) -> Result<TestSpec, DiscoverError> {
    let text = if text.ends_with(".test") {
        text.rsplit('/').next().unwrap_or(text)
    } else {
        text
    };
    let mut pieces = split_keeping_inner_empties(text, ',');
    let head = if pieces.is_empty() {
        String::new()
    } else {
        pieces.remove(0)
    };
    let parts = split_keeping_inner_empties(&head, '.');
    let (suite, name) = match parts.as_slice() {
        [] => (None, String::new()),
        [name] => (None, name.clone()),
        [name, ext] if ext == "test" => (None, name.clone()),
        [suite, name] => (Some(suite.clone()), name.clone()),
        _ => return Err(DiscoverError::BadTestName(head)),
    };
    Ok(TestSpec {
        suite,
        name,
        combinations: pieces,
    })
}

/// Splits on `sep`, dropping trailing empty pieces (as Perl's `split` does).
fn split_keeping_inner_empties(text: &str, sep: char) -> Vec<String> {
    let mut pieces: Vec<String> = text.split(sep).map(str::to_string).collect();
    while pieces.last().is_some_and(String::is_empty) {
        pieces.pop();
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(suite: Option<&str>, name: &str, combs: &[&str]) -> TestSpec {
        TestSpec {
            suite: suite.map(str::to_string),
            name: name.to_string(),
            combinations: combs.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn plain_and_suite_qualified_names() {
        assert_eq!(parse_test_name("alias").unwrap(), spec(None, "alias", &[]));
        assert_eq!(
            parse_test_name("rpl.rpl_default").unwrap(),
            spec(Some("rpl"), "rpl_default", &[])
        );
        assert_eq!(
            parse_test_name("alias.test").unwrap(),
            spec(None, "alias", &[])
        );
    }

    #[test]
    fn combinations_follow_commas() {
        assert_eq!(
            parse_test_name("rpl.rpl_default,row,innodb").unwrap(),
            spec(Some("rpl"), "rpl_default", &["row", "innodb"])
        );
        assert_eq!(
            parse_test_name("x,row,").unwrap(),
            spec(None, "x", &["row"]),
            "a trailing comma adds nothing"
        );
    }

    #[test]
    fn a_test_file_path_loses_its_directories() {
        assert_eq!(
            parse_test_name("suite/rpl/t/rpl_default.test").unwrap(),
            spec(None, "rpl_default", &[])
        );
    }

    #[test]
    fn suite_names_may_hold_slashes() {
        assert_eq!(
            parse_test_name("compat/oracle.sp").unwrap(),
            spec(Some("compat/oracle"), "sp", &[])
        );
    }

    #[test]
    fn too_many_dots_is_an_error() {
        let err = parse_test_name("a.b.c").unwrap_err();
        assert_eq!(err.to_string(), "illegal format of test name: a.b.c");
    }
}
