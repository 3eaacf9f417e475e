//! The servers one worker runs, and when they restart. A test names a
//! config template and server options; servers keep running across tests
//! while both stay the same (mtr's rule: exact option lists), a server
//! whose options change is restarted, and a new template (or every server
//! stopped) means a fresh config, fresh data directories and fresh starts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::options::RunOptions;
use crate::config::{Config, FactoryArgs, expand_env, generate};
use crate::discover::TestCase;
use crate::servers::{Backend, Server, StartSpec};

/// A worker's servers and their configuration.
pub struct ServerSet {
    backend: Arc<dyn Backend>,
    opts: Arc<RunOptions>,
    vardir: PathBuf,
    baseport: u16,
    active: Option<Active>,
}

/// The configuration in force and the servers running under it.
pub struct Active {
    pub template: PathBuf,
    pub config: Config,
    pub config_file: PathBuf,
    pub timezone: Option<String>,
    pub servers: BTreeMap<String, Box<dyn Server>>,
    /// Options each group should run with for the current test.
    pub wanted: BTreeMap<String, Vec<String>>,
}

impl ServerSet {
    pub fn new(
        backend: Arc<dyn Backend>,
        opts: Arc<RunOptions>,
        vardir: PathBuf,
        baseport: u16,
    ) -> Self {
        ServerSet {
            backend,
            opts,
            vardir,
            baseport,
            active: None,
        }
    }

    pub fn vardir(&self) -> &Path {
        &self.vardir
    }

    pub fn baseport(&self) -> u16 {
        self.baseport
    }

    pub fn active(&self) -> Option<&Active> {
        self.active.as_ref()
    }

    pub fn active_mut(&mut self) -> Option<&mut Active> {
        self.active.as_mut()
    }

    /// Gets the servers `test` needs running with its options; returns why
    /// servers were (re)started, if they were.
    pub fn prepare_for(&mut self, test: &TestCase) -> anyhow::Result<Option<String>> {
        let mut reason = None;
        if self
            .active
            .as_ref()
            .is_some_and(|a| a.template != test.template || a.timezone != test.timezone)
        {
            self.stop_all();
            self.active = None;
            reason = Some("configuration changed".to_string());
        }
        if self.active.as_ref().is_none_or(|a| a.servers.is_empty()) {
            self.fresh_config(test)?;
        }
        let active = self.active.as_mut().expect("configured");
        active.wanted = wanted_options(&active.config, test);
        let wanted = &active.wanted;
        let stale: Vec<String> = active
            .servers
            .iter_mut()
            .filter_map(|(group, server)| {
                let changed = Some(server.started_with()) != wanted.get(group).map(Vec::as_slice);
                (!server.is_running() || changed).then(|| group.clone())
            })
            .collect();
        for group in &stale {
            if let Some(mut server) = active.servers.remove(group) {
                server.stop(self.opts.shutdown_timeout);
            }
            reason = Some(format!("options of {group} changed"));
        }
        let started = self.start_missing(test)?;
        if started && reason.is_none() {
            reason = Some("servers started".to_string());
        }
        self.mark_logs(test)?;
        Ok(reason)
    }

    /// Generates the config for the test's template into a clean var directory.
    fn fresh_config(&mut self, test: &TestCase) -> anyhow::Result<()> {
        clean_var_dir(&self.vardir)?;
        let layout = self.backend.layout();
        let env_lookup = |name: &str| match name {
            "MYSQLTEST_VARDIR" => Some(self.vardir.display().to_string()),
            "MYSQL_TEST_DIR" => Some(self.opts.tree.display().to_string()),
            "MYSQL_TMP_DIR" => Some(self.vardir.join("tmp").display().to_string()),
            other => std::env::var(other).ok(),
        };
        let mut args = FactoryArgs::new(
            layout.basedir.clone(),
            self.opts.tree.clone(),
            self.vardir.clone(),
            self.baseport,
            &env_lookup,
        );
        args.plugin_dir = layout.plugin_dir.clone();
        args.client_plugin_dir = layout.plugin_dir.clone();
        args.charsets_dir = layout.charsets_dir.clone();
        args.lc_messages_dir = layout.lc_messages_dir.clone();
        args.optional_plugins = self.backend.optional_plugins().to_vec();
        let config = generate(&test.template, &args)
            .with_context(|| format!("generating my.cnf from {}", test.template.display()))?;
        let config_file = self.vardir.join("my.cnf");
        std::fs::write(&config_file, config.render())?;
        self.active = Some(Active {
            template: test.template.clone(),
            config,
            config_file,
            timezone: test.timezone.clone(),
            servers: BTreeMap::new(),
            wanted: BTreeMap::new(),
        });
        Ok(())
    }

    /// Starts every configured server not running, all at once, then waits.
    fn start_missing(&mut self, test: &TestCase) -> anyhow::Result<bool> {
        let active = self.active.as_mut().expect("configured");
        let groups: Vec<String> = active
            .config
            .mysqld_groups()
            .into_iter()
            .map(str::to_string)
            .collect();
        let mut started = Vec::new();
        let missing: Vec<String> = groups
            .into_iter()
            .filter(|g| !active.servers.contains_key(g))
            .collect();
        for group in &missing {
            if let Some(script) = pre_start_script(&active.config, group, test) {
                run_script(&script)?;
            }
            let spec = start_spec(active, group, self.opts.start_timeout)?;
            mark_log(&spec.log_error, test)?;
            let server = self
                .backend
                .start(&spec)
                .with_context(|| format!("starting {group}"))?;
            active.servers.insert(group.clone(), server);
            started.push(group.clone());
        }
        for group in &started {
            let server = active.servers.get_mut(group).expect("just started");
            if let Err(err) = server.wait_ready() {
                self.kill_all();
                return Err(err);
            }
        }
        Ok(!started.is_empty())
    }

