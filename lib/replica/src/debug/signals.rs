//! The server-wide side of DEBUG_SYNC: whether the facility is on (the
//! --debug-sync-timeout option, also the default wait), and the set of
//! signals emitted and not yet consumed, with the condition variable that
//! wakes threads waiting for one. Actions of every thread emit into it and
//! wait on it; `@@debug_sync` describes it.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::session::kill::{KILL_POLL, KillSwitch};

/// The default wait when --debug-sync-timeout is given without a value.
pub const DEFAULT_TIMEOUT: u64 = 300;

/// The signal set of one server.
#[derive(Debug, Default)]
pub struct Signals {
    /// --debug-sync-timeout: 0 keeps the facility off.
    timeout: u64,
    /// Emitted signals, in the order they were first emitted.
    set: Mutex<Vec<String>>,
    changed: Condvar,
}

/// How a wait for a signal ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitEnd {
    Signalled,
    TimedOut,
    Killed,
}

impl Signals {
    /// The facility with `timeout` seconds as the default wait (0: off).
    pub fn new(timeout: u64) -> Signals {
        Signals {
            timeout,
            ..Default::default()
        }
    }

    /// The option's value as mariadbd reads it: a bare switch means 300.
    pub fn from_option(value: Option<&str>) -> Signals {
        let timeout = match value.map(str::trim) {
            None => 0,
            Some("") => DEFAULT_TIMEOUT,
            Some(v) => v.parse().unwrap_or(0),
        };
        Signals::new(timeout)
    }

    pub fn enabled(&self) -> bool {
        self.timeout > 0
    }

    /// The default seconds of a WAIT_FOR without TIMEOUT.
    pub fn default_timeout(&self) -> u64 {
        self.timeout
    }

    fn lock(&self) -> MutexGuard<'_, Vec<String>> {
        self.set.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds each comma-separated signal of `list` and wakes the waiters.
    pub fn emit(&self, list: &str) {
        let mut set = self.lock();
        for signal in list.split(',').filter(|s| !s.is_empty()) {
            if !set.iter().any(|s| s == signal) {
                set.push(signal.to_string());
            }
        }
        self.changed.notify_all();
    }

    /// RESET: forgets every signal.
    pub fn clear_all(&self) {
        self.lock().clear();
        self.changed.notify_all();
    }

    pub fn is_set(&self, signal: &str) -> bool {
        self.lock().iter().any(|s| s == signal)
    }

    /// Waits until `signal` is set, `timeout` passes or `kill` fires;
    /// a signalled wait consumes the signal when `clear` is true.
    pub fn wait(&self, signal: &str, timeout: Duration, clear: bool, kill: &KillSwitch) -> WaitEnd {
        let deadline = Instant::now().checked_add(timeout);
        let mut set = self.lock();
        loop {
            if let Some(at) = set.iter().position(|s| s == signal) {
                if clear {
                    set.remove(at);
                }
                return WaitEnd::Signalled;
            }
            if kill.check().is_err() {
                return WaitEnd::Killed;
            }
            let now = Instant::now();
            let left = match deadline {
                Some(d) if d <= now => return WaitEnd::TimedOut,
                Some(d) => d - now,
                None => KILL_POLL,
            };
            set = self
                .changed
                .wait_timeout(set, left.min(KILL_POLL))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// `@@debug_sync`: OFF, or ON with the current signals as 10.11 prints them.
    pub fn describe(&self) -> String {
        if !self.enabled() {
            return "OFF".to_string();
        }
        format!("ON - current signals: '{}'", self.lock().join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn option_values() {
        assert!(!Signals::from_option(None).enabled());
        assert_eq!(Signals::from_option(Some("")).default_timeout(), 300);
        assert_eq!(Signals::from_option(Some("10")).default_timeout(), 10);
        assert!(!Signals::from_option(Some("0")).enabled());
        assert_eq!(Signals::from_option(None).describe(), "OFF");
    }

    #[test]
    fn emit_adds_each_listed_signal_once_and_reset_clears() {
        let s = Signals::new(300);
        assert_eq!(s.describe(), "ON - current signals: ''");
        s.emit("s1,s2");
        s.emit("s2");
        assert_eq!(s.describe(), "ON - current signals: 's1,s2'");
        s.clear_all();
        assert_eq!(s.describe(), "ON - current signals: ''");
    }

    #[test]
    fn a_wait_consumes_its_signal_unless_told_not_to() {
        let s = Signals::new(300);
        let kill = KillSwitch::default();
        s.emit("a");
        assert_eq!(
            s.wait("a", Duration::ZERO, false, &kill),
            WaitEnd::Signalled
        );
        assert!(s.is_set("a"));
        assert_eq!(s.wait("a", Duration::ZERO, true, &kill), WaitEnd::Signalled);
        assert!(!s.is_set("a"));
        assert_eq!(s.wait("a", Duration::ZERO, true, &kill), WaitEnd::TimedOut);
    }

    #[test]
    fn a_waiter_wakes_on_another_threads_signal() {
        let s = Arc::new(Signals::new(300));
        let waiter = {
            let s = Arc::clone(&s);
            std::thread::spawn(move || {
                s.wait("go", Duration::from_secs(30), true, &KillSwitch::default())
            })
        };
        std::thread::sleep(Duration::from_millis(20));
        s.emit("go");
        assert_eq!(waiter.join().unwrap(), WaitEnd::Signalled);
        assert!(!s.is_set("go"));
    }

    #[test]
    fn a_kill_ends_the_wait() {
        let s = Arc::new(Signals::new(300));
        let kill = Arc::new(KillSwitch::default());
        let waiter = {
            let (s, kill) = (Arc::clone(&s), Arc::clone(&kill));
            std::thread::spawn(move || s.wait("never", Duration::from_secs(30), true, &kill))
        };
        std::thread::sleep(Duration::from_millis(20));
        let started = Instant::now();
        kill.kill_query();
        assert_eq!(waiter.join().unwrap(), WaitEnd::Killed);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
