//! DEBUG_SYNC through sessions of one in-memory server: arming, the
//! counters, signals between threads, the timeout warning and KILL.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use crate::server::config::ServerConfig;
use crate::server::state::ServerState;

fn server(timeout: &str) -> Arc<ServerState> {
    let mut config = ServerConfig::default();
    config
        .options
        .push(("debug_sync_timeout".into(), timeout.into()));
    ServerState::new(config)
}

fn session(state: &Arc<ServerState>) -> Session {
    let thread = state.threads.register("root", "localhost", None);
    Session::new(Arc::clone(state), thread)
}

fn signals(state: &ServerState) -> String {
    state.debug_sync.describe()
}

#[test]
fn now_signal_and_wait_change_the_server_wide_set() {
    let state = server("300");
    let mut s = session(&state);
    set(&mut s, "now SIGNAL a,b").unwrap();
    assert_eq!(signals(&state), "ON - current signals: 'a,b'");
    set(&mut s, "now WAIT_FOR a NO_CLEAR_EVENT").unwrap();
    assert_eq!(signals(&state), "ON - current signals: 'a,b'");
    set(&mut s, "now WAIT_FOR a").unwrap();
    assert_eq!(signals(&state), "ON - current signals: 'b'");
    set(&mut s, "RESET").unwrap();
    assert_eq!(signals(&state), "ON - current signals: ''");
    assert!(s.warnings.is_empty());
}

#[test]
fn an_armed_point_runs_execute_times_then_disarms() {
    let state = server("300");
    let mut s = session(&state);
    set(&mut s, "p1 SIGNAL s1 EXECUTE 2").unwrap();
    assert!(s.thread.debug_sync.is_armed());
    hit(&mut s, "p1").unwrap();
    set(&mut s, "now WAIT_FOR s1").unwrap();
    hit(&mut s, "p1").unwrap();
    assert_eq!(signals(&state), "ON - current signals: 's1'");
    assert!(!s.thread.debug_sync.is_armed());
    set(&mut s, "now WAIT_FOR s1").unwrap();
    hit(&mut s, "p1").unwrap();
    assert_eq!(signals(&state), "ON - current signals: ''");
}

#[test]
fn clear_and_execute_0_disarm() {
    let state = server("300");
    let mut s = session(&state);
    set(&mut s, "p1 SIGNAL s1").unwrap();
    set(&mut s, "p1 CLEAR").unwrap();
    assert!(!s.thread.debug_sync.is_armed());
    set(&mut s, "now SIGNAL s2 EXECUTE 0").unwrap();
    assert_eq!(signals(&state), "ON - current signals: ''");
}

#[test]
fn points_belong_to_the_thread_that_armed_them() {
    let state = server("300");
    let mut armer = session(&state);
    let mut other = session(&state);
    set(&mut armer, "p1 SIGNAL s1").unwrap();
    hit(&mut other, "p1").unwrap();
    assert_eq!(signals(&state), "ON - current signals: ''");
    hit(&mut armer, "p1").unwrap();
    assert_eq!(signals(&state), "ON - current signals: 's1'");
}

#[test]
fn hit_limit_kills_the_query_with_1640() {
    let state = server("300");
    let mut s = session(&state);
    set(&mut s, "p1 SIGNAL x HIT_LIMIT 2").unwrap();
    hit(&mut s, "p1").unwrap();
    let e = hit(&mut s, "p1").unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (1640, "debug sync point hit limit reached")
    );
    assert_eq!(s.thread.kill.check().unwrap_err().code, 1317);
    let e = set(&mut s, "now HIT_LIMIT 1").unwrap_err();
    assert_eq!(e.code, 1640);
}

#[test]
fn a_timed_out_wait_warns_1639_and_goes_on() {
    let state = server("300");
    let mut s = session(&state);
    set(&mut s, "now WAIT_FOR nothing TIMEOUT 0").unwrap();
    assert_eq!(s.warnings.len(), 1);
    let w = &s.warnings[0];
    assert_eq!((w.level, w.code), (Level::Warning, 1639));
    assert_eq!(w.message, "debug sync point wait timed out");
}

#[test]
fn the_default_timeout_is_the_servers_option() {
    let state = server("1");
    let mut s = session(&state);
    let started = Instant::now();
    set(&mut s, "now WAIT_FOR nothing").unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(s.warnings[0].code, 1639);
}

#[test]
fn off_without_the_option_and_set_is_ignored() {
    let state = ServerState::new(ServerConfig::default());
    let mut s = session(&state);
    set(&mut s, "now SIGNAL a").unwrap();
    set(&mut s, "not even parsed").unwrap();
    assert_eq!(signals(&state), "OFF");
}

#[test]
fn one_thread_waits_at_a_point_until_another_signals() {
    let state = server("300");
    let mut waiter = session(&state);
    let thread = Arc::clone(&waiter.thread);
    set(&mut waiter, "p1 SIGNAL reached WAIT_FOR go").unwrap();
    let handle = std::thread::spawn(move || {
        let result = hit(&mut waiter, "p1");
        (result, waiter.warnings.len())
    });
    let mut other = session(&state);
    set(&mut other, "now WAIT_FOR reached").unwrap();
    assert_eq!(
        thread.activity.lock().unwrap().state,
        "debug sync point: p1"
    );
    set(&mut other, "now SIGNAL go").unwrap();
    let (result, warnings) = handle.join().unwrap();
    assert!(result.is_ok());
    assert_eq!(warnings, 0);
    assert_eq!(thread.activity.lock().unwrap().state, "");
    assert_eq!(signals(&state), "ON - current signals: ''");
}

#[test]
fn kill_ends_a_wait_with_the_kill_error() {
    let state = server("300");
    let mut waiter = session(&state);
    let thread = Arc::clone(&waiter.thread);
    let handle = std::thread::spawn(move || set(&mut waiter, "now WAIT_FOR never"));
    while thread.activity.lock().unwrap().state.is_empty() {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(
        thread.activity.lock().unwrap().state,
        "debug sync point: now"
    );
    let started = Instant::now();
    thread.kill.kill_query();
    let e = handle.join().unwrap().unwrap_err();
    assert_eq!(e.code, 1317);
    assert!(started.elapsed() < Duration::from_secs(5));
}
