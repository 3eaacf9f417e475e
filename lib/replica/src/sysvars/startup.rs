//! The start-up values of the globals: the host and build facts, the
//! config's own fields (port, socket, datadir, server_id, pid_file,
//! log_error) and then its `name=value` options for variables that exist,
//! read as mariadbd reads them from my.cnf (dashes for underscores, a
//! `loose-` prefix, `skip-x` for OFF, `K`/`M`/`G` suffixes).

use std::collections::HashMap;
use std::path::Path;

use super::catalog::lookup;
use super::convert::convert;
use super::def::{Kind, VarDef};
use super::setting::Setting;
use crate::server::config::{ServerConfig, VERSION};
use crate::sql::value::Value;

/// Fills `values` from the config.
pub fn apply_config(values: &mut HashMap<&'static str, Setting>, config: &ServerConfig) {
    let host = hostname();
    let datadir = dir_text(&config.datadir);
    let mut put = |name: &'static str, text: String| {
        values.insert(name, Setting::Text(Some(text)));
    };
    put("version", VERSION.to_string());
    // Says which server answers: this is the rmtr bundled server, not MariaDB.
    put("version_comment", "rmtr bundled server".to_string());
    put("version_compile_os", "Linux".to_string());
    put(
        "version_compile_machine",
        std::env::consts::ARCH.to_string(),
    );
    put("hostname", host.clone());
    put("datadir", datadir.clone());
    put("general_log_file", format!("{host}.log"));
    put("slow_query_log_file", format!("{host}-slow.log"));
    let pid_file = config
        .pid_file
        .as_ref()
        .map_or(format!("{datadir}{host}.pid"), |p| p.display().to_string());
    put("pid_file", pid_file);
    let log_error = config
        .log_error
        .as_ref()
        .map_or(String::new(), |p| p.display().to_string());
    put("log_error", log_error);
    if let Some(socket) = &config.socket {
        put("socket", socket.display().to_string());
    }
    values.insert("port", Setting::Unsigned(u64::from(config.port)));
    values.insert("report_port", Setting::Unsigned(u64::from(config.port)));
    values.insert("server_id", Setting::Unsigned(u64::from(config.server_id)));
    let basename = config
        .options
        .iter()
        .rev()
        .find(|(n, _)| n.replace('-', "_") == "log_basename")
        .map(|(_, v)| v.as_str())
        .filter(|b| !b.is_empty());
    for (name, value) in &config.options {
        apply_option(values, &datadir, basename, name, value);
    }
    let relay_named =
        matches!(values.get("relay_log_basename"), Some(Setting::Text(Some(t))) if !t.is_empty());
    if !relay_named {
        // Without --relay-log the relay log is still named, after the host
        // or --log-basename.
        let value = basename.map_or(String::new(), |b| format!("{b}-relay-bin"));
        file_base_names(values, &datadir, None, "relay_log", &value);
        if basename.is_some() {
            values.insert("relay_log", Setting::Text(Some(value)));
        }
    }
}

/// One `name=value` option; options that are not variables are ignored.
fn apply_option(
    values: &mut HashMap<&'static str, Setting>,
    datadir: &str,
    basename: Option<&str>,
    name: &str,
    value: &str,
) {
    let name = name.replace('-', "_");
    let name = name.strip_prefix("loose_").unwrap_or(&name);
    if let Some(def) = lookup(name).filter(|d| d.has_global()) {
        if let Some(setting) = option_setting(def, value) {
            values.insert(def.name, setting);
        }
        file_base_names(values, datadir, basename, def.name, value);
    } else if let Some(def) = name.strip_prefix("skip_").and_then(lookup) {
        if def.kind == Kind::Bool {
            values.insert(def.name, Setting::Bool(false));
        }
    }
}

