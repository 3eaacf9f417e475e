//! Option files (my.cnf) as mariadbd reads them: the files to read
//! (`--defaults-file`, `--defaults-extra-file`, or the standard list),
//! `!include` and `!includedir`, and the groups the server takes options
//! from ([mysqld] [server] [mariadb] [mariadbd] and friends, each also
//! with `--defaults-group-suffix`). Text enters; `(name, value)` pairs
//! leave in file order, so a later setting overrides an earlier one.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The MariaDB series, for the versioned groups like `[mariadbd-10.11]`.
const SERIES: &str = "10.11";

/// Groups mariadbd reads, before suffixes.
const GROUPS: &[&str] = &[
    "mysqld",
    "server",
    "mariadb",
    "mariadbd",
    "client-server",
    "galera",
];

/// How deep `!include` may nest before it is taken for a loop.
const MAX_INCLUDE_DEPTH: usize = 10;

/// One option from a file: name as written (dashes kept), value if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOption {
    pub name: String,
    pub value: Option<String>,
}

/// Which files to read and which group suffix applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DefaultsSpec {
    pub no_defaults: bool,
    pub file: Option<PathBuf>,
    pub extra_file: Option<PathBuf>,
    pub group_suffix: Option<String>,
}

/// A required option file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("Could not open required defaults file: {}", path.display())]
pub struct DefaultsError {
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

/// Reads every option the spec selects, in order.
pub fn read(spec: &DefaultsSpec) -> Result<Vec<FileOption>, DefaultsError> {
    if spec.no_defaults {
        return Ok(Vec::new());
    }
    let groups = group_names(spec.group_suffix.as_deref());
    let mut out = Vec::new();
    for (path, required) in files(spec) {
        match fs::read_to_string(&path) {
            Ok(text) => parse_into(&text, &path, &groups, 0, &mut out),
            Err(source) if required => return Err(DefaultsError { path, source }),
            Err(_) => {}
        }
    }
    Ok(out)
}

/// The files mariadbd reads, and whether each must exist.
fn files(spec: &DefaultsSpec) -> Vec<(PathBuf, bool)> {
    let mut list = Vec::new();
    match &spec.file {
        Some(f) => list.push((f.clone(), true)),
        None => {
            list.push((PathBuf::from("/etc/my.cnf"), false));
            list.push((PathBuf::from("/etc/mysql/my.cnf"), false));
        }
    }
    if let Some(extra) = &spec.extra_file {
        list.push((extra.clone(), true));
    }
    if spec.file.is_none()
        && let Some(home) = std::env::var_os("HOME")
    {
        list.push((Path::new(&home).join(".my.cnf"), false));
    }
    list
}

/// The group names read, with and without the suffix.
pub fn group_names(suffix: Option<&str>) -> Vec<String> {
    let mut names: Vec<String> = GROUPS.iter().map(|g| (*g).to_string()).collect();
    for g in ["mysqld", "mariadb", "mariadbd"] {
        names.push(format!("{g}-{SERIES}"));
    }
    if let Some(s) = suffix {
        let suffixed: Vec<String> = names.iter().map(|g| format!("{g}{s}")).collect();
        names.extend(suffixed);
    }
    names
}

/// Parses one file's text; relative includes resolve against its folder.
fn parse_into(text: &str, path: &Path, groups: &[String], depth: usize, out: &mut Vec<FileOption>) {
    let mut in_group = false;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('!') {
            include(rest, path, groups, depth, out);
        } else if let Some(name) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            in_group = groups.iter().any(|g| g == name.trim());
        } else if in_group {
            out.push(parse_option(line));
        }
    }
}

/// `!include FILE` or `!includedir DIR` (its `.cnf` files, sorted).
fn include(
    directive: &str,
    from: &Path,
    groups: &[String],
    depth: usize,
    out: &mut Vec<FileOption>,
) {
    if depth >= MAX_INCLUDE_DEPTH {
        return;
    }
    let base = from.parent().unwrap_or(Path::new("."));
    let targets = if let Some(dir) = directive.strip_prefix("includedir") {
        cnf_files(&base.join(dir.trim()))
    } else if let Some(file) = directive.strip_prefix("include") {
        vec![base.join(file.trim())]
    } else {
        Vec::new()
    };
    for target in targets {
        if let Ok(text) = fs::read_to_string(&target) {
            parse_into(&text, &target, groups, depth + 1, out);
        }
    }
}

