//! The cross-check matrix: the same tests run on several servers, one
//! verdict per test and server, and a one-line reason for every verdict
//! that is not a pass. A [`MatrixColumn`] collects one server's verdicts
//! from run events (it is a [`Reporter`]); [`Matrix`] joins the columns
//! and renders them as Markdown (for people and for `docs/`) and as JSON
//! (for scripts). Nothing in either output depends on timing, so a file
//! regenerated from the same verdicts is byte for byte the same.

use std::collections::{BTreeMap, BTreeSet};
use std::io;

use serde::{Deserialize, Serialize};

use crate::events::Event;
use crate::outcome::{Failure, FailureKind, Outcome};
use crate::report::reporter::Reporter;

/// The longest reason kept, in characters; a matrix cell is no log.
const REASON_CHARS: usize = 160;

/// How one test ended on one server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail { kind: FailureKind, reason: String },
    Skipped { reason: String },
}

impl Verdict {
    /// The verdict of a finished test's outcome.
    pub fn of(outcome: &Outcome) -> Verdict {
        match outcome {
            Outcome::Pass => Verdict::Pass,
            Outcome::Fail(failure) => Verdict::Fail {
                kind: failure.kind,
                reason: failure_reason(failure),
            },
            Outcome::Skipped { reason, .. } => Verdict::Skipped {
                reason: one_line(reason),
            },
        }
    }

    /// The word shown in a matrix cell.
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail { .. } => "fail",
            Verdict::Skipped { .. } => "skipped",
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            Verdict::Pass => None,
            Verdict::Fail { reason, .. } | Verdict::Skipped { reason } => Some(reason),
        }
    }
}

/// One failure in one line: the first lines a result diff removes and
/// adds, else the first line of the message.
fn failure_reason(failure: &Failure) -> String {
    if failure.kind == FailureKind::ResultMismatch {
        let changed = |sign: char, head: &str| {
            failure
                .message
                .lines()
                .find(|l| l.starts_with(sign) && !l.starts_with(head))
                .map(|l| l[1..].trim().to_string())
        };
        match (changed('-', "---"), changed('+', "+++")) {
            (Some(want), Some(got)) => {
                return one_line(&format!("result differs: expected `{want}`, got `{got}`"));
            }
            (Some(want), None) => return one_line(&format!("result differs: missing `{want}`")),
            (None, Some(got)) => return one_line(&format!("result differs: extra `{got}`")),
            (None, None) => {}
        }
    }
    one_line(&with_included_file(&failure.message))
}

/// mysqltest names a failing include file on a line of its own, then the
/// files that included it, then what failed: the first and the last become
/// one line, with the file's last two path components (`include/rpl_init.inc`).
fn with_included_file(message: &str) -> String {
    let mut lines = message.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("");
    let Some(path) = first
        .strip_prefix("mysqltest: In included file \"")
        .and_then(|rest| rest.split('"').next())
    else {
        return message.to_string();
    };
    let short: Vec<&str> = path.rsplit('/').take(2).collect();
    let short: Vec<&str> = short.into_iter().rev().collect();
    match lines.find(|l| !l.starts_with("included from ")) {
        Some(what) => format!("mysqltest: in {}: {what}", short.join("/")),
        None => first.to_string(),
    }
}

/// The first non-empty line of `text`, cut to [`REASON_CHARS`].
fn one_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() <= REASON_CHARS {
        return line.to_string();
    }
    let cut: String = line.chars().take(REASON_CHARS - 1).collect();
    format!("{cut}…")
}

/// One server's verdicts, by test id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixColumn {
    /// The server as the user named it, e.g. `bundled:mysql`.
    pub server: String,
    pub verdicts: BTreeMap<String, Verdict>,
}

impl MatrixColumn {
    pub fn new(server: &str) -> MatrixColumn {
        MatrixColumn {
            server: server.to_string(),
            verdicts: BTreeMap::new(),
        }
    }

    /// Counts of pass, fail and skipped.
    fn counts(&self) -> (usize, usize, usize) {
        let count = |w: &str| self.verdicts.values().filter(|v| v.word() == w).count();
        (count("pass"), count("fail"), count("skipped"))
    }
}

impl Reporter for MatrixColumn {
    /// Keeps each finished test's verdict; a repeated test keeps its last.
    fn handle(&mut self, event: &Event) -> io::Result<()> {
        if let Event::TestFinished(report) = event {
            self.verdicts
                .insert(report.id.to_string(), Verdict::of(&report.outcome));
        }
        Ok(())
    }
}

/// Every server's column over the same tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matrix {
    /// The command that produced it, printed so the file says how to regenerate it.
    pub command: String,
    pub columns: Vec<MatrixColumn>,
}

impl Matrix {
    /// Every test any server finished, sorted by id.
    pub fn tests(&self) -> Vec<&str> {
        let all: BTreeSet<&str> = self
            .columns
            .iter()
            .flat_map(|c| c.verdicts.keys().map(String::as_str))
            .collect();
        all.into_iter().collect()
    }

    /// A test's verdict on each server (None: it did not run there).
    fn row(&self, test: &str) -> Vec<Option<&Verdict>> {
        self.columns.iter().map(|c| c.verdicts.get(test)).collect()
    }

    /// Tests whose verdict words are not the same on every server.
    pub fn differences(&self) -> Vec<&str> {
        self.tests()
            .into_iter()
            .filter(|t| {
                let words: BTreeSet<&str> = self
                    .row(t)
                    .iter()
                    .map(|v| v.map_or("not run", |v| v.word()))
                    .collect();
                words.len() > 1
            })
            .collect()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a matrix is plain data")
    }

    /// The Markdown page: counts, the table, then a reason for every cell
    /// of a test whose verdicts differ.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Cross-check matrix\n\n");
        out.push_str(&format!("Generated by `{}`.\n\n", self.command));
        out.push_str(&self.counts_lines());
        out.push_str(&self.table());
        out.push_str(&self.difference_lines());
        out
    }

    fn counts_lines(&self) -> String {
        let mut out = String::new();
        for c in &self.columns {
            let (pass, fail, skipped) = c.counts();
            out.push_str(&format!(
                "- `{}`: {pass} pass, {fail} fail, {skipped} skipped\n",
                c.server
            ));
        }
        out.push('\n');
        out
    }

    fn table(&self) -> String {
        let servers: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("`{}`", c.server))
            .collect();
        let mut out = format!("| test | {} |\n", servers.join(" | "));
        out.push_str(&format!("|---|{}\n", "---|".repeat(servers.len())));
        for test in self.tests() {
            let cells: Vec<&str> = self
                .row(test)
                .iter()
                .map(|v| v.map_or("not run", |v| v.word()))
                .collect();
            out.push_str(&format!("| {test} | {} |\n", cells.join(" | ")));
        }
        out
    }

    fn difference_lines(&self) -> String {
        let differences = self.differences();
        let mut out = format!("\n## Differences ({})\n\n", differences.len());
        if differences.is_empty() {
            out.push_str("Every test has the same verdict on every server.\n");
        }
        for test in differences {
            out.push_str(&format!("- **{test}**\n"));
            for (column, verdict) in self.columns.iter().zip(self.row(test)) {
                let text = match verdict {
                    None => "not run".to_string(),
                    Some(v) => match v.reason() {
                        Some(reason) => format!("{}: {reason}", v.word()),
                        None => v.word().to_string(),
                    },
                };
                out.push_str(&format!("  - `{}`: {text}\n", column.server));
            }
        }
        out
    }
}

#[cfg(test)]
#[path = "matrix_tests.rs"]
mod tests;
