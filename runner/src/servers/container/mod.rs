//! Real servers in containers (`--server container:IMAGE[:TAG]`), started
//! through testcontainers on the Docker engine `DOCKER_HOST` names (else the
//! local socket). At detection the engine must answer and have the image
//! (or pull it within `RMTR_PULL_TIMEOUT` seconds, default 300), and a
//! one-shot container reads the image ([`probe`]), whose server's version
//! line gives the flavor. `prepare` bootstraps the template data directory
//! in a one-shot container, as mtr does with a local binary (MariaDB with
//! `--bootstrap`, MySQL with `--initialize-insecure`); every server then starts from a copy of it, in its own container,
//! in its worker's network namespace ([`holder`]), with the var directory
//! and the test tree mounted at their own paths. Containers and networks
//! carry the run's labels: they go when dropped, when the run is stopped
//! with Ctrl-C, and, if a runner was killed outright, at the next run's
//! start on this machine.

pub mod engine;
pub mod forward;
pub mod holder;
pub mod probe;
pub mod reaper;
pub mod server;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use testcontainers::core::AccessMode;
use testcontainers::runners::SyncRunner;
use testcontainers::{GenericImage, ImageExt};

use self::engine::{Engine, split_image};
use self::holder::Holder;
use self::probe::{ImageFacts, PROBE_SCRIPT, ProbeDir};
use self::server::{ContainerReaper, ContainerServer, Launch};
use super::bootstrap::{bootstrap_sql, initialize_sql};
use super::local::{
    Help, bootstrap_args, flavor_of, fresh_datadir, initialize_args, is_root, layout_for,
    loosen_unknown_switches, parse_help, server_args,
};
use super::{Backend, Bootstrap, Layout, Server, StartSpec};
use crate::discover::ServerFeatures;

/// How long a one-shot container (probe, bootstrap) may run.
const ONE_SHOT_LIMIT: Duration = Duration::from_secs(300);

/// Servers in containers of one image.
pub struct ContainerBackend {
    image: String,
    engine: Arc<Engine>,
    facts: ImageFacts,
    /// Where the probe left its files (removed with the backend).
    _probe_dir: ProbeDir,
    layout: Layout,
    features: ServerFeatures,
    optional_plugins: Vec<String>,
    variables: BTreeMap<String, String>,
    version: String,
    /// Host directories every server container mounts.
    mounts: OnceLock<Vec<(PathBuf, AccessMode)>>,
    template: OnceLock<PathBuf>,
    bootstrapped: OnceLock<Bootstrap>,
    /// Removes server containers off the worker threads.
    reaper: Arc<ContainerReaper>,
    /// Each worker's namespace, by the first port of its block, while a
    /// server of the worker holds it.
    holders: Mutex<HashMap<u16, Weak<Holder>>>,
}

impl ContainerBackend {
    /// Connects to the engine, clears what dead runs of this machine left,
    /// makes sure of the image and reads it.
    pub fn detect(image: &str) -> anyhow::Result<ContainerBackend> {
        let engine = Arc::new(Engine::connect()?);
        let (containers, networks) = engine.sweep_dead_runs()?;
        if containers + networks > 0 {
            eprintln!(
                "rmtr: removed {containers} container(s) and {networks} network(s) left by runs that are gone"
            );
        }
        engine.ensure_image(image, pull_limit())?;
        let probe_dir = ProbeDir::create()?;
        let facts = probe_image(&engine, image, probe_dir.path())?;
        let help = parse_help(&facts.help);
        let version = help.version_line.clone();
        let features = image_features(&help, &facts);
        Ok(ContainerBackend {
            layout: image_layout(&facts),
            image: image.to_string(),
            engine,
            facts,
            _probe_dir: probe_dir,
            features,
            optional_plugins: help.optional_plugins,
            variables: help.variables,
            version,
            mounts: OnceLock::new(),
            template: OnceLock::new(),
            bootstrapped: OnceLock::new(),
            reaper: Arc::new(ContainerReaper::start()),
            holders: Mutex::new(HashMap::new()),
        })
    }

    /// The worker's namespace, started if no server of the worker holds it.
    fn holder(&self, ports: std::ops::Range<u16>) -> anyhow::Result<Arc<Holder>> {
        let mut holders = self.holders.lock().expect("holders");
        if let Some(holder) = holders.get(&ports.start).and_then(Weak::upgrade) {
            return Ok(holder);
        }
        let first = ports.start;
        let holder = Arc::new(Holder::start(
            Arc::clone(&self.engine),
            Arc::clone(&self.reaper),
            &self.image,
            ports,
        )?);
        holders.insert(first, Arc::downgrade(&holder));
        Ok(holder)
    }

