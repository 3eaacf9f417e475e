//! `.opt` files: extra server options for a test (`t.opt` for every server,
//! `t-master.opt` and `t-slave.opt` for one side only).
//!
//! Text goes in and a list of arguments comes out, split the way mtr splits
//! it without a shell: each line is trimmed and split on blanks, except that
//! blanks inside a quoted span stay (a double-quoted span may hold a
//! single-quoted one and the other way round); then the outermost pair of
//! quotes of each argument is removed and `\\` becomes `\`. Nothing else is
//! special: a `#` starts no comment. Afterwards [`extract_timezone`] takes
//! mtr's own `--timezone=` out of a finished list.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::error::ConfigError;

/// Stand-in for a blank inside quotes while a line is split.
const HIDDEN_BLANK: char = '\u{11}';
/// Stand-in for a `'` that opened or closed a protected span.
const HIDDEN_SINGLE: char = '\u{0a}';
/// Stand-in for a `"` that opened or closed a protected span.
const HIDDEN_DOUBLE: char = '\u{0b}';

/// A single-quoted span without quotes inside.
static SINGLE_SPAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"'([^'"]*)'"#).unwrap());
/// A double-quoted span without quotes inside.
static DOUBLE_SPAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""([^'"]*)""#).unwrap());

/// Option prefix mtr consumes itself: the test's time zone, not a server option.
const TIMEZONE_PREFIX: &str = "--timezone=";
/// Server option that makes mtr run the test in a non-default time zone too.
const DEFAULT_TIME_ZONE_PREFIX: &str = "--default-time-zone=";
/// The time zone mtr picks when a test sets the server's default one.
const TIMEZONE_FOR_DEFAULT_TIME_ZONE: &str = "GMT-8";

/// Splits one line of an `.opt` file into arguments.
pub(crate) fn parse_opt_line(line: &str) -> Vec<String> {
    let mut text = line.trim().to_string();
    for _ in 0..2 {
        text = protect(&SINGLE_SPAN, &text, HIDDEN_SINGLE);
        text = protect(&DOUBLE_SPAN, &text, HIDDEN_DOUBLE);
    }
    text.split([' ', '\t'])
        .map(finish_arg)
        .filter(|arg| !arg.is_empty())
        .collect()
}

/// Splits a whole `.opt` file's text into arguments, line by line.
pub fn parse_opt_text(text: &str) -> Vec<String> {
    text.lines().flat_map(parse_opt_line).collect()
}

/// Reads an `.opt` file into arguments; bytes that are not UTF-8 are kept.
pub fn read_opt_file(path: &Path) -> Result<Vec<String>, ConfigError> {
    let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(parse_opt_text(&super::raw_bytes::decode(&bytes)))
}

/// Replaces each quoted span by a blank-free version with its quotes disguised.
fn protect(span: &Regex, text: &str, quote: char) -> String {
    span.replace_all(text, |caps: &regex::Captures<'_>| {
        let inner = caps[1].replace([' ', '\t'], &HIDDEN_BLANK.to_string());
        format!("{quote}{inner}{quote}")
    })
    .into_owned()
}

/// Restores disguised characters, drops the outer quotes and halves double backslashes.
fn finish_arg(raw: &str) -> String {
    let restored: String = raw
        .chars()
        .map(|c| match c {
            HIDDEN_BLANK => ' ',
            HIDDEN_SINGLE => '\'',
            HIDDEN_DOUBLE => '"',
            other => other,
        })
        .collect();
    let unquoted = strip_outer_quotes(&restored, '\'')
        .or_else(|| strip_outer_quotes(&restored, '"'))
        .unwrap_or(restored);
    unquoted.replace("\\\\", "\\")
}

/// Removes the first and last quote characters if both are `quote` (and distinct).
fn strip_outer_quotes(arg: &str, quote: char) -> Option<String> {
    let is_quote = |c: char| c == '\'' || c == '"';
    let first = arg.find(is_quote)?;
    let last = arg.rfind(is_quote)?;
    if first == last || !arg[first..].starts_with(quote) || !arg[last..].starts_with(quote) {
        return None;
    }
    Some(format!(
        "{}{}{}",
        &arg[..first],
        &arg[first + 1..last],
        &arg[last + 1..]
    ))
}

/// The options a test's own `.opt` files give, split by side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestOpts {
    /// From `NAME.opt` then `NAME-master.opt`: for servers without `#!use-slave-opt`.
    pub master: Vec<String>,
    /// From `NAME.opt` then `NAME-slave.opt`: for servers with `#!use-slave-opt`.
    pub slave: Vec<String>,
}

/// Reads the `.opt` files beside a `.test` or `.inc` file; missing ones contribute nothing.
pub fn read_test_opts(script: &Path) -> Result<TestOpts, ConfigError> {
    let common = read_if_present(sibling(script, ".opt"))?;
    let master = read_if_present(sibling(script, "-master.opt"))?;
    let slave = read_if_present(sibling(script, "-slave.opt"))?;
    Ok(TestOpts {
        master: [common.clone(), master].concat(),
        slave: [common, slave].concat(),
    })
}

/// `dir/name.test` → `dir/name{suffix}`.
fn sibling(script: &Path, suffix: &str) -> PathBuf {
    let stem = script.file_stem().unwrap_or_default().to_string_lossy();
    script.with_file_name(format!("{stem}{suffix}"))
}

/// An `.opt` file's arguments, or none if there is no such file.
fn read_if_present(path: PathBuf) -> Result<Vec<String>, ConfigError> {
    if path.is_file() {
        read_opt_file(&path)
    } else {
        Ok(Vec::new())
    }
}

