//! What the interpreter asks of the runner while a test runs:
//! `shutdown_server` stops the server listening on a port (cleanly, then a
//! kill after the timeout). Whether the server comes back is decided by the
//! [monitor](super::monitor) from the test's `.expect` file, as in mtr.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmtr_mysqltest::run::Host;

use super::server_set::ServerSet;

/// The runner's side of [`Host`] for one worker.
pub struct WorkerHost {
    pub servers: Arc<Mutex<ServerSet>>,
}

impl Host for WorkerHost {
    fn shutdown_server(&self, port: u16, timeout: Duration) -> Result<(), String> {
        let mut set = self
            .servers
            .lock()
            .map_err(|_| "server set poisoned".to_string())?;
        let active = set.active_mut().ok_or("no servers are running")?;
        let server = active
            .servers
            .values_mut()
            .find(|s| s.port() == port)
            .ok_or_else(|| format!("no server of this test listens on port {port}"))?;
        if timeout.is_zero() {
            server.kill();
        } else {
            server.stop(timeout);
        }
        Ok(())
    }
}
