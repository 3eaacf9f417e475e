//! Real server binaries on this machine (`--server mariadbd[=PATH]`,
//! `--server mysqld[=PATH]`), run as mysql-test-run runs them: one template
//! data directory bootstrapped per run, copied for every server start; the
//! server started with the generated my.cnf and its group suffix, its output
//! appended to its error log, ready when its pid file appears.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

use super::bootstrap::bootstrap_sql;
use super::process::{spawn_tied, wait_timeout};
use super::server_process::ServerProcess;
use super::{Backend, Bootstrap, Layout, Server, StartSpec};
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
    /// The variables table of `--help --verbose`.
    variables: BTreeMap<String, String>,
    version: String,
    /// The bootstrapped data directory every server copies.
    template: std::sync::OnceLock<PathBuf>,
    /// How that directory was bootstrapped.
    bootstrapped: std::sync::OnceLock<Bootstrap>,
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
        let help = parse_help(&help_text(&exe)?);
        let version = help.version_line.clone();
        let features = ServerFeatures {
            debug_build: help.variables.contains_key("debug-dbug"),
            ssl: help
                .variables
                .get("version-ssl-library")
                .is_some_and(|v| !v.is_empty() && v != "(No default value)"),
            word_size: 64,
            flavor: flavor_of(&version).into(),
            plugins: super::plugins::plugin_names(&layout.basedir),
            unsupported_binlog_formats: Default::default(),
        };
        Ok(LocalBackend {
            optional_plugins: help.optional_plugins,
            variables: help.variables,
            exe,
            layout,
            features,
            version,
            template: std::sync::OnceLock::new(),
            bootstrapped: std::sync::OnceLock::new(),
        })
    }

    fn template_dir(&self) -> anyhow::Result<&Path> {
        self.template
            .get()
            .map(PathBuf::as_path)
            .context("the template data directory was not prepared")
    }

    /// Writes the bootstrap SQL and runs `--bootstrap` into the template `datadir`.
    fn bootstrap(&self, datadir: &Path, vardir: &Path, tree: &Path) -> anyhow::Result<()> {
        let share = self
            .layout
            .share_dir
            .clone()
            .context("no share directory with the system scripts")?;
        let sql = bootstrap_sql(&share, tree)?;
        let log_dir = vardir.join("log");
        std::fs::create_dir_all(&log_dir)?;
        let sql_file = log_dir.join("bootstrap.sql");
        std::fs::write(&sql_file, &sql)?;
        let args = bootstrap_args(&self.layout, &self.optional_plugins, datadir, vardir);
        let _ = self.bootstrapped.set(Bootstrap {
            command: format!("{} {}", self.exe.display(), args.join(" ")),
            sql_file,
        });
        self.run_bootstrap(args, &sql, datadir, vardir)
    }

    /// mtr's re-bootstrap: a server whose test options change how InnoDB
    /// lays out its files gets a data directory bootstrapped with them, not
    /// a copy of the template.
    fn rebootstrap(&self, spec: &StartSpec, options: Vec<String>) -> anyhow::Result<()> {
        let sql_file = &self
            .bootstrapped
            .get()
            .context("the template data directory was not prepared")?
            .sql_file;
        let sql = std::fs::read_to_string(sql_file)
            .with_context(|| format!("reading {}", sql_file.display()))?;
        let mut args = bootstrap_args(
            &self.layout,
            &self.optional_plugins,
            &spec.datadir,
            &spec.vardir,
        );
        args.extend(options);
        self.run_bootstrap(args, &sql, &spec.datadir, &spec.vardir)
    }

    /// Runs the server with `--bootstrap` arguments, feeding it `sql`; its
    /// output goes to `vardir/log/bootstrap.log`.
    fn run_bootstrap(
        &self,
        args: Vec<String>,
        sql: &str,
        datadir: &Path,
        vardir: &Path,
    ) -> anyhow::Result<()> {
        let log_dir = vardir.join("log");
        std::fs::create_dir_all(datadir.join("mysql"))?;
        std::fs::create_dir_all(vardir.join("tmp"))?;
        std::fs::create_dir_all(&log_dir)?;
        let log = std::fs::File::create(log_dir.join("bootstrap.log"))?;
        let mut command = Command::new(&self.exe);
        command
            .args(&args)
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

    fn variables(&self) -> &BTreeMap<String, String> {
        &self.variables
    }

    fn bootstrap(&self) -> Option<&Bootstrap> {
        self.bootstrapped.get()
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
        fresh_datadir(spec, self.template_dir()?, |options| {
            self.rebootstrap(spec, options)
        })?;
        let mut args = server_args(spec);
        if self.features.flavor == "mysql" {
            args = loosen_unknown_switches(args, &self.variables);
        }
        Ok(Box::new(ServerProcess::spawn(&self.exe, &args, spec)?))
    }
}

