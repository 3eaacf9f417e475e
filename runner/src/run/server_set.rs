//! The servers one worker runs, and when they restart. A test names a
//! config template and server options; servers keep running across tests
//! while both configure the servers the same way, and otherwise the worker
//! starts a new generation of servers: a fresh config and fresh data
//! directories.
//!
//! Generations alternate between two slots, each with its own var
//! directory and port range, so that the servers of the old generation shut
//! down cleanly in the background while the next test already runs on the
//! new ones. A slot is reused only after its old servers have exited; how
//! they exited (and what they logged on the way out) is reported as notes.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::environment::{RunEnv, set_timezone};
use super::options::RunOptions;
use super::warnings::suspicious;
use crate::config::{Config, FactoryArgs, expand_env, generate};
use crate::discover::TestCase;
use crate::servers::{Backend, Server, StartSpec};

/// Ports of one slot; a worker's block holds two.
const PORTS_PER_SLOT: u16 = 10;

/// A worker's servers and their configuration.
pub struct ServerSet {
    backend: Arc<dyn Backend>,
    opts: Arc<RunOptions>,
    /// The run's environment: option expansion, config generation and the
    /// servers' own environment read it.
    env: Arc<RunEnv>,
    /// The command line of the server started last (`$MYSQLD_LAST_CMD`).
    last_command: Option<String>,
    /// The worker's var directory; slot 1 uses a sibling with a `b` suffix.
    base_vardir: PathBuf,
    first_port: u16,
    slot: usize,
    active: Option<Active>,
    retiring: Vec<Retiring>,
    notes: Vec<String>,
    /// Whether servers were ever started: as in mtr, the first start of a
    /// worker's servers is not a restart.
    started_before: bool,
    /// Where each log's `CURRENT_TEST:` mark for the current test ends.
    marks: BTreeMap<PathBuf, u64>,
}

/// The configuration in force and the servers running under it.
pub struct Active {
    pub template: PathBuf,
    pub config: Config,
    pub config_file: PathBuf,
    pub vardir: PathBuf,
    pub timezone: Option<String>,
    pub servers: BTreeMap<String, Box<dyn Server>>,
    /// Options each group runs with for the current test.
    pub wanted: BTreeMap<String, Vec<String>>,
    /// mtr's environment for the current test, which servers and
    /// `-master.sh` scripts started for it inherit.
    pub server_env: BTreeMap<String, String>,
}

/// A server of an older generation on its way out.
struct Retiring {
    slot: usize,
    group: String,
    server: Box<dyn Server>,
    since: Instant,
    /// Where its log was when it was asked to stop.
    log_from: u64,
}

impl ServerSet {
    pub fn new(
        backend: Arc<dyn Backend>,
        opts: Arc<RunOptions>,
        env: Arc<RunEnv>,
        vardir: PathBuf,
        first_port: u16,
    ) -> Self {
        ServerSet {
            backend,
            opts,
            env,
            last_command: None,
            base_vardir: vardir,
            first_port,
            slot: 0,
            active: None,
            retiring: Vec::new(),
            notes: Vec::new(),
            started_before: false,
            marks: BTreeMap::new(),
        }
    }

    /// The var directory of the servers in use (the test's `$MYSQLTEST_VARDIR`).
    pub fn vardir(&self) -> PathBuf {
        self.active.as_ref().map_or_else(
            || slot_dir(&self.base_vardir, self.slot),
            |a| a.vardir.clone(),
        )
    }

    pub fn active(&self) -> Option<&Active> {
        self.active.as_ref()
    }

    pub fn active_mut(&mut self) -> Option<&mut Active> {
        self.active.as_mut()
    }

    /// The command line of the server started last, if any was.
    pub fn last_command(&self) -> Option<&str> {
        self.last_command.as_deref()
    }

    /// Problems seen while old servers shut down, since the last call.
    pub fn take_notes(&mut self) -> Vec<String> {
        self.reap(false);
        std::mem::take(&mut self.notes)
    }

