//! Generation of a test's configuration from its template, following mtr's
//! rules.
//!
//! [`generate`] reads the template and completes it in this order: the
//! `loose-skip-plugin-*` lines for optional plugins go to `[mysqld]`; every
//! `[mysqld.N]` group gets the settings it lacks (directories, files, a port
//! from the base port in group order, a server id unused anywhere in the
//! file, …); `[mysqlbinlog]`, `[mysql_upgrade]`, `[client]` and `[mysqltest]`
//! are added if missing and completed; `[client]` is pointed at the first
//! server and a `[client.N]` is written for each `[mysqld.N]`; finally every
//! `@group.option` reference is resolved. Settings the template already has
//! are never replaced, except the connection settings of the client groups.

use std::path::{Path, PathBuf};

use super::cnf::{Cnf, Group};
use super::error::ConfigError;
use super::generated::{Config, MYSQLD_PREFIX};
use super::references::{self, Sources};

/// What mtr knows about the run when it generates a configuration.
pub struct FactoryArgs<'a> {
    /// The server installation (`basedir=`).
    pub basedir: PathBuf,
    /// The mysql-test root: relative templates and `!include` fallbacks are found here.
    pub testdir: PathBuf,
    /// The run's var directory: datadirs, logs, pid files.
    pub vardir: PathBuf,
    /// The run's tmp directory: per-server tmpdirs and sockets.
    pub tmpdir: PathBuf,
    /// First port handed out; servers then `@OPT.port` take the following ones.
    pub baseport: u16,
    /// Written as `#user` and copied to the client groups (mtr uses `root`).
    pub user: Option<String>,
    /// Written as `#password` and copied to the client groups (mtr uses an empty one).
    pub password: Option<String>,
    /// Server plugin directory (`plugin-dir` of each server), if known.
    pub plugin_dir: Option<PathBuf>,
    /// Client plugin directory (`plugin-dir` of `[client]`), if known.
    pub client_plugin_dir: Option<PathBuf>,
    /// Character set directory for servers and `[client]`, if known.
    pub charsets_dir: Option<PathBuf>,
    /// Error message directory for servers, if known.
    pub lc_messages_dir: Option<PathBuf>,
    /// Plugins to disable by default with `loose-skip-plugin-NAME` in `[mysqld]`.
    pub optional_plugins: Vec<String>,
    /// The environment `@ENV.X` falls back to when `[ENV]` lacks `X`.
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

impl<'a> FactoryArgs<'a> {
    /// Arguments with mtr's defaults: tmpdir under vardir, user `root`, empty password, nothing optional.
    pub fn new(
        basedir: PathBuf,
        testdir: PathBuf,
        vardir: PathBuf,
        baseport: u16,
        env: &'a dyn Fn(&str) -> Option<String>,
    ) -> Self {
        FactoryArgs {
            basedir,
            testdir,
            tmpdir: vardir.join("tmp"),
            vardir,
            baseport,
            user: Some("root".to_string()),
            password: Some(String::new()),
            plugin_dir: None,
            client_plugin_dir: None,
            charsets_dir: None,
            lc_messages_dir: None,
            optional_plugins: Vec::new(),
            env,
        }
    }
}

/// Settings every `[mysqld.N]` gets unless its template sets them, in mtr's order.
const MYSQLD_RULES: &[&str] = &[
    "basedir",
    "tmpdir",
    "character-sets-dir",
    "lc-messages-dir",
    "datadir",
    "pid-file",
    "#host",
    "port",
    "socket",
    "log-error",
    "general-log",
    "plugin-dir",
    "general-log-file",
    "slow-query-log",
    "slow-query-log-file",
    "#user",
    "#password",
    "server-id",
    "bind-address",
];

/// Client settings copied from a server: (client option, server option).
const CLIENT_FROM_SERVER: &[(&str, &str)] = &[
    ("port", "port"),
    ("socket", "socket"),
    ("host", "#host"),
    ("user", "#user"),
    ("password", "#password"),
];

