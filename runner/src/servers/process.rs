//! Child processes of the run: each is started in its own process group and
//! dies with the runner (the kernel sends it SIGKILL when the runner goes,
//! Ctrl-C included). Stopping is SIGTERM, a grace period, then SIGKILL.
//!
//! The kernel ties a child to the *thread* that forked it, not to the
//! process, so every tied child is forked by one spawner thread that lives
//! as long as the runner: a server restarted from a short-lived thread (a
//! test's server monitor) must not die when that thread ends.

use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus};
use std::sync::mpsc::{self, Sender};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A command to start, and where to send the child.
type SpawnRequest = (Command, Sender<io::Result<Child>>);

/// Starts `command` in its own process group, tied to the runner's life.
pub fn spawn_tied(mut command: Command) -> io::Result<Child> {
    static SPAWNER: OnceLock<Mutex<Sender<SpawnRequest>>> = OnceLock::new();
    tie_to_runner(&mut command);
    let spawner = SPAWNER.get_or_init(|| {
        let (requests, incoming) = mpsc::channel::<SpawnRequest>();
        std::thread::Builder::new()
            .name("spawner".into())
            .spawn(move || {
                for (mut command, reply) in incoming {
                    let _ = reply.send(command.spawn());
                }
            })
            .expect("spawn the spawner thread");
        Mutex::new(requests)
    });
    let (reply, child) = mpsc::channel();
    spawner
        .lock()
        .map_err(|_| io::Error::other("spawner lock poisoned"))?
        .send((command, reply))
        .map_err(|_| io::Error::other("spawner thread gone"))?;
    child
        .recv()
        .map_err(|_| io::Error::other("spawner thread gone"))?
}

/// Makes `command` start in its own process group and die with us.
fn tie_to_runner(command: &mut Command) {
    command.process_group(0);
    // SAFETY: prctl only sets a flag of the new process; no memory is touched.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Waits up to `timeout` for the child to exit.
pub fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let end = Instant::now() + timeout;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Sends a signal to a process.
pub fn signal(pid: u32, sig: i32) {
    // SAFETY: kill() has no memory-safety preconditions.
    unsafe {
        libc::kill(pid as i32, sig);
    }
}

/// Kills a child at once and reaps it.
pub fn kill(child: &mut Child) -> Option<ExitStatus> {
    signal(child.id(), libc::SIGKILL);
    child.wait().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_outlives_the_thread_that_asked_for_it() {
        let mut child = std::thread::spawn(|| {
            let mut command = Command::new("sleep");
            command.arg("30");
            spawn_tied(command).unwrap()
        })
        .join()
        .unwrap();
        std::thread::sleep(Duration::from_millis(200));
        assert!(child.try_wait().unwrap().is_none(), "still running");
        kill(&mut child);
    }

    #[test]
    fn wait_timeout_gives_up() {
        let mut child = Command::new("sleep").arg("30").spawn().unwrap();
        assert!(wait_timeout(&mut child, Duration::from_millis(50)).is_none());
        kill(&mut child);
    }
}
