//! The collection itself: from a [`DiscoverRequest`] to test cases, the way
//! mysql-test-run collects them.
//!
//! The request's suites (or every suite of the tree) are searched for the
//! named tests (or all their tests, filtered by `--do-test`); a named test
//! found in none of them is looked up in the suite its name gives, and is an
//! error if still missing. Each test then goes through mysql-test-run's steps
//! in order: `--skip-test`, disabled.def, its `.cnf` and `.sh` files, a scan of
//! its includes for tags, options and combination files, the `--big-test`
//! check, the choice of template, the time zone, and finally the expansion
//! into one case per combination, each skipped when it needs a binary-log
//! format the server lacks. A test skipped before the scan gets no
//! combinations. Includes missing from the tree are looked up in the
//! request's fallback trees (upstream's mysql-test). The result is returned unsorted (see `order`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use rmtr_results::TestId;

use super::binlog_format;
use super::combinations::{CombinationList, Forced, Variant, expand};
use super::error::DiscoverError;
use super::filters::NamePattern;
use super::names::{TestSpec, parse_test_name};
use super::skips::{Host, SkipRules};
use super::suite::Suite;
use super::tags::{FileScan, Scanner, Tags};
use super::tree::Tree;
use super::{DiscoverRequest, Skip, TestCase};
use crate::config;

/// Reason given for a big test without `--big-test`.
const NEEDS_BIG_TEST: &str = "Test needs --big-test";

/// A collected case with what ordering needs besides the case itself.
#[derive(Debug, Clone)]
pub struct Collected {
    pub case: TestCase,
    /// Sources `include/long_test.inc` (or is a big test): run early.
    pub long_test: bool,
}

/// Collects the cases a request asks for, in collection order.
pub fn collect(req: &DiscoverRequest) -> Result<Vec<Collected>, DiscoverError> {
    let tree = Tree::open(&req.root)?;
    let host = Host::probe();
    let mut rules = SkipRules::main_suite(tree.root(), &req.features, &host);
    for dir in &req.fallback_dirs {
        rules.extend(SkipRules::main_suite(dir, &req.features, &host));
    }
    Collector::new(req, tree, rules)?.run()
}

/// State of one collection: the tree, loaded suites and the include scanner.
struct Collector<'a> {
    req: &'a DiscoverRequest,
    tree: Tree,
    scanner: Scanner,
    suites: HashMap<String, Rc<Suite>>,
    do_test: Option<NamePattern>,
    skip_test: Option<NamePattern>,
    /// `--big-test`, which naming tests on the command line implies.
    big_test: bool,
}

