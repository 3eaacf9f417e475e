//! Parsing of my.cnf-style templates: `include/default_my.cnf`, a suite's
//! `my.cnf`, a test's `.cnf` and `.combinations` files all share this syntax.
//!
//! A file goes in as a path (plus the mysql-test root, for `!include` names
//! that are not beside the including file) and comes out as a [`Cnf`]: groups
//! in the order they first appear, each with its options in order. Naming a
//! group again merges into the first one; setting an option again replaces its
//! value in place, except for the few options a server accepts many times,
//! which are appended. Magic `#!name [arg]` comments are kept as options (their
//! value is the possibly empty argument) because mtr reads them; `#option` and
//! `#option=value` are kept too (mtr's hidden settings such as `#host`). An
//! included file is parsed on its own and then merged option by option, so
//! groups that stay empty in an included file do not carry over.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::error::ConfigError;

/// How deep `!include` may nest before the chain is taken for a cycle.
pub const MAX_INCLUDE_DEPTH: usize = 16;

/// Options a server accepts many times: repeating one in a template adds a line instead of replacing.
const MULTIPART_OPTIONS: &[&str] = &["plugin-load-add", "optimizer-switch"];

/// Group name mtr reserves for generated values such as `@OPT.port`.
pub const OPT_GROUP: &str = "OPT";

/// Group whose options become environment variables of the test.
pub const ENV_GROUP: &str = "ENV";

/// One `name` or `name=value` line of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigOption {
    /// The name as written (dashes and underscores are not normalised here).
    pub name: String,
    /// `None` for a bare flag such as `log-slave-updates`.
    pub value: Option<String>,
}

impl ConfigOption {
    /// Builds an option; a helper so callers need not spell out the struct.
    pub fn new(name: impl Into<String>, value: Option<String>) -> Self {
        ConfigOption {
            name: name.into(),
            value,
        }
    }

    /// The option as a server argument (`--name=value`), the form combinations use.
    pub fn as_arg(&self) -> String {
        let body = match &self.value {
            Some(value) => format!("{}={}", self.name, value),
            None => self.name.clone(),
        };
        if body.starts_with("--") {
            body
        } else {
            format!("--{body}")
        }
    }

    /// The line mtr writes for this option in a generated my.cnf.
    pub fn render(&self) -> String {
        match &self.value {
            Some(value) => format!("{}={}", self.name, value),
            None => self.name.clone(),
        }
    }
}

/// A `[name]` section with its options in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    name: String,
    options: Vec<ConfigOption>,
}

impl Group {
    /// An empty group; groups are created on first mention.
    pub fn new(name: impl Into<String>) -> Self {
        Group {
            name: name.into(),
            options: Vec::new(),
        }
    }

    /// The name between the brackets, e.g. `mysqld.1`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Options in the order they will be written.
    pub fn options(&self) -> &[ConfigOption] {
        &self.options
    }

    /// The last option of that exact name: the one a later setting would replace.
    pub fn option(&self, name: &str) -> Option<&ConfigOption> {
        self.options.iter().rev().find(|o| o.name == name)
    }

    /// Whether the option is present at all, with or without a value.
    pub fn has(&self, name: &str) -> bool {
        self.option(name).is_some()
    }

    /// The option's value; `None` when absent or a bare flag.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.option(name).and_then(|o| o.value.as_deref())
    }

    /// Sets an option the way a template line does: replace in place, or append if new or multipart.
    pub fn set(&mut self, name: &str, value: Option<String>) {
        let existing = match is_multipart(name) {
            true => None,
            false => self.options.iter_mut().rev().find(|o| o.name == name),
        };
        match existing {
            Some(option) => option.value = value,
            None => self.push(name, value),
        }
    }

    /// Appends an option even if one of that name exists, as generation rules do.
    pub fn push(&mut self, name: &str, value: Option<String>) {
        self.options.push(ConfigOption::new(name, value));
    }

    /// Mutable access for rewriting values in place (reference resolution).
    pub(super) fn options_mut(&mut self) -> &mut [ConfigOption] {
        &mut self.options
    }
}

