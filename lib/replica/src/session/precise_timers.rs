//! Exact timer wake-ups for threads that run SLEEP: Linux lets a timed
//! wait end up to the thread's timer slack (50 µs by default) late, which
//! adds to every SLEEP of every replicated transaction. The first SLEEP on
//! a thread sets its slack to the minimum; other systems keep theirs.

use std::cell::Cell;

thread_local! {
    static DONE: Cell<bool> = const { Cell::new(false) };
}

/// Sets this thread's timer slack to 1 ns, once per thread.
pub fn for_this_thread() {
    if DONE.with(Cell::get) {
        return;
    }
    DONE.with(|done| done.set(true));
    set_minimal_slack();
}

#[cfg(target_os = "linux")]
fn set_minimal_slack() {
    // SAFETY: PR_SET_TIMERSLACK takes a plain integer and touches only the
    // calling thread's scheduling attributes.
    unsafe {
        libc::prctl(libc::PR_SET_TIMERSLACK, 1 as libc::c_ulong, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn set_minimal_slack() {}