/// Generates the configuration for `template` (relative paths are under `testdir`).
pub fn generate(template: &Path, args: &FactoryArgs<'_>) -> Result<Config, ConfigError> {
    let path = args.testdir.join(template);
    let cnf = Cnf::read(&path, &args.testdir)?;
    let mut factory = Factory {
        args,
        template: path.clone(),
        next_port: u32::from(args.baseport),
        next_server_id: 1,
    };
    let mut config = Config::from_cnf(path, cnf);
    factory.add_optional_plugins(&mut config);
    factory.complete_servers(&mut config)?;
    factory.complete_tools(&mut config);
    add_client_groups(&mut config);
    factory.resolve(&mut config)?;
    Ok(config)
}

/// Counters and inputs of one generation.
struct Factory<'f, 'a> {
    args: &'f FactoryArgs<'a>,
    template: PathBuf,
    next_port: u32,
    next_server_id: u64,
}

impl Factory<'_, '_> {
    /// Disables optional plugins in `[mysqld]` so tests opt in explicitly.
    fn add_optional_plugins(&self, config: &mut Config) {
        for plugin in &self.args.optional_plugins {
            let name = format!("loose-skip-plugin-{plugin}");
            config.ensure_group("mysqld").set(&name, None);
        }
    }

    /// Applies the per-server rules to each `[mysqld.N]` in order.
    fn complete_servers(&mut self, config: &mut Config) -> Result<(), ConfigError> {
        let names: Vec<String> = config
            .mysqld_groups()
            .into_iter()
            .map(String::from)
            .collect();
        for name in names {
            for rule in MYSQLD_RULES {
                if config.has_option(&name, rule) {
                    continue;
                }
                if let Some(value) = self.server_value(config, &name, rule)? {
                    config.ensure_group(&name).push(rule, Some(value));
                }
            }
        }
        Ok(())
    }

    /// The generated value of one server setting; `None` when the run does not know it.
    fn server_value(
        &mut self,
        config: &Config,
        name: &str,
        rule: &str,
    ) -> Result<Option<String>, ConfigError> {
        let args = self.args;
        let value = match rule {
            "basedir" => Some(display(&args.basedir)),
            "tmpdir" => Some(display(&args.tmpdir.join(name))),
            "character-sets-dir" => args.charsets_dir.as_deref().map(display),
            "lc-messages-dir" => args.lc_messages_dir.as_deref().map(display),
            "datadir" => Some(display(&args.vardir.join(name).join("data"))),
            "pid-file" => Some(display(
                &args.vardir.join("run").join(format!("{name}.pid")),
            )),
            "#host" => Some("localhost".to_string()),
            "port" => Some(self.take_port(name)?.to_string()),
            "socket" => Some(display(&args.tmpdir.join(format!("{name}.sock")))),
            "log-error" => Some(display(
                &args.vardir.join("log").join(format!("{name}.err")),
            )),
            "general-log" | "slow-query-log" => Some("1".to_string()),
            "plugin-dir" => args.plugin_dir.as_deref().map(display),
            "general-log-file" => Some(beside_datadir(config, name, "mysqld.log")),
            "slow-query-log-file" => Some(beside_datadir(config, name, "mysqld-slow.log")),
            "#user" => Some(args.user.clone().unwrap_or_default()),
            "#password" => Some(args.password.clone().unwrap_or_default()),
            "server-id" => Some(self.take_server_id(config)),
            "bind-address" => Some("127.0.0.1".to_string()),
            _ => None,
        };
        Ok(value)
    }

    /// The next port from the base port; fails past 65535.
    fn take_port(&mut self, group: &str) -> Result<u16, ConfigError> {
        let port = u16::try_from(self.next_port).map_err(|_| ConfigError::PortsExhausted {
            template: self.template.clone(),
            group: group.to_string(),
        })?;
        self.next_port += 1;
        Ok(port)
    }

    /// The next server id that no group of the template already uses.
    fn take_server_id(&mut self, config: &Config) -> String {
        loop {
            let candidate = self.next_server_id.to_string();
            self.next_server_id += 1;
            let used = config
                .groups()
                .iter()
                .any(|g| g.value("server-id") == Some(candidate.as_str()));
            if !used {
                return candidate;
            }
        }
    }

