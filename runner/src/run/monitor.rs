//! Watches a worker's servers while a test runs. A server that exits is
//! judged by its `$MYSQLTEST_VARDIR/tmp/<group>.expect` file, mtr's
//! protocol, read from the file's last line (tests append to the file):
//! `wait` (the test shut it down and will ask for it back), `restart` or
//! `restart: --options` (start it again, with those options), and no file
//! at all (a crash: the test is stopped and fails).

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rmtr_mysqltest::run::CancelToken;

use super::server_set::ServerSet;

/// How often servers are looked at.
const POLL: Duration = Duration::from_millis(50);

/// What happened to servers during a test.
#[derive(Debug, Default)]
pub struct MonitorReport {
    /// Groups that died without an `.expect` file, with their error logs.
    pub crashed: Vec<(String, PathBuf)>,
    /// Servers restarted on the test's request.
    pub restarts: u32,
    /// A restart that failed, with why.
    pub restart_failure: Option<String>,
}

/// A running watch; [`Monitor::finish`] ends it.
pub struct Monitor {
    done: Sender<()>,
    thread: JoinHandle<MonitorReport>,
}

impl Monitor {
    /// Starts watching.
    pub fn start(servers: Arc<Mutex<ServerSet>>, cancel: CancelToken, vardir: PathBuf) -> Monitor {
        let (done, stop) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("server-monitor".into())
            .spawn(move || watch(&servers, &cancel, &vardir, &stop))
            .expect("spawn a monitor thread");
        Monitor { done, thread }
    }

    /// Stops watching and reports.
    pub fn finish(self) -> MonitorReport {
        let _ = self.done.send(());
        self.thread.join().unwrap_or_default()
    }
}

fn watch(
    servers: &Mutex<ServerSet>,
    cancel: &CancelToken,
    vardir: &std::path::Path,
    done: &Receiver<()>,
) -> MonitorReport {
    let mut report = MonitorReport::default();
    while let Err(RecvTimeoutError::Timeout) = done.recv_timeout(POLL) {
        let Ok(mut set) = servers.lock() else { break };
        for group in set.dead_servers() {
            let expect = vardir.join("tmp").join(format!("{group}.expect"));
            match std::fs::read_to_string(&expect) {
                Err(_) => {
                    let log = set
                        .active()
                        .and_then(|a| a.servers.get(&group))
                        .map(|s| s.log_error().to_path_buf())
                        .unwrap_or_default();
                    report.crashed.push((group, log));
                    cancel.cancel();
                    return report;
                }
                Ok(text) if last_line(&text).starts_with("restart") => {
                    let _ = std::fs::remove_file(&expect);
                    let extra = restart_options(&text);
                    match set.restart_group(&group, &extra) {
                        Ok(()) => report.restarts += 1,
                        Err(err) => {
                            report.restart_failure = Some(format!("{err:#}"));
                            cancel.cancel();
                            return report;
                        }
                    }
                }
                Ok(_) => {}
            }
        }
    }
    report
}

/// The line mtr acts on: the file's last (earlier ones may say `wait`).
fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or("")
}

/// Options after `restart:` on the file's last line, split on whitespace
/// with quotes kept, as mtr splits them (`restart_bindir DIR:opts` too).
fn restart_options(text: &str) -> Vec<String> {
    last_line(text)
        .split_once(':')
        .map(|(_, opts)| opts.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_lines() {
        assert!(restart_options("restart\n").is_empty());
        assert_eq!(restart_options("restart: --a=1 --b\n"), ["--a=1", "--b"]);
        assert_eq!(
            restart_options("wait\nrestart: --rewrite='X->Y'  --c\n"),
            ["--rewrite='X->Y'", "--c"]
        );
        assert_eq!(restart_options("restart_bindir /opt/bin:--d\n"), ["--d"]);
    }

    #[test]
    fn the_last_line_decides() {
        assert!(last_line("wait\nrestart\n").starts_with("restart"));
        assert_eq!(last_line("restart\nwait\n"), "wait");
        assert_eq!(last_line(""), "");
    }
}
