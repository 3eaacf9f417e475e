//! Real server binaries on this machine (`--server mariadbd[=PATH]`,
//! `--server mysqld[=PATH]`), run as mysql-test-run runs them: one template
//! data directory bootstrapped per run, copied for every server start; the
//! server started with the generated my.cnf and its group suffix, its output
//! appended to its error log, ready when its pid file appears.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use rmtr_mysqltest::client::{ConnectOptions, Connection};

use super::bootstrap::bootstrap_sql;
use super::process::{spawn_tied, stop, wait_timeout};
use super::{Backend, Layout, Server, StartSpec};
use crate::discover::ServerFeatures;

/// Where Debian and most distributions put the server.
const SERVER_CANDIDATES: &[&str] = &[
    "/usr/sbin/mariadbd",
    "/usr/sbin/mysqld",
    "/usr/libexec/mysqld",
];

/// Plugins that stay on although the server lists them as optional.
const KEEP_PLUGINS: &[&str] = &[
    "innodb-metrics",
    "innodb-buffer-page",
    "innodb-lock-waits",
    "innodb-locks",
    "innodb-trx",
    "gssapi",
];

/// Real server binaries.
pub struct LocalBackend {
    exe: PathBuf,
    layout: Layout,
    features: ServerFeatures,
    optional_plugins: Vec<String>,
    version: String,
    /// The bootstrapped data directory every server copies.
    template: std::sync::OnceLock<PathBuf>,
}

impl LocalBackend {
    /// Finds the binary (the given path, or the usual places) and reads what it supports.
    pub fn detect(path: Option<&Path>, flavor_hint: &str) -> anyhow::Result<Self> {
        let exe = match path {
            Some(p) => p.to_path_buf(),
            None => find_server(flavor_hint)?,
        };
        if !exe.is_file() {
            bail!("server binary {} not found", exe.display());
        }
        let layout = layout_for(&exe);
        let help = help_text(&exe)?;
        let version = help.lines().next().unwrap_or_default().to_string();
        let features = ServerFeatures {
            debug_build: has_variable(&help, "debug-dbug"),
            ssl: variable(&help, "version-ssl-library")
                .is_some_and(|v| !v.is_empty() && v != "(No default value)"),
            word_size: 64,
            flavor: if version.contains("MariaDB") {
                "mariadb".into()
            } else {
                "mysql".into()
            },
        };
        Ok(LocalBackend {
            optional_plugins: optional_plugins(&help),
            exe,
            layout,
            features,
            version,
            template: std::sync::OnceLock::new(),
        })
    }

    fn template_dir(&self) -> anyhow::Result<&Path> {
        self.template
            .get()
            .map(PathBuf::as_path)
            .context("the template data directory was not prepared")
    }

    /// Runs `--bootstrap` into `datadir`.
    fn bootstrap(&self, datadir: &Path, vardir: &Path, tree: &Path) -> anyhow::Result<()> {
        let share = self
            .layout
            .share_dir
            .clone()
            .context("no share directory with the system scripts")?;
        let sql = bootstrap_sql(&share, tree)?;
        let log_dir = vardir.join("log");
        std::fs::create_dir_all(datadir.join("mysql"))?;
        std::fs::create_dir_all(vardir.join("tmp"))?;
        std::fs::create_dir_all(&log_dir)?;
        std::fs::write(log_dir.join("bootstrap.sql"), &sql)?;
        let log = std::fs::File::create(log_dir.join("bootstrap.log"))?;
        let mut command = Command::new(&self.exe);
        command
            .args(self.bootstrap_args(datadir, vardir))
            .stdin(Stdio::piped())
            .stdout(log.try_clone()?)
            .stderr(log);
        let mut child =
            spawn_tied(command).with_context(|| format!("starting {}", self.exe.display()))?;
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().context("bootstrap stdin")?;
            stdin.write_all(sql.as_bytes())?;
        }
        let status = wait_timeout(&mut child, Duration::from_secs(180))
            .context("bootstrap did not finish")?;
        if !status.success() {
            let log = std::fs::read_to_string(log_dir.join("bootstrap.log")).unwrap_or_default();
            bail!("Error executing mariadbd --bootstrap\nThe bootstrap.log file contains:\n{log}");
        }
        Ok(())
    }

    fn bootstrap_args(&self, datadir: &Path, vardir: &Path) -> Vec<String> {
        let mut args = vec![
            "--no-defaults".to_string(),
            "--disable-getopt-prefix-matching".into(),
            "--bootstrap".into(),
            format!("--basedir={}", self.layout.basedir.display()),
            format!("--datadir={}", datadir.display()),
        ];
        if let Some(dir) = &self.layout.plugin_dir {
            args.push(format!("--plugin-dir={}", dir.display()));
        }
        args.push("--default-storage-engine=myisam".into());
        args.extend(
            self.optional_plugins
                .iter()
                .map(|p| format!("--loose-skip-plugin-{p}")),
        );
        args.extend([
            "--loose-innodb".to_string(),
            "--loose-innodb-log-file-size=10M".into(),
            "--disable-sync-frm".into(),
            format!("--tmpdir={}/tmp/", vardir.display()),
            "--core-file".into(),
            "--console".into(),
            "--character-set-server=latin1".into(),
            "--loose-disable-performance-schema".into(),
        ]);
        if let Some(dir) = &self.layout.lc_messages_dir {
            args.push(format!("--lc-messages-dir={}", dir.display()));
        }
        if let Some(dir) = &self.layout.charsets_dir {
            args.push(format!("--character-sets-dir={}", dir.display()));
        }
        if is_root() {
            args.push("--user=root".into());
        }
        args
    }

    /// The command line of a test server, as mtr builds it.
    fn server_args(&self, spec: &StartSpec) -> Vec<String> {
        let filtered = crate::config::server_args(&spec.args, spec.log_slave_updates);
        let defaults = filtered
            .defaults_file
            .clone()
            .unwrap_or_else(|| spec.config_file.display().to_string());
        let suffix = spec.group.strip_prefix("mysqld").unwrap_or("");
        let mut args = vec![
            format!("--defaults-group-suffix={suffix}"),
            format!("--defaults-file={defaults}"),
        ];
        if is_root() && !spec.args.iter().any(|a| a.starts_with("--user")) {
            args.push("--user=root".into());
        }
        args.push("--log-output=file".into());
        args.extend(filtered.args);
        if filtered.core_file {
            args.push("--core-file".into());
        }
        args.push("--loose-debug-sync-timeout=300".into());
        args
    }
}