/// A finished option list with mtr's own time-zone setting taken out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerOpts {
    /// What is passed to the server.
    pub args: Vec<String>,
    /// The `TZ` the test runs with; `None` means mtr's default. Servers restart when it changes.
    pub timezone: Option<String>,
}

/// Removes `--timezone=X` (the last one wins); `--default-time-zone=` stays but implies `GMT-8`.
pub fn extract_timezone(opts: Vec<String>) -> ServerOpts {
    let mut result = ServerOpts::default();
    for opt in opts {
        if let Some(zone) = opt.strip_prefix(TIMEZONE_PREFIX) {
            result.timezone = Some(zone.to_string());
            continue;
        }
        if opt.starts_with(DEFAULT_TIME_ZONE_PREFIX) {
            result.timezone = Some(TIMEZONE_FOR_DEFAULT_TIME_ZONE.to_string());
        }
        result.args.push(opt);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{TempTree, installed_root};

    fn line(text: &str) -> Vec<String> {
        parse_opt_line(text)
    }

    // Expected values were produced by running mtr's own splitting on the same lines.
    #[test]
    fn bytes_that_are_not_utf8_reach_the_arguments_unchanged() {
        let dir = TempTree::new("opt_bytes");
        let path = dir.path("t-master.opt");
        std::fs::write(&path, b"--character-sets-dir=$D/\xdf\n--x=1\n").unwrap();
        let args = read_opt_file(&path).unwrap();
        assert_eq!(args.len(), 2);
        let first = crate::config::option_bytes(&args[0]);
        assert_eq!(first.as_encoded_bytes(), b"--character-sets-dir=$D/\xdf");
        assert_eq!(args[1], "--x=1");
    }

    #[test]
    fn blanks_split_and_are_trimmed() {
        assert_eq!(line("--a=1 --b=2"), ["--a=1", "--b=2"]);
        assert_eq!(line("   --spaced   --x\t--y  "), ["--spaced", "--x", "--y"]);
        assert!(line("   ").is_empty());
    }

    #[test]
    fn quoted_spans_keep_blanks_and_lose_outer_quotes() {
        assert_eq!(
            line(r#"--someopt="--insideopt1 --insideopt2""#),
            ["--someopt=--insideopt1 --insideopt2"]
        );
        assert_eq!(
            line(r#""--replicate-rewrite-db=  mysqltest1  ->  test""#),
            ["--replicate-rewrite-db=  mysqltest1  ->  test"]
        );
        assert_eq!(
            line(r#"--slave_transaction_retry_errors="10,20,   5000, 400""#),
            ["--slave_transaction_retry_errors=10,20,   5000, 400"]
        );
        assert_eq!(line(r#"--d="" --e='' --f"#), ["--d=", "--e=", "--f"]);
    }

    #[test]
    fn nested_quotes_survive_one_level() {
        assert_eq!(line(r#"--a="x 'y z'""#), ["--a=x 'y z'"]);
        assert_eq!(line(r#"--b='p "q r"'"#), [r#"--b=p "q r""#]);
        assert_eq!(line(r#"--c='a"b'c'"#), [r#"--c=a"b'c"#]);
    }

    #[test]
    fn unquoted_blanks_split_even_after_quotes_start_later() {
        assert_eq!(
            line(r"--init_connect=set @a='a\\0c'"),
            ["--init_connect=set", r"@a=a\0c"]
        );
    }

    #[test]
    fn backslashes_halve_and_hash_is_not_a_comment() {
        assert_eq!(
            line(r"--g=a\\\\b --h=one\two"),
            [r"--g=a\\b", r"--h=one\two"]
        );
        assert_eq!(line("# comment here"), ["#", "comment", "here"]);
        assert_eq!(
            line(r#"--url="$VAULT_ADDR/v1/""#),
            ["--url=$VAULT_ADDR/v1/"],
            "variables are expanded later, per server"
        );
    }

    #[test]
    fn timezone_is_taken_out_and_default_time_zone_implies_one() {
        let opts = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let got = extract_timezone(opts(&["--timezone=GMT-3", "--binlog-do-db=a"]));
        assert_eq!(got.args, ["--binlog-do-db=a"]);
        assert_eq!(got.timezone.as_deref(), Some("GMT-3"));
        let got = extract_timezone(opts(&["--default-time-zone=+01:00"]));
        assert_eq!(got.args, ["--default-time-zone=+01:00"]);
        assert_eq!(got.timezone.as_deref(), Some("GMT-8"));
        assert_eq!(extract_timezone(opts(&["--x"])).timezone, None);
    }

    #[test]
    fn test_opts_split_into_master_and_slave() {
        let tmp = TempTree::new("opt-files");
        tmp.write("t/x.opt", "--common\n");
        tmp.write("t/x-master.opt", "--m1 --m2\n");
        tmp.write("t/x-slave.opt", "--s\r\n");
        let got = read_test_opts(&tmp.path("t/x.test")).unwrap();
        assert_eq!(got.master, ["--common", "--m1", "--m2"]);
        assert_eq!(got.slave, ["--common", "--s"]);
        assert_eq!(
            read_test_opts(&tmp.path("t/none.test")).unwrap(),
            TestOpts::default()
        );
    }

    #[test]
    fn installed_opt_files_parse_to_options() {
        let Some(root) = installed_root() else { return };
        let got = read_test_opts(&root.join("suite/rpl/t/rpl_rewrt_db.test")).unwrap();
        assert!(
            got.slave
                .iter()
                .any(|o| o == "--replicate-rewrite-db=test->rewrite"),
            "{:?}",
            got.slave
        );
    }
}
