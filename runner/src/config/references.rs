//! Resolution of `@group.option` references in option values, the last step
//! of generating a configuration.
//!
//! Values go in as written in the template (`report-port=@mysqld.2.port`,
//! `secure-file-priv=@ENV.MYSQLTEST_VARDIR`) and are rewritten in place. The
//! walk is mtr's: `[ENV]` first, then every group in order, each value once,
//! left to right; a reference to a value that has not been visited yet sees
//! its raw text. `@ENV.X` looks in `[ENV]`, then in the caller's environment;
//! `@OPT.port` hands out the next free port each time it is used. A reference
//! whose target exists but has no value (a bare flag, an unset variable) is
//! dropped together with the text between it and the previous reference, and
//! a value holding `@` but no reference at all becomes empty: odd, but it is
//! what tests written against mtr have been run with.

use std::sync::LazyLock;

use regex::Regex;

use super::cnf::{ENV_GROUP, OPT_GROUP};
use super::error::ConfigError;
use super::generated::Config;

/// `text-before @group.name.option`: the group is every dotted word but the last.
static REFERENCE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(.*?)@((?:\w+\.)+)(#?[-\w]+)").unwrap());

/// What the resolver needs besides the configuration itself.
pub(super) struct Sources<'s> {
    /// Hands out the next port for `@OPT.port`.
    pub next_port: &'s mut dyn FnMut(&str) -> Result<u16, ConfigError>,
    /// The caller's environment, consulted when `[ENV]` lacks a variable.
    pub env: &'s dyn Fn(&str) -> Option<String>,
}

/// Where a reference was found, for error messages.
struct Site<'a> {
    group: &'a str,
    option: &'a str,
}

/// Resolves every value containing `@`, `[ENV]` first and then the groups in order.
pub(super) fn resolve_all(
    config: &mut Config,
    sources: &mut Sources<'_>,
) -> Result<(), ConfigError> {
    let mut group_index = 0;
    while let Some(group) = config.group_by_index(group_index) {
        for option_index in 0..group.options().len() {
            resolve_one(config, sources, group_index, option_index)?;
        }
        group_index += 1;
    }
    Ok(())
}

/// Resolves one option's value and stores the result back.
fn resolve_one(
    config: &mut Config,
    sources: &mut Sources<'_>,
    group_index: usize,
    option_index: usize,
) -> Result<(), ConfigError> {
    let Some(group) = config.group_by_index(group_index) else {
        return Ok(());
    };
    let option = &group.options()[option_index];
    let Some(value) = option.value.as_deref().filter(|v| v.contains('@')) else {
        return Ok(());
    };
    let site = Site {
        group: group.name(),
        option: &option.name,
    };
    let resolved = substitute(value, |target_group, target_option| {
        lookup(config, sources, &site, target_group, target_option)
    })?;
    if let Some(group) = config.group_mut_by_index(group_index) {
        group.options_mut()[option_index].value = Some(resolved);
    }
    Ok(())
}

/// Rewrites the references in `text` using `lookup(group, option)`.
fn substitute(
    text: &str,
    mut lookup: impl FnMut(&str, &str) -> Result<Option<String>, ConfigError>,
) -> Result<String, ConfigError> {
    let mut out = String::new();
    let mut tail = None;
    for caps in REFERENCE_RE.captures_iter(text) {
        let group = caps[2].trim_end_matches('.');
        if let Some(value) = lookup(group, &caps[3])? {
            out.push_str(&caps[1]);
            out.push_str(&value);
        }
        tail = caps.get(0).map(|m| m.end());
    }
    if let Some(end) = tail {
        out.push_str(&text[end..]);
    }
    Ok(out)
}

/// The value a reference stands for; `None` when the target exists but holds nothing.
fn lookup(
    config: &Config,
    sources: &mut Sources<'_>,
    site: &Site<'_>,
    group: &str,
    option: &str,
) -> Result<Option<String>, ConfigError> {
    match group {
        OPT_GROUP if option == "port" => {
            (sources.next_port)(site.group).map(|p| Some(p.to_string()))
        }
        OPT_GROUP => Err(unknown_option(config, site, group, option)),
        ENV_GROUP => Ok(lookup_env(config, sources, option)),
        _ => lookup_option(config, site, group, option),
    }
}

/// `@ENV.X`: `[ENV]` wins over the caller's environment.
fn lookup_env(config: &Config, sources: &Sources<'_>, name: &str) -> Option<String> {
    match config.group(ENV_GROUP).and_then(|g| g.option(name)) {
        Some(option) => option.value.clone(),
        None => (sources.env)(name),
    }
}