impl<'a> Collector<'a> {
    /// Prepares a collection; bad patterns are reported here.
    fn new(
        req: &'a DiscoverRequest,
        tree: Tree,
        rules: SkipRules,
    ) -> Result<Collector<'a>, DiscoverError> {
        Ok(Collector {
            do_test: NamePattern::optional(req.do_test.as_deref(), "--do-test")?,
            skip_test: NamePattern::optional(req.skip_test.as_deref(), "--skip-test")?,
            big_test: req.big_test || !req.tests.is_empty(),
            scanner: Scanner::new(tree.root(), rules).with_fallbacks(&req.fallback_dirs),
            suites: HashMap::new(),
            tree,
            req,
        })
    }

    /// Searches the suites, then the suites named by tests not yet found.
    fn run(mut self) -> Result<Vec<Collected>, DiscoverError> {
        let specs = self.specs()?;
        let suite_names = self.suite_names();
        let mut cases = Vec::new();
        for name in &suite_names {
            cases.extend(self.collect_suite(name, &specs)?);
        }
        for spec in &specs {
            if cases.iter().any(|c| spec_matches(spec, &c.case.id)) {
                continue;
            }
            let Some(suite) = spec.suite.clone() else {
                return Err(DiscoverError::NotFoundInSuites {
                    test: spec.name.clone(),
                    suites: suite_names.join(","),
                });
            };
            let found = self.collect_suite(&suite, std::slice::from_ref(spec))?;
            if found.is_empty() {
                return Err(DiscoverError::NotFoundInSuite {
                    test: spec.name.clone(),
                    suite,
                });
            }
            cases.extend(found);
        }
        Ok(cases)
    }

    /// The request's test names, taken apart; a path to a test file names its suite too.
    fn specs(&self) -> Result<Vec<TestSpec>, DiscoverError> {
        let mut specs = Vec::new();
        for raw in &self.req.tests {
            let mut spec = parse_test_name(raw)?;
            if spec.suite.is_none() && raw.ends_with(".test") && raw.contains('/') {
                spec.suite = self.tree.suite_of_test_file(Path::new(raw));
            }
            specs.push(spec);
        }
        Ok(specs)
    }

    /// The suites to search: the request's (overlay suffixes like `main-` dropped) or all.
    fn suite_names(&self) -> Vec<String> {
        if self.req.suites.is_empty() {
            return self.tree.all_suites();
        }
        self.req
            .suites
            .iter()
            .map(|s| s.split('-').next().unwrap_or(s).to_string())
            .collect()
    }

    /// The tests of one suite: those `specs` name, or all of them when there are no specs.
    fn collect_suite(
        &mut self,
        name: &str,
        specs: &[TestSpec],
    ) -> Result<Vec<Collected>, DiscoverError> {
        let suite = self.suite(name)?;
        let mut cases = Vec::new();
        if specs.is_empty() {
            for test in &suite.cases {
                if self.do_test.as_ref().is_none_or(|p| p.matches(test)) {
                    cases.extend(self.collect_test(&suite, test, &[])?);
                }
            }
            return Ok(cases);
        }
        for spec in specs {
            let other_suite = spec.suite.as_ref().is_some_and(|s| *s != suite.name);
            if !other_suite && suite.has_case(&spec.name) {
                cases.extend(self.collect_test(&suite, &spec.name, &spec.combinations)?);
            }
        }
        Ok(cases)
    }

    /// A suite, loaded on first use.
    fn suite(&mut self, name: &str) -> Result<Rc<Suite>, DiscoverError> {
        if let Some(suite) = self.suites.get(name) {
            return Ok(suite.clone());
        }
        let dir = self
            .tree
            .suite_dir(name)
            .ok_or_else(|| DiscoverError::NoSuchSuite {
                suite: name.to_string(),
                root: self.tree.root().to_path_buf(),
            })?;
        let suite = Rc::new(Suite::load(name, &dir, &mut self.scanner)?);
        self.suites.insert(name.to_string(), suite.clone());
        Ok(suite)
    }

    /// One test file: its cases, one per combination, or one skipped case.
    fn collect_test(
        &mut self,
        suite: &Suite,
        test: &str,
        forced: &[String],
    ) -> Result<Vec<Collected>, DiscoverError> {
        let draft = Draft::new(suite, test);
        let mut base = Variant {
            master: suite.opts.clone(),
            slave: suite.opts.clone(),
            ..Variant::default()
        };
        if self.skipped_by_pattern(&draft) {
            return Ok(vec![draft.early_skip(&self.tree, suite, "")]);
        }
        if let Some(reason) = suite.disabled.reason(&suite.name, test) {
            if !self.req.enable_disabled {
                let mut skipped = draft.early_skip(&self.tree, suite, reason);
                if let Some(skip) = skipped.case.skip.as_mut() {
                    skip.disabled = true;
                }
                return Ok(vec![skipped]);
            }
            base.comment = Some(reason.to_string());
        }
        let scan = self.scan_test(&draft, suite)?;
        if scan.tags.big_test && !self.big_test {
            let mut skipped = draft.early_skip(&self.tree, suite, NEEDS_BIG_TEST);
            skipped.case.big_test = true;
            return Ok(vec![skipped]);
        }
        let template = draft.template(&self.tree, suite, scan.tags.rpl_test);
        let (master, slave, timezone) = split_timezone(
            [&base.master[..], &scan.master].concat(),
            [&base.slave[..], &scan.slave].concat(),
        );
        base.master = master;
        base.slave = slave;
        let lists = self.lists(suite, &scan.combination_files)?;
        let mut variants = expand_all(base, forced, &lists, &draft.full_name())?;
        for variant in &mut variants {
            binlog_format::skip_unsupported(variant, &self.req.features);
        }
        Ok(variants
            .into_iter()
            .map(|v| draft.finish(v, &template, timezone.clone(), scan.tags))
            .collect())
    }

    /// The scan of the test file and its includes; nothing for a `.test` that is no file.
    fn scan_test(&mut self, draft: &Draft, suite: &Suite) -> Result<Rc<FileScan>, DiscoverError> {
        if !draft.path.is_file() {
            return Ok(Rc::default());
        }
        self.scanner.scan(&draft.path, &suite.dir)
    }

    /// Whether `--skip-test` matches the short or the full name.
    fn skipped_by_pattern(&self, draft: &Draft) -> bool {
        self.skip_test
            .as_ref()
            .is_some_and(|p| p.matches(&draft.test) || p.matches(&draft.full_name()))
    }

    /// The lists to apply: the suite's, then the files' in scan order.
    fn lists(
        &mut self,
        suite: &Suite,
        files: &[PathBuf],
    ) -> Result<Vec<Rc<CombinationList>>, DiscoverError> {
        let mut from_files = Vec::new();
        for path in files {
            from_files.extend(self.scanner.list(path)?);
        }
        Ok(suite
            .combinations
            .iter()
            .cloned()
            .chain(from_files)
            .collect())
    }
}

