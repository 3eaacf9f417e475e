//! The server's start-up settings, read from the command line and the
//! my.cnf groups mariadbd would read (`--defaults-file`,
//! `--defaults-group-suffix`), so the runner can start `replica` with the
//! same generated config as a real server.

use std::path::PathBuf;

/// The version string the handshake and `@@version` report.
pub const VERSION: &str = "10.11.19-MariaDB-rmtr";

/// Settings fixed at start-up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub port: u16,
    pub bind_address: String,
    pub socket: Option<PathBuf>,
    pub datadir: PathBuf,
    pub pid_file: Option<PathBuf>,
    pub log_error: Option<PathBuf>,
    pub server_id: u32,
    /// Other `name=value` options, for the system variables they set.
    pub options: Vec<(String, String)>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            port: 3306,
            bind_address: "127.0.0.1".to_string(),
            socket: None,
            datadir: PathBuf::from("."),
            pid_file: None,
            log_error: None,
            server_id: 1,
            options: Vec::new(),
        }
    }
}
