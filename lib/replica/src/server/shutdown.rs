//! The server-wide stop request. COM_SHUTDOWN, SIGTERM/SIGINT and the
//! in-process `RunningServer::shutdown` all land here; the accept loop
//! polls the read end of a self-pipe, so a request (even from a signal
//! handler, which may only `write`) wakes it at once.

use std::io;
use std::os::fd::RawFd;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// The pipe a signal handler writes to (one server per process takes signals).
static SIGNAL_FD: AtomicI32 = AtomicI32::new(-1);

/// A stop request and the pipe that announces it.
#[derive(Debug)]
pub struct ShutdownSignal {
    requested: AtomicBool,
    /// Who asked, for the `Normal shutdown` log line.
    initiator: Mutex<Option<String>>,
    read_fd: RawFd,
    write_fd: RawFd,
}

impl ShutdownSignal {
    pub fn new() -> io::Result<ShutdownSignal> {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` has room for the two descriptors pipe2 writes.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(ShutdownSignal {
            requested: AtomicBool::new(false),
            initiator: Mutex::new(None),
            read_fd: fds[0],
            write_fd: fds[1],
        })
    }

    /// Asks the server to stop; the first initiator is the one logged.
    pub fn request(&self, initiator: &str) {
        self.initiator
            .lock()
            .unwrap()
            .get_or_insert_with(|| initiator.to_string());
        self.requested.store(true, Ordering::SeqCst);
        wake(self.write_fd);
    }

    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Who asked to stop (`unknown` for a signal).
    pub fn initiator(&self) -> String {
        self.initiator
            .lock()
            .unwrap()
            .clone()
            .unwrap_or_else(|| "unknown".to_string())
    }

    /// The descriptor that becomes readable once a stop is requested.
    pub fn wake_fd(&self) -> RawFd {
        self.read_fd
    }

    /// Notes a stop that arrived as a signal (seen as a readable pipe).
    pub fn note_wakeup(&self) {
        self.requested.store(true, Ordering::SeqCst);
    }

    /// Routes SIGTERM and SIGINT of this process to this signal.
    pub fn install_signal_handlers(&self) {
        SIGNAL_FD.store(self.write_fd, Ordering::SeqCst);
        let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SAFETY: the handler only calls `write`, which is async-signal-safe.
        unsafe {
            libc::signal(libc::SIGTERM, handler);
            libc::signal(libc::SIGINT, handler);
        }
    }
}

impl Drop for ShutdownSignal {
    fn drop(&mut self) {
        let _ = SIGNAL_FD.compare_exchange(self.write_fd, -1, Ordering::SeqCst, Ordering::SeqCst);
        // SAFETY: both descriptors are owned by this value and closed once.
        unsafe {
            libc::close(self.read_fd);
            libc::close(self.write_fd);
        }
    }
}

extern "C" fn on_signal(_: libc::c_int) {
    wake(SIGNAL_FD.load(Ordering::SeqCst));
}

/// Makes the pipe readable; a full pipe is already readable.
fn wake(fd: RawFd) {
    if fd >= 0 {
        // SAFETY: writes one byte from a valid buffer to a descriptor we own.
        unsafe {
            libc::write(fd, [1u8].as_ptr().cast(), 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readable(fd: RawFd) -> bool {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, zero timeout.
        unsafe { libc::poll(&mut p, 1, 0) == 1 }
    }

    #[test]
    fn request_wakes_the_pipe_and_keeps_the_first_initiator() {
        let s = ShutdownSignal::new().unwrap();
        assert!(!s.is_requested());
        assert!(!readable(s.wake_fd()));
        s.request("root[root] @ localhost []");
        s.request("other");
        assert!(s.is_requested());
        assert!(readable(s.wake_fd()));
        assert_eq!(s.initiator(), "root[root] @ localhost []");
    }

    #[test]
    fn a_signal_stop_has_an_unknown_initiator() {
        let s = ShutdownSignal::new().unwrap();
        s.note_wakeup();
        assert_eq!(s.initiator(), "unknown");
    }
}