/// Applies every list in turn; a forced combination no list offered is an error.
fn expand_all(
    base: Variant,
    forced: &[String],
    lists: &[Rc<CombinationList>],
    full_name: &str,
) -> Result<Vec<Variant>, DiscoverError> {
    let mut forced = Forced::new(forced);
    let mut variants = vec![base];
    for list in lists {
        let mut next = Vec::new();
        for variant in variants {
            next.extend(expand(variant, &mut forced, list));
        }
        variants = next;
    }
    if let Some(unused) = forced.unused() {
        return Err(DiscoverError::UnknownCombination {
            test: full_name.to_string(),
            combinations: unused,
        });
    }
    Ok(variants)
}

/// Takes mtr's `--timezone=` out of both lists; the slave side's setting wins.
fn split_timezone(
    master: Vec<String>,
    slave: Vec<String>,
) -> (Vec<String>, Vec<String>, Option<String>) {
    let master = config::extract_timezone(master);
    let slave = config::extract_timezone(slave);
    let timezone = slave.timezone.or(master.timezone);
    (master.args, slave.args, timezone)
}

/// Whether an already collected case satisfies a command-line test name.
fn spec_matches(spec: &TestSpec, id: &TestId) -> bool {
    let full = id.full_name();
    let suffix = format!(".{}", spec.name);
    let prefix = spec.suite.as_deref().unwrap_or("");
    full.len() >= prefix.len() + suffix.len() && full.starts_with(prefix) && full.ends_with(&suffix)
}

/// The parts of a test case known before its combinations.
struct Draft {
    suite: String,
    test: String,
    path: PathBuf,
    suite_dir: PathBuf,
    result_dir: PathBuf,
    cnf: Option<PathBuf>,
    master_sh: Option<PathBuf>,
    slave_sh: Option<PathBuf>,
}

impl Draft {
    /// Looks up the test's own files.
    fn new(suite: &Suite, test: &str) -> Draft {
        let existing = |path: PathBuf| path.is_file().then_some(path);
        Draft {
            suite: suite.name.clone(),
            test: test.to_string(),
            path: suite.test_file(test, ".test"),
            suite_dir: suite.dir.clone(),
            result_dir: suite.rdir.clone(),
            cnf: existing(suite.test_file(test, ".cnf")),
            master_sh: existing(suite.test_file(test, "-master.sh")),
            slave_sh: existing(suite.test_file(test, "-slave.sh")),
        }
    }

    /// `suite.test`.
    fn full_name(&self) -> String {
        format!("{}.{}", self.suite, self.test)
    }

    /// The test's `.cnf`, else the suite's `my.cnf`, else rpl's or the default template.
    fn template(&self, tree: &Tree, suite: &Suite, rpl_test: bool) -> PathBuf {
        self.cnf
            .clone()
            .or_else(|| suite.my_cnf())
            .unwrap_or_else(|| match rpl_test {
                true => tree.rpl_template(),
                false => tree.default_template(),
            })
    }

    /// A single skipped case without combinations.
    fn early_skip(&self, tree: &Tree, suite: &Suite, reason: &str) -> Collected {
        let variant = Variant {
            master: suite.opts.clone(),
            slave: suite.opts.clone(),
            ..Variant::default()
        };
        let mut collected = self.finish(
            variant,
            &self.template(tree, suite, false),
            None,
            Tags::default(),
        );
        collected.case.skip = Some(Skip {
            reason: reason.to_string(),
            disabled: false,
        });
        collected
    }

    /// The case of one variant.
    fn finish(
        &self,
        variant: Variant,
        template: &Path,
        timezone: Option<String>,
        tags: Tags,
    ) -> Collected {
        let skip = variant.skip.then(|| Skip {
            reason: variant.comment.clone().unwrap_or_default(),
            disabled: false,
        });
        let case = TestCase {
            id: TestId::new(&self.suite, &self.test, variant.combinations),
            path: self.path.clone(),
            suite_dir: self.suite_dir.clone(),
            result_dir: self.result_dir.clone(),
            template: template.to_path_buf(),
            master_opts: variant.master,
            slave_opts: variant.slave,
            timezone,
            rpl_test: tags.rpl_test,
            big_test: tags.big_test,
            master_sh: self.master_sh.clone(),
            slave_sh: self.slave_sh.clone(),
            skip,
        };
        Collected {
            case,
            long_test: tags.long_test || tags.big_test,
        }
    }
}
