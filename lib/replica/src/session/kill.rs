//! KILL as the victim sees it: a flag per connection that KILL QUERY and
//! KILL CONNECTION set and that every wait (SLEEP, lock waits, GET_LOCK)
//! checks, so a waiting statement ends with MariaDB's error within one
//! poll interval. SLEEP waits on the switch itself (`sleep_until`), which
//! a KILL wakes at once, so it sleeps in one timed wait instead of polls.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::precise_timers;
use crate::error::{ServerError, ServerResult};

/// How often a waiting thread looks at its kill flag.
pub const KILL_POLL: Duration = Duration::from_millis(5);

const NONE: u8 = 0;
const QUERY: u8 = 1;
const CONNECTION: u8 = 2;

/// The kill state of one connection.
#[derive(Debug, Default)]
pub struct KillSwitch {
    state: AtomicU8,
    /// Wakes `sleep_until` when a KILL arrives.
    woken: Condvar,
    wake_lock: Mutex<()>,
}

impl KillSwitch {
    /// KILL QUERY: the running statement ends with 1317.
    pub fn kill_query(&self) {
        let _ = self
            .state
            .compare_exchange(NONE, QUERY, Ordering::SeqCst, Ordering::SeqCst);
        self.wake();
    }

    /// KILL [CONNECTION]: the statement ends and the connection closes.
    pub fn kill_connection(&self) {
        self.state.store(CONNECTION, Ordering::SeqCst);
        self.wake();
    }

    /// Sleeps until `deadline` in one timed wait, ending early with
    /// MariaDB's error when a KILL arrives.
    pub fn sleep_until(&self, deadline: Instant) -> ServerResult<()> {
        precise_timers::for_this_thread();
        let mut guard = self
            .wake_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        loop {
            self.check()?;
            let now = Instant::now();
            if now >= deadline {
                return Ok(());
            }
            guard = self
                .woken
                .wait_timeout(guard, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Taking the lock orders the wake after a sleeper's check.
    fn wake(&self) {
        drop(
            self.wake_lock
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        self.woken.notify_all();
    }

    /// Whether the connection must close.
    pub fn connection_killed(&self) -> bool {
        self.state.load(Ordering::SeqCst) == CONNECTION
    }

    /// Forgets a KILL QUERY once its statement has ended.
    pub fn clear_query(&self) {
        let _ = self
            .state
            .compare_exchange(QUERY, NONE, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// Forgets any KILL; whether there was one. A replication worker
    /// answers a KILL with its group's error, then goes on working.
    pub fn take(&self) -> bool {
        self.state.swap(NONE, Ordering::SeqCst) != NONE
    }

    /// Fails with MariaDB's error when the statement has been killed.
    pub fn check(&self) -> ServerResult<()> {
        match self.state.load(Ordering::SeqCst) {
            NONE => Ok(()),
            QUERY => Err(query_interrupted()),
            _ => Err(connection_killed()),
        }
    }
}

/// ER_QUERY_INTERRUPTED.
pub fn query_interrupted() -> ServerError {
    ServerError::new(1317, "70100", "Query execution was interrupted")
}

/// ER_CONNECTION_KILLED.
pub fn connection_killed() -> ServerError {
    ServerError::new(1927, "70100", "Connection was killed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kill_query_is_cleared_but_kill_connection_stays() {
        let switch = KillSwitch::default();
        assert!(switch.check().is_ok());
        switch.kill_query();
        assert_eq!(switch.check().unwrap_err().code, 1317);
        switch.clear_query();
        assert!(switch.check().is_ok());
        switch.kill_connection();
        switch.clear_query();
        assert_eq!(switch.check().unwrap_err().code, 1927);
        assert!(switch.connection_killed());
    }

    #[test]
    fn sleep_until_returns_at_the_deadline() {
        let switch = KillSwitch::default();
        let start = Instant::now();
        switch
            .sleep_until(start + Duration::from_millis(20))
            .unwrap();
        assert!(start.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn a_kill_ends_a_long_sleep_at_once() {
        let switch = std::sync::Arc::new(KillSwitch::default());
        let killer = std::sync::Arc::clone(&switch);
        let start = Instant::now();
        let handle = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            killer.kill_query();
        });
        let err = switch
            .sleep_until(start + Duration::from_secs(60))
            .unwrap_err();
        handle.join().unwrap();
        assert_eq!(err.code, 1317);
        assert!(start.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn take_forgets_either_kill_once() {
        let switch = KillSwitch::default();
        assert!(!switch.take());
        switch.kill_connection();
        assert!(switch.take());
        assert!(!switch.connection_killed());
        assert!(switch.check().is_ok());
        switch.kill_query();
        assert!(switch.take());
        assert!(!switch.take());
    }
}