/// mtr's bootstrap options (no `--user`: the server bootstraps as root
/// without one).
pub(super) fn bootstrap_args(
    layout: &Layout,
    optional_plugins: &[String],
    datadir: &Path,
    vardir: &Path,
) -> Vec<String> {
    let mut args = vec![
        "--no-defaults".to_string(),
        "--disable-getopt-prefix-matching".into(),
        "--bootstrap".into(),
        format!("--basedir={}", layout.basedir.display()),
        format!("--datadir={}", datadir.display()),
    ];
    if let Some(dir) = &layout.plugin_dir {
        args.push(format!("--plugin-dir={}", dir.display()));
    }
    args.push("--default-storage-engine=myisam".into());
    args.extend(
        optional_plugins
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
    args.extend(message_and_charset_dirs(layout));
    args
}

/// Where the server finds its error messages and character sets.
fn message_and_charset_dirs(layout: &Layout) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(dir) = &layout.lc_messages_dir {
        args.push(format!("--lc-messages-dir={}", dir.display()));
    }
    if let Some(dir) = &layout.charsets_dir {
        args.push(format!("--character-sets-dir={}", dir.display()));
    }
    args
}

/// MySQL's counterpart of [`bootstrap_args`]: `--initialize-insecure`
/// makes the system tables and a password-less root, then runs `init_file`.
pub(super) fn initialize_args(
    layout: &Layout,
    datadir: &Path,
    vardir: &Path,
    init_file: &Path,
) -> Vec<String> {
    let mut args = vec![
        "--no-defaults".to_string(),
        "--initialize-insecure".into(),
        format!("--basedir={}", layout.basedir.display()),
        format!("--datadir={}", datadir.display()),
        format!("--init-file={}", init_file.display()),
        format!("--tmpdir={}/tmp/", vardir.display()),
        format!("--secure-file-priv={}", vardir.display()),
        "--core-file".into(),
        "--console".into(),
        "--character-set-server=latin1".into(),
        "--default-storage-engine=myisam".into(),
        "--loose-mysqlx=OFF".into(),
    ];
    if is_root() {
        args.push("--user=root".into());
    }
    if let Some(dir) = &layout.plugin_dir {
        args.push(format!("--plugin-dir={}", dir.display()));
    }
    args.extend(message_and_charset_dirs(layout));
    args
}

/// A MySQL server's command line with MariaDB's plugin switches made
/// `--loose-`: a bare `--name` its `--help --verbose` does not list (the
/// `--innodb`, `--innodb-trx`, … of MariaDB's `have_innodb.opt`) would stop
/// it, while what the switch asks for is built into MySQL.
pub(super) fn loosen_unknown_switches(
    args: Vec<String>,
    variables: &BTreeMap<String, String>,
) -> Vec<String> {
    args.into_iter()
        .map(|arg| match arg.strip_prefix("--") {
            Some(name)
                if !name.contains('=')
                    && !name.starts_with("loose-")
                    && !variables.contains_key(&name.replace('_', "-")) =>
            {
                format!("--loose-{name}")
            }
            _ => arg,
        })
        .collect()
}

/// Whose server a `--version`/`--help` first line names.
pub(super) fn flavor_of(version_line: &str) -> &'static str {
    if version_line.contains("MariaDB") {
        "mariadb"
    } else {
        "mysql"
    }
}

