//! What mysqltest takes from the test's generated my.cnf, which mtr hands it
//! as `--defaults-file`: the options of its groups (`[mysqltest]`,
//! `[mariadb-test]`, `[client]`, `[client-server]`, `[client-mariadb]`),
//! read in file order so that a later line wins, under my_getopt's spelling
//! rules (`_` as `-`, `loose-`, `skip-`/`disable-`/`enable-`). They enter as
//! the generated configuration and leave as settings of the interpreter's
//! [`RunConfig`]: the default connection's host, port, socket, user and
//! password, and for every connection the client plugin directory,
//! compression, protocol and connect timeout; also the connect retries and
//! `sleep`. Options mtr passes on mysqltest's command line win there:
//! `database`, `tmpdir`, `tail-lines` and `wait-for-pos-timeout` always,
//! `sleep` when the run sets one, so they are not taken from here.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use rmtr_mysqltest::client::Protocol;
use rmtr_mysqltest::run::RunConfig;

use crate::config::Config;

/// The groups mysqltest reads (its `--help` lists them).
const GROUPS: &[&str] = &[
    "mysqltest",
    "mariadb-test",
    "client",
    "client-server",
    "client-mariadb",
];

/// mysqltest's options as its groups set them: the last value of each.
#[derive(Debug, Default)]
pub struct ClientDefaults {
    /// Normalised name to value; `None` for a bare flag.
    values: HashMap<String, Option<String>>,
}

impl ClientDefaults {
    /// Reads the groups mysqltest reads from a generated configuration.
    pub fn read(config: &Config) -> Self {
        Self::from_lines(config.groups().iter().flat_map(|group| {
            group
                .options()
                .iter()
                .map(move |o| (group.name(), o.name.as_str(), o.value.as_deref()))
        }))
    }

    /// Collects `(group, option, value)` lines in file order.
    fn from_lines<'a>(lines: impl Iterator<Item = (&'a str, &'a str, Option<&'a str>)>) -> Self {
        let mut values = HashMap::new();
        for (group, name, value) in lines {
            if !GROUPS.contains(&group) {
                continue;
            }
            let (name, value) = normalise(name, value);
            values.insert(name, value);
        }
        ClientDefaults { values }
    }

    /// A string option's value, if set with one.
    fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(|v| v.as_deref())
    }

    /// A boolean option: a bare flag is on; values read as my_getopt does.
    fn flag(&self, name: &str) -> Option<bool> {
        let value = self.values.get(name)?;
        Some(value.as_deref().is_none_or(is_true))
    }

    /// A numeric option read as my_getopt reads it (a bad number is taken
    /// as no setting here; mysqltest would refuse to start).
    fn number(&self, name: &str) -> Option<i64> {
        self.value(name).and_then(|v| v.trim().parse().ok())
    }

    /// Puts the options mysqltest would use into the interpreter's
    /// settings; the harness's own settings are already in `cfg`.
    pub fn apply(&self, cfg: &mut RunConfig) {
        self.apply_address(cfg);
        self.apply_connection(cfg);
        if let Some(retries) = self.number("max-connect-retries") {
            cfg.max_connect_retries = u32::try_from(retries).unwrap_or(0);
        }
        if cfg.sleep_override.is_none() {
            cfg.sleep_override = self.number("sleep").filter(|s| *s >= 0).map(|s| s as f64);
        }
    }

    /// Where and as whom the default connection goes.
    fn apply_address(&self, cfg: &mut RunConfig) {
        if let Some(host) = self.value("host") {
            cfg.host = host.to_string();
        }
        if let Some(port) = self.value("port").and_then(|p| p.trim().parse().ok()) {
            cfg.port = port;
        }
        if let Some(socket) = self.value("socket") {
            cfg.socket = socket.to_string();
        }
        if let Some(user) = self.value("user") {
            cfg.user = user.to_string();
        }
        if let Some(password) = self.values.get("password") {
            cfg.password = password.clone().unwrap_or_default().into_bytes();
        }
    }

    /// What every connection is opened with.
    fn apply_connection(&self, cfg: &mut RunConfig) {
        if let Some(dir) = self.value("plugin-dir").filter(|d| !d.is_empty()) {
            cfg.plugin_dir = Some(PathBuf::from(dir));
        }
        if let Some(compress) = self.flag("compress") {
            cfg.compress = compress;
        }
        match self
            .value("protocol")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("tcp") => cfg.protocol = Protocol::Tcp,
            Some("socket") => cfg.protocol = Protocol::Socket,
            _ => {}
        }
        if let Some(seconds) = self.number("connect-timeout").filter(|s| *s > 0) {
            cfg.connect_timeout = Some(Duration::from_secs(seconds as u64));
        }
    }
}