    fn mounts(&self) -> anyhow::Result<&[(PathBuf, AccessMode)]> {
        self.mounts
            .get()
            .map(Vec::as_slice)
            .context("the container backend was not prepared")
    }

    fn is_mysql(&self) -> bool {
        self.features.flavor == "mysql"
    }

    /// The options that make a fresh data directory at `datadir` from
    /// `sql_file`: MariaDB's `--bootstrap` (the SQL on standard input) or
    /// MySQL's `--initialize-insecure` (the SQL as `--init-file`). MariaDB
    /// wants the `mysql` directory there already; MySQL wants none.
    fn init_args(
        &self,
        datadir: &Path,
        vardir: &Path,
        sql_file: &Path,
    ) -> anyhow::Result<Vec<String>> {
        if self.is_mysql() {
            return Ok(initialize_args(&self.layout, datadir, vardir, sql_file));
        }
        std::fs::create_dir_all(datadir.join("mysql"))?;
        Ok(bootstrap_args(
            &self.layout,
            &self.optional_plugins,
            datadir,
            vardir,
        ))
    }

    /// Runs the server with bootstrap `args` in a one-shot container,
    /// feeding it `sql_file`; its output goes to `vardir/log/bootstrap.log`.
    fn run_bootstrap(&self, args: &[String], sql_file: &Path, vardir: &Path) -> anyhow::Result<()> {
        let log = vardir.join("log/bootstrap.log");
        std::fs::create_dir_all(vardir.join("log"))?;
        // The paths travel as arguments, so no quoting can break them.
        let mut command = vec![
            r#"sql=$1 log=$2; shift 2; exec "$@" < "$sql" > "$log" 2>&1"#.to_string(),
            "sh".into(),
            sql_file.display().to_string(),
            log.display().to_string(),
            self.facts.exe.display().to_string(),
        ];
        command.extend(args.iter().cloned());
        let code = run_one_shot(&self.engine, &self.image, command, self.mounts()?)?;
        if code != 0 {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let how = if self.is_mysql() {
                "mysqld --initialize-insecure"
            } else {
                "mariadbd --bootstrap"
            };
            bail!(
                "Error executing {how} in a container of {} (exit code {code})\n\
                 The bootstrap.log file contains:\n{text}",
                self.image
            );
        }
        Ok(())
    }

    /// mtr's re-bootstrap for InnoDB layout options, in a container.
    fn rebootstrap(&self, spec: &StartSpec, options: Vec<String>) -> anyhow::Result<()> {
        let sql_file = &self
            .bootstrapped
            .get()
            .context("the template data directory was not prepared")?
            .sql_file;
        let mut args = self.init_args(&spec.datadir, &spec.vardir, sql_file)?;
        args.extend(options);
        self.run_bootstrap(&args, sql_file, &spec.vardir)
    }
}

impl Backend for ContainerBackend {
    fn describe(&self) -> String {
        format!(
            "container {} on {} ({})",
            self.image,
            self.engine.address(),
            self.version
        )
    }

    fn features(&self) -> &ServerFeatures {
        &self.features
    }

    fn optional_plugins(&self) -> &[String] {
        &self.optional_plugins
    }

    fn layout(&self) -> &Layout {
        &self.layout
    }

    fn variables(&self) -> &BTreeMap<String, String> {
        &self.variables
    }

    fn bootstrap(&self) -> Option<&Bootstrap> {
        self.bootstrapped.get()
    }

    fn prepare(&self, vardir: &Path, tree: &Path) -> anyhow::Result<()> {
        let _ = self.mounts.set(vec![
            (tree.to_path_buf(), AccessMode::ReadOnly),
            (vardir.to_path_buf(), AccessMode::ReadWrite),
        ]);
        let datadir = vardir.join("install.db");
        if datadir.exists() {
            std::fs::remove_dir_all(&datadir)?;
        }
        let sql = if self.is_mysql() {
            initialize_sql()
        } else {
            bootstrap_sql(&self.facts.share_copy, tree)?
        };
        for dir in [vardir.join("tmp"), vardir.join("log")] {
            std::fs::create_dir_all(dir)?;
        }
        let sql_file = vardir.join("log/bootstrap.sql");
        std::fs::write(&sql_file, &sql)?;
        let args = self.init_args(&datadir, vardir, &sql_file)?;
        let _ = self.bootstrapped.set(Bootstrap {
            command: format!("{} {}", self.facts.exe.display(), args.join(" ")),
            sql_file: sql_file.clone(),
        });
        self.run_bootstrap(&args, &sql_file, vardir)?;
        let _ = self.template.set(datadir);
        Ok(())
    }

