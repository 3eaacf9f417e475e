//! Where servers come from. A [`Backend`] prepares what its servers start
//! from (once per run) and starts one server from a generated my.cnf group;
//! a [`Server`] is a running server with its address, log and lifecycle.
//! The runner knows nothing else about where a server came from.

pub mod bootstrap;
pub mod bundled;
pub mod choice;
pub mod container;
pub mod local;
pub mod mtr_schema;
pub mod plugins;
pub mod process;
pub mod server_process;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::discover::ServerFeatures;

/// What the runner asks a backend to start.
#[derive(Debug, Clone)]
pub struct StartSpec {
    /// The my.cnf group, e.g. `mysqld.1`.
    pub group: String,
    /// The generated my.cnf.
    pub config_file: PathBuf,
    pub datadir: PathBuf,
    pub tmpdir: PathBuf,
    /// The worker's var directory (a re-bootstrap logs and keeps temporary files there).
    pub vardir: PathBuf,
    pub pid_file: PathBuf,
    pub log_error: PathBuf,
    pub port: u16,
    /// Every port of the worker's block (both slots): a backend that must
    /// publish ports up front (containers) publishes these.
    pub worker_ports: std::ops::Range<u16>,
    /// Options from the test (combinations, .opt files), already filtered.
    pub args: Vec<String>,
    /// Whether the group has `log-slave-updates` (an option rule depends on it).
    pub log_slave_updates: bool,
    /// Environment variables for the server process, on top of the runner's
    /// own: mtr's servers inherit the environment mtr exports for the run.
    pub env: BTreeMap<String, String>,
    /// `TZ` for the server (`--timezone=` of the test), or the runner's own.
    pub timezone: Option<String>,
    /// How long the server may take to come up.
    pub start_timeout: Duration,
    /// Start from a copy of the template data directory (between tests);
    /// false keeps the data directory (a restart the test asked for).
    pub fresh: bool,
    /// Finish the start-up checkpoint over a connection of our own. Off
    /// when check-testcase's first connection does it, and for restarts a
    /// test asks for, so tests see the connection ids they see under mtr.
    pub warm_up: bool,
}

/// A source of servers.
pub trait Backend: Send + Sync {
    /// Name for messages, e.g. `mariadbd (/usr/sbin/mariadbd)`.
    fn describe(&self) -> String;
    /// What the servers support.
    fn features(&self) -> &ServerFeatures;
    /// Plugins mtr disables unless a test enables them.
    fn optional_plugins(&self) -> &[String];
    /// Directories the generated config points servers to.
    fn layout(&self) -> &Layout;
    /// The server's defaults as its `--help --verbose` lists them (mtr's
    /// `%mysqld_variables`), e.g. `port`, `version-ssl-library`, `wsrep-on`.
    fn variables(&self) -> &BTreeMap<String, String>;
    /// How the template data directory was made, once prepared.
    fn bootstrap(&self) -> Option<&Bootstrap>;
    /// One-time preparation (e.g. the template data directory).
    fn prepare(&self, vardir: &Path, tree: &Path) -> anyhow::Result<()>;
    /// Starts a server; [`Server::wait_ready`] waits until it is up, so
    /// that several servers can come up at the same time.
    fn start(&self, spec: &StartSpec) -> anyhow::Result<Box<dyn Server>>;
}

/// Paths of a server installation.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub basedir: PathBuf,
    pub bindir: PathBuf,
    pub plugin_dir: Option<PathBuf>,
    pub charsets_dir: Option<PathBuf>,
    pub lc_messages_dir: Option<PathBuf>,
    pub share_dir: Option<PathBuf>,
    /// Client programs (`mariadb`, `mariadb-dump`, …) exported to tests.
    pub client_bindir: PathBuf,
    /// Client plugins (`dialog.so`, …), which packages may keep apart from
    /// the server's.
    pub client_plugin_dir: Option<PathBuf>,
}

/// The bootstrap of the template data directory, exported to tests that
/// bootstrap their own (`$MYSQLD_BOOTSTRAP_CMD`, `$MYSQL_BOOTSTRAP_SQL_FILE`).
#[derive(Debug, Clone)]
pub struct Bootstrap {
    /// The server binary and its bootstrap options, space-separated.
    pub command: String,
    /// The SQL fed to it.
    pub sql_file: PathBuf,
}

/// A running server.
pub trait Server: Send {
    fn port(&self) -> u16;
    fn log_error(&self) -> &Path;
    /// Whether the process is still alive.
    fn is_running(&mut self) -> bool;
    /// Waits until the server is up (its pid file exists), or fails.
    fn wait_ready(&mut self) -> anyhow::Result<()>;
    /// Starts a clean shutdown and returns at once.
    fn request_stop(&mut self);
    /// Once it has exited: whether it exited cleanly; `None` while running.
    fn exited_cleanly(&mut self) -> Option<bool>;
    /// Kills it at once.
    fn kill(&mut self);
    /// The options it was started with, to decide restarts.
    fn started_with(&self) -> &[String];
    /// The command line it was started with (mtr's `$MYSQLD_LAST_CMD`).
    fn command_line(&self) -> &str;
}
