//! Helpers shared by the integration tests.

use std::time::{Duration, Instant};

/// Polls `cond` for up to five seconds; panics if it never holds.
pub fn wait_until(mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !cond() {
        assert!(Instant::now() < deadline, "condition not reached in time");
        std::thread::sleep(Duration::from_millis(2));
    }
}