/// An option line as my_getopt sees it: `_` read as `-`, `loose-` dropped,
/// `skip-`/`disable-` turning a flag off and `enable-` turning it on.
fn normalise(name: &str, value: Option<&str>) -> (String, Option<String>) {
    let name = name.replace('_', "-");
    let name = name.strip_prefix("loose-").unwrap_or(&name);
    for (prefix, setting) in [("skip-", "0"), ("disable-", "0"), ("enable-", "1")] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return (rest.to_string(), Some(setting.to_string()));
        }
    }
    (name.to_string(), value.map(str::to_string))
}

/// my_getopt's true values for a boolean.
fn is_true(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "1" | "on" | "true" | "yes"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults(lines: &[(&str, &str, Option<&str>)]) -> ClientDefaults {
        ClientDefaults::from_lines(lines.iter().copied())
    }

    fn applied(lines: &[(&str, &str, Option<&str>)]) -> RunConfig {
        let mut cfg = RunConfig::new("t.test", "/tree", 3306);
        defaults(lines).apply(&mut cfg);
        cfg
    }

    #[test]
    fn the_client_group_gives_the_default_connection() {
        let cfg = applied(&[
            ("mysqld.1", "host", Some("ignored")),
            ("client", "plugin-dir", Some("/p")),
            ("client", "port", Some("16000")),
            ("client", "socket", Some("/s.sock")),
            ("client", "host", Some("localhost")),
            ("client", "user", Some("root")),
            ("client", "password", Some("")),
            ("client.1", "host", Some("ignored too")),
        ]);
        assert_eq!(cfg.host, "localhost");
        assert_eq!(cfg.port, 16000);
        assert_eq!(cfg.socket, "/s.sock");
        assert_eq!(cfg.user, "root");
        assert!(cfg.password.is_empty());
        assert_eq!(cfg.plugin_dir, Some(PathBuf::from("/p")));
    }

    #[test]
    fn nothing_set_keeps_the_harness_values() {
        let cfg = applied(&[("mysqld.1", "port", Some("1"))]);
        let plain = RunConfig::new("t.test", "/tree", 3306);
        assert_eq!(cfg.host, plain.host);
        assert_eq!(cfg.port, 3306);
        assert_eq!(cfg.plugin_dir, None);
        assert!(!cfg.compress);
    }

    #[test]
    fn connection_settings_and_sleep() {
        let cfg = applied(&[
            ("mysqltest", "protocol", Some("TCP")),
            ("mysqltest", "connect_timeout", Some("7")),
            ("mysqltest", "max-connect-retries", Some("3")),
            ("mysqltest", "sleep", Some("2")),
        ]);
        assert_eq!(cfg.protocol, Protocol::Tcp);
        assert_eq!(cfg.connect_timeout, Some(Duration::from_secs(7)));
        assert_eq!(cfg.max_connect_retries, 3);
        assert_eq!(cfg.sleep_override, Some(2.0));
        let mut given = RunConfig::new("t.test", "/tree", 3306);
        given.sleep_override = Some(0.5);
        defaults(&[("mysqltest", "sleep", Some("2"))]).apply(&mut given);
        assert_eq!(given.sleep_override, Some(0.5), "the run's --sleep wins");
    }

    #[test]
    fn later_lines_win_across_groups() {
        let cfg = applied(&[
            ("mysqltest", "host", Some("first")),
            ("client", "host", Some("second")),
        ]);
        assert_eq!(cfg.host, "second");
    }

    #[test]
    fn spelling_rules_of_my_getopt() {
        let d = defaults(&[
            ("mysqltest", "loose-compress", None),
            ("mysqltest", "loose-skip-ssl", None),
            ("client", "plugin_dir", Some("/x")),
        ]);
        assert_eq!(d.flag("compress"), Some(true));
        assert_eq!(d.flag("ssl"), Some(false));
        assert_eq!(d.value("plugin-dir"), Some("/x"));
        let off = defaults(&[
            ("client", "compress", None),
            ("mysqltest", "disable-compress", None),
        ]);
        assert_eq!(off.flag("compress"), Some(false));
        assert_eq!(
            defaults(&[("client", "compress", Some("OFF"))]).flag("compress"),
            Some(false)
        );
    }
}
