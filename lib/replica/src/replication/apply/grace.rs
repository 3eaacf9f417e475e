//! The serial SQL thread's answer to STOP SLAVE or KILL while it applies
//! an event group (spec 2.2, MariaDB's `sql_slave_killed`): a group that
//! has already made changes a rollback cannot undo (a non-transactional
//! table changed, a temporary table created or dropped) gets up to
//! [`SLAVE_WAIT_GROUP_DONE`] from the first time the stop was seen to
//! finish; past that, or when the group can never finish, the thread
//! stops with error 1593. Anything else stops at once. The thread asks
//! before each event and while it waits for the next one; the clock is
//! passed in, so the rule is tested without waiting.

use std::time::{Duration, Instant};

/// How long a stop waits for a group with non-transactional changes (MariaDB's SLAVE_WAIT_GROUP_DONE).
pub const SLAVE_WAIT_GROUP_DONE: Duration = Duration::from_secs(60);

/// What was asked of the thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    None,
    /// STOP SLAVE (MariaDB's `abort_slave`).
    Stop,
    /// KILL of the SQL thread.
    Kill,
}

/// Where the thread stands in the group it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// Inside a group: some of its events are applied, its end is not.
    pub in_group: bool,
    /// The group changed something a rollback keeps.
    pub unsafe_changes: bool,
    /// The group's end can never come (the relay log ends inside it and
    /// the IO thread has stopped), or a test says the time is up.
    pub hopeless: bool,
}

/// What the thread does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No stop asked: go on.
    Go,
    /// Stop now; what the group did is rolled back.
    Stop,
    /// Go on with the group; `first` the first time (the error log's warning).
    Wait { first: bool },
    /// Stop now with error 1593.
    Fail,
}

/// The timer of one stop request.
#[derive(Debug, Clone, Default)]
pub struct Grace {
    since: Option<Instant>,
}

impl Grace {
    /// The verdict at `now`; a verdict that stops starts the timer afresh.
    pub fn check(&mut self, now: Instant, request: Request, at: Position) -> Verdict {
        let verdict = self.decide(now, request, at);
        if matches!(verdict, Verdict::Stop | Verdict::Fail) {
            self.since = None;
        }
        verdict
    }

    fn decide(&mut self, now: Instant, request: Request, at: Position) -> Verdict {
        if request == Request::None {
            return Verdict::Go;
        }
        if !(at.in_group && at.unsafe_changes) {
            return Verdict::Stop;
        }
        if request == Request::Kill {
            return Verdict::Fail;
        }
        let first = self.since.is_none();
        let since = *self.since.get_or_insert(now);
        if at.hopeless || now.duration_since(since) > SLAVE_WAIT_GROUP_DONE {
            Verdict::Fail
        } else {
            Verdict::Wait { first }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNSAFE: Position = Position {
        in_group: true,
        unsafe_changes: true,
        hopeless: false,
    };

    #[test]
    fn no_request_goes_on() {
        let mut g = Grace::default();
        assert_eq!(g.check(Instant::now(), Request::None, UNSAFE), Verdict::Go);
    }

    #[test]
    fn a_stop_outside_a_group_or_in_a_safe_one_stops_at_once() {
        let now = Instant::now();
        let mut g = Grace::default();
        let between = Position::default();
        let safe = Position {
            in_group: true,
            ..Position::default()
        };
        // Non-transactional changes of a finished group do not count.
        let done = Position {
            unsafe_changes: true,
            ..Position::default()
        };
        for at in [between, safe, done] {
            assert_eq!(g.check(now, Request::Stop, at), Verdict::Stop);
            assert_eq!(g.check(now, Request::Kill, at), Verdict::Stop);
        }
    }

    #[test]
    fn a_stop_in_an_unsafe_group_waits_sixty_seconds_then_fails() {
        let start = Instant::now();
        let mut g = Grace::default();
        assert_eq!(
            g.check(start, Request::Stop, UNSAFE),
            Verdict::Wait { first: true }
        );
        let later = start + SLAVE_WAIT_GROUP_DONE;
        assert_eq!(
            g.check(later, Request::Stop, UNSAFE),
            Verdict::Wait { first: false }
        );
        let past = later + Duration::from_secs(1);
        assert_eq!(g.check(past, Request::Stop, UNSAFE), Verdict::Fail);
        // The timer starts again with the next request.
        assert_eq!(
            g.check(past, Request::Stop, UNSAFE),
            Verdict::Wait { first: true }
        );
    }

    #[test]
    fn the_group_ending_in_time_stops_cleanly_after_it() {
        let start = Instant::now();
        let mut g = Grace::default();
        assert_eq!(
            g.check(start, Request::Stop, UNSAFE),
            Verdict::Wait { first: true }
        );
        let after = Position::default();
        let then = start + Duration::from_secs(5);
        assert_eq!(g.check(then, Request::Stop, after), Verdict::Stop);
    }

    #[test]
    fn a_group_that_cannot_end_fails_at_once() {
        let hopeless = Position {
            hopeless: true,
            ..UNSAFE
        };
        let mut g = Grace::default();
        assert_eq!(
            g.check(Instant::now(), Request::Stop, hopeless),
            Verdict::Fail
        );
    }

    #[test]
    fn a_kill_in_an_unsafe_group_fails_at_once() {
        let mut g = Grace::default();
        assert_eq!(
            g.check(Instant::now(), Request::Kill, UNSAFE),
            Verdict::Fail
        );
    }
}
