//! The progress bar under the console table: tests finished out of the
//! total, drawn with indicatif on stderr, and only when stderr is a
//! terminal. Console lines are written through [`Progress::suspend`] so
//! they appear above the bar instead of through it.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Layout of the bar: position, length, then the test last started.
const TEMPLATE: &str = "[{elapsed_precise}] {bar:40} {pos}/{len} {wide_msg}";

/// A bar counting finished tests; absent when stderr is not a terminal.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar for `total` tests, or `None` when stderr is not a terminal.
    pub fn on_terminal(total: usize) -> Option<Self> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let style =
            ProgressStyle::with_template(TEMPLATE).unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        bar.set_style(style);
        Some(Self { bar })
    }

    /// Shows which test a worker just started.
    pub fn started(&self, name: String) {
        self.bar.set_message(name);
    }

    /// Counts one more finished test.
    pub fn finished_one(&self) {
        self.bar.inc(1);
    }

    /// Hides the bar while `write` prints, then draws it again below.
    pub fn suspend<R>(&self, write: impl FnOnce() -> R) -> R {
        self.bar.suspend(write)
    }

    /// Removes the bar for good at the end of the run.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}
