//! How long and how a lock wait may last: the caller's
//! innodb_lock_wait_timeout, its KILL flag, and a callback that tells the
//! session when it starts and stops waiting (for the process list).

use std::time::Duration;

use crate::session::kill::KillSwitch;

/// The limits of one statement's lock waits.
pub struct Wait<'a> {
    /// innodb_lock_wait_timeout.
    pub timeout: Duration,
    /// Polled while waiting, so KILL ends the wait.
    pub kill: &'a KillSwitch,
    /// Called with `true` when a wait starts and `false` when it ends.
    pub on_wait: Option<&'a dyn Fn(bool)>,
}

impl<'a> Wait<'a> {
    /// A wait with no process-list callback.
    pub fn new(timeout: Duration, kill: &'a KillSwitch) -> Wait<'a> {
        Wait {
            timeout,
            kill,
            on_wait: None,
        }
    }

    /// Reports the start or end of a wait, if anyone listens.
    pub(crate) fn notify(&self, waiting: bool) {
        if let Some(f) = self.on_wait {
            f(waiting);
        }
    }
}