    /// Gets the servers `test` needs running with its options; returns why
    /// servers were restarted for it, if they were.
    pub fn prepare_for(&mut self, test: &TestCase) -> anyhow::Result<Option<String>> {
        self.marks.clear();
        let reason = self.restart_reason(test);
        if let Some(reason) = &reason {
            // Each server's log was marked just before it started; a second
            // mark would hide its start-up messages from the test (mtr marks
            // a log once per test).
            self.new_generation(test)
                .with_context(|| format!("starting servers ({reason})"))?;
        } else {
            if let Some(active) = self.active.as_mut() {
                let env = option_env(&self.env, &active.vardir, &active.config, test);
                active.wanted = wanted_options(&active.config, test, &env);
                active.server_env = server_env(env, test);
            }
            self.mark_logs(test)?;
        }
        let first_start = !std::mem::replace(&mut self.started_before, true);
        Ok(reason.filter(|_| !first_start))
    }

    /// Why the running servers cannot serve `test`, if they cannot.
    fn restart_reason(&mut self, test: &TestCase) -> Option<String> {
        let Some(active) = self.active.as_mut() else {
            return Some("servers started".into());
        };
        if active.template != test.template {
            return Some(format!("configuration {} needed", test.template.display()));
        }
        if active.timezone != test.timezone {
            return Some("time zone changed".into());
        }
        let env = option_env(&self.env, &active.vardir, &active.config, test);
        let wanted = wanted_options(&active.config, test, &env);
        for (group, server) in active.servers.iter_mut() {
            if !server.is_running() {
                return Some(format!("{group} is not running"));
            }
            let want = wanted.get(group).map(Vec::as_slice).unwrap_or_default();
            if !same_configuration(server.started_with(), want) {
                return Some(format!("options of {group} changed"));
            }
        }
        if active.servers.is_empty() {
            return Some("servers started".into());
        }
        None
    }

    /// Retires the running servers and starts the test's in the other slot.
    fn new_generation(&mut self, test: &TestCase) -> anyhow::Result<()> {
        self.retire_active();
        self.slot = 1 - self.slot;
        self.reap_slot(self.slot);
        let vardir = slot_dir(&self.base_vardir, self.slot);
        clean_var_dir(&vardir)?;
        copy_std_data(&self.opts.tree.join("std_data"), &vardir.join("std_data"))?;
        let baseport = self.first_port + PORTS_PER_SLOT * self.slot as u16;
        let config = self.generate_config(test, &vardir, baseport)?;
        let config_file = vardir.join("my.cnf");
        std::fs::write(&config_file, config.render())?;
        let env = option_env(&self.env, &vardir, &config, test);
        let wanted = wanted_options(&config, test, &env);
        self.active = Some(Active {
            template: test.template.clone(),
            config,
            config_file,
            vardir,
            timezone: test.timezone.clone(),
            servers: BTreeMap::new(),
            wanted,
            server_env: server_env(env, test),
        });
        self.start_all(test)
    }

    fn generate_config(
        &self,
        test: &TestCase,
        vardir: &Path,
        baseport: u16,
    ) -> anyhow::Result<Config> {
        let layout = self.backend.layout();
        let env_lookup = |name: &str| match name {
            "MYSQLTEST_VARDIR" => Some(vardir.display().to_string()),
            "MYSQL_TEST_DIR" => Some(self.opts.tree.display().to_string()),
            "MYSQL_TMP_DIR" => Some(vardir.join("tmp").display().to_string()),
            other => self.env.vars.get(other).cloned(),
        };
        let mut args = FactoryArgs::new(
            layout.basedir.clone(),
            self.opts.tree.clone(),
            vardir.to_path_buf(),
            baseport,
            &env_lookup,
        );
        args.plugin_dir = layout.plugin_dir.clone();
        args.client_plugin_dir = layout.client_plugin_dir.clone();
        args.charsets_dir = layout.charsets_dir.clone();
        args.lc_messages_dir = layout.lc_messages_dir.clone();
        args.optional_plugins = self.backend.optional_plugins().to_vec();
        generate(&test.template, &args)
            .with_context(|| format!("generating my.cnf from {}", test.template.display()))
    }

    /// The worker's whole block: both slots' ports.
    fn worker_ports(&self) -> std::ops::Range<u16> {
        self.first_port..self.first_port + 2 * PORTS_PER_SLOT
    }

