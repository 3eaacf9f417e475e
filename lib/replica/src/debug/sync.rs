//! DEBUG_SYNC points: each thread's armed actions, and what happens when
//! server code passes a point. `SET DEBUG_SYNC` (and server code through
//! [`set_action`]) arms, clears or resets actions of its own thread;
//! [`hit`] runs the action armed at a point, if any: emit signals, wait
//! for one (showing `debug sync point: <name>` in the process list), and
//! count down EXECUTE and HIT_LIMIT. A point nobody armed costs one
//! atomic load.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use super::signals::{Signals, WaitEnd};
use super::sync_parse::{Action, Request, parse};
use crate::error::{Condition, Level, ServerError, ServerResult};
use crate::session::Session;
use crate::session::registry::ThreadEntry;

/// The actions one thread has armed, one per point.
#[derive(Debug, Default)]
pub struct ThreadActions {
    /// Whether any action is armed: the fast path of every point.
    armed: AtomicBool,
    actions: Mutex<Vec<Action>>,
}

/// What one activation of a point does.
#[derive(Debug)]
struct Step {
    action: Action,
    /// EXECUTE was not yet used up: signal and wait.
    run: bool,
    /// This was the HIT_LIMIT-th hit: the query dies.
    limit_reached: bool,
}

impl ThreadActions {
    /// Whether some point of this thread is armed.
    pub fn is_armed(&self) -> bool {
        self.armed.load(Ordering::Acquire)
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Action>> {
        self.actions.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn store(&self, actions: &mut MutexGuard<'_, Vec<Action>>) {
        self.armed.store(!actions.is_empty(), Ordering::Release);
    }

    /// Arms `action` in place of the point's old one; one with no
    /// activations left (EXECUTE 0) only disarms the point.
    fn arm(&self, action: Action) {
        let mut actions = self.lock();
        actions.retain(|a| a.point != action.point);
        if action.activations() > 0 {
            actions.push(action);
        }
        self.store(&mut actions);
    }

    /// `point CLEAR`.
    fn clear(&self, point: &str) {
        let mut actions = self.lock();
        actions.retain(|a| a.point != point);
        self.store(&mut actions);
    }

    /// RESET: every point of this thread.
    fn reset(&self) {
        let mut actions = self.lock();
        actions.clear();
        self.store(&mut actions);
    }

    /// Uses one activation of the point's action; drops it when none is left.
    fn take(&self, point: &str) -> Option<Step> {
        let mut actions = self.lock();
        let at = actions.iter().position(|a| a.point == point)?;
        let before = actions[at].clone();
        let action = &mut actions[at];
        let run = action.execute > 0;
        action.execute = action.execute.saturating_sub(1);
        let limit_reached = action.hit_limit == 1;
        action.hit_limit = action.hit_limit.saturating_sub(1);
        if action.activations() == 0 {
            actions.remove(at);
        }
        self.store(&mut actions);
        Some(Step {
            action: before,
            run,
            limit_reached,
        })
    }
}

/// The result of passing a point: a timed-out wait warns, a reached
/// HIT_LIMIT or a kill during the wait fails.
#[derive(Debug, Default)]
pub struct Outcome {
    pub warning: Option<Condition>,
    pub error: Option<ServerError>,
}

/// Passes the point `name` on the session's thread; a timeout's warning
/// joins the statement's warnings.
pub fn hit(session: &mut Session, name: &str) -> ServerResult<()> {
    if !session.thread.debug_sync.is_armed() {
        return Ok(());
    }
    let outcome = hit_thread(&session.state.debug_sync, &session.thread, name);
    if let Some(warning) = outcome.warning {
        session.warn(warning);
    }
    outcome.error.map_or(Ok(()), Err)
}

/// Passes the point `name` on `thread`, for code that runs without a
/// session of its own at hand.
pub fn hit_thread(signals: &Signals, thread: &ThreadEntry, name: &str) -> Outcome {
    if !thread.debug_sync.is_armed() || !signals.enabled() {
        return Outcome::default();
    }
    let Some(step) = thread.debug_sync.take(name) else {
        return Outcome::default();
    };
    let mut outcome = Outcome::default();
    if step.run {
        outcome = execute(signals, thread, &step.action);
    }
    if step.limit_reached {
        thread.kill.kill_query();
        outcome.error = Some(hit_limit_reached());
    }
    outcome
}

/// Emits the action's signals, then waits for its signal.
fn execute(signals: &Signals, thread: &ThreadEntry, action: &Action) -> Outcome {
    let waits = !action.wait_for.is_empty();
    let before = waits.then(|| show_waiting(thread, &action.point));
    if !action.signal.is_empty() {
        signals.emit(&action.signal);
    }
    let mut outcome = Outcome::default();
    if waits {
        let seconds = action.timeout.unwrap_or(signals.default_timeout());
        let timeout = Duration::from_secs(seconds);
        match signals.wait(&action.wait_for, timeout, action.clear_event, &thread.kill) {
            WaitEnd::Signalled => {}
            WaitEnd::TimedOut => outcome.warning = Some(wait_timed_out()),
            WaitEnd::Killed => outcome.error = thread.kill.check().err(),
        }
    }
    if let Some(state) = before {
        thread.set_state(&state);
    }
    outcome
}

/// Shows the wait in the process list; returns the state it replaced.
fn show_waiting(thread: &ThreadEntry, point: &str) -> String {
    let mut activity = thread.activity.lock().unwrap_or_else(|e| e.into_inner());
    std::mem::replace(&mut activity.state, format!("debug sync point: {point}"))
}

/// `SET DEBUG_SYNC = text` from a client: needs SUPER; ignored while the
/// facility is off.
pub fn set(session: &mut Session, text: &str) -> ServerResult<()> {
    require_super(session)?;
    set_action(session, text)
}

/// Arms, clears or resets as `text` says, on the session's own thread
/// (MariaDB's debug_sync_set_action); `now` runs at once.
pub fn set_action(session: &mut Session, text: &str) -> ServerResult<()> {
    if !session.state.debug_sync.enabled() {
        return Ok(());
    }
    match parse(text)? {
        Request::Reset => {
            session.thread.debug_sync.reset();
            session.state.debug_sync.clear_all();
            Ok(())
        }
        Request::Clear(point) => {
            session.thread.debug_sync.clear(&point);
            Ok(())
        }
        Request::Test(point) => hit(session, &point),
        Request::Arm(action) => {
            let now = action.point.eq_ignore_ascii_case("now");
            session.thread.debug_sync.arm(action);
            // The point found is the one spelt `now`, as in MariaDB.
            if now { hit(session, "now") } else { Ok(()) }
        }
    }
}

/// Runs a `now` action on `thread`, for server code without a session at
/// hand (a binlog dump); anything but `now …` is passed over.
pub fn now_on_thread(signals: &Signals, thread: &ThreadEntry, text: &str) -> Outcome {
    if !signals.enabled() {
        return Outcome::default();
    }
    match parse(text) {
        Ok(Request::Arm(action)) if action.point.eq_ignore_ascii_case("now") => {
            execute(signals, thread, &action)
        }
        _ => Outcome::default(),
    }
}

fn require_super(session: &Session) -> ServerResult<()> {
    let privilege =
        crate::accounts::privileges::Privileges::named("SUPER").expect("SUPER is a privilege");
    if session
        .state
        .accounts
        .allows(&session.account, privilege, None)
    {
        Ok(())
    } else {
        Err(crate::accounts::errors::specific_access_denied("SUPER"))
    }
}

/// ER_DEBUG_SYNC_TIMEOUT, as a warning.
fn wait_timed_out() -> Condition {
    Condition {
        level: Level::Warning,
        code: 1639,
        message: "debug sync point wait timed out".to_string(),
    }
}

/// ER_DEBUG_SYNC_HIT_LIMIT.
fn hit_limit_reached() -> ServerError {
    ServerError::new(1640, "HY000", "debug sync point hit limit reached")
}

#[cfg(test)]
#[path = "sync_tests.rs"]
mod tests;
