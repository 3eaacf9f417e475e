//! What every connection shares: the start-up config, the process list,
//! the tables, the locks above rows, and the global variables. One per
//! server process, behind an `Arc`; each part does its own locking.

use std::io;
use std::sync::Arc;
use std::time::Instant;

use super::config::ServerConfig;
use crate::accounts::Accounts;
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
    pub accounts: Accounts,
    /// The server's status counters (SHOW GLOBAL STATUS).
    pub status: crate::status::Counters,
    /// For `Uptime` and the process list.
    pub started: Instant,
    /// UUID_SHORT()'s counter, seeded on first use.
    pub uuid_short: std::sync::OnceLock<std::sync::atomic::AtomicU64>,
    /// The binary log, when started with --log-bin.
    pub binlog: Option<crate::binlog::BinaryLog>,
    /// The slave side's master connection.
    pub slave: crate::replication::Channel,
    /// The slaves registered with this server as their master.
    pub master: crate::replication::master::MasterState,
    /// DEBUG_SYNC's server-wide signals (on with --debug-sync-timeout).
    pub debug_sync: Arc<crate::debug::signals::Signals>,
}

impl std::fmt::Debug for ServerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerState")
            .field("port", &self.config.port)
            .finish()
    }
}

impl ServerState {
    /// In-memory state, for tests that need no datadir.
    pub fn new(config: ServerConfig) -> Arc<ServerState> {
        Self::with_storage(config, Storage::new())
    }

    /// The state of a server whose data lives in `config.datadir`; fails on
    /// a corrupt file there (the error names the file and offset).
    pub fn open(config: ServerConfig) -> io::Result<Arc<ServerState>> {
        let storage = Storage::open(&config.datadir)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot load the datadir: {e}")))?;
        for name in storage.database_names() {
            std::fs::create_dir_all(config.datadir.join(&name))?;
        }
        Ok(Self::with_storage(config, storage))
    }

    /// A database's directory in the datadir, as MariaDB keeps one (tests
    /// list files there); only for a server that persists its data.
    pub fn database_dir(&self, name: &str) -> Option<std::path::PathBuf> {
        self.storage
            .is_persistent()
            .then(|| self.config.datadir.join(name))
    }

    fn with_storage(config: ServerConfig, storage: Storage) -> Arc<ServerState> {
        let globals = SystemVariables::new(&config);
        let debug_sync = Arc::new(crate::debug::signals::Signals::from_option(
            config.option("debug_sync_timeout"),
        ));
        globals.attach_debug_sync(Arc::clone(&debug_sync));
        let binlog = crate::binlog::files::open_for(&globals, storage.is_persistent());
        Arc::new(ServerState {
            globals,
            config,
            threads: ThreadRegistry::default(),
            storage,
            locks: Locks::default(),
            accounts: Accounts::new(),
            status: crate::status::Counters::default(),
            started: Instant::now(),
            uuid_short: Default::default(),
            binlog,
            slave: Default::default(),
            master: Default::default(),
            debug_sync,
        })
    }
}
