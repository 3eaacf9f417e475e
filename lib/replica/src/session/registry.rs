//! The process list: every connection (and later every internal thread)
//! registers here with its id, and keeps its command, state and query text
//! current so that SHOW PROCESSLIST, information_schema.PROCESSLIST and
//! KILL can see and reach it. Ids start at 1 and are never reused.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::kill::KillSwitch;

/// What a thread is doing, as one row of the process list shows it.
#[derive(Debug, Clone)]
pub struct Activity {
    /// `Sleep`, `Query`, `Connect`, `Binlog Dump`, …
    pub command: &'static str,
    /// e.g. `User sleep`, `Waiting for table metadata lock`; empty for none.
    pub state: String,
    /// The running statement's stage (`Updating`, `Sending data`, …): the
    /// state shown outside waits.
    pub stage: &'static str,
    /// The statement being run.
    pub info: Option<String>,
    /// When the command (or state) began, for the Time column.
    pub since: Instant,
}

/// One registered thread.
pub struct ThreadEntry {
    pub id: u64,
    /// The account name, known once the login has been checked.
    user: Mutex<String>,
    /// `localhost:port` as MariaDB shows a TCP client.
    pub host: String,
    pub db: Mutex<Option<String>>,
    pub activity: Mutex<Activity>,
    pub kill: KillSwitch,
    /// The DEBUG_SYNC points this thread has armed.
    pub debug_sync: crate::debug::sync::ThreadActions,
    /// Cuts the connection's reads, so an idle connection sees a KILL at once.
    waker: Mutex<Option<Waker>>,
}

/// What ends a connection's wait for its next command.
pub type Waker = Box<dyn Fn() + Send + Sync>;

impl std::fmt::Debug for ThreadEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadEntry").field("id", &self.id).finish()
    }
}

impl ThreadEntry {
    /// Sets what wakes the connection when it is killed while idle.
    pub fn set_waker(&self, waker: Waker) {
        *self.waker.lock().unwrap() = Some(waker);
    }

    /// KILL CONNECTION: flags the thread and wakes it if it waits for a command.
    pub fn kill_connection(&self) {
        self.kill.kill_connection();
        if let Some(wake) = self.waker.lock().unwrap().as_ref() {
            wake();
        }
    }

    /// The Command column: `Killed` once KILL CONNECTION reached the thread.
    pub fn shown_command(&self, activity: &Activity) -> &'static str {
        if self.kill.connection_killed() {
            "Killed"
        } else {
            activity.command
        }
    }

    /// The account the thread runs as.
    pub fn user(&self) -> String {
        self.user.lock().unwrap().clone()
    }

    /// Records the account once the login (or COM_CHANGE_USER) has been checked.
    pub fn set_user(&self, user: &str) {
        *self.user.lock().unwrap() = user.to_string();
    }

    /// Records a new command and query text (state cleared).
    pub fn begin(&self, command: &'static str, info: Option<String>) {
        let mut a = self.activity.lock().unwrap();
        *a = Activity {
            command,
            state: String::new(),
            stage: "",
            info,
            since: Instant::now(),
        };
    }

    /// Records a new state within the current command.
    pub fn set_state(&self, state: &str) {
        self.activity.lock().unwrap().state = state.to_string();
    }

    /// Records the stage of the statement now running; it is also the state.
    pub fn set_stage(&self, stage: &'static str) {
        let mut a = self.activity.lock().unwrap();
        a.stage = stage;
        a.state = stage.to_string();
    }

    /// Ends a wait or a sleep: the state is the statement's stage again.
    pub fn end_wait(&self) {
        let mut a = self.activity.lock().unwrap();
        a.state = a.stage.to_string();
    }

    /// Shows `state` while waiting, or the stage again for None.
    pub fn wait_state(&self, state: Option<&str>) {
        match state {
            Some(s) => self.set_state(s),
            None => self.end_wait(),
        }
    }
}

/// All threads of the server.
#[derive(Debug, Default)]
pub struct ThreadRegistry {
    last_id: AtomicU64,
    /// The most threads connected at once (`Max_used_connections`).
    max_used: AtomicU64,
    threads: Mutex<BTreeMap<u64, Arc<ThreadEntry>>>,
}

impl ThreadRegistry {
    /// Registers a new thread and returns its entry.
    pub fn register(&self, user: &str, host: &str, db: Option<String>) -> Arc<ThreadEntry> {
        let id = self.last_id.fetch_add(1, Ordering::SeqCst) + 1;
        let entry = Arc::new(ThreadEntry {
            id,
            user: Mutex::new(user.to_string()),
            host: host.to_string(),
            db: Mutex::new(db),
            activity: Mutex::new(Activity {
                command: "Sleep",
                state: String::new(),
                stage: "",
                info: None,
                since: Instant::now(),
            }),
            kill: KillSwitch::default(),
            debug_sync: Default::default(),
            waker: Mutex::new(None),
        });
        let mut threads = self.threads.lock().unwrap();
        threads.insert(id, Arc::clone(&entry));
        self.max_used
            .fetch_max(threads.len() as u64, Ordering::SeqCst);
        entry
    }

    /// Removes a thread when its connection ends.
    pub fn unregister(&self, id: u64) {
        self.threads.lock().unwrap().remove(&id);
    }

    pub fn get(&self, id: u64) -> Option<Arc<ThreadEntry>> {
        self.threads.lock().unwrap().get(&id).cloned()
    }

    /// Connection attempts since start-up (`Connections`).
    pub fn connections(&self) -> u64 {
        self.last_id.load(Ordering::SeqCst)
    }

    /// The most threads connected at once (`Max_used_connections`).
    pub fn max_used(&self) -> u64 {
        self.max_used.load(Ordering::SeqCst)
    }

    /// Every thread, by id.
    pub fn snapshot(&self) -> Vec<Arc<ThreadEntry>> {
        self.threads.lock().unwrap().values().cloned().collect()
    }
}