    fn start(&self, spec: &StartSpec) -> anyhow::Result<Box<dyn Server>> {
        let template = self.template.get().context("not prepared")?;
        fresh_datadir(spec, template, |options| self.rebootstrap(spec, options))?;
        let mut args = server_args(spec);
        if self.is_mysql() {
            args = loosen_unknown_switches(args, &self.variables);
        }
        let launch = Launch {
            engine: &self.engine,
            image: &self.image,
            holder: self.holder(spec.worker_ports.clone())?,
            exe: &self.facts.exe,
            args: &args,
            mounts: self.mounts()?,
            user: container_user(),
            reaper: &self.reaper,
        };
        Ok(Box::new(ContainerServer::start(launch, spec)?))
    }
}

/// Seconds a pull may take (`RMTR_PULL_TIMEOUT`, default 300).
fn pull_limit() -> Duration {
    let seconds = std::env::var("RMTR_PULL_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    Duration::from_secs(seconds)
}

/// A runner that is not root runs its containers as itself, so that what
/// they write into the var directory stays its own.
fn container_user() -> Option<String> {
    if is_root() {
        return None;
    }
    // SAFETY: getuid and getgid have no preconditions.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    Some(format!("{uid}:{gid}"))
}

/// Runs the probe script in a one-shot container and reads what it found.
fn probe_image(engine: &Arc<Engine>, image: &str, out: &Path) -> anyhow::Result<ImageFacts> {
    let command = vec![
        PROBE_SCRIPT.to_string(),
        "sh".into(),
        out.display().to_string(),
    ];
    let mounts = [(out.to_path_buf(), AccessMode::ReadWrite)];
    let code = run_one_shot(engine, image, command, &mounts)?;
    if code != 0 {
        bail!(
            "reading image {image} failed (exit code {code}): is it a MariaDB or MySQL server image?"
        );
    }
    ImageFacts::read(out)
}

/// Runs `sh -c COMMAND...` in a container of `image` with `mounts`, waits
/// for it to end and returns its exit code.
fn run_one_shot(
    engine: &Arc<Engine>,
    image: &str,
    command: Vec<String>,
    mounts: &[(PathBuf, AccessMode)],
) -> anyhow::Result<i64> {
    let (name, tag) = split_image(image);
    let mut args = vec!["-c".to_string()];
    args.extend(command);
    let mut request = GenericImage::new(name, tag)
        .with_entrypoint("/bin/sh")
        .with_cmd(args)
        .with_labels(engine.labels().clone());
    for (dir, mode) in mounts {
        let dir = dir.display().to_string();
        request = request.with_mount(
            testcontainers::core::Mount::bind_mount(&dir, &dir).with_access_mode(*mode),
        );
    }
    if let Some(user) = container_user() {
        request = request.with_user(user);
    }
    let container = request
        .start()
        .with_context(|| format!("starting a container of {image}"))?;
    let end = Instant::now() + ONE_SHOT_LIMIT;
    while container.is_running()? {
        if Instant::now() >= end {
            bail!("a container of {image} did not finish within {ONE_SHOT_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(container.exit_code()?.unwrap_or(-1))
}

/// The image's directories, for the generated my.cnf; client programs are
/// this machine's.
fn image_layout(facts: &ImageFacts) -> Layout {
    let host = layout_for(Path::new("/usr/sbin/mariadbd"));
    Layout {
        basedir: facts.basedir(),
        bindir: facts
            .exe
            .parent()
            .map_or_else(|| PathBuf::from("/usr/sbin"), Path::to_path_buf),
        plugin_dir: facts.plugin_dir.clone(),
        charsets_dir: facts.charsets_dir.clone(),
        lc_messages_dir: facts.lc_messages_dir.clone(),
        share_dir: facts.share_dir.clone(),
        client_bindir: host.client_bindir,
        client_plugin_dir: host.client_plugin_dir,
    }
}

/// What the image's server supports, from its `--help --verbose`.
fn image_features(help: &Help, facts: &ImageFacts) -> ServerFeatures {
    ServerFeatures {
        debug_build: help.variables.contains_key("debug-dbug"),
        ssl: help
            .variables
            .get("version-ssl-library")
            .is_some_and(|v| !v.is_empty() && v != "(No default value)"),
        word_size: 64,
        flavor: flavor_of(&help.version_line).into(),
        plugins: super::plugins::plugin_names(&facts.plugin_tree.join("usr")),
        unsupported_binlog_formats: Default::default(),
    }
}