    /// Adds and completes the tool groups, in mtr's order.
    fn complete_tools(&self, config: &mut Config) {
        let args = self.args;
        config.ensure_group("mysqlbinlog");
        let upgrade = config.ensure_group("mysql_upgrade");
        set_if_missing(upgrade, "tmpdir", Some(display(&args.tmpdir)));
        let client = config.ensure_group("client");
        set_if_missing(
            client,
            "character-sets-dir",
            args.charsets_dir.as_deref().map(display),
        );
        set_if_missing(
            client,
            "plugin-dir",
            args.client_plugin_dir.as_deref().map(display),
        );
        config.ensure_group("mysqltest");
    }

    /// Resolves references, giving `@OPT.port` the ports after the servers'.
    fn resolve(&mut self, config: &mut Config) -> Result<(), ConfigError> {
        let env = self.args.env;
        let mut next_port = |group: &str| self.take_port(group);
        let mut sources = Sources {
            next_port: &mut next_port,
            env,
        };
        references::resolve_all(config, &mut sources)
    }
}

/// Points `[client]` at the first server and writes `[client.N]` for each `[mysqld.N]`.
fn add_client_groups(config: &mut Config) {
    let servers: Vec<String> = config
        .mysqld_groups()
        .into_iter()
        .map(String::from)
        .collect();
    let Some(first) = servers.first() else { return };
    copy_connection(config, first, "client");
    for server in &servers {
        let client = format!("client.{}", &server[MYSQLD_PREFIX.len()..]);
        copy_connection(config, server, &client);
    }
}

/// Copies port, socket, host, user and password from a server group to a client group.
fn copy_connection(config: &mut Config, server: &str, client: &str) {
    let Some(source) = config.group(server) else {
        return;
    };
    let values: Vec<(&str, Option<String>)> = CLIENT_FROM_SERVER
        .iter()
        .filter_map(|(to, from)| source.option(from).map(|o| (*to, o.value.clone())))
        .collect();
    let target = config.ensure_group(client);
    for (name, value) in values {
        target.set(name, value);
    }
}

/// Adds a setting unless present; rules never override the template.
fn set_if_missing(group: &mut Group, name: &str, value: Option<String>) {
    if let Some(value) = value.filter(|_| !group.has(name)) {
        group.push(name, Some(value));
    }
}

/// A file next to the server's datadir (the general and slow query logs).
fn beside_datadir(config: &Config, group: &str, file: &str) -> String {
    let datadir = config.value(group, "datadir").unwrap_or_default();
    let parent = Path::new(datadir)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    display(&parent.join(file))
}

