//! `.combinations` files: a test (or an included `.inc`, or a whole suite)
//! runs once per group in the file, with that group's options added to every
//! server.
//!
//! A path goes in and a [`Combinations`] comes out: the named combinations in
//! file order, each option as a server argument (`--name=value`), or a reason
//! to skip when no group is left (an empty file, or every group disabled for
//! this platform). The file uses template syntax, so `!include` works in it.

use std::path::Path;

use super::cnf::{Cnf, ENV_GROUP};
use super::error::ConfigError;

/// One named variant of a test run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Combination {
    /// The group name, shown after the test name and used in `,NAME.result`.
    pub name: String,
    /// Server arguments, put before the `.opt` options of every server.
    pub options: Vec<String>,
}

/// What a `.combinations` file asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Combinations {
    /// Run once per combination, in file order.
    Run(Vec<Combination>),
    /// Do not run at all; the reason is `Requires: <file name without .combinations>`.
    Skip(String),
}

/// Reads a `.combinations` file, leaving out the groups named in `skipped`.
pub fn read_combinations(
    path: &Path,
    testdir: &Path,
    skipped: &[&str],
) -> Result<Combinations, ConfigError> {
    let cnf = Cnf::read(path, testdir)?;
    let list: Vec<Combination> = cnf
        .groups()
        .iter()
        .filter(|g| g.name() != ENV_GROUP && !skipped.contains(&g.name()))
        .map(|g| Combination {
            name: g.name().to_string(),
            options: g.options().iter().map(|o| o.as_arg()).collect(),
        })
        .collect();
    if list.is_empty() {
        return Ok(Combinations::Skip(format!(
            "Requires: {}",
            requirement(path)
        )));
    }
    Ok(Combinations::Run(list))
}

/// The file name without its `.combinations` ending, as mtr names the requirement.
fn requirement(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    name.strip_suffix(".combinations")
        .unwrap_or(&name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{TempTree, installed_root};

    fn read(text: &str, skipped: &[&str]) -> Combinations {
        let tmp = TempTree::new("combinations");
        let path = tmp.write("have_x.combinations", text);
        read_combinations(&path, &tmp.path(""), skipped).unwrap()
    }

    #[test]
    fn groups_become_combinations_with_arguments() {
        let got = read(
            "[row]\nbinlog-format=row\n\n[mix]\n--skip-x\nlog-bin\n[empty]\n",
            &[],
        );
        let Combinations::Run(list) = got else {
            panic!("{got:?}")
        };
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].name, "row");
        assert_eq!(list[0].options, ["--binlog-format=row"]);
        assert_eq!(list[1].options, ["--skip-x", "--log-bin"]);
        assert!(list[2].options.is_empty(), "an empty group still runs");
    }

    #[test]
    fn no_groups_left_means_skip() {
        assert_eq!(
            read("# nothing\n", &[]),
            Combinations::Skip("Requires: have_x".into())
        );
        assert_eq!(
            read("[a]\n[b]\n", &["a", "b"]),
            Combinations::Skip("Requires: have_x".into())
        );
        let Combinations::Run(list) = read("[a]\n[b]\n", &["a"]) else {
            panic!()
        };
        assert_eq!(list[0].name, "b");
    }

    #[test]
    fn bad_lines_are_errors() {
        let tmp = TempTree::new("combinations-bad");
        let path = tmp.write("x.combinations", "[a]\n  x\n");
        let err = read_combinations(&path, &tmp.path(""), &[]).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("x.combinations:2: unexpected line '  x'"),
            "{err}"
        );
    }

    #[test]
    fn installed_binlog_combinations() {
        let Some(root) = installed_root() else { return };
        let path = root.join("include/rpl_init.combinations");
        let Combinations::Run(list) = read_combinations(&path, &root, &[]).unwrap() else {
            panic!()
        };
        let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["row", "stmt", "mix"]);
        assert_eq!(list[0].options, ["--binlog-format=row"]);
        let pages = read_combinations(
            &root.join("include/innodb_page_size.combinations"),
            &root,
            &[],
        )
        .unwrap();
        let Combinations::Run(pages) = pages else {
            panic!()
        };
        assert_eq!(
            pages[2].options,
            [
                "--innodb-page-size=16K",
                "--skip-innodb-read-only-compressed"
            ]
        );
    }
}
