//! Text variables whose values must name something the server knows: a
//! time zone, a storage engine, a character set or collation, a locale, a
//! GTID list. A SET's text comes in; the canonical spelling (`myisam` →
//! `MyISAM`, `utf8` → `utf8mb3`) or MariaDB's error for it goes out.

use super::charsets;
use super::errors;
use crate::error::ServerResult;

/// Engines the server accepts by name, canonical spelling first.
const ENGINES: &[(&str, &str)] = &[
    ("InnoDB", "innodb"),
    ("MyISAM", "myisam"),
    ("MEMORY", "memory"),
    ("MEMORY", "heap"),
    ("Aria", "aria"),
    ("CSV", "csv"),
    ("MRG_MyISAM", "mrg_myisam"),
    ("MRG_MyISAM", "merge"),
    ("BLACKHOLE", "blackhole"),
    ("SEQUENCE", "sequence"),
];

/// Locales tests name in lc_messages and lc_time_names.
const LOCALES: &[&str] = &[
    "en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "ru_RU", "ja_JP", "zh_CN", "pt_BR",
    "sv_SE", "nl_NL", "pl_PL", "uk_UA", "ar_SA", "ko_KR", "cs_CZ", "da_DK", "fi_FI", "nb_NO",
    "hu_HU", "el_GR", "tr_TR", "ro_RO", "bg_BG", "et_EE", "sk_SK", "hi_IN", "de_AT", "fr_CA",
];

/// Checks and canonicalises the text `value` for the variable `name`.
pub fn check_text(name: &str, value: Option<String>) -> ServerResult<Option<String>> {
    let Some(text) = value else {
        return Ok(None);
    };
    let checked = match name {
        "time_zone" => time_zone(&text)?,
        "default_storage_engine"
        | "storage_engine"
        | "default_tmp_storage_engine"
        | "enforce_storage_engine" => engine(&text)?,
        "lc_messages" | "lc_time_names" => locale(&text)?,
        "gtid_slave_pos" | "gtid_binlog_state" => gtid_list(&text)?,
        "session_track_system_variables" => variable_list(&text)?,
        n if crate::replication::filter::VARIABLES.contains(&n) => {
            crate::replication::filter::rules::canonical(n, &text)?
        }
        n if n.starts_with("character_set_") => character_set(&text)?,
        n if n.starts_with("collation_") => collation(&text)?,
        _ => text,
    };
    Ok(Some(checked))
}

/// A list of system variable names (or `*`): each must exist; MariaDB
/// keeps them lower case, sorted, once each.
fn variable_list(text: &str) -> ServerResult<String> {
    let mut names = Vec::new();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        if item == "*" {
            return Ok("*".to_string());
        }
        let def =
            super::catalog::lookup(item).ok_or_else(|| errors::unknown_system_variable(item))?;
        names.push(def.name);
    }
    names.sort_unstable();
    names.dedup();
    Ok(names.join(","))
}

/// The variable a charset or collation variable keeps in step, and its new value.
pub fn linked(name: &str, value: &str) -> Option<(String, String)> {
    let suffix = ["connection", "server", "database"]
        .into_iter()
        .find(|s| name.ends_with(s))?;
    if name.starts_with("character_set_") {
        let collation = charsets::default_collation(value)?;
        Some((format!("collation_{suffix}"), collation.to_string()))
    } else {
        let (_, charset) = charsets::collation(value)?;
        Some((format!("character_set_{suffix}"), charset.to_string()))
    }
}

/// SYSTEM, an offset or a loaded zone, spelled as MariaDB shows it.
fn time_zone(text: &str) -> ServerResult<String> {
    crate::sql::value::time_zone::canonical_name(text)
        .ok_or_else(|| errors::unknown_time_zone(text))
}

fn engine(text: &str) -> ServerResult<String> {
    let lower = text.to_ascii_lowercase();
    ENGINES
        .iter()
        .find(|(_, alias)| *alias == lower)
        .map(|(canonical, _)| canonical.to_string())
        .ok_or_else(|| errors::unknown_storage_engine(text))
}

