//! How a lock request waits: the caller's timeout, kill switch and process
//! list state come in as a [`Wait`]; [`wait_until`] retries an attempt on the
//! shared lock state each time another connection releases something (or
//! every kill poll), shows the blocking reason as the thread's state, and
//! ends with the attempt's result, a timeout, or the kill error.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::ServerError;
use crate::session::kill::{KILL_POLL, KillSwitch};

/// What a waiting statement brings: how long it may wait, its kill switch,
/// and how to show its state in the process list.
pub struct Wait<'a> {
    /// lock_wait_timeout for metadata locks, the GET_LOCK timeout for user locks.
    pub timeout: Duration,
    pub kill: &'a KillSwitch,
    /// Called with the wait state when a wait starts and with `None` when it ends.
    pub set_state: &'a dyn Fn(Option<&str>),
}

/// One try at a lock: done (granted or failed), or blocked for a reason
/// that becomes the process list state.
pub(super) enum Attempt<T> {
    Done(T),
    Blocked(&'static str),
}

/// How a wait ended.
#[derive(Debug, PartialEq)]
pub(super) enum WaitEnd<T> {
    Done(T),
    TimedOut,
    Killed(ServerError),
}

/// The state every lock lives in, and the signal that some lock was released.
#[derive(Debug, Default)]
pub(super) struct Guarded<S> {
    pub state: Mutex<S>,
    pub changed: Condvar,
}

impl<S> Guarded<S> {
    /// Locks the state; a panicked holder cannot leave it half-changed, so poison is ignored.
    pub fn lock(&self) -> MutexGuard<'_, S> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes the state and wakes every waiter to retry.
    pub fn release<R>(&self, change: impl FnOnce(&mut S) -> R) -> R {
        let result = change(&mut self.lock());
        self.changed.notify_all();
        result
    }

    /// Retries `attempt` until it is done, the timeout passes or the statement
    /// is killed; `cleanup` runs under the same lock on every way out.
    pub fn wait_until<T>(
        &self,
        wait: &Wait,
        mut attempt: impl FnMut(&mut S) -> Attempt<T>,
        cleanup: impl FnOnce(&mut S),
    ) -> WaitEnd<T> {
        let deadline = Instant::now().checked_add(wait.timeout);
        let mut shown: Option<&'static str> = None;
        let mut guard = self.lock();
        let end = loop {
            let reason = match attempt(&mut guard) {
                Attempt::Done(value) => break WaitEnd::Done(value),
                Attempt::Blocked(reason) => reason,
            };
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if left == Some(Duration::ZERO) {
                break WaitEnd::TimedOut;
            }
            if let Err(error) = wait.kill.check() {
                break WaitEnd::Killed(error);
            }
            if shown != Some(reason) {
                drop(guard);
                (wait.set_state)(Some(reason));
                shown = Some(reason);
                guard = self.lock();
                continue;
            }
            let pause = left.map_or(KILL_POLL, |left| left.min(KILL_POLL));
            guard = self
                .changed
                .wait_timeout(guard, pause)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        };
        cleanup(&mut guard);
        drop(guard);
        self.changed.notify_all();
        if shown.is_some() {
            (wait.set_state)(None);
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn recorder() -> RefCell<Vec<Option<String>>> {
        RefCell::new(Vec::new())
    }

    #[test]
    fn a_blocked_attempt_times_out_and_clears_its_state() {
        let guarded: Guarded<u32> = Guarded::default();
        let kill = KillSwitch::default();
        let states = recorder();
        let record = |s: Option<&str>| states.borrow_mut().push(s.map(str::to_string));
        let wait = Wait {
            timeout: Duration::from_millis(20),
            kill: &kill,
            set_state: &record,
        };
        let mut cleaned = false;
        let end: WaitEnd<()> =
            guarded.wait_until(&wait, |_| Attempt::Blocked("User lock"), |_| cleaned = true);
        assert_eq!(end, WaitEnd::TimedOut);
        assert!(cleaned);
        assert_eq!(*states.borrow(), vec![Some("User lock".to_string()), None]);
    }

    #[test]
    fn a_zero_timeout_fails_at_once_without_a_state() {
        let guarded: Guarded<u32> = Guarded::default();
        let kill = KillSwitch::default();
        let states = recorder();
        let record = |s: Option<&str>| states.borrow_mut().push(s.map(str::to_string));
        let wait = Wait {
            timeout: Duration::ZERO,
            kill: &kill,
            set_state: &record,
        };
        let end: WaitEnd<()> = guarded.wait_until(&wait, |_| Attempt::Blocked("x"), |_| {});
        assert_eq!(end, WaitEnd::TimedOut);
        assert!(states.borrow().is_empty());
    }

    #[test]
    fn a_killed_wait_ends_with_the_kill_error() {
        let guarded: Guarded<u32> = Guarded::default();
        let kill = KillSwitch::default();
        kill.kill_query();
        let wait = Wait {
            timeout: Duration::from_secs(3600),
            kill: &kill,
            set_state: &|_| {},
        };
        let end: WaitEnd<()> = guarded.wait_until(&wait, |_| Attempt::Blocked("x"), |_| {});
        assert!(matches!(end, WaitEnd::Killed(e) if e.code == 1317));
    }

    #[test]
    fn the_state_follows_the_blocking_reason_and_the_attempt_finally_succeeds() {
        let guarded: Guarded<u32> = Guarded::default();
        let kill = KillSwitch::default();
        let states = recorder();
        let record = |s: Option<&str>| states.borrow_mut().push(s.map(str::to_string));
        let wait = Wait {
            timeout: Duration::from_secs(3600),
            kill: &kill,
            set_state: &record,
        };
        let end = guarded.wait_until(
            &wait,
            |tries| {
                *tries += 1;
                match *tries {
                    1 => Attempt::Blocked("a"),
                    2 => Attempt::Blocked("b"),
                    _ => Attempt::Done(*tries),
                }
            },
            |_| {},
        );
        assert_eq!(end, WaitEnd::Done(3));
        let expected = vec![Some("a".to_string()), Some("b".to_string()), None];
        assert_eq!(*states.borrow(), expected);
    }
}