    /// Writes the test's name into every running server's error log.
    fn mark_logs(&mut self, test: &TestCase) -> anyhow::Result<()> {
        if let Some(active) = &self.active {
            for server in active.servers.values() {
                mark_log(server.log_error(), test)?;
            }
        }
        Ok(())
    }

    /// Starts one group again (after the test shut it down), with the
    /// options the test gave in its `.expect` file added.
    pub fn restart_group(&mut self, group: &str, extra: &[String]) -> anyhow::Result<()> {
        let timeout = self.opts.start_timeout;
        let active = self.active.as_mut().context("no configuration")?;
        if let Some(mut old) = active.servers.remove(group) {
            old.kill();
        }
        let mut spec = start_spec(active, group, timeout)?;
        spec.args.extend(extra.iter().cloned());
        spec.fresh = false;
        let mut server = self.backend.start(&spec)?;
        server.wait_ready()?;
        active.servers.insert(group.to_string(), server);
        Ok(())
    }

    /// Stops every server cleanly.
    pub fn stop_all(&mut self) {
        if let Some(active) = self.active.as_mut() {
            for (_, mut server) in std::mem::take(&mut active.servers) {
                server.stop(self.opts.shutdown_timeout);
            }
        }
    }

    /// Kills every server at once (after a timeout or a crash).
    pub fn kill_all(&mut self) {
        if let Some(active) = self.active.as_mut() {
            for (_, mut server) in std::mem::take(&mut active.servers) {
                server.kill();
            }
        }
    }

    /// Groups whose server died.
    pub fn dead_servers(&mut self) -> Vec<String> {
        let Some(active) = self.active.as_mut() else {
            return Vec::new();
        };
        active
            .servers
            .iter_mut()
            .filter_map(|(group, server)| (!server.is_running()).then(|| group.clone()))
            .collect()
    }

    /// Whether a test asked for servers to restart after it.
    pub fn restart_requested(&self) -> bool {
        let Some(active) = &self.active else {
            return false;
        };
        active.config.mysqld_groups().iter().any(|g| {
            active
                .config
                .value(g, "datadir")
                .is_some_and(|d| Path::new(d).join("mtr/force_restart").exists())
        })
    }
}

/// Options per group: slave options where `#!use-slave-opt`, else master
/// options, with environment references expanded.
fn wanted_options(config: &Config, test: &TestCase) -> BTreeMap<String, Vec<String>> {
    let env = |name: &str| std::env::var(name).ok();
    config
        .mysqld_groups()
        .into_iter()
        .map(|group| {
            let opts = if config.magic(group, "#!use-slave-opt").is_some() {
                &test.slave_opts
            } else {
                &test.master_opts
            };
            let expanded = opts.iter().map(|o| expand_env(o, &env)).collect();
            (group.to_string(), expanded)
        })
        .collect()
}

/// What the backend needs to start one group.
fn start_spec(active: &Active, group: &str, start_timeout: Duration) -> anyhow::Result<StartSpec> {
    let value = |option: &str| {
        active
            .config
            .value(group, option)
            .map(PathBuf::from)
            .with_context(|| format!("[{group}] has no {option}"))
    };
    Ok(StartSpec {
        group: group.to_string(),
        config_file: active.config_file.clone(),
        datadir: value("datadir")?,
        tmpdir: value("tmpdir")?,
        pid_file: value("pid-file")?,
        log_error: value("log-error")?,
        port: active
            .config
            .port(group)
            .with_context(|| format!("[{group}] has no port"))?,
        socket: value("socket")?,
        args: active.wanted.get(group).cloned().unwrap_or_default(),
        log_slave_updates: active.config.has_option(group, "log-slave-updates"),
        timezone: active.timezone.clone(),
        start_timeout,
        fresh: true,
    })
}

/// `t-master.sh` / `t-slave.sh` for groups marked to run them.
fn pre_start_script(config: &Config, group: &str, test: &TestCase) -> Option<PathBuf> {
    if config.magic(group, "#!run-master-sh").is_some() {
        return test.master_sh.clone();
    }
    if config.magic(group, "#!run-slave-sh").is_some() {
        return test.slave_sh.clone();
    }
    None
}

fn run_script(script: &Path) -> anyhow::Result<()> {
    let status = std::process::Command::new("/bin/sh").arg(script).status()?;
    anyhow::ensure!(status.success(), "Failed to execute '{}'", script.display());
    Ok(())
}

/// mtr's `CURRENT_TEST:` marker, which the warnings check and crash
/// reports use to find a test's part of a server log.
fn mark_log(log: &Path, test: &TestCase) -> anyhow::Result<()> {
    use std::io::Write;
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)?;
    writeln!(file, "CURRENT_TEST: {}", test.id.full_name())?;
    Ok(())
}

/// Removes what earlier servers left (data directories, tmp) but keeps logs.
fn clean_var_dir(vardir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(vardir)?;
    for entry in std::fs::read_dir(vardir)? {
        let entry = entry?;
        let name = entry.file_name();
        let keep = matches!(name.to_str(), Some("log" | "install.db"));
        if !keep && entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    for dir in ["tmp", "log", "run"] {
        std::fs::create_dir_all(vardir.join(dir))?;
    }
    Ok(())
}
