//! Reporters: renderers of run events. The runner sends every [`Event`] to a
//! [`Reporter`]; this module holds the trait, the [`Summary`] of counts, and
//! the console, JUnit and JSON renderers, and the cross-check matrix.
//!
//! [`Event`]: crate::events::Event

pub mod console;
pub mod json;
pub mod junit;
pub mod matrix;
mod progress;
pub mod reporter;
pub mod summary;
pub mod timestamp;

pub use console::ConsoleReporter;
pub use json::{JsonReport, JsonReporter, JsonTest, JsonTotals};
pub use junit::JunitReporter;
pub use matrix::{Matrix, MatrixColumn, Verdict};
pub use reporter::{Fanout, Reporter};
pub use summary::Summary;
