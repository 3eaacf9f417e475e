//! The bundled server (`--server bundled`, the default): `replica`
//! processes built from this workspace. Nothing to install and nothing to
//! bootstrap: each server starts from an empty data directory with the
//! same generated my.cnf and group suffix a real server gets, and is ready
//! when its pid file appears and the `mtr` schema (warning suppressions)
//! has been created on it. Client programs tests run (`$MYSQL`, …) come
//! from the machine's MariaDB client install when there is one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, bail};

use super::mtr_schema;
use super::server_process::ServerProcess;
use super::{Backend, Bootstrap, Layout, Server, StartSpec};
use crate::discover::ServerFeatures;

/// The environment variable that names the `replica` binary to run.
pub const REPLICA_ENV: &str = "RMTR_REPLICA";

/// `replica` processes.
pub struct BundledBackend {
    exe: PathBuf,
    layout: Layout,
    features: ServerFeatures,
    variables: BTreeMap<String, String>,
    /// The statements that create the `mtr` schema, from the tree (prepare).
    mtr_schema: OnceLock<Arc<Vec<String>>>,
}

impl BundledBackend {
    /// Finds `replica`: `$RMTR_REPLICA`, else beside the running `rmtr`.
    pub fn detect() -> anyhow::Result<Self> {
        let exe = find_replica()?;
        let client = [
            "/usr/bin/mariadb",
            "/usr/local/bin/mariadb",
            "/usr/bin/mysql",
        ]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
        let mut layout = match &client {
            Some(client) => super::local::layout_for(client),
            None => Layout::default(),
        };
        layout.bindir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
        if client.is_none() {
            layout.client_bindir = layout.bindir.clone();
        }
        Ok(BundledBackend {
            exe,
            layout,
            features: ServerFeatures {
                // `replica` has DEBUG_SYNC and debug_dbug keywords: have_debug.inc tests run.
                debug_build: true,
                ssl: false,
                word_size: 64,
                flavor: "mariadb".into(),
                plugins: Default::default(),
                // `replica` writes and applies statement and row events: every format runs.
                unsupported_binlog_formats: BTreeMap::new(),
            },
            variables: BTreeMap::from([("port".to_string(), "3306".to_string())]),
            mtr_schema: OnceLock::new(),
        })
    }
}

fn find_replica() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os(REPLICA_ENV) {
        let path = PathBuf::from(path);
        if !path.is_file() {
            bail!(
                "${REPLICA_ENV} names {}, which is not a file",
                path.display()
            );
        }
        return Ok(path);
    }
    let beside = std::env::current_exe()
        .context("locating the rmtr binary")?
        .with_file_name("replica");
    if beside.is_file() {
        return Ok(beside);
    }
    bail!(
        "the bundled server `replica` was not found at {} (build it with `cargo build --release -p rmtr-replica`, or name it with ${REPLICA_ENV})",
        beside.display()
    )
}

impl Backend for BundledBackend {
    fn describe(&self) -> String {
        format!("bundled ({})", self.exe.display())
    }

    fn features(&self) -> &ServerFeatures {
        &self.features
    }

    fn optional_plugins(&self) -> &[String] {
        &[]
    }

    fn layout(&self) -> &Layout {
        &self.layout
    }

    fn variables(&self) -> &BTreeMap<String, String> {
        &self.variables
    }

    fn bootstrap(&self) -> Option<&Bootstrap> {
        None
    }

    fn prepare(&self, _vardir: &Path, tree: &Path) -> anyhow::Result<()> {
        let patterns = mtr_schema::global_suppressions(tree)?;
        let _ = self
            .mtr_schema
            .set(Arc::new(mtr_schema::statements(&patterns)));
        Ok(())
    }

    fn start(&self, spec: &StartSpec) -> anyhow::Result<Box<dyn Server>> {
        if spec.fresh && spec.datadir.exists() {
            std::fs::remove_dir_all(&spec.datadir)?;
        }
        std::fs::create_dir_all(&spec.datadir)?;
        let spec = StartSpec {
            warm_up: false,
            ..spec.clone()
        };
        let process = ServerProcess::spawn(&self.exe, &server_args(&spec), &spec)?;
        let mtr_schema = self
            .mtr_schema
            .get_or_init(|| {
                let own = mtr_schema::global_suppressions(Path::new("")).unwrap_or_default();
                Arc::new(mtr_schema::statements(&own))
            })
            .clone();
        Ok(Box::new(BundledServer {
            process,
            mtr_schema,
        }))
    }
}

/// A `replica` process, which gets its `mtr` schema once it is up.
struct BundledServer {
    process: ServerProcess,
    mtr_schema: Arc<Vec<String>>,
}

impl Server for BundledServer {
    fn port(&self) -> u16 {
        self.process.port()
    }

    fn log_error(&self) -> &Path {
        self.process.log_error()
    }

    fn is_running(&mut self) -> bool {
        self.process.is_running()
    }

    fn wait_ready(&mut self) -> anyhow::Result<()> {
        self.process.wait_ready()?;
        mtr_schema::install(self.process.port(), &self.mtr_schema)
    }

    fn request_stop(&mut self) {
        self.process.request_stop();
    }

    fn exited_cleanly(&mut self) -> Option<bool> {
        self.process.exited_cleanly()
    }

    fn kill(&mut self) {
        self.process.kill();
    }

    fn started_with(&self) -> &[String] {
        self.process.started_with()
    }

    fn command_line(&self) -> &str {
        self.process.command_line()
    }
}

/// The command line of a bundled server: the generated my.cnf and its
/// group, then the test's options.
fn server_args(spec: &StartSpec) -> Vec<String> {
    let suffix = spec.group.strip_prefix("mysqld").unwrap_or("");
    let mut args = vec![
        format!("--defaults-file={}", spec.config_file.display()),
        format!("--defaults-group-suffix={suffix}"),
    ];
    args.extend(spec.args.iter().cloned());
    // As mtr starts every server: DEBUG_SYNC on, waits of 300 seconds.
    args.push("--loose-debug-sync-timeout=300".into());
    args
}
