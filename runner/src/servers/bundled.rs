//! The bundled server (`--server bundled`, the default): `replica`
//! processes built from this workspace. Nothing to install and nothing to
//! bootstrap: each server starts from an empty data directory with the
//! same generated my.cnf and group suffix a real server gets, and is ready
//! when its pid file appears and the `mtr` schema (warning suppressions)
//! has been created on it. Client programs tests run (`$MYSQL`, …) come
//! from the machine's MariaDB client install when there is one. The
//! flavor (`--bundled-flavor`) goes to every `replica` as `--flavor` and
//! is the backend's feature `flavor`, which picks `,<flavor>.result` files.

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
    pub fn detect(flavor: &str) -> anyhow::Result<Self> {
        Ok(Self::new(find_replica()?, flavor))
    }

    /// The backend running `exe` with `flavor` (`mariadb` or `mysql`).
    fn new(exe: PathBuf, flavor: &str) -> Self {
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
        BundledBackend {
            exe,
            layout,
            features: ServerFeatures {
                // `replica` has DEBUG_SYNC and debug_dbug keywords: have_debug.inc tests run.
                debug_build: true,
                ssl: false,
                word_size: 64,
                flavor: flavor.into(),
                plugins: Default::default(),
                // `replica` writes and applies statement and row events: every format runs.
                unsupported_binlog_formats: BTreeMap::new(),
            },
            variables: BTreeMap::from([("port".to_string(), "3306".to_string())]),
            mtr_schema: OnceLock::new(),
        }
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
        let args = server_args(&spec, &self.features.flavor);
        let process = ServerProcess::spawn(&self.exe, &args, &spec)?;
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
/// group, the flavor (only `replica` reads it, so it stays out of my.cnf),
/// then the test's options.
fn server_args(spec: &StartSpec, flavor: &str) -> Vec<String> {
    let suffix = spec.group.strip_prefix("mysqld").unwrap_or("");
    let mut args = vec![
        format!("--defaults-file={}", spec.config_file.display()),
        format!("--defaults-group-suffix={suffix}"),
        format!("--flavor={flavor}"),
    ];
    args.extend(spec.args.iter().cloned());
    // As mtr starts every server: DEBUG_SYNC on, waits of 300 seconds.
    args.push("--loose-debug-sync-timeout=300".into());
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::variant_names;
    use crate::testutil::TempTree;
    use rmtr_results::choose_result_file;

    fn spec() -> StartSpec {
        StartSpec {
            group: "mysqld.2".into(),
            config_file: PathBuf::from("/v/my.cnf"),
            datadir: PathBuf::from("/v/mysqld.2/data"),
            tmpdir: PathBuf::from("/v/tmp"),
            vardir: PathBuf::from("/v"),
            pid_file: PathBuf::from("/v/run/mysqld.2.pid"),
            log_error: PathBuf::from("/v/log/mysqld.2.err"),
            port: 16200,
            worker_ports: 16200..16220,
            args: vec!["--log-slave-updates".into()],
            log_slave_updates: true,
            env: BTreeMap::new(),
            timezone: None,
            start_timeout: std::time::Duration::from_secs(1),
            fresh: true,
            warm_up: false,
        }
    }

    #[test]
    fn the_mysql_flavor_reaches_replica_and_picks_mysql_results() {
        let tree = TempTree::new("bundled-flavor");
        tree.write("r/t.result", "default\n");
        tree.write("r/t,mysql.result", "mysql\n");
        tree.write("r/u.result", "default\n");
        let choose = |backend: &BundledBackend, test: &str| {
            let names = variant_names(&["stmt".to_string()], backend.features());
            let choice = choose_result_file(&tree.path("r"), test, &names).unwrap();
            let path = choice.path().to_path_buf();
            path.file_name().unwrap().to_string_lossy().into_owned()
        };

        let mysql = BundledBackend::new(PathBuf::from("/x/replica"), "mysql");
        assert_eq!(mysql.features().flavor, "mysql");
        assert_eq!(
            server_args(&spec(), &mysql.features().flavor),
            [
                "--defaults-file=/v/my.cnf",
                "--defaults-group-suffix=.2",
                "--flavor=mysql",
                "--log-slave-updates",
                "--loose-debug-sync-timeout=300"
            ]
        );
        assert_eq!(choose(&mysql, "t"), "t,mysql.result");
        assert_eq!(choose(&mysql, "u"), "u.result");

        let mariadb = BundledBackend::new(PathBuf::from("/x/replica"), "mariadb");
        assert_eq!(choose(&mariadb, "t"), "t.result");
    }
}