fn locale(text: &str) -> ServerResult<String> {
    LOCALES
        .iter()
        .find(|l| l.eq_ignore_ascii_case(text))
        .map(|l| l.to_string())
        .ok_or_else(|| errors::unknown_locale(text))
}

/// A comma-separated list of `domain-server-seqno`, or nothing.
fn gtid_list(text: &str) -> ServerResult<String> {
    match crate::binlog::gtid::parse_list(text) {
        Some(_) => Ok(text.to_string()),
        None => Err(errors::bad_gtid_list()),
    }
}

fn character_set(text: &str) -> ServerResult<String> {
    charsets::character_set(text)
        .map(str::to_string)
        .ok_or_else(|| errors::unknown_character_set(text))
}

fn collation(text: &str) -> ServerResult<String> {
    charsets::collation(text)
        .map(|(c, _)| c.to_string())
        .ok_or_else(|| errors::unknown_collation(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, text: &str) -> ServerResult<Option<String>> {
        check_text(name, Some(text.to_string()))
    }

    #[test]
    fn names_come_back_canonical() {
        assert_eq!(
            check("default_storage_engine", "myisam").unwrap().unwrap(),
            "MyISAM"
        );
        assert_eq!(
            check("character_set_client", "UTF8").unwrap().unwrap(),
            "utf8mb3"
        );
        assert_eq!(
            check("collation_connection", "utf8_bin").unwrap().unwrap(),
            "utf8mb3_bin"
        );
        assert_eq!(check("time_zone", "system").unwrap().unwrap(), "SYSTEM");
        assert_eq!(check("time_zone", "+01:00").unwrap().unwrap(), "+01:00");
    }

    #[test]
    fn unknown_names_raise_mariadbs_errors() {
        let cases = [
            (
                "time_zone",
                "foo",
                1298,
                "Unknown or incorrect time zone: 'foo'",
            ),
            (
                "time_zone",
                "+14:00",
                1298,
                "Unknown or incorrect time zone: '+14:00'",
            ),
            (
                "default_storage_engine",
                "foo",
                1286,
                "Unknown storage engine 'foo'",
            ),
            (
                "character_set_client",
                "foo",
                1115,
                "Unknown character set: 'foo'",
            ),
            (
                "collation_connection",
                "foo",
                1273,
                "Unknown collation: 'foo'",
            ),
            ("lc_messages", "xx", 1649, "Unknown locale: 'xx'"),
            ("gtid_slave_pos", "x", 1941, "Could not parse GTID list"),
        ];
        for (name, value, code, message) in cases {
            let e = check(name, value).unwrap_err();
            assert_eq!((e.code, e.message.as_str()), (code, message), "{name}");
        }
        assert_eq!(
            check("gtid_slave_pos", "0-1-5,1-2-3").unwrap().unwrap(),
            "0-1-5,1-2-3"
        );
    }

    #[test]
    fn charset_and_collation_variables_keep_each_other_in_step() {
        let (name, value) = linked("character_set_connection", "utf8mb4").unwrap();
        assert_eq!(
            (name.as_str(), value.as_str()),
            ("collation_connection", "utf8mb4_general_ci")
        );
        let (name, value) = linked("collation_server", "latin1_bin").unwrap();
        assert_eq!(
            (name.as_str(), value.as_str()),
            ("character_set_server", "latin1")
        );
        assert!(linked("character_set_client", "latin1").is_none());
    }

    #[test]
    fn tracked_variable_lists_as_mariadb() {
        // MariaDB 10.11: unknown names are refused, the rest sorted and lower case.
        let e = check("session_track_system_variables", "a").unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (1193, "Unknown system variable 'a'")
        );
        assert_eq!(
            check(
                "session_track_system_variables",
                "time_zone, AutoCommit,time_zone"
            )
            .unwrap()
            .unwrap(),
            "autocommit,time_zone"
        );
        assert_eq!(
            check("session_track_system_variables", "autocommit,*")
                .unwrap()
                .unwrap(),
            "*"
        );
    }
}