    /// Starts every configured server, all at once, then waits for them.
    fn start_all(&mut self, test: &TestCase) -> anyhow::Result<()> {
        let timeout = self.opts.start_timeout;
        let ports = self.worker_ports();
        let active = self.active.as_mut().expect("configured");
        let groups: Vec<String> = active
            .config
            .mysqld_groups()
            .into_iter()
            .map(str::to_string)
            .collect();
        for group in &groups {
            if let Some(script) = pre_start_script(&active.config, group, test) {
                run_script(&script, &active.server_env, &self.opts.tree)?;
            }
            let mut spec = start_spec(active, group, timeout, ports.clone())?;
            spec.warm_up = !self.opts.check_testcases;
            let mark = mark_log(&spec.log_error, test)?;
            self.marks.insert(spec.log_error.clone(), mark);
            let server = self
                .backend
                .start(&spec)
                .with_context(|| format!("starting {group}"))?;
            self.last_command = Some(server.command_line().to_string());
            active.servers.insert(group.clone(), server);
        }
        for group in &groups {
            let server = active.servers.get_mut(group).expect("just started");
            if let Err(err) = server.wait_ready() {
                self.kill_all();
                return Err(err);
            }
        }
        Ok(())
    }

    /// Starts one group again (after the test shut it down), with the
    /// options the test gave in its `.expect` file added; its data stays.
    pub fn restart_group(&mut self, group: &str, extra: &[String]) -> anyhow::Result<()> {
        let timeout = self.opts.start_timeout;
        let ports = self.worker_ports();
        let active = self.active.as_mut().context("no configuration")?;
        if let Some(mut old) = active.servers.remove(group) {
            old.kill();
        }
        let mut spec = start_spec(active, group, timeout, ports)?;
        spec.args.extend(extra.iter().cloned());
        spec.fresh = false;
        let mut server = self.backend.start(&spec)?;
        self.last_command = Some(server.command_line().to_string());
        server.wait_ready()?;
        active.servers.insert(group.to_string(), server);
        Ok(())
    }

    /// Writes the test's name into every running server's error log.
    fn mark_logs(&mut self, test: &TestCase) -> anyhow::Result<()> {
        if let Some(active) = &self.active {
            for server in active.servers.values() {
                let mark = mark_log(server.log_error(), test)?;
                self.marks.insert(server.log_error().to_path_buf(), mark);
            }
        }
        Ok(())
    }

    /// Each log with the offset where the current test's mark ends.
    pub fn marks(&self) -> &BTreeMap<PathBuf, u64> {
        &self.marks
    }

    /// Asks the running servers to shut down; they finish in the background.
    pub fn retire_active(&mut self) {
        let slot = self.slot;
        if let Some(active) = self.active.as_mut() {
            for (group, mut server) in std::mem::take(&mut active.servers) {
                server.request_stop();
                let log_from = std::fs::metadata(server.log_error())
                    .map(|m| m.len())
                    .unwrap_or(0);
                self.retiring.push(Retiring {
                    slot,
                    group,
                    server,
                    since: Instant::now(),
                    log_from,
                });
            }
        }
    }

    /// Waits for the old servers of `slot` to be gone (killing laggards).
    fn reap_slot(&mut self, slot: usize) {
        let grace = self.opts.shutdown_timeout;
        for old in self.retiring.iter_mut().filter(|r| r.slot == slot) {
            while old.server.exited_cleanly().is_none() && old.since.elapsed() < grace {
                std::thread::sleep(Duration::from_millis(10));
            }
            if old.server.exited_cleanly().is_none() {
                old.server.kill();
                self.notes.push(format!(
                    "{} did not shut down within {:?} and was killed",
                    old.group, grace
                ));
            }
        }
        self.reap(false);
    }

    /// Collects servers that have exited and notes problems; `wait` waits for all.
    fn reap(&mut self, wait: bool) {
        let grace = self.opts.shutdown_timeout;
        let mut still = Vec::new();
        for mut old in std::mem::take(&mut self.retiring) {
            if wait {
                while old.server.exited_cleanly().is_none() && old.since.elapsed() < grace {
                    std::thread::sleep(Duration::from_millis(10));
                }
                if old.server.exited_cleanly().is_none() {
                    old.server.kill();
                }
            }
            match old.server.exited_cleanly() {
                None => still.push(old),
                Some(clean) => self.notes.extend(shutdown_problems(&old, clean)),
            }
        }
        self.retiring = still;
    }