impl Backend for LocalBackend {
    fn describe(&self) -> String {
        format!("{} ({})", self.exe.display(), self.version)
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

    fn prepare(&self, vardir: &Path, tree: &Path) -> anyhow::Result<()> {
        let datadir = vardir.join("install.db");
        if datadir.exists() {
            std::fs::remove_dir_all(&datadir)?;
        }
        self.bootstrap(&datadir, vardir, tree)?;
        let _ = self.template.set(datadir);
        Ok(())
    }

    fn start(&self, spec: &StartSpec) -> anyhow::Result<Box<dyn Server>> {
        if spec.fresh || !spec.datadir.exists() {
            if spec.datadir.exists() {
                std::fs::remove_dir_all(&spec.datadir)?;
            }
            copy_tree(self.template_dir()?, &spec.datadir)?;
        }
        std::fs::create_dir_all(&spec.tmpdir)?;
        if let Some(dir) = spec.log_error.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let _ = std::fs::remove_file(&spec.pid_file);
        let args = self.server_args(spec);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&spec.log_error)?;
        {
            use std::io::Write;
            let mut head = &log;
            writeln!(head, "$ {} {}", self.exe.display(), args.join(" "))?;
        }
        let mut command = Command::new(&self.exe);
        command
            .args(&args)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        match &spec.timezone {
            Some(tz) => command.env("TZ", tz),
            None => command.env_remove("TZ"),
        };
        let child =
            spawn_tied(command).with_context(|| format!("starting {}", self.exe.display()))?;
        Ok(Box::new(LocalServer {
            group: spec.group.clone(),
            port: spec.port,
            log_error: spec.log_error.clone(),
            pid_file: spec.pid_file.clone(),
            start_timeout: spec.start_timeout,
            child,
            started_with: spec.args.clone(),
        }))
    }
}

/// A server process of this machine.
pub struct LocalServer {
    group: String,
    port: u16,
    log_error: PathBuf,
    pid_file: PathBuf,
    start_timeout: Duration,
    child: Child,
    started_with: Vec<String>,
}