/// The command line of a test server, as mtr builds it.
pub(super) fn server_args(spec: &StartSpec) -> Vec<String> {
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

pub(super) fn is_root() -> bool {
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
pub(super) fn layout_for(exe: &Path) -> Layout {
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
    // With a trailing slash, as mtr's directory search returns it.
    let lc_messages = ["share/mariadb", "share/mysql"]
        .iter()
        .map(|d| basedir.join(d))
        .find(|d| d.join("english").is_dir())
        .map(|d| PathBuf::from(format!("{}/", d.display())));
    let plugin_dir = [
        "lib/mysql/plugin",
        "lib/x86_64-linux-gnu/mariadb19/plugin",
        "lib/mariadb/plugin",
    ]
    .iter()
    .map(|d| basedir.join(d))
    .find(|d| d.is_dir());
    let client_plugin_dir = client_plugin_dir(&basedir).or_else(|| plugin_dir.clone());
    Layout {
        client_bindir: basedir.join("bin"),
        client_plugin_dir,
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

/// What `--help --verbose` tells mtr about a server.
#[derive(Debug, Default)]
pub(super) struct Help {
    /// The first line: binary, version, system.
    pub version_line: String,
    /// Plugins the server can do without (mtr's `@optional_plugins`).
    pub optional_plugins: Vec<String>,
    /// The variables table (mtr's `%mysqld_variables`).
    pub variables: BTreeMap<String, String>,
}

/// Reads `--help --verbose` as mtr does: wrapped descriptions joined to
/// their option line, plugins from the option list (up to the dashed line
/// that heads the variables table), then variables up to an empty line.
pub(super) fn parse_help(text: &str) -> Help {
    let continuation = regex::Regex::new(r"\n {22}(\S)").expect("valid");
    let joined = continuation.replace_all(text, " $1");
    let plugin = regex::Regex::new(
        r"^  --([-a-z0-9]+)\[=name\] +Enable or disable \w+ plugin. One of: ON, OFF, FORCE",
    )
    .expect("valid");
    let dashes = regex::Regex::new(r"^-{30,}").expect("valid");
    let mut help = Help {
        version_line: text.lines().next().unwrap_or_default().to_string(),
        ..Help::default()
    };
    let mut lines = joined.lines().skip_while(|l| !l.contains("Copyright"));
    for line in lines.by_ref() {
        if let Some(c) = plugin.captures(line) {
            if !KEEP_PLUGINS.contains(&&c[1]) {
                help.optional_plugins.push(c[1].to_string());
            }
        }
        if dashes.is_match(line) {
            break;
        }
    }
    for line in lines {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once([' ', '\t']).unwrap_or((line, ""));
        help.variables
            .insert(name.to_string(), value.trim().to_string());
    }
    help
}

/// Where Debian-style packages put the client plugins: as mtr, the last
/// `lib/*/libmariadb3/plugin` that holds plugins.
fn client_plugin_dir(basedir: &Path) -> Option<PathBuf> {
    let mut found = None;
    for entry in std::fs::read_dir(basedir.join("lib")).ok()?.flatten() {
        let dir = entry.path().join("libmariadb3/plugin");
        let has_plugins = std::fs::read_dir(&dir).is_ok_and(|mut d| {
            d.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "so")))
        });
        if has_plugins && found.as_ref().is_none_or(|f: &PathBuf| dir > *f) {
            found = Some(dir);
        }
    }
    found
}

/// Gives a server starting from scratch (`spec.fresh`, or no data
/// directory yet) a copy of `template`, or a data directory of its own from
/// `rebootstrap` when its options change InnoDB's file layout; a restart the
/// test asked for keeps its data.
pub(super) fn fresh_datadir(
    spec: &StartSpec,
    template: &Path,
    rebootstrap: impl FnOnce(Vec<String>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if !spec.fresh && spec.datadir.exists() {
        return Ok(());
    }
    if spec.datadir.exists() {
        std::fs::remove_dir_all(&spec.datadir)?;
    }
    let options = rebootstrap_options(&spec.args);
    if options.is_empty() {
        copy_tree(template, &spec.datadir)
    } else {
        rebootstrap(options)
    }
}

/// Options matching this make mtr bootstrap a server's data directory anew.
static REBOOTSTRAP: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"--innodb[-_](?:page[-_]size|checksum[-_]algorithm|undo[-_]tablespaces|log[-_]group[-_]home[-_]dir|data[-_]home[-_]dir)|data[-_]file[-_]path|force_rebootstrap",
    )
    .expect("valid")
});

