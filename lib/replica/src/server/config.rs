//! The server's start-up settings, read from the command line and the
//! my.cnf groups mariadbd would read (`--defaults-file`,
//! `--defaults-group-suffix`), so the runner can start `replica` with the
//! same generated config as a real server. Arguments enter; a
//! [`Startup`] (a config to run, or `--version`) leaves.

use std::path::{Path, PathBuf};

use super::defaults::{self, DefaultsError, DefaultsSpec};

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
    /// Whose rules the replication statements follow (`--flavor`).
    pub flavor: Flavor,
    /// Other `name=value` options, for the system variables they set, in
    /// the order given (later wins). Names use `_` (never `-`) and lose a
    /// `loose_` prefix; `--skip-X`/`--disable-X` give `X=0`, `--enable-X`
    /// gives `X=1`, and an option given without a value has value `""`.
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
            flavor: Flavor::MariaDb,
            options: Vec::new(),
        }
    }
}

impl ServerConfig {
    /// The last value given for option `name` (`_` spelling).
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The product whose replication rules the server follows: MariaDB 10.11
/// (the default) or MySQL 5.7 (`--flavor=mysql`); see spec §7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flavor {
    #[default]
    MariaDb,
    MySql,
}

impl std::str::FromStr for Flavor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mariadb" => Ok(Flavor::MariaDb),
            "mysql" => Ok(Flavor::MySql),
            other => Err(format!("unknown flavor '{other}' (mariadb or mysql)")),
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone)]
pub enum Startup {
    Run(ServerConfig),
    /// `--version` / `-V`: print the version line and exit.
    Version,
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Defaults(#[from] DefaultsError),
    #[error("option '--{name}': {problem}")]
    BadValue { name: String, problem: String },
}

/// The `--version` line, as `mariadbd --version` prints it.
pub fn version_line(program: &str) -> String {
    format!(
        "{program}  Ver {VERSION} for {} on {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// Reads option files, then the command line (without the program name).
pub fn from_args(args: &[String]) -> Result<Startup, ConfigError> {
    let (spec, rest) = leading_defaults_options(args);
    let mut settings: Vec<(String, String)> = defaults::read(&spec)?
        .into_iter()
        .map(|o| normalize(&o.name, o.value))
        .collect();
    let mut iter = rest.iter();
    while let Some(arg) = iter.next() {
        match command_line_option(arg, &mut iter) {
            Some(ArgOption::Version) => return Ok(Startup::Version),
            Some(ArgOption::Setting(name, value)) => settings.push(normalize(&name, value)),
            None => {}
        }
    }
    build(settings).map(Startup::Run)
}

/// `--no-defaults`, `--defaults-file`, `--defaults-extra-file` and
/// `--defaults-group-suffix`, which mariadbd only takes first.
fn leading_defaults_options(args: &[String]) -> (DefaultsSpec, &[String]) {
    let mut spec = DefaultsSpec::default();
    let mut used = 0;
    for arg in args {
        if arg == "--no-defaults" {
            spec.no_defaults = true;
        } else if let Some(f) = arg.strip_prefix("--defaults-file=") {
            spec.file = Some(PathBuf::from(f));
        } else if let Some(f) = arg.strip_prefix("--defaults-extra-file=") {
            spec.extra_file = Some(PathBuf::from(f));
        } else if let Some(s) = arg.strip_prefix("--defaults-group-suffix=") {
            spec.group_suffix = Some(s.to_string());
        } else {
            break;
        }
        used += 1;
    }
    (spec, &args[used..])
}

/// One parsed command-line argument.
enum ArgOption {
    Version,
    Setting(String, Option<String>),
}

/// Known options that take a value from the next argument when not `=`-joined.
const NEEDS_VALUE: &[&str] = &[
    "port",
    "socket",
    "bind_address",
    "datadir",
    "pid_file",
    "log_error",
    "server_id",
    "flavor",
];

/// Parses `--name[=value]`, `--name value`, `-V`, `-P N`, `-h DIR`.
fn command_line_option<'a>(
    arg: &str,
    rest: &mut impl Iterator<Item = &'a String>,
) -> Option<ArgOption> {
    if arg == "--version" || arg == "-V" {
        return Some(ArgOption::Version);
    }
    if let Some(long) = arg.strip_prefix("--") {
        let (name, value) = match long.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (long.to_string(), None),
        };
        let value = match value {
            None if NEEDS_VALUE.contains(&underscored(&name).as_str()) => rest.next().cloned(),
            v => v,
        };
        return Some(ArgOption::Setting(name, value));
    }
    short_option(arg, rest)
}

/// mariadbd's short options with values: `-P` port, `-h` datadir.
fn short_option<'a>(arg: &str, rest: &mut impl Iterator<Item = &'a String>) -> Option<ArgOption> {
    let name = match arg.get(..2)? {
        "-P" => "port",
        "-h" => "datadir",
        _ => return None,
    };
    let value = match &arg[2..] {
        "" => rest.next().cloned(),
        v => Some(v.to_string()),
    };
    Some(ArgOption::Setting(name.to_string(), value))
}

fn underscored(name: &str) -> String {
    name.replace('-', "_")
}