impl LocalServer {
    /// Waits for the pid file, failing early when the process dies.
    fn wait_for_pid_file(&mut self) -> anyhow::Result<()> {
        let timeout = self.start_timeout;
        let end = Instant::now() + timeout;
        loop {
            if self.pid_file.exists() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                bail!(
                    "{} exited during start-up ({status}); see {}",
                    self.group,
                    self.log_error.display()
                );
            }
            if Instant::now() >= end {
                self.kill();
                bail!(
                    "{} did not start within {:?}; see {}",
                    self.group,
                    timeout,
                    self.log_error.display()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl LocalServer {
    /// Completes the checkpoint a server with a binary log requests at start:
    /// otherwise the engine finishes it on its once-a-second flush, and the
    /// first RESET MASTER of a test waits up to a second for it. Flushing the
    /// engine log writes nothing to the binary log and changes no data.
    fn warm_up(&mut self) {
        let opts = ConnectOptions {
            port: self.port,
            database: None,
            connect_timeout: Duration::from_secs(5),
            ..ConnectOptions::default()
        };
        let end = Instant::now() + Duration::from_secs(5);
        while Instant::now() < end && self.is_running() {
            if let Ok(mut conn) = Connection::connect(&opts) {
                let _ = conn.query(b"FLUSH NO_WRITE_TO_BINLOG ENGINE LOGS");
                conn.quit();
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Server for LocalServer {
    fn port(&self) -> u16 {
        self.port
    }

    fn log_error(&self) -> &Path {
        &self.log_error
    }

    fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn wait_ready(&mut self) -> anyhow::Result<()> {
        self.wait_for_pid_file()?;
        self.warm_up();
        Ok(())
    }

    fn stop(&mut self, grace: Duration) {
        stop(&mut self.child, grace);
    }

    fn kill(&mut self) {
        super::process::kill(&mut self.child);
    }

    fn request_stop(&mut self) {
        if self.is_running() {
            super::process::signal(self.child.id(), libc::SIGTERM);
        }
    }

    fn exited_cleanly(&mut self) -> Option<bool> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.success()),
            Ok(None) => None,
            Err(_) => Some(false),
        }
    }

    fn started_with(&self) -> &[String] {
        &self.started_with
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if self.is_running() {
            self.kill();
        }
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// The usual binary for a flavor.
fn find_server(flavor: &str) -> anyhow::Result<PathBuf> {
    let wanted = if flavor == "mysqld" {
        "mysqld"
    } else {
        "mariadbd"
    };
    SERVER_CANDIDATES
        .iter()
        .map(PathBuf::from)
        .find(|p| {
            p.is_file()
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(wanted))
        })
        .or_else(|| {
            SERVER_CANDIDATES
                .iter()
                .map(PathBuf::from)
                .find(|p| p.is_file())
        })
        .with_context(|| {
            format!(
                "no {wanted} binary found (looked in {})",
                SERVER_CANDIDATES.join(", ")
            )
        })
}

/// Installation directories derived from the binary's location.
fn layout_for(exe: &Path) -> Layout {
    let basedir = exe
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| PathBuf::from("/usr"), Path::to_path_buf);
    let share = ["share/mariadb", "share/mysql"]
        .iter()
        .map(|d| basedir.join(d))
        .find(|d| d.join("mysql_system_tables.sql").is_file());
    let charsets = ["share/mariadb/charsets", "share/mysql/charsets"]
        .iter()
        .map(|d| basedir.join(d))
        .find(|d| d.is_dir());
    let lc_messages = ["share/mariadb", "share/mysql"]
        .iter()
        .map(|d| basedir.join(d))
        .find(|d| d.join("english").is_dir());
    let plugin_dir = [
        "lib/mysql/plugin",
        "lib/x86_64-linux-gnu/mariadb19/plugin",
        "lib/mariadb/plugin",
    ]
    .iter()
    .map(|d| basedir.join(d))
    .find(|d| d.is_dir());
    Layout {
        client_bindir: basedir.join("bin"),
        bindir: exe
            .parent()
            .map_or_else(|| basedir.join("sbin"), Path::to_path_buf),
        basedir,
        plugin_dir,
        charsets_dir: charsets,
        lc_messages_dir: lc_messages,
        share_dir: share,
    }
}

/// `--help --verbose` output (plugins and variables).
fn help_text(exe: &Path) -> anyhow::Result<String> {
    let mut command = Command::new(exe);
    command.args(["--no-defaults", "--help", "--verbose"]);
    if is_root() {
        command.arg("--user=root");
    }
    let output = command
        .output()
        .with_context(|| format!("running {} --help", exe.display()))?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    if text.is_empty() {
        text = String::from_utf8_lossy(&output.stderr).into_owned();
    }
    Ok(text)
}

/// Plugins the server can do without, from the option list of `--help`.
fn optional_plugins(help: &str) -> Vec<String> {
    let re = regex::Regex::new(
        r"^  --([-a-z0-9]+)\[=name\] +Enable or disable \w+ plugin. One of: ON, OFF, FORCE",
    )
    .expect("valid");
    help.lines()
        .filter_map(|l| re.captures(l).map(|c| c[1].to_string()))
        .filter(|p| !KEEP_PLUGINS.contains(&p.as_str()))
        .collect()
}

/// The value of a variable in the variables table of `--help`.
fn variable<'a>(help: &'a str, name: &str) -> Option<&'a str> {
    help.lines().find_map(|l| {
        let rest = l.strip_prefix(name)?;
        rest.starts_with(' ').then(|| rest.trim())
    })
}

fn has_variable(help: &str, name: &str) -> bool {
    variable(help, name).is_some()
}

/// Copies a directory tree (the template data directory).
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).with_context(|| {
                format!("copying {} to {}", entry.path().display(), target.display())
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plugins_and_variables_from_help() {
        let help = "mariadbd  Ver 10.11\n  --archive[=name]    Enable or disable ARCHIVE plugin. One of: ON, OFF, FORCE (don't start)\n  --innodb-trx[=name] Enable or disable INNODB_TRX plugin. One of: ON, OFF, FORCE\n\nVariables\n---------\ndebug-dbug                 \nversion-ssl-library OpenSSL 3.0\n";
        assert_eq!(optional_plugins(help), ["archive"]);
        assert!(has_variable(help, "debug-dbug"));
        assert_eq!(variable(help, "version-ssl-library"), Some("OpenSSL 3.0"));
        assert!(!has_variable(help, "version-ssl"));
    }
}