/// `log-bin=name` and `relay-log=name` also name their files' base and
/// index; without a name, after `--log-basename` or else the host.
fn file_base_names(
    values: &mut HashMap<&'static str, Setting>,
    datadir: &str,
    basename: Option<&str>,
    name: &str,
    value: &str,
) {
    let (base, index) = match name {
        "log_bin" => ("log_bin_basename", "log_bin_index"),
        "relay_log" => ("relay_log_basename", "relay_log_index"),
        _ => return,
    };
    let suffix = if name == "log_bin" {
        "bin"
    } else {
        "relay-bin"
    };
    let stem = if value.is_empty() || name == "log_bin" && is_switch(value) {
        format!(
            "{}-{suffix}",
            basename.map_or_else(hostname, str::to_string)
        )
    } else {
        value.to_string()
    };
    let path = if stem.starts_with('/') {
        stem
    } else {
        format!("{datadir}{stem}")
    };
    values.insert(base, Setting::Text(Some(path.clone())));
    values.insert(index, Setting::Text(Some(format!("{path}.index"))));
    if name == "log_bin" {
        // Any value naming files turns the log on (`--log-bin=0` too, as in mariadbd).
        values.insert("log_bin", Setting::Bool(true));
    }
}

fn is_switch(value: &str) -> bool {
    ["1", "on", "true"]
        .iter()
        .any(|s| value.eq_ignore_ascii_case(s))
}

/// An option's text as the variable's value; None when it does not parse.
fn option_setting(def: &VarDef, value: &str) -> Option<Setting> {
    match def.kind {
        Kind::Bool => option_bool(value).map(Setting::Bool),
        Kind::Signed { min, max } => {
            let v = option_number(value)?;
            Some(Setting::Signed(
                v.clamp(i128::from(min), i128::from(max)) as i64
            ))
        }
        Kind::Unsigned { min, max, .. } => {
            let v = option_number(value)?;
            Some(Setting::Unsigned(
                v.clamp(i128::from(min), i128::from(max)) as u64
            ))
        }
        Kind::Double { min, max } => value
            .parse::<f64>()
            .ok()
            .map(|d| Setting::Double(d.clamp(min, max))),
        Kind::Enum(names) => option_enum(names, value).map(|n| Setting::Text(Some(n.to_string()))),
        Kind::Set(_) | Kind::FlagSet(_) => {
            let current = Setting::from_show_text(&def.kind, def.default);
            convert(def, &Value::text(value), &current)
                .ok()
                .map(|(s, _)| s)
        }
        Kind::Text { .. } => {
            // Canonical spelling where the variable has one (`myisam` → `MyISAM`).
            let checked = super::checks::check_text(def.name, Some(value.to_string()));
            Some(Setting::Text(Some(
                checked.ok().flatten().unwrap_or_else(|| value.to_string()),
            )))
        }
    }
}

fn option_bool(value: &str) -> Option<bool> {
    if value.is_empty() || is_switch(value) {
        Some(true)
    } else if ["0", "off", "false"]
        .iter()
        .any(|s| value.eq_ignore_ascii_case(s))
    {
        Some(false)
    } else {
        None
    }
}

/// A number with an optional K, M or G suffix.
fn option_number(value: &str) -> Option<i128> {
    let (digits, factor) = match value.chars().last()?.to_ascii_uppercase() {
        'K' => (&value[..value.len() - 1], 1 << 10),
        'M' => (&value[..value.len() - 1], 1 << 20),
        'G' => (&value[..value.len() - 1], 1 << 30),
        _ => (value, 1),
    };
    digits.parse::<i128>().ok().map(|v| v * factor)
}

fn option_enum(names: &'static [&'static str], value: &str) -> Option<&'static str> {
    names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(value))
        .or_else(|| value.parse::<usize>().ok().and_then(|i| names.get(i)))
        .copied()
}

/// A directory as MariaDB prints it: with a trailing slash.
fn dir_text(dir: &Path) -> String {
    let text = dir.display().to_string();
    if text.ends_with('/') {
        text
    } else {
        format!("{text}/")
    }
}

