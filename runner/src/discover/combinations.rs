//! Combinations: how one test becomes several runs.
//!
//! A `.combinations` path goes in and a [`CombinationList`] comes out: the
//! groups of the file minus those the skip rules leave out, or a reason to
//! skip when a rule skips the whole file (this works even when no such file
//! exists: that is how `have_debug.inc` skips) or no group is left. Then
//! [`expand`] applies one list to one [`Variant`] of a test the way
//! mysql-test-run does: a combination whose options the test already sets
//! wins alone; a combination forced on the command line wins alone; a
//! skipped variant is not multiplied; otherwise each combination makes a
//! copy with its options put before the test's own and its name appended.
//! "Already sets" compares options as written, like mysql-test-run:
//! `--binlog_format=row` in an `.opt` file does not fix the combination
//! `binlog-format=row`, so such a test still runs in every format.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::error::DiscoverError;
use super::skips::{SkipRule, SkipRules};
use crate::config::{self, Combination, Combinations};

/// What a `.combinations` file contributes to a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CombinationList {
    /// The test does not run; the reason is shown.
    Skip(String),
    /// The test runs once per combination, in this order.
    Run(Vec<Combination>),
}

/// Reads `path` under the skip rules; `None` when there is neither file nor rule.
pub fn read_list(
    path: &Path,
    root: &Path,
    rules: &SkipRules,
) -> Result<Option<CombinationList>, DiscoverError> {
    let dropped: Vec<&str> = match rules.get(path) {
        Some(SkipRule::Whole(reason)) => {
            return Ok(Some(CombinationList::Skip(reason.clone())));
        }
        Some(SkipRule::Drop(names)) => names.iter().map(String::as_str).collect(),
        None => Vec::new(),
    };
    if !path.is_file() {
        return Ok(None);
    }
    Ok(Some(
        match config::read_combinations(path, root, &dropped)? {
            Combinations::Run(list) => CombinationList::Run(list),
            Combinations::Skip(reason) => CombinationList::Skip(reason),
        },
    ))
}

/// One run of a test while combinations are being applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variant {
    /// Names of the combinations applied so far, in order.
    pub combinations: Vec<String>,
    /// Options of servers without `#!use-slave-opt`.
    pub master: Vec<String>,
    /// Options of servers with `#!use-slave-opt`.
    pub slave: Vec<String>,
    /// The variant will not run.
    pub skip: bool,
    /// Why (for a skip), or the disabled reason of a test run with `--enable-disabled`.
    pub comment: Option<String>,
}

/// Combinations forced on the command line, and whether each was used.
#[derive(Debug, Clone, Default)]
pub struct Forced {
    used: BTreeMap<String, bool>,
}

impl Forced {
    /// The names given after the test name.
    pub fn new(names: &[String]) -> Forced {
        Forced {
            used: names.iter().map(|n| (n.clone(), false)).collect(),
        }
    }

    /// Forced names no list offered, sorted and joined with `,`; `None` when all were used.
    pub fn unused(&self) -> Option<String> {
        let names: Vec<&str> = self
            .used
            .iter()
            .filter(|(_, used)| !**used)
            .map(|(name, _)| name.as_str())
            .collect();
        (!names.is_empty()).then(|| names.join(","))
    }

    /// Whether `name` was forced.
    fn contains(&self, name: &str) -> bool {
        self.used.contains_key(name)
    }

    /// Records that `name` was offered (whether or not it was forced).
    fn mark(&mut self, name: &str) {
        self.used.insert(name.to_string(), true);
    }
}

/// Applies one combination list to one variant, giving the variants that replace it.
pub fn expand(mut variant: Variant, forced: &mut Forced, list: &CombinationList) -> Vec<Variant> {
    let combinations = match list {
        CombinationList::Skip(reason) => {
            variant.skip = true;
            variant.comment.get_or_insert_with(|| reason.clone());
            return vec![variant];
        }
        CombinationList::Run(combinations) => combinations,
    };
    let mut chosen: &[Combination] = combinations;
    for (index, comb) in combinations.iter().enumerate() {
        if already_set(&variant, comb) {
            forced.mark(&comb.name);
            variant.combinations.push(comb.name.clone());
            return vec![variant];
        }
        if forced.contains(&comb.name) {
            forced.mark(&comb.name);
            chosen = &combinations[index..=index];
            break;
        }
    }
    if variant.skip {
        return vec![variant];
    }
    chosen.iter().map(|comb| apply(&variant, comb)).collect()
}

/// Whether the test's own options already hold every option of `comb` (never for an empty one).
fn already_set(variant: &Variant, comb: &Combination) -> bool {
    !comb.options.is_empty()
        && written_subset(&variant.master, &comb.options)
        && written_subset(&variant.slave, &comb.options)
}

/// Whether every option of `subset` is in `set`, comparing `name=value` exactly as written.
fn written_subset(set: &[String], subset: &[String]) -> bool {
    let have: HashSet<String> = set.iter().map(|o| option_key(o)).collect();
    subset.iter().all(|o| have.contains(&option_key(o)))
}

/// `--name=value` → `name=value`; `--flag` → `flag=` (a flag equals an empty value).
fn option_key(option: &str) -> String {
    let body = option
        .strip_prefix("--")
        .or_else(|| option.strip_prefix('$'))
        .unwrap_or(option);
    if body.contains('=') {
        body.to_string()
    } else {
        format!("{body}=")
    }
}

