//! What every connection shares: the start-up config, the process list,
//! the tables, and the global variables. One per server process, behind an
//! `Arc`; each part does its own locking.

use std::sync::Arc;
use std::time::Instant;

use super::config::ServerConfig;
use crate::session::registry::ThreadRegistry;
use crate::storage::Storage;

/// The shared state of one running server.
#[derive(Debug)]
pub struct ServerState {
    pub config: ServerConfig,
    pub threads: ThreadRegistry,
    pub storage: Storage,
    /// For `Uptime` and the process list.
    pub started: Instant,
}

impl ServerState {
    pub fn new(config: ServerConfig) -> Arc<ServerState> {
        Arc::new(ServerState {
            config,
            threads: ThreadRegistry::default(),
            storage: Storage::new(),
            started: Instant::now(),
        })
    }
}
