//! Server option lists: the arguments a test asks its servers to run with
//! (combinations, then `.opt` files, then `--mysqld=` from the command line).
//!
//! Lists go in as strings and come out as what they become once `$VAR`
//! references are expanded, and as the arguments a real server is finally
//! given. (Whether a running server can be reused is decided by comparing
//! lists exactly, as mtr does; see the runner's server set.)

use std::sync::LazyLock;

use regex::Regex;

/// `${NAME}`, expanded first.
static BRACED_VAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\$\{(\w+)\}").unwrap());
/// `$NAME`, expanded second.
static BARE_VAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\$(\w+)").unwrap());

/// Replaces `${NAME}` and `$NAME` with the variable's value, or nothing when unset.
pub fn expand_env(text: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    let lookup = |caps: &regex::Captures<'_>| env(&caps[1]).unwrap_or_default();
    let braced = BRACED_VAR.replace_all(text, lookup);
    BARE_VAR.replace_all(&braced, lookup).into_owned()
}

/// What a real server is given from a test's option list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerArgs {
    /// A `--defaults-file=` from the list replaces the generated my.cnf (the last one wins).
    pub defaults_file: Option<String>,
    /// The remaining options, in order.
    pub args: Vec<String>,
    /// False when the test asked for `--skip-core-file`; otherwise `--core-file` is added.
    pub core_file: bool,
}

/// Filters a test's options the way mtr does before starting a server.
///
/// Without any `--log-bin…`/`--loose-log-bin…` option, `--binlog-format…` is dropped;
/// `--loose-skip-log-bin` is dropped for a server configured with `log-slave-updates`.
pub fn server_args(options: &[String], has_log_slave_updates: bool) -> ServerArgs {
    let binlog_off = !options
        .iter()
        .any(|o| o.starts_with("--log-bin") || o.starts_with("--loose-log-bin"));
    let mut result = ServerArgs {
        defaults_file: None,
        args: Vec::new(),
        core_file: true,
    };
    for option in options {
        if let Some(file) = option.strip_prefix("--defaults-file=") {
            result.defaults_file = Some(file.to_string());
        } else if option == "--skip-core-file" {
            result.core_file = false;
        } else if !is_dropped(option, binlog_off, has_log_slave_updates) {
            result.args.push(option.clone());
        }
    }
    result
}

/// Options mtr leaves off a server's command line.
fn is_dropped(option: &str, binlog_off: bool, has_log_slave_updates: bool) -> bool {
    option.starts_with("--defaults-file")
        || (binlog_off && option.starts_with("--binlog-format"))
        || (option == "--loose-skip-log-bin" && has_log_slave_updates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn env_references_expand_and_unset_ones_vanish() {
        let env = |name: &str| (name == "A").then(|| "1".to_string());
        assert_eq!(expand_env("--x=${A}/$A/$B/${B}z", &env), "--x=1/1//z");
        assert_eq!(expand_env("--plain", &env), "--plain");
    }

    #[test]
    fn server_args_apply_mtr_filters() {
        let opts = list(&[
            "--defaults-file=/a.cnf",
            "--binlog-format=row",
            "--skip-core-file",
            "--loose-skip-log-bin",
            "--defaults-file=/b.cnf",
            "--x",
        ]);
        let got = server_args(&opts, true);
        assert_eq!(got.defaults_file.as_deref(), Some("/b.cnf"));
        assert_eq!(
            got.args,
            ["--x"],
            "no binlog: format dropped; log-slave-updates: skip-log-bin dropped"
        );
        assert!(!got.core_file);
        let got = server_args(
            &list(&["--log-bin", "--binlog-format=row", "--loose-skip-log-bin"]),
            false,
        );
        assert_eq!(
            got.args,
            ["--log-bin", "--binlog-format=row", "--loose-skip-log-bin"]
        );
        assert!(got.core_file);
    }
}