/// Whether a repeated option accumulates instead of replacing (`_` and `-` are the same here).
fn is_multipart(name: &str) -> bool {
    let dashed = name.replace('_', "-");
    MULTIPART_OPTIONS.contains(&dashed.as_str())
}

/// A parsed template: groups in order of first appearance, `[ENV]` included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cnf {
    groups: Vec<Group>,
}

impl Cnf {
    /// Reads and parses a template; `testdir` is the mysql-test root for `!include` fallback.
    pub fn read(path: &Path, testdir: &Path) -> Result<Cnf, ConfigError> {
        read_at_depth(path, testdir, 0)
    }

    /// Parses template text as if it were the file at `path` (used for messages and includes).
    #[cfg(test)]
    pub fn parse_str(text: &str, path: &Path, testdir: &Path) -> Result<Cnf, ConfigError> {
        Parser::new(path, testdir, 0).run(text)
    }

    /// All groups in order, `[ENV]` among them wherever it first appeared.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Consumes the template, handing its groups to whoever builds on it.
    pub fn into_groups(self) -> Vec<Group> {
        self.groups
    }

    /// The group of that exact name.
    #[cfg(test)]
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The group of that name, created at the end if it does not exist yet.
    pub fn ensure_group(&mut self, name: &str) -> &mut Group {
        let index = match self.groups.iter().position(|g| g.name == name) {
            Some(index) => index,
            None => {
                self.groups.push(Group::new(name));
                self.groups.len() - 1
            }
        };
        &mut self.groups[index]
    }

    /// Sets an option with template semantics, creating the group if needed.
    pub fn set(&mut self, group: &str, name: &str, value: Option<String>) {
        self.ensure_group(group).set(name, value);
    }

    /// Merges another template option by option (empty groups of `other` are not carried).
    fn append(&mut self, other: Cnf) {
        for group in other.groups {
            for option in group.options {
                self.set(&group.name, &option.name, option.value);
            }
        }
    }
}

/// Reads one file at a given include depth.
fn read_at_depth(path: &Path, testdir: &Path, depth: usize) -> Result<Cnf, ConfigError> {
    let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    Parser::new(path, testdir, depth).run(&text)
}

/// What one template line is, once classified.
#[derive(Debug, PartialEq, Eq)]
enum Line<'t> {
    Group(&'t str),
    Magic(&'t str, &'t str),
    Blank,
    Include(&'t str),
    Flag(&'t str),
    Pair(&'t str, &'t str),
    Comment,
}

static GROUP_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\[(.*)\]").unwrap());
static MAGIC_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(#!\S+)\s*(.*?)\s*$").unwrap());
static INCLUDE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^!include\s*(.*?)\s*$").unwrap());
static FLAG_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(#?[\w-]+)\s*$").unwrap());
static PAIR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(#?[\w-]+)\s*=\s*(.*?)\s*$").unwrap());
/// Replication filters scoped to a connection name (`name.replicate_do_db = x`); the value keeps trailing blanks.
static SCOPED_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\w+.\w+)\s*=\s*(.*)").unwrap());

/// The text of a capture group, empty when it did not take part.
fn text<'t>(caps: &regex::Captures<'t>, i: usize) -> &'t str {
    caps.get(i).map_or("", |m| m.as_str())
}

/// Classifies a line; the order of the checks matters (`#!x` is magic, `#x` an option, `# x` a comment).
fn classify(line: &str) -> Option<Line<'_>> {
    if let Some(c) = GROUP_RE.captures(line) {
        return Some(Line::Group(text(&c, 1)));
    }
    if let Some(c) = MAGIC_RE.captures(line) {
        return Some(Line::Magic(text(&c, 1), text(&c, 2)));
    }
    if line.is_empty() {
        return Some(Line::Blank);
    }
    if let Some(c) = INCLUDE_RE.captures(line) {
        return Some(Line::Include(text(&c, 1)));
    }
    if let Some(c) = FLAG_RE.captures(line) {
        return Some(Line::Flag(text(&c, 1)));
    }
    if let Some(c) = PAIR_RE.captures(line) {
        return Some(Line::Pair(text(&c, 1), text(&c, 2)));
    }
    if line.starts_with('#') || line.starts_with(';') {
        return Some(Line::Comment);
    }
    SCOPED_RE
        .captures(line)
        .map(|c| Line::Pair(text(&c, 1), text(&c, 2)))
}

/// State of parsing one file: where it is, and which group lines go to.
struct Parser<'p> {
    path: &'p Path,
    testdir: &'p Path,
    depth: usize,
    cnf: Cnf,
    current: Option<String>,
    line_no: usize,
}