/// The `.cnf` files of a directory in name order.
fn cnf_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "cnf"))
        .collect();
    files.sort();
    files
}

/// `name`, `name=value` or `name = "value"`, with an end-of-line comment.
pub fn parse_option(line: &str) -> FileOption {
    let Some((name, value)) = line.split_once('=') else {
        return FileOption {
            name: strip_comment(line).trim().to_string(),
            value: None,
        };
    };
    FileOption {
        name: name.trim().to_string(),
        value: Some(parse_value(value.trim())),
    }
}

/// A value: quoted (with escapes) or bare up to a `#` comment.
fn parse_value(v: &str) -> String {
    let bytes = v.as_bytes();
    match bytes.first() {
        Some(&q @ (b'"' | b'\'')) => unquote(&v[1..], q as char),
        _ => unescape(strip_comment(v).trim_end()),
    }
}

fn strip_comment(v: &str) -> &str {
    v.split('#').next().unwrap_or("")
}

/// The text up to the closing quote, escapes resolved.
fn unquote(rest: &str, quote: char) -> String {
    let end = rest.rfind(quote).unwrap_or(rest.len());
    unescape(&rest[..end])
}

/// mariadbd's option-file escapes: `\n \t \r \b \s \\ \" \'`.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('s') => out.push(' '),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("replica-defaults-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn opt(name: &str, value: Option<&str>) -> FileOption {
        FileOption {
            name: name.into(),
            value: value.map(Into::into),
        }
    }

    #[test]
    fn reads_server_groups_and_suffixed_groups_in_file_order() {
        let d = temp_dir("groups");
        let f = d.join("my.cnf");
        fs::write(
            &f,
            "[client]\nport=1\n[mysqld]\nport=2\n# comment\n[mysqld.1]\nport=3\nlog-bin\n[mysqld.2]\nport=4\n[mariadb]\nserver_id = 7 # note\n",
        )
        .unwrap();
        let spec = DefaultsSpec {
            file: Some(f),
            group_suffix: Some(".1".into()),
            ..DefaultsSpec::default()
        };
        let got = read(&spec).unwrap();
        assert_eq!(
            got,
            [
                opt("port", Some("2")),
                opt("port", Some("3")),
                opt("log-bin", None),
                opt("server_id", Some("7")),
            ]
        );
    }

    #[test]
    fn include_and_includedir_are_followed() {
        let d = temp_dir("include");
        fs::create_dir_all(d.join("conf.d")).unwrap();
        fs::write(d.join("conf.d/b.cnf"), "[mysqld]\nb=2\n").unwrap();
        fs::write(d.join("conf.d/a.cnf"), "[mysqld]\na=1\n").unwrap();
        fs::write(d.join("conf.d/skip.txt"), "[mysqld]\nz=9\n").unwrap();
        fs::write(d.join("other.cnf"), "[server]\nc=3\n").unwrap();
        let main = d.join("my.cnf");
        let text = format!(
            "!includedir {}\n!include {}\n",
            d.join("conf.d").display(),
            d.join("other.cnf").display()
        );
        fs::write(&main, text).unwrap();
        let spec = DefaultsSpec {
            file: Some(main),
            ..DefaultsSpec::default()
        };
        let names: Vec<String> = read(&spec).unwrap().into_iter().map(|o| o.name).collect();
        assert_eq!(names, ["a", "b", "c"]);
    }

    #[test]
    fn missing_defaults_file_is_an_error_but_no_defaults_reads_nothing() {
        let spec = DefaultsSpec {
            file: Some("/nonexistent/replica.cnf".into()),
            ..DefaultsSpec::default()
        };
        let e = read(&spec).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Could not open required defaults file: /nonexistent/replica.cnf"
        );
        let none = DefaultsSpec {
            no_defaults: true,
            ..spec
        };
        assert!(read(&none).unwrap().is_empty());
    }

    #[test]
    fn quoted_values_keep_hashes_and_resolve_escapes() {
        assert_eq!(
            parse_option("a = \"x # y\\tz\"").value.as_deref(),
            Some("x # y\tz")
        );
        assert_eq!(parse_option("b='q'").value.as_deref(), Some("q"));
        assert_eq!(parse_option("c=v # comment").value.as_deref(), Some("v"));
    }
}
