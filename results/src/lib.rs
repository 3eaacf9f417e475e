//! Result checking and reporting for rmtr. The runner picks a test's
//! `.result` file ([`choose_result_file`]), hands the interpreter's output to
//! [`judge()`] (exact comparison, `.reject` files, unified diffs, `--record`),
//! and sends typed [`Event`]s to [`Reporter`]s that render the console
//! table, JUnit XML and a JSON summary.

pub mod diff;
pub mod events;
pub mod judge;
pub mod outcome;
pub mod patch;
pub mod report;
pub mod result_file;
pub mod test_id;

#[cfg(test)]
mod test_dir;

pub use diff::UnifiedDiff;
pub use events::Event;
pub use judge::{JudgeError, Judgement, judge, missing_result_message, reject_path};
pub use outcome::{Failure, FailureKind, Outcome, TestReport};
pub use patch::{PatchError, apply_patch};
pub use report::{
    ConsoleReporter, Fanout, JsonReport, JsonReporter, JunitReporter, Matrix, MatrixColumn,
    Reporter, Summary, Verdict,
};
pub use result_file::{
    ExpectedError, PatchedResult, ResultChoice, ResultFileError, choose_result_file,
};
pub use test_id::TestId;