    /// Stops every server cleanly and waits for them (end of run).
    pub fn stop_all(&mut self) {
        self.retire_active();
        self.reap(true);
    }

    /// Retires every server without waiting (after a failure).
    pub fn reset(&mut self) {
        self.retire_active();
    }

    /// Kills every running server at once (after a timeout or a crash).
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

/// What went wrong while a server shut down: a dirty exit, suspicious lines.
fn shutdown_problems(old: &Retiring, clean: bool) -> Vec<String> {
    let mut notes = Vec::new();
    if !clean {
        notes.push(format!(
            "{} did not exit cleanly at shutdown; see {}",
            old.group,
            old.server.log_error().display()
        ));
    }
    let text = std::fs::read(old.server.log_error()).unwrap_or_default();
    let from = (old.log_from as usize).min(text.len());
    for line in suspicious(&text[from..]) {
        notes.push(format!(
            "{} at shutdown: {}",
            old.group,
            String::from_utf8_lossy(&line)
        ));
    }
    notes
}

/// The var directory of a slot.
fn slot_dir(base: &Path, slot: usize) -> PathBuf {
    if slot == 0 {
        base.to_path_buf()
    } else {
        let mut name = base
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push("b");
        base.with_file_name(name)
    }
}

/// Whether two option lists configure a server the same way: equal, or
/// equal but for order when no option is given twice with different values.
pub fn same_configuration(a: &[String], b: &[String]) -> bool {
    if a == b {
        return true;
    }
    let (mut sa, mut sb) = (a.to_vec(), b.to_vec());
    sa.sort();
    sb.sort();
    sa == sb && !order_matters(a)
}

/// Whether some option appears twice with different settings.
fn order_matters(options: &[String]) -> bool {
    let mut seen: HashMap<String, &str> = HashMap::new();
    options.iter().any(|o| {
        let name = option_name(o);
        seen.insert(name, o).is_some_and(|earlier| earlier != o)
    })
}

/// An option's name with spelling variants made equal (`loose-`,
/// `skip-`/`enable-`/`disable-`, `_` for `-`), so that any two forms of the
/// same setting count as the same option.
fn option_name(option: &str) -> String {
    let body = option.trim_start_matches('-');
    let name = body.split('=').next().unwrap_or(body).replace('_', "-");
    let name = name.strip_prefix("loose-").unwrap_or(&name).to_string();
    ["skip-", "enable-", "disable-"]
        .iter()
        .find_map(|p| name.strip_prefix(p).map(str::to_string))
        .unwrap_or(name)
}

/// The environment `$NAME` in a test's options is expanded with: mtr
/// expands them at server start from its own environment, which by then
/// holds the worker's directories, the test's name and suite, and the
/// config's `[ENV]` group besides the run's exports.
fn option_env(
    run: &RunEnv,
    vardir: &Path,
    config: &Config,
    test: &TestCase,
) -> BTreeMap<String, String> {
    let mut env = run.vars.clone();
    let real = vardir
        .canonicalize()
        .unwrap_or_else(|_| vardir.to_path_buf());
    for (name, value) in [
        ("MYSQLTEST_VARDIR", vardir.display().to_string()),
        ("MYSQLTEST_REAL_VARDIR", real.display().to_string()),
        ("MYSQL_TMP_DIR", vardir.join("tmp").display().to_string()),
        ("MTR_TEST_NAME", test.id.full_name()),
        ("MTR_SUITE_DIR", test.suite_dir.display().to_string()),
    ] {
        env.insert(name.to_string(), value);
    }
    for (name, value) in config.env() {
        if let Some(value) = value {
            env.insert(name.to_string(), value.to_string());
        }
    }
    env
}

/// The environment servers started for `test` inherit: the option
/// environment with the test's `TZ` set, or removed as mtr's default.
fn server_env(mut env: BTreeMap<String, String>, test: &TestCase) -> BTreeMap<String, String> {
    set_timezone(&mut env, test);
    env
}

/// Options per group: slave options where `#!use-slave-opt`, else master
/// options, with references to the environment expanded.
fn wanted_options(
    config: &Config,
    test: &TestCase,
    env: &BTreeMap<String, String>,
) -> BTreeMap<String, Vec<String>> {
    let env = |name: &str| env.get(name).cloned();
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
fn start_spec(
    active: &Active,
    group: &str,
    start_timeout: Duration,
    worker_ports: std::ops::Range<u16>,
) -> anyhow::Result<StartSpec> {
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
        vardir: active.vardir.clone(),
        pid_file: value("pid-file")?,
        log_error: value("log-error")?,
        port: active
            .config
            .port(group)
            .with_context(|| format!("[{group}] has no port"))?,
        worker_ports,
        args: active.wanted.get(group).cloned().unwrap_or_default(),
        log_slave_updates: active.config.has_option(group, "log-slave-updates"),
        env: active.server_env.clone(),
        timezone: active.server_env.get("TZ").cloned(),
        start_timeout,
        fresh: true,
        warm_up: false,
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

/// Runs a `-master.sh`/`-slave.sh` as mtr does: `/bin/sh FILE` from the
/// test tree, in mtr's environment (the worker's directories, `[ENV]`, `TZ`).
fn run_script(script: &Path, env: &BTreeMap<String, String>, tree: &Path) -> anyhow::Result<()> {
    let mut command = std::process::Command::new("/bin/sh");
    command.arg(script).envs(env).current_dir(tree);
    if !env.contains_key("TZ") {
        command.env_remove("TZ");
    }
    let status = command.status()?;
    anyhow::ensure!(status.success(), "Failed to execute '{}'", script.display());
    Ok(())
}

/// mtr's `CURRENT_TEST:` marker, which the warnings check and crash
/// reports use to find a test's part of a server log.
/// Returns the log's length after the mark.
fn mark_log(log: &Path, test: &TestCase) -> anyhow::Result<u64> {
    use std::io::Write;
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)?;
    writeln!(file, "CURRENT_TEST: {}", test.id.full_name())?;
    Ok(file.metadata()?.len())
}

/// Removes what earlier servers of a slot left (data directories, tmp),
/// keeping logs and the copy of `std_data`.
fn clean_var_dir(vardir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(vardir)?;
    for entry in std::fs::read_dir(vardir)? {
        let entry = entry?;
        let keep = entry.file_name() == "log" || entry.file_name() == "std_data";
        if !keep && entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    for dir in ["tmp", "log", "run"] {
        std::fs::create_dir_all(vardir.join(dir))?;
    }
    Ok(())
}

/// The tree's `std_data` copied into a var directory the first time it is
/// used, as mtr copies it into each worker's (tests read and change files
/// under `$MYSQLTEST_VARDIR/std_data`): plain files, no `SCCS` directories.
fn copy_std_data(from: &Path, to: &Path) -> anyhow::Result<()> {
    if to.exists() || !from.is_dir() {
        return Ok(());
    }
    copy_plain_files(from, to).with_context(|| format!("copying {}", from.display()))
}

fn copy_plain_files(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let (path, target) = (entry.path(), to.join(entry.file_name()));
        if path.is_dir() {
            if entry.file_name() != "SCCS" {
                copy_plain_files(&path, &target)?;
            }
        } else if path.is_file() {
            std::fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{TempTree, one_server_config, test_case};

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn order_does_not_matter_without_conflicts() {
        let a = list(&[
            "--log-bin=master-bin",
            "--binlog-format=mixed",
            "--log-bin=master-bin",
        ]);
        let b = list(&[
            "--binlog-format=mixed",
            "--log-bin=master-bin",
            "--log-bin=master-bin",
        ]);
        assert!(same_configuration(&a, &b));
        assert!(!same_configuration(
            &a,
            &list(&["--binlog-format=row", "--log-bin=master-bin"])
        ));
    }

    #[test]
    fn order_matters_when_an_option_is_set_twice_differently() {
        let a = list(&["--binlog-format=row", "--binlog_format=mixed"]);
        let b = list(&["--binlog_format=mixed", "--binlog-format=row"]);
        assert!(!same_configuration(&a, &b));
        let c = list(&["--skip-log-bin", "--log-bin"]);
        let d = list(&["--log-bin", "--skip-log-bin"]);
        assert!(!same_configuration(&c, &d));
    }

    #[test]
    fn options_expand_with_the_worker_test_and_run_environment() {
        let tmp = TempTree::new("optenv");
        let (config, vardir) = one_server_config(&tmp);
        let mut run = RunEnv::default();
        run.vars
            .insert("HA_ARCHIVE_SO".into(), "ha_archive.so".into());
        let test = TestCase {
            path: tmp.path("main/t/x.test"),
            suite_dir: tmp.path("main"),
            template: PathBuf::from("t.cnf"),
            master_opts: list(&[
                "--general-log-file=$MYSQLTEST_VARDIR/log/master.log",
                "--plugin-load-add=$HA_ARCHIVE_SO",
                "--report-port=${MASTER_MYPORT}",
                "--x=$MTR_TEST_NAME",
            ]),
            ..test_case(rmtr_results::TestId::new("main", "x", Vec::new()))
        };
        let env = option_env(&run, &vardir, &config, &test);
        let wanted = wanted_options(&config, &test, &env);
        assert_eq!(
            wanted["mysqld.1"],
            [
                format!("--general-log-file={}/log/master.log", vardir.display()),
                "--plugin-load-add=ha_archive.so".to_string(),
                "--report-port=16000".to_string(),
                "--x=main.x".to_string(),
            ]
        );
    }

    #[test]
    fn std_data_is_copied_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("rmtr-stddata-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (tree, var) = (dir.join("tree/std_data"), dir.join("var"));
        std::fs::create_dir_all(tree.join("sub")).unwrap();
        std::fs::create_dir_all(tree.join("SCCS")).unwrap();
        std::fs::write(tree.join("sub/a.dat"), "a").unwrap();
        clean_var_dir(&var).unwrap();
        copy_std_data(&tree, &var.join("std_data")).unwrap();
        assert_eq!(std::fs::read(var.join("std_data/sub/a.dat")).unwrap(), b"a");
        assert!(!var.join("std_data/SCCS").exists());
        std::fs::write(var.join("std_data/changed"), "x").unwrap();
        std::fs::create_dir_all(var.join("mysqld.1")).unwrap();
        clean_var_dir(&var).unwrap();
        copy_std_data(&tree, &var.join("std_data")).unwrap();
        assert!(
            var.join("std_data/changed").exists(),
            "copied once per run, as mtr"
        );
        assert!(!var.join("mysqld.1").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn start_scripts_see_mtr_environment_and_time_zone() {
        let dir = std::env::temp_dir().join(format!("rmtr-mastersh-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let script = dir.join("x-master.sh");
        std::fs::write(
            &script,
            "echo \"$MYSQLTEST_VARDIR ${TZ-unset} $(pwd)\" > out\n",
        )
        .unwrap();
        let mut env = BTreeMap::new();
        env.insert("MYSQLTEST_VARDIR".to_string(), "/v/1".to_string());
        let mut test = TestCase {
            path: dir.join("x.test"),
            suite_dir: dir.clone(),
            template: PathBuf::from("t.cnf"),
            ..test_case(rmtr_results::TestId::new("main", "x", Vec::new()))
        };
        run_script(&script, &server_env(env.clone(), &test), &dir).unwrap();
        let out = std::fs::read_to_string(dir.join("out")).unwrap();
        assert_eq!(out, format!("/v/1 unset {}\n", dir.display()));
        test.timezone = Some("GMT-3".into());
        run_script(&script, &server_env(env, &test), &dir).unwrap();
        let out = std::fs::read_to_string(dir.join("out")).unwrap();
        assert_eq!(out, format!("/v/1 GMT-3 {}\n", dir.display()));
        std::fs::write(&script, "exit 3\n").unwrap();
        let err = run_script(&script, &BTreeMap::new(), &dir).unwrap_err();
        assert!(err.to_string().starts_with("Failed to execute"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn slots_have_their_own_directories() {
        assert_eq!(slot_dir(Path::new("/v/1"), 0), Path::new("/v/1"));
        assert_eq!(slot_dir(Path::new("/v/1"), 1), Path::new("/v/1b"));
    }
}