/// The machine's host name, as @@hostname reports it.
pub(crate) fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length and gethostname NUL-terminates within it.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "localhost".to_string();
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::eval::VarScope;
    use crate::sysvars::{SessionVariables, SystemVariables};
    use std::path::PathBuf;

    fn options(pairs: &[(&str, &str)]) -> ServerConfig {
        ServerConfig {
            port: 16000,
            socket: Some(PathBuf::from("/tmp/x.sock")),
            datadir: PathBuf::from("/var/mysqld.1/data"),
            server_id: 3,
            options: pairs
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            ..ServerConfig::default()
        }
    }

    fn global(config: &ServerConfig, name: &str) -> Value {
        let g = SystemVariables::new(config);
        let s = SessionVariables::new(&g);
        g.get(&s, VarScope::Global, name).unwrap()
    }

    #[test]
    fn config_fields_become_variables() {
        let c = options(&[]);
        assert_eq!(global(&c, "port"), Value::UInt(16000));
        assert_eq!(global(&c, "report_port"), Value::UInt(16000));
        assert_eq!(global(&c, "server_id"), Value::UInt(3));
        assert_eq!(global(&c, "socket"), Value::text("/tmp/x.sock"));
        assert_eq!(global(&c, "datadir"), Value::text("/var/mysqld.1/data/"));
        let Value::Bytes(pid) = global(&c, "pid_file") else {
            panic!()
        };
        assert!(pid.starts_with(b"/var/mysqld.1/data/") && pid.ends_with(b".pid"));
    }

    #[test]
    fn engine_options_take_the_engines_spelling() {
        let config = options(&[("default_storage_engine", "myisam")]);
        assert_eq!(
            global(&config, "default_storage_engine"),
            Value::text("MyISAM")
        );
    }

    #[test]
    fn options_set_existing_variables_the_way_mariadbd_reads_them() {
        let c = options(&[
            ("loose-gtid-strict-mode", ""),
            ("skip-slave-sql-verify-checksum", ""),
            ("max_allowed_packet", "32M"),
            ("binlog-format", "row"),
            ("log-bin", "master-bin"),
            ("no-such-option", "1"),
            ("sql-mode", "traditional"),
        ]);
        assert_eq!(global(&c, "gtid_strict_mode"), Value::Int(1));
        assert_eq!(global(&c, "slave_sql_verify_checksum"), Value::Int(0));
        assert_eq!(global(&c, "max_allowed_packet"), Value::UInt(32 << 20));
        assert_eq!(global(&c, "binlog_format"), Value::text("ROW"));
        assert_eq!(
            global(&c, "log_bin"),
            Value::Int(1),
            "--log-bin turns it on"
        );
        assert_eq!(
            global(&c, "log_bin_basename"),
            Value::text("/var/mysqld.1/data/master-bin")
        );
        assert_eq!(
            global(&c, "log_bin_index"),
            Value::text("/var/mysqld.1/data/master-bin.index")
        );
        let Value::Bytes(mode) = global(&c, "sql_mode") else {
            panic!()
        };
        assert!(mode.starts_with(b"STRICT_TRANS_TABLES,STRICT_ALL_TABLES,"));
    }

    #[test]
    fn log_basename_names_the_binary_and_relay_logs() {
        let c = options(&[("log-basename", "slave"), ("log-bin", "")]);
        assert_eq!(
            global(&c, "log_bin_basename"),
            Value::text("/var/mysqld.1/data/slave-bin")
        );
        assert_eq!(global(&c, "relay_log"), Value::text("slave-relay-bin"));
        assert_eq!(
            global(&c, "relay_log_index"),
            Value::text("/var/mysqld.1/data/slave-relay-bin.index")
        );
        let plain = options(&[]);
        let Value::Bytes(base) = global(&plain, "relay_log_basename") else {
            panic!()
        };
        assert!(base.ends_with(b"-relay-bin"));
    }
}
