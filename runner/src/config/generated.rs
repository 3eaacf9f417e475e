//! A generated test configuration: what the factory produces from a template
//! and what the runner reads to start servers, export `[ENV]` and write
//! `var/my.cnf`.
//!
//! It enters as a parsed template (split here into the my.cnf groups and the
//! `[ENV]` group), is completed in place by the factory, and leaves through
//! read-only lookups and [`Config::render`], which writes the text the way mtr
//! does: every group but `[ENV]`, options as `name` or `name=value`, a blank
//! line after each group.

use std::path::{Path, PathBuf};

use super::cnf::{Cnf, ENV_GROUP, Group};

/// Prefix of the groups that describe one server each (`[mysqld.1]`, `[mysqld.2]`, …).
pub const MYSQLD_PREFIX: &str = "mysqld.";

/// A complete configuration for one test run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    template: PathBuf,
    groups: Vec<Group>,
    env: Group,
}

impl Config {
    /// Splits a parsed template into its my.cnf groups and its `[ENV]` group.
    pub(super) fn from_cnf(template: PathBuf, cnf: Cnf) -> Self {
        let mut env = Group::new(ENV_GROUP);
        let mut groups = Vec::new();
        for group in cnf.into_groups() {
            if group.name() == ENV_GROUP {
                env = group;
            } else {
                groups.push(group);
            }
        }
        Config {
            template,
            groups,
            env,
        }
    }

    /// The template this configuration was generated from; a different one means restarting servers.
    pub fn template(&self) -> &Path {
        &self.template
    }

    /// The groups written to my.cnf, in order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// A group by name; `ENV` gives the environment group.
    pub fn group(&self, name: &str) -> Option<&Group> {
        if name == ENV_GROUP {
            return Some(&self.env);
        }
        self.groups.iter().find(|g| g.name() == name)
    }

    /// An option's value; `None` if the group or option is missing or the option is a bare flag.
    pub fn value(&self, group: &str, option: &str) -> Option<&str> {
        self.group(group).and_then(|g| g.value(option))
    }

    /// Whether the option is present, bare flags included (e.g. `log-slave-updates`).
    pub fn has_option(&self, group: &str, option: &str) -> bool {
        self.group(group).is_some_and(|g| g.has(option))
    }

    /// A server's port, as the factory assigned it or the template set it.
    pub fn port(&self, group: &str) -> Option<u16> {
        self.value(group, "port").and_then(|p| p.parse().ok())
    }

    /// Names of the server groups (`mysqld.1`, `mysqld.2`, …) in template order.
    pub fn mysqld_groups(&self) -> Vec<&str> {
        self.groups
            .iter()
            .map(Group::name)
            .filter(|name| name.starts_with(MYSQLD_PREFIX))
            .collect()
    }

    /// The `[ENV]` settings in order; `None` marks a variable whose reference resolved to nothing.
    pub fn env(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.env
            .options()
            .iter()
            .map(|o| (o.name.as_str(), o.value.as_deref()))
    }

    /// A `#!` marker's argument (empty when it has none); `None` when the group lacks it.
    pub fn magic(&self, group: &str, name: &str) -> Option<&str> {
        let option = self.group(group)?.option(name)?;
        Some(option.value.as_deref().unwrap_or(""))
    }

    /// The my.cnf text, byte for byte in mtr's layout.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for group in &self.groups {
            out.push('[');
            out.push_str(group.name());
            out.push_str("]\n");
            for option in group.options() {
                out.push_str(&option.render());
                out.push('\n');
            }
            out.push('\n');
        }
        out
    }

    /// A group by name for the factory, created at the end if missing.
    pub(super) fn ensure_group(&mut self, name: &str) -> &mut Group {
        if name == ENV_GROUP {
            return &mut self.env;
        }
        let index = match self.groups.iter().position(|g| g.name() == name) {
            Some(index) => index,
            None => {
                self.groups.push(Group::new(name));
                self.groups.len() - 1
            }
        };
        &mut self.groups[index]
    }

    /// Mutable groups in the order references are resolved: `[ENV]` first, then the rest.
    pub(super) fn group_mut_by_index(&mut self, index: usize) -> Option<&mut Group> {
        match index {
            0 => Some(&mut self.env),
            n => self.groups.get_mut(n - 1),
        }
    }

    /// Immutable counterpart of [`Config::group_mut_by_index`].
    pub(super) fn group_by_index(&self, index: usize) -> Option<&Group> {
        match index {
            0 => Some(&self.env),
            n => self.groups.get(n - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        let cnf = Cnf::parse_str(text, Path::new("/t/x.cnf"), Path::new("/t")).unwrap();
        Config::from_cnf(PathBuf::from("/t/x.cnf"), cnf)
    }

    #[test]
    fn env_is_separate_and_not_rendered() {
        let c = config("[ENV]\nA=1\n[mysqld.1]\nport=1\n[mysqld]\nx\n[mysqld.2]\n");
        assert_eq!(c.env().collect::<Vec<_>>(), [("A", Some("1"))]);
        assert_eq!(c.mysqld_groups(), ["mysqld.1", "mysqld.2"]);
        assert_eq!(
            c.render(),
            "[mysqld.1]\nport=1\n\n[mysqld]\nx\n\n[mysqld.2]\n\n"
        );
        assert_eq!(c.value("ENV", "A"), Some("1"));
        assert_eq!(c.port("mysqld.1"), Some(1));
    }

    #[test]
    fn magic_and_flags_are_told_apart_from_absence() {
        let c = config("[mysqld.2]\n#!use-slave-opt\nlog-slave-updates\n");
        assert_eq!(c.magic("mysqld.2", "#!use-slave-opt"), Some(""));
        assert_eq!(c.magic("mysqld.1", "#!use-slave-opt"), None);
        assert!(c.has_option("mysqld.2", "log-slave-updates"));
        assert_eq!(c.value("mysqld.2", "log-slave-updates"), None);
        assert_eq!(
            c.render(),
            "[mysqld.2]\n#!use-slave-opt=\nlog-slave-updates\n\n"
        );
    }
}
