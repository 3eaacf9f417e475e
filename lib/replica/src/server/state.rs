//! What every connection shares: the start-up config, the process list,
//! the tables, the locks above rows, and the global variables. One per
//! server process, behind an `Arc`; each part does its own locking.

use std::sync::Arc;
use std::time::Instant;

use super::config::ServerConfig;
use crate::locks::Locks;
use crate::session::registry::ThreadRegistry;
use crate::storage::Storage;
use crate::sysvars::SystemVariables;

/// The shared state of one running server.
pub struct ServerState {
    pub config: ServerConfig,
    pub threads: ThreadRegistry,
    pub storage: Storage,
    pub locks: Locks,
    pub globals: SystemVariables,
    /// For `Uptime` and the process list.
    pub started: Instant,
}

impl std::fmt::Debug for ServerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerState")
            .field("port", &self.config.port)
            .finish()
    }
}

impl ServerState {
    pub fn new(config: ServerConfig) -> Arc<ServerState> {
        Arc::new(ServerState {
            globals: SystemVariables::new(&config),
            config,
            threads: ThreadRegistry::default(),
            storage: Storage::new(),
            locks: Locks::default(),
            started: Instant::now(),
        })
    }
}
