//! The order tests run in: mysql-test-run's default ("reorder") order.
//!
//! Collected cases go in and come out sorted: skipped cases first (they cost
//! nothing), then cases grouped by what their servers need (template, then
//! the sorted master and slave options) so that servers are restarted as
//! rarely as possible, then long tests before short ones, then by
//! `suite.test`. The sort is stable, so the combinations of one test keep
//! their collection order when nothing else tells them apart.

use std::cmp::Reverse;

use super::TestCase;
use super::collect::Collected;

/// Sorts cases into run order and drops what only ordering needed.
pub fn sorted(mut cases: Vec<Collected>) -> Vec<TestCase> {
    cases.sort_by_cached_key(|c| {
        (
            Reverse(c.case.skip.is_some()),
            criteria(&c.case),
            Reverse(c.long_test),
            c.case.id.full_name(),
        )
    });
    cases.into_iter().map(|c| c.case).collect()
}

/// The server-needs key: template, then sorted options of each side, `~`-terminated.
fn criteria(case: &TestCase) -> String {
    let side = |opts: &[String]| {
        let mut sorted: Vec<&str> = opts.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        format!("{}~", sorted.join("!"))
    };
    format!(
        "{} {} {}",
        case.template.display(),
        side(&case.master_opts),
        side(&case.slave_opts)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::Skip;
    use crate::testutil::test_case;
    use rmtr_results::TestId;
    use std::path::PathBuf;

    fn case(name: &str, comb: &str, opts: &[&str], skip: bool, long: bool) -> Collected {
        let opts: Vec<String> = opts.iter().map(|o| o.to_string()).collect();
        let combinations = if comb.is_empty() {
            vec![]
        } else {
            vec![comb.to_string()]
        };
        Collected {
            case: TestCase {
                template: PathBuf::from("/t/default_my.cnf"),
                master_opts: opts.clone(),
                slave_opts: opts,
                skip: skip.then(|| Skip {
                    reason: "x".into(),
                    disabled: false,
                }),
                ..test_case(TestId::new("s", name, combinations))
            },
            long_test: long,
        }
    }

    fn order(cases: Vec<Collected>) -> Vec<String> {
        sorted(cases).iter().map(|c| c.id.to_string()).collect()
    }

    #[test]
    fn skipped_first_then_grouped_by_options_then_long_then_name() {
        let got = order(vec![
            case("b", "", &[], false, false),
            case("a", "", &[], false, false),
            case("z", "", &[], true, false),
            case("c", "", &["--x"], false, false),
            case("d", "", &[], false, true),
        ]);
        assert_eq!(got, ["s.z", "s.c", "s.d", "s.a", "s.b"]);
    }

    #[test]
    fn same_options_keep_collection_order() {
        let got = order(vec![
            case("a", "two", &["--o"], false, false),
            case("a", "one", &["--o"], false, false),
        ]);
        assert_eq!(got, ["s.a 'two'", "s.a 'one'"]);
    }
}