impl<'p> Parser<'p> {
    /// A parser for one file at a given include depth.
    fn new(path: &'p Path, testdir: &'p Path, depth: usize) -> Self {
        Parser {
            path,
            testdir,
            depth,
            cnf: Cnf::default(),
            current: None,
            line_no: 0,
        }
    }

    /// Parses all lines; a trailing CR (files edited on Windows) is dropped from each.
    fn run(mut self, text: &str) -> Result<Cnf, ConfigError> {
        for (index, raw) in text.split_terminator('\n').enumerate() {
            self.line_no = index + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            self.line(line)?;
        }
        Ok(self.cnf)
    }

    /// Handles one line, dispatching on its kind.
    fn line(&mut self, line: &str) -> Result<(), ConfigError> {
        match classify(line) {
            Some(Line::Group(name)) => self.open_group(name),
            Some(Line::Magic(name, arg)) => self.add(line, name, Some(arg)),
            Some(Line::Flag(name)) => self.add(line, name, None),
            Some(Line::Pair(name, value)) => self.add(line, name, Some(value)),
            Some(Line::Include(name)) => self.include(name),
            Some(Line::Blank) | Some(Line::Comment) => Ok(()),
            None => Err(ConfigError::UnexpectedLine {
                file: self.path.to_path_buf(),
                line: self.line_no,
                text: line.to_string(),
            }),
        }
    }

    /// Starts (or re-enters) a group; `[OPT]` is refused because mtr fills it itself.
    fn open_group(&mut self, name: &str) -> Result<(), ConfigError> {
        if name == OPT_GROUP {
            return Err(ConfigError::ReservedGroup {
                file: self.path.to_path_buf(),
                line: self.line_no,
            });
        }
        self.cnf.ensure_group(name);
        self.current = Some(name.to_string());
        Ok(())
    }

    /// Adds an option to the current group, which must exist.
    fn add(&mut self, line: &str, name: &str, value: Option<&str>) -> Result<(), ConfigError> {
        let Some(group) = self.current.clone() else {
            return Err(ConfigError::OutsideGroup {
                file: self.path.to_path_buf(),
                line: self.line_no,
                text: line.to_string(),
            });
        };
        self.cnf.set(&group, name, value.map(str::to_string));
        Ok(())
    }

    /// Parses an included file and merges it; the current group stays the same afterwards.
    fn include(&mut self, name: &str) -> Result<(), ConfigError> {
        if self.depth >= MAX_INCLUDE_DEPTH {
            return Err(ConfigError::IncludeTooDeep {
                file: self.path.to_path_buf(),
                line: self.line_no,
                limit: MAX_INCLUDE_DEPTH,
            });
        }
        let path = self
            .include_path(name)
            .ok_or_else(|| ConfigError::MissingInclude {
                file: self.path.to_path_buf(),
                line: self.line_no,
                name: name.to_string(),
                testdir: self.testdir.to_path_buf(),
            })?;
        let included = read_at_depth(&path, self.testdir, self.depth + 1)?;
        self.cnf.append(included);
        Ok(())
    }

