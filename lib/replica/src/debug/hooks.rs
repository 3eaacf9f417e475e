//! Behaviour that debug_dbug keywords inject at fixed places outside
//! replication's own code, as MariaDB's debug build does: after an
//! INSERT (`after_mysql_insert`) and before a binlog dump sends an Xid
//! event (`dump_thread_wait_before_send_xid`), the thread waits for
//! `signal.continue` and then emits `signal.continued`.

use super::dbug::keyword;
use super::signals::Signals;
use super::sync::{now_on_thread, set_action};
use crate::session::Session;
use crate::session::registry::ThreadEntry;

/// The wait and the answer both keywords inject.
const WAIT: &str = "now wait_for signal.continue";
const ANSWER: &str = "now signal signal.continued";

/// `after_mysql_insert`: an INSERT … VALUES has run.
pub fn after_mysql_insert(session: &mut Session) {
    if keyword(session, "after_mysql_insert") {
        // MariaDB asserts on these and goes on whatever they return.
        let _ = set_action(session, WAIT);
        let _ = set_action(session, ANSWER);
    }
}

/// Whether a dump served for `session` waits before each Xid event.
pub fn dump_waits_before_xid(session: &Session) -> bool {
    keyword(session, "dump_thread_wait_before_send_xid")
}

/// `dump_thread_wait_before_send_xid`: the dump, its earlier events
/// flushed, is about to send an Xid event.
pub fn dump_before_xid(signals: &Signals, thread: &ThreadEntry) {
    now_on_thread(signals, thread, WAIT);
    now_on_thread(signals, thread, ANSWER);
}