/// The test options the template data directory cannot serve (the page
/// size, checksums, undo and data file layout), which mtr bootstraps with.
fn rebootstrap_options(options: &[String]) -> Vec<String> {
    options
        .iter()
        .filter(|o| REBOOTSTRAP.is_match(o))
        .cloned()
        .collect()
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
    fn innodb_layout_options_need_a_new_bootstrap() {
        let options: Vec<String> = [
            "--innodb-page-size=64k",
            "--innodb_checksum_algorithm=crc32",
            "--loose-innodb-undo-tablespaces=3",
            "--innodb-data-file-path=ibdata1:12M:autoextend",
            "--innodb_temp_data_file_path=ibtmp1:12M",
            "--innodb-log-file-size=32M",
            "--innodb-buffer-pool-size=32M",
            "--debug-dbug=+d,force_rebootstrap",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let kept = rebootstrap_options(&options);
        assert_eq!(kept.len(), 5, "{kept:?}");
        assert!(
            !kept.iter().any(|o| o.starts_with("--loose-")),
            "mtr's pattern wants --innodb right at the start"
        );
        assert!(!kept.iter().any(|o| o.contains("log-file-size")));
        assert!(!kept.iter().any(|o| o.contains("buffer-pool")));
        assert!(rebootstrap_options(&["--innodb-file-per-table".into()]).is_empty());
    }

    #[test]
    fn mysql_gets_unknown_switches_as_loose_ones() {
        let variables: BTreeMap<String, String> =
            [("log-bin", ""), ("innodb-buffer-pool-size", "")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let args = [
            "--innodb",
            "--innodb-trx",
            "--log-bin",
            "--innodb_buffer_pool_size=8M",
            "--loose-foo",
            "--gtid-mode=ON",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            loosen_unknown_switches(args, &variables),
            [
                "--loose-innodb",
                "--loose-innodb-trx",
                "--log-bin",
                "--innodb_buffer_pool_size=8M",
                "--loose-foo",
                "--gtid-mode=ON",
            ]
        );
    }

    #[test]
    fn reads_plugins_and_variables_from_help() {
        let help = "mariadbd  Ver 10.11\nCopyright (c) 2000\n  --archive[=name]    Enable or disable ARCHIVE plugin. One of: ON, OFF, FORCE (don't start)\n  --innodb-cmp[=name] Enable or disable INNODB_CMP plugin. One of: ON, OFF,\n                      FORCE (don't start)\n  --innodb-trx[=name] Enable or disable INNODB_TRX plugin. One of: ON, OFF, FORCE\n\nVariables (--variable-name=value)\n------------------------------------------------------------ -------------\naria-recover-options                                         \ndebug-dbug                 \nversion-ssl-library OpenSSL 3.0\n\nTo see what variables\n";
        let help = parse_help(help);
        assert_eq!(help.optional_plugins, ["archive", "innodb-cmp"]);
        assert_eq!(help.variables["debug-dbug"], "");
        assert_eq!(help.variables["aria-recover-options"], "");
        assert_eq!(help.variables["version-ssl-library"], "OpenSSL 3.0");
        assert!(!help.variables.contains_key("version-ssl"));
        assert!(!help.variables.contains_key("To"));
        assert_eq!(help.version_line, "mariadbd  Ver 10.11");
    }

    #[test]
    fn client_plugins_come_from_a_libmariadb3_directory_with_plugins() {
        let base = std::env::temp_dir().join(format!("rmtr-layout-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("lib/empty/libmariadb3/plugin")).unwrap();
        assert_eq!(client_plugin_dir(&base), None);
        let dir = base.join("lib/x86_64-linux-gnu/libmariadb3/plugin");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("dialog.so"), "").unwrap();
        assert_eq!(client_plugin_dir(&base), Some(dir));
        std::fs::remove_dir_all(&base).unwrap();
    }
}