    /// Where an include lives: beside the including file first, then under the mysql-test root.
    fn include_path(&self, name: &str) -> Option<PathBuf> {
        let dir = self.path.parent().unwrap_or(Path::new(""));
        [dir.join(name), self.testdir.join(name)]
            .into_iter()
            .find(|candidate| candidate.is_file())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{TempTree, installed_root};

    fn parse(text: &str) -> Result<Cnf, ConfigError> {
        Cnf::parse_str(text, Path::new("/nowhere/t.cnf"), Path::new("/nowhere"))
    }

    fn names(group: &Group) -> Vec<String> {
        group.options().iter().map(ConfigOption::render).collect()
    }

    #[test]
    fn groups_options_and_values_keep_their_order() {
        let cnf =
            parse("[mysqld]\nlocal-infile\nport =  13000  \n\n[client]\nuser=root\n").unwrap();
        let groups: Vec<&str> = cnf.groups().iter().map(Group::name).collect();
        assert_eq!(groups, ["mysqld", "client"]);
        assert_eq!(names(&cnf.groups()[0]), ["local-infile", "port=13000"]);
        assert_eq!(cnf.group("client").unwrap().value("user"), Some("root"));
    }

    #[test]
    fn magic_comments_are_options_with_their_argument() {
        let cnf = parse("[mysqld.2]\n#!use-slave-opt\n#!magic   some arg  \n").unwrap();
        let group = cnf.group("mysqld.2").unwrap();
        assert_eq!(group.value("#!use-slave-opt"), Some(""));
        assert_eq!(group.value("#!magic"), Some("some arg"));
        assert!(group.options()[0].name.starts_with("#!"));
    }

    #[test]
    fn hash_words_are_hidden_options_but_hash_space_is_a_comment() {
        let cnf = parse("[g]\n#host=h\n#flag\n# a comment\n; another\n#debug-gdb=\n").unwrap();
        assert_eq!(names(&cnf.groups()[0]), ["#host=h", "#flag", "#debug-gdb="]);
    }

    #[test]
    fn repeating_an_option_replaces_it_in_place() {
        let cnf = parse("[g]\nx=1\ny=2\nx=3\n[h]\n[g]\nz\n").unwrap();
        assert_eq!(names(cnf.group("g").unwrap()), ["x=3", "y=2", "z"]);
        assert_eq!(cnf.groups().len(), 2);
    }

    #[test]
    fn multipart_options_accumulate() {
        let cnf = parse(
            "[g]\nplugin_load_add=a\nplugin-load-add=b\noptimizer-switch=c\noptimizer_switch=d\n",
        )
        .unwrap();
        assert_eq!(cnf.group("g").unwrap().options().len(), 4);
    }

    #[test]
    fn connection_scoped_filters_keep_trailing_blanks() {
        let cnf = parse("[g]\nm1.replicate_do_db = d  \n").unwrap();
        assert_eq!(
            cnf.group("g").unwrap().value("m1.replicate_do_db"),
            Some("d  ")
        );
    }

    #[test]
    fn carriage_returns_are_stripped() {
        let cnf = parse("[g]\r\nx=1\r\n\r\n").unwrap();
        assert_eq!(cnf.group("g").unwrap().value("x"), Some("1"));
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let err = parse("[g]\nx=1\n  indented=2\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "/nowhere/t.cnf:3: unexpected line '  indented=2'"
        );
        let err = parse("\nx=1\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "/nowhere/t.cnf:2: 'x=1' is outside of any [group]"
        );
        let err = parse("[OPT]\n").unwrap_err();
        assert!(err.to_string().contains("reserved"), "{err}");
    }

    #[test]
    fn include_is_found_beside_the_file_then_under_the_root() {
        let tmp = TempTree::new("cnf-include");
        tmp.write(
            "root/include/base.cnf",
            "[mysqld]\na=1\n[empty]\n[ENV]\nE=1\n",
        );
        tmp.write("root/suite/s/near.cnf", "[mysqld]\nb=2\n");
        tmp.write(
            "root/suite/s/my.cnf",
            "[top]\n!include near.cnf\n!include include/base.cnf\nc=3\n[mysqld]\na=9\n",
        );
        let cnf = Cnf::read(&tmp.path("root/suite/s/my.cnf"), &tmp.path("root")).unwrap();
        let groups: Vec<&str> = cnf.groups().iter().map(Group::name).collect();
        assert_eq!(
            groups,
            ["top", "mysqld", "ENV"],
            "empty included groups do not carry"
        );
        assert_eq!(names(cnf.group("mysqld").unwrap()), ["b=2", "a=9"]);
        assert_eq!(
            names(cnf.group("top").unwrap()),
            ["c=3"],
            "group continues after include"
        );
    }

    #[test]
    fn missing_and_cyclic_includes_fail_clearly() {
        let tmp = TempTree::new("cnf-cycle");
        tmp.write("a.cnf", "[g]\n!include b.cnf\n");
        tmp.write("b.cnf", "[g]\n!include a.cnf\n");
        tmp.write("c.cnf", "[g]\n!include nope.cnf\n");
        let err = Cnf::read(&tmp.path("a.cnf"), &tmp.path("")).unwrap_err();
        assert!(matches!(err, ConfigError::IncludeTooDeep { .. }), "{err}");
        let err = Cnf::read(&tmp.path("c.cnf"), &tmp.path("")).unwrap_err();
        assert!(
            err.to_string().contains("c.cnf:2: include file 'nope.cnf'"),
            "{err}"
        );
    }

    #[test]
    fn as_arg_adds_dashes_once() {
        assert_eq!(ConfigOption::new("a", Some("1".into())).as_arg(), "--a=1");
        assert_eq!(ConfigOption::new("--skip-x", None).as_arg(), "--skip-x");
    }

    /// Installed templates that mtr itself cannot read either (source-tree paths, a stray `$VAR` line).
    const BROKEN_UPSTREAM: &[&str] = &[
        "plugin/rocksdb/rocksdb_stress/my.cnf",
        "suite/galera/t/galera_udf.cnf",
    ];

    #[test]
    fn every_installed_template_parses_as_mtr_would() {
        let Some(root) = installed_root() else { return };
        let mut count = 0;
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.unwrap();
            let path = entry.path();
            let is_template = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("cnf") | Some("combinations")
            );
            // lib/ and std_data/ hold OpenSSL and server data files, not templates.
            if !is_template
                || path.starts_with(root.join("lib"))
                || path.starts_with(root.join("std_data"))
            {
                continue;
            }
            let result = Cnf::read(path, &root);
            let broken = BROKEN_UPSTREAM.iter().any(|b| path == root.join(b));
            match (result, broken) {
                (Ok(_), false) | (Err(_), true) => count += 1,
                (Err(e), false) => panic!("{e}"),
                (Ok(_), true) => panic!("{} parsed, but mtr rejects it", path.display()),
            }
        }
        assert!(
            count > 100,
            "only {count} templates found under {}",
            root.display()
        );
    }

    #[test]
    fn installed_rpl_template_has_two_servers_and_env() {
        let Some(root) = installed_root() else { return };
        let cnf = Cnf::read(&root.join("suite/rpl/my.cnf"), &root).unwrap();
        let slave = cnf.group("mysqld.2").unwrap();
        assert_eq!(slave.value("#!use-slave-opt"), Some(""));
        assert_eq!(slave.value("report-port"), Some("@mysqld.2.port"));
        assert_eq!(
            cnf.group("ENV").unwrap().value("SLAVE_MYPORT"),
            Some("@mysqld.2.port")
        );
        assert!(
            cnf.group("mysqld")
                .unwrap()
                .has("log-bin-trust-function-creators")
        );
    }
}
