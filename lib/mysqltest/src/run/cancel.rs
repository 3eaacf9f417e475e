//! How a running test is stopped from outside: a [`CancelToken`] shared
//! with the harness aborts blocked socket reads and kills child processes
//! when a test hits its timeout.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::client::AbortHandle;

/// Cancels a running test from another thread.
#[derive(Clone, Default)]
pub struct CancelToken {
    inner: Arc<CancelInner>,
}

#[derive(Default)]
struct CancelInner {
    cancelled: AtomicBool,
    next_id: AtomicU64,
    sockets: Mutex<HashMap<u64, AbortHandle>>,
    children: Mutex<HashMap<u64, u32>>,
}

/// Registration of a socket or child; unregisters when dropped.
pub struct Registration {
    token: CancelToken,
    id: u64,
    socket: bool,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let inner = &self.token.inner;
        if self.socket {
            inner.sockets.lock().unwrap().remove(&self.id);
        } else {
            inner.children.lock().unwrap().remove(&self.id);
        }
    }
}

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the test was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Cancels: every registered socket is shut down and every child killed.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        for socket in self.inner.sockets.lock().unwrap().values() {
            socket.abort();
        }
        for pid in self.inner.children.lock().unwrap().values() {
            kill_group(*pid);
        }
    }

    /// Keeps a socket so that cancelling unblocks reads on it.
    pub fn register_socket(&self, handle: AbortHandle) -> Registration {
        let id = self.inner.next_id.fetch_add(1, Ordering::SeqCst);
        if self.is_cancelled() {
            handle.abort();
        }
        self.inner.sockets.lock().unwrap().insert(id, handle);
        Registration {
            token: self.clone(),
            id,
            socket: true,
        }
    }

    /// Keeps a child process (leader of its own process group) to kill on cancel.
    pub fn register_child(&self, pid: u32) -> Registration {
        let id = self.inner.next_id.fetch_add(1, Ordering::SeqCst);
        self.inner.children.lock().unwrap().insert(id, pid);
        if self.is_cancelled() {
            kill_group(pid);
        }
        Registration {
            token: self.clone(),
            id,
            socket: false,
        }
    }

    /// Sleeps for `duration` unless cancelled first; false when cancelled.
    pub fn sleep(&self, duration: Duration) -> bool {
        let end = Instant::now() + duration;
        while !self.is_cancelled() {
            let now = Instant::now();
            if now >= end {
                return true;
            }
            std::thread::sleep((end - now).min(Duration::from_millis(20)));
        }
        false
    }
}

/// Kills a process group with SIGKILL.
fn kill_group(pid: u32) {
    // SAFETY: kill() has no memory-safety preconditions; a stale pid only fails.
    unsafe {
        libc::kill(-(pid as i32), libc::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleep_returns_early_when_cancelled() {
        let token = CancelToken::new();
        let other = token.clone();
        let start = Instant::now();
        let handle = std::thread::spawn(move || other.sleep(Duration::from_secs(10)));
        std::thread::sleep(Duration::from_millis(50));
        token.cancel();
        assert!(!handle.join().unwrap());
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn cancel_kills_registered_children() {
        use std::os::unix::process::CommandExt;
        let token = CancelToken::new();
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .process_group(0)
            .spawn()
            .unwrap();
        let _reg = token.register_child(child.id());
        token.cancel();
        let status = child.wait().unwrap();
        assert!(!status.success());
    }
}