/// `@group.option` for an ordinary group, which must have the option.
fn lookup_option(
    config: &Config,
    site: &Site<'_>,
    group: &str,
    option: &str,
) -> Result<Option<String>, ConfigError> {
    let Some(target) = config.group(group) else {
        return Err(ConfigError::UnknownGroup {
            template: config.template().to_path_buf(),
            group: group.to_string(),
            option: option.to_string(),
            in_group: site.group.to_string(),
            in_option: site.option.to_string(),
        });
    };
    match target.option(option) {
        Some(found) => Ok(found.value.clone()),
        None => Err(unknown_option(config, site, group, option)),
    }
}

/// The error for a reference to an option its group lacks.
fn unknown_option(config: &Config, site: &Site<'_>, group: &str, option: &str) -> ConfigError {
    ConfigError::UnknownOption {
        template: config.template().to_path_buf(),
        group: group.to_string(),
        option: option.to_string(),
        in_group: site.group.to_string(),
        in_option: site.option.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::cnf::Cnf;
    use std::path::{Path, PathBuf};

    fn resolved(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let cnf = Cnf::parse_str(text, Path::new("/t/x.cnf"), Path::new("/t")).unwrap();
        let mut config = Config::from_cnf(PathBuf::from("/t/x.cnf"), cnf);
        let mut port = 5000u16;
        let mut next_port = |_: &str| {
            port += 1;
            Ok(port)
        };
        let mut sources = Sources {
            next_port: &mut next_port,
            env,
        };
        resolve_all(&mut config, &mut sources)?;
        Ok(config)
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn group_references_resolve_with_surrounding_text() {
        let c = resolved(
            "[mysqld.1]\nport=3\n#host=h\n[a]\nx=@mysqld.1.#host:@mysqld.1.port/z\n",
            &no_env,
        )
        .unwrap();
        assert_eq!(c.value("a", "x"), Some("h:3/z"));
    }

    #[test]
    fn env_group_is_resolved_first_and_wins_over_the_environment() {
        let env = |name: &str| (name == "HOME_DIR").then(|| "/home".to_string());
        let text = "[a]\ny=@ENV.V/x\nz=@ENV.HOME_DIR\n[ENV]\nV=@a.port\n[a]\nport=7\n";
        let c = resolved(text, &env).unwrap();
        assert_eq!(c.value("ENV", "V"), Some("7"));
        assert_eq!(c.value("a", "y"), Some("7/x"));
        assert_eq!(c.value("a", "z"), Some("/home"));
    }

    #[test]
    fn later_values_are_seen_raw() {
        let c = resolved("[a]\nx=@b.y\n[b]\ny=@b.z\nz=1\n", &no_env).unwrap();
        assert_eq!(c.value("a", "x"), Some("@b.z"));
        assert_eq!(c.value("b", "y"), Some("1"));
    }

    #[test]
    fn opt_port_hands_out_a_new_port_each_time() {
        let c = resolved("[ENV]\nP=@OPT.port\nS=@sock-@OPT.port\n", &no_env).unwrap();
        assert_eq!(c.value("ENV", "P"), Some("5001"));
        assert_eq!(c.value("ENV", "S"), Some("@sock-5002"));
    }

    #[test]
    fn empty_targets_drop_the_reference_and_text_before_it() {
        let c = resolved(
            "[a]\nflag\nx=pre@a.flag/post\ny=@ENV.UNSET\nz=set @v=1\n",
            &no_env,
        )
        .unwrap();
        assert_eq!(c.value("a", "x"), Some("/post"));
        assert_eq!(c.value("a", "y"), Some(""));
        assert_eq!(
            c.value("a", "z"),
            Some(""),
            "an @ without a reference empties the value"
        );
    }

    #[test]
    fn unknown_targets_are_errors_naming_the_site() {
        let err = resolved("[a]\nx=@nope.port\n", &no_env).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/t/x.cnf: no group [nope] to resolve '@nope.port' in [a] x"
        );
        let err = resolved("[a]\nx=@a.missing\n", &no_env).unwrap_err();
        assert!(
            err.to_string().contains("no option 'missing' in [a]"),
            "{err}"
        );
        let err = resolved("[a]\nx=@OPT.socket\n", &no_env).unwrap_err();
        assert!(err.to_string().contains("'@OPT.socket'"), "{err}");
    }
}