/// One spelling for a setting: `_` names, no `loose_`, skip/enable/disable resolved.
fn normalize(name: &str, value: Option<String>) -> (String, String) {
    let name = underscored(name);
    let name = name.strip_prefix("loose_").unwrap_or(&name).to_string();
    for (prefix, forced) in [("skip_", "0"), ("disable_", "0"), ("enable_", "1")] {
        if let Some(base) = name.strip_prefix(prefix) {
            return (base.to_string(), forced.to_string());
        }
    }
    (name, value.unwrap_or_default())
}

/// Applies settings in order to the defaults.
fn build(settings: Vec<(String, String)>) -> Result<ServerConfig, ConfigError> {
    let mut config = ServerConfig::default();
    for (name, value) in settings {
        apply(&mut config, name, value)?;
    }
    let datadir = config.datadir.clone();
    config.pid_file = config.pid_file.map(|p| under(&datadir, p));
    config.log_error = config.log_error.map(|p| under(&datadir, p));
    Ok(config)
}

/// Sets a known field, or keeps the option for system variables.
fn apply(config: &mut ServerConfig, name: String, value: String) -> Result<(), ConfigError> {
    match name.as_str() {
        "port" => config.port = number(&name, &value)?,
        "server_id" => config.server_id = number(&name, &value)?,
        "bind_address" => config.bind_address = value,
        "socket" => config.socket = Some(PathBuf::from(value)),
        "datadir" => config.datadir = PathBuf::from(value),
        "pid_file" => config.pid_file = Some(PathBuf::from(value)),
        "log_error" => config.log_error = Some(PathBuf::from(value)),
        "flavor" => {
            config.flavor = value
                .parse()
                .map_err(|problem| ConfigError::BadValue { name, problem })?
        }
        _ => config.options.push((name, value)),
    }
    Ok(())
}

fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError::BadValue {
        name: name.replace('_', "-"),
        problem: format!("invalid number '{value}'"),
    })
}

/// A relative path taken from the data directory, as mariadbd does.
fn under(datadir: &Path, p: PathBuf) -> PathBuf {
    if p.is_absolute() { p } else { datadir.join(p) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn run(list: &[&str]) -> ServerConfig {
        match from_args(&args(list)).unwrap() {
            Startup::Run(c) => c,
            Startup::Version => panic!("expected a config"),
        }
    }

    #[test]
    fn command_line_sets_known_fields_and_keeps_the_rest() {
        let c = run(&[
            "--no-defaults",
            "--port=0",
            "--socket",
            "/tmp/s.sock",
            "--datadir=/d",
            "--pid-file=x.pid",
            "--loose-innodb-buffer-pool-size=8M",
            "--skip-grant-tables",
            "--log-bin",
            "-P",
            "5",
        ]);
        assert_eq!(c.port, 5);
        assert_eq!(c.socket, Some(PathBuf::from("/tmp/s.sock")));
        assert_eq!(c.pid_file, Some(PathBuf::from("/d/x.pid")));
        assert_eq!(c.option("innodb_buffer_pool_size"), Some("8M"));
        assert_eq!(c.option("grant_tables"), Some("0"));
        assert_eq!(c.option("log_bin"), Some(""));
    }

    #[test]
    fn flavor_is_mariadb_unless_asked_and_rejects_other_names() {
        assert_eq!(run(&["--no-defaults"]).flavor, Flavor::MariaDb);
        assert_eq!(
            run(&["--no-defaults", "--flavor", "mysql"]).flavor,
            Flavor::MySql
        );
        assert_eq!(
            run(&["--no-defaults", "--flavor=MariaDB"]).flavor,
            Flavor::MariaDb
        );
        let e = from_args(&args(&["--no-defaults", "--flavor=oracle"])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "option '--flavor': unknown flavor 'oracle' (mariadb or mysql)"
        );
    }

    #[test]
    fn version_flag_wins() {
        assert!(matches!(
            from_args(&args(&["--no-defaults", "-V"])).unwrap(),
            Startup::Version
        ));
        assert!(version_line("replica").starts_with("replica  Ver 10.11.19-MariaDB-rmtr for "));
    }

    #[test]
    fn command_line_overrides_the_defaults_file_with_suffix() {
        let d = std::env::temp_dir().join(format!("replica-config-{}", std::process::id()));
        fs::create_dir_all(&d).unwrap();
        let f = d.join("my.cnf");
        fs::write(
            &f,
            "[mysqld]\nport=1\nserver-id=3\n[mysqld.2]\nport=2\nbind-address=0.0.0.0\n",
        )
        .unwrap();
        let file_arg = format!("--defaults-file={}", f.display());
        let c = run(&[&file_arg, "--defaults-group-suffix=.2", "--server-id=9"]);
        assert_eq!(
            (c.port, c.server_id, c.bind_address.as_str()),
            (2, 9, "0.0.0.0")
        );
        let _ = fs::remove_dir_all(&d);
    }

    #[test]
    fn unreadable_defaults_file_and_bad_port_are_errors() {
        let e = from_args(&args(&["--defaults-file=/nonexistent/x.cnf"])).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/x.cnf"));
        let e = from_args(&args(&["--no-defaults", "--port=abc"])).unwrap_err();
        assert_eq!(e.to_string(), "option '--port': invalid number 'abc'");
    }
}