/// A copy of `variant` running in `comb`.
fn apply(variant: &Variant, comb: &Combination) -> Variant {
    let mut copy = variant.clone();
    copy.master = [comb.options.clone(), copy.master].concat();
    copy.slave = [comb.options.clone(), copy.slave].concat();
    copy.combinations.push(comb.name.clone());
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::TempTree;

    fn comb(name: &str, options: &[&str]) -> Combination {
        Combination {
            name: name.to_string(),
            options: options.iter().map(|o| o.to_string()).collect(),
        }
    }

    fn formats() -> CombinationList {
        CombinationList::Run(vec![
            comb("row", &["--binlog-format=row"]),
            comb("stmt", &["--binlog-format=statement"]),
            comb("mix", &["--binlog-format=mixed"]),
        ])
    }

    fn names(variants: &[Variant]) -> Vec<String> {
        variants.iter().map(|v| v.combinations.join(",")).collect()
    }

    fn opts(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn each_combination_makes_a_copy_with_its_options_first() {
        let base = Variant {
            master: opts(&["--m"]),
            slave: opts(&["--s"]),
            ..Default::default()
        };
        let got = expand(base, &mut Forced::default(), &formats());
        assert_eq!(names(&got), ["row", "stmt", "mix"]);
        assert_eq!(got[1].master, ["--binlog-format=statement", "--m"]);
        assert_eq!(got[1].slave, ["--binlog-format=statement", "--s"]);
    }

    #[test]
    fn a_combination_the_test_already_sets_wins_alone() {
        let base = Variant {
            master: opts(&["--binlog-format=mixed"]),
            slave: opts(&["--other", "--binlog-format=mixed"]),
            ..Default::default()
        };
        let got = expand(base, &mut Forced::default(), &formats());
        assert_eq!(names(&got), ["mix"]);
        assert_eq!(got[0].master, ["--binlog-format=mixed"], "no options added");
    }

    #[test]
    fn options_are_compared_as_written() {
        let base = Variant {
            master: opts(&["--binlog_format=row"]),
            slave: opts(&["--binlog_format=row"]),
            ..Default::default()
        };
        let got = expand(base, &mut Forced::default(), &formats());
        assert_eq!(
            names(&got),
            ["row", "stmt", "mix"],
            "underscore is another name"
        );
        assert!(written_subset(&opts(&["--flag="]), &opts(&["--flag"])));
        assert!(!written_subset(&opts(&["--flag=1"]), &opts(&["--flag"])));
    }

    #[test]
    fn a_subset_on_one_side_only_is_not_enough() {
        let base = Variant {
            master: opts(&["--binlog-format=row"]),
            ..Default::default()
        };
        let got = expand(base, &mut Forced::default(), &formats());
        assert_eq!(names(&got), ["row", "stmt", "mix"]);
    }

    #[test]
    fn empty_combinations_are_never_a_subset() {
        let list = CombinationList::Run(vec![comb("plain", &[]), comb("other", &["--x"])]);
        let got = expand(Variant::default(), &mut Forced::default(), &list);
        assert_eq!(names(&got), ["plain", "other"]);
    }

    #[test]
    fn a_forced_combination_runs_alone_and_is_marked_used() {
        let mut forced = Forced::new(&opts(&["stmt", "nosuch"]));
        let got = expand(Variant::default(), &mut forced, &formats());
        assert_eq!(names(&got), ["stmt"]);
        assert_eq!(forced.unused().as_deref(), Some("nosuch"));
    }

    #[test]
    fn skip_keeps_the_first_reason_and_stops_multiplying() {
        let skip = CombinationList::Skip("Requires debug build".into());
        let got = expand(Variant::default(), &mut Forced::default(), &skip);
        assert!(got[0].skip);
        let again = expand(
            got[0].clone(),
            &mut Forced::default(),
            &CombinationList::Skip("other".into()),
        );
        assert_eq!(again[0].comment.as_deref(), Some("Requires debug build"));
        let after = expand(again[0].clone(), &mut Forced::default(), &formats());
        assert_eq!(names(&after), [""], "a skipped variant is not multiplied");
    }

    #[test]
    fn a_skipped_variant_still_takes_a_name_its_options_fix() {
        let skipped = Variant {
            master: opts(&["--binlog-format=row"]),
            slave: opts(&["--binlog-format=row"]),
            skip: true,
            ..Default::default()
        };
        let got = expand(skipped, &mut Forced::default(), &formats());
        assert_eq!(names(&got), ["row"]);
        assert!(got[0].skip);
    }

    #[test]
    fn lists_from_files_follow_the_skip_rules() {
        let tmp = TempTree::new("comb-read");
        let root = tmp.path("");
        let path = tmp.write("include/x.combinations", "[a]\n--o=1\n[b]\n");
        let plain = read_list(&path, &root, &SkipRules::default()).unwrap();
        let Some(CombinationList::Run(list)) = plain else {
            panic!("{plain:?}")
        };
        assert_eq!(list.len(), 2);
        assert_eq!(
            read_list(
                &tmp.path("include/none.combinations"),
                &root,
                &SkipRules::default()
            )
            .unwrap(),
            None
        );
        let features = crate::discover::ServerFeatures::default();
        let rules =
            SkipRules::main_suite(&root, &features, &super::super::skips::Host { ipv6: true });
        let debug = read_list(&tmp.path("include/have_debug.combinations"), &root, &rules).unwrap();
        assert_eq!(
            debug,
            Some(CombinationList::Skip("Requires debug build".into())),
            "a rule needs no file"
        );
    }
}