/// Paths are written into my.cnf as text.
fn display(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{TempTree, installed_root};
    use std::collections::BTreeMap;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn args<'a>(tmp: &TempTree, env: &'a dyn Fn(&str) -> Option<String>) -> FactoryArgs<'a> {
        FactoryArgs::new(
            tmp.path("usr"),
            tmp.path("mt"),
            PathBuf::from("/v"),
            16000,
            env,
        )
    }

    #[test]
    fn servers_get_generated_settings_in_order() {
        let tmp = TempTree::new("factory-order");
        tmp.write(
            "mt/t.cnf",
            "[mysqld.1]\nlog-bin\n[mysqld.2]\nport=17000\nserver-id=1\n",
        );
        let config = generate(Path::new("t.cnf"), &args(&tmp, &no_env)).unwrap();
        let first: Vec<&str> = config
            .group("mysqld.1")
            .unwrap()
            .options()
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(
            first,
            [
                "log-bin",
                "basedir",
                "tmpdir",
                "datadir",
                "pid-file",
                "#host",
                "port",
                "socket",
                "log-error",
                "general-log",
                "general-log-file",
                "slow-query-log",
                "slow-query-log-file",
                "#user",
                "#password",
                "server-id",
                "bind-address"
            ]
        );
        assert_eq!(
            config.value("mysqld.1", "datadir"),
            Some("/v/mysqld.1/data")
        );
        assert_eq!(
            config.value("mysqld.1", "general-log-file"),
            Some("/v/mysqld.1/mysqld.log")
        );
        assert_eq!(
            config.value("mysqld.1", "socket"),
            Some("/v/tmp/mysqld.1.sock")
        );
        assert_eq!(config.value("mysqld.1", "port"), Some("16000"));
        assert_eq!(
            config.value("mysqld.2", "port"),
            Some("17000"),
            "template values stay"
        );
        assert_eq!(
            config.value("mysqld.1", "server-id"),
            Some("2"),
            "id 1 is taken by mysqld.2"
        );
    }

    #[test]
    fn tool_and_client_groups_follow_the_servers() {
        let tmp = TempTree::new("factory-clients");
        tmp.write(
            "mt/t.cnf",
            "[client]\nport=1\nx=y\n[mysqld.1]\n[mysqld.2]\n#host=127.0.0.1\n",
        );
        let config = generate(Path::new("t.cnf"), &args(&tmp, &no_env)).unwrap();
        let names: Vec<&str> = config.groups().iter().map(Group::name).collect();
        assert_eq!(
            names,
            [
                "client",
                "mysqld.1",
                "mysqld.2",
                "mysqlbinlog",
                "mysql_upgrade",
                "mysqltest",
                "client.1",
                "client.2"
            ]
        );
        assert_eq!(
            config.value("client", "port"),
            Some("16000"),
            "client follows the first server"
        );
        assert_eq!(config.value("client", "x"), Some("y"));
        assert_eq!(config.value("client.2", "host"), Some("127.0.0.1"));
        assert_eq!(config.value("client.2", "user"), Some("root"));
        assert_eq!(config.value("mysql_upgrade", "tmpdir"), Some("/v/tmp"));
    }

    #[test]
    fn opt_ports_come_after_server_ports_and_env_resolves() {
        let tmp = TempTree::new("factory-env");
        tmp.write(
            "mt/t.cnf",
            "[mysqld.1]\n[mysqld.2]\nreport-port=@mysqld.2.port\n[ENV]\nEXTRA=@OPT.port\nD=@ENV.VARDIR/x\n",
        );
        let env = |name: &str| (name == "VARDIR").then(|| "/v".to_string());
        let config = generate(Path::new("t.cnf"), &args(&tmp, &env)).unwrap();
        assert_eq!(config.value("mysqld.2", "report-port"), Some("16001"));
        assert_eq!(
            config.env().collect::<Vec<_>>(),
            [("EXTRA", Some("16002")), ("D", Some("/v/x"))]
        );
    }

    #[test]
    fn optional_plugins_are_skipped_in_mysqld() {
        let tmp = TempTree::new("factory-plugins");
        tmp.write("mt/t.cnf", "[mysqld.1]\n");
        let mut a = args(&tmp, &no_env);
        a.optional_plugins = vec!["partition".into()];
        let config = generate(Path::new("t.cnf"), &a).unwrap();
        assert!(config.has_option("mysqld", "loose-skip-plugin-partition"));
        assert_eq!(
            config.groups()[1].name(),
            "mysqld",
            "created after the template's groups"
        );
    }

    #[test]
    fn port_overflow_is_an_error() {
        let tmp = TempTree::new("factory-ports");
        tmp.write("mt/t.cnf", "[mysqld.1]\n[mysqld.2]\n");
        let mut a = args(&tmp, &no_env);
        a.baseport = 65535;
        let err = generate(Path::new("t.cnf"), &a).unwrap_err();
        assert!(
            err.to_string()
                .contains("no port left above 65535 for [mysqld.2]"),
            "{err}"
        );
    }

    /// mtr's rendering of suite/rpl/my.cnf, captured from a real run with the paths below.
    const MTR_RPL_MY_CNF: &str = include_str!("testdata/rpl_my.cnf");

    /// Group name → option lines; client groups are compared as sets because mtr fills them in hash order.
    fn structure(text: &str) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for line in text.lines().filter(|l| !l.is_empty()) {
            match line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                Some(name) => groups.push((name.to_string(), Vec::new())),
                None => groups.last_mut().unwrap().1.push(line.to_string()),
            }
        }
        for (name, options) in &mut groups {
            if name.starts_with("client") {
                options.sort();
            }
        }
        groups
    }

    #[test]
    fn rpl_template_renders_like_mtr() {
        let Some(root) = installed_root() else { return };
        let optional_plugins = MTR_RPL_MY_CNF
            .lines()
            .filter_map(|l| l.strip_prefix("loose-skip-plugin-"))
            .map(String::from)
            .collect();
        let env_map: BTreeMap<&str, &str> = [
            ("MYSQL_TEST_DIR", "/scratch/usr/share/mysql/mysql-test"),
            ("MYSQLTEST_VARDIR", "/scratch/var-cfg"),
        ]
        .into();
        let env = |name: &str| env_map.get(name).map(|v| v.to_string());
        let mut args = FactoryArgs::new(
            PathBuf::from("/scratch/usr"),
            root.clone(),
            PathBuf::from("/scratch/var-cfg"),
            19000,
            &env,
        );
        args.charsets_dir = Some(PathBuf::from("/scratch/usr/share/mysql/charsets"));
        args.lc_messages_dir = Some(PathBuf::from("/scratch/usr/share/mysql/"));
        args.plugin_dir = Some(PathBuf::from("/scratch/usr/lib/mysql/plugin"));
        args.client_plugin_dir = Some(PathBuf::from(
            "/scratch/usr/lib/x86_64-linux-gnu/libmariadb3/plugin",
        ));
        args.optional_plugins = optional_plugins;
        let config = generate(Path::new("suite/rpl/my.cnf"), &args).unwrap();
        let ours = structure(&config.render());
        let theirs = structure(MTR_RPL_MY_CNF);
        let names = |s: &[(String, Vec<String>)]| s.iter().map(|g| g.0.clone()).collect::<Vec<_>>();
        assert_eq!(names(&ours), names(&theirs));
        for (our, their) in ours.iter().zip(&theirs) {
            assert_eq!(our, their, "group [{}] differs", our.0);
        }
        let env: Vec<_> = config.env().collect();
        assert_eq!(
            env,
            [
                ("MASTER_MYPORT", Some("19000")),
                ("MASTER_MYSOCK", Some("/scratch/var-cfg/tmp/mysqld.1.sock")),
                ("SLAVE_MYPORT", Some("19001")),
                ("SLAVE_MYSOCK", Some("/scratch/var-cfg/tmp/mysqld.2.sock")),
            ]
        );
        assert_eq!(config.magic("mysqld.2", "#!use-slave-opt"), Some(""));
        assert_eq!(config.magic("mysqld.1", "#!use-slave-opt"), None);
    }

    #[test]
    fn every_installed_rpl_test_template_generates() {
        let Some(root) = installed_root() else { return };
        let env = |_: &str| Some("/x".to_string());
        let args = FactoryArgs::new(
            PathBuf::from("/usr"),
            root.clone(),
            PathBuf::from("/v"),
            16000,
            &env,
        );
        let dir = root.join("suite/rpl/t");
        let mut count = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "cnf") {
                let config = generate(&path, &args).unwrap_or_else(|e| panic!("{e}"));
                assert!(!config.mysqld_groups().is_empty(), "{}", path.display());
                count += 1;
            }
        }
        assert!(count > 20, "only {count} .cnf files in {}", dir.display());
        let four = generate(&dir.join("rpl_circular_for_4_hosts.cnf"), &args).unwrap();
        assert_eq!(
            four.mysqld_groups(),
            ["mysqld.1", "mysqld.2", "mysqld.3", "mysqld.4"]
        );
        assert_eq!(four.value("ENV", "SERVER_MYPORT_4"), Some("16003"));
        assert_eq!(four.value("client.3", "port"), Some("16002"));
    }
}
