//! information_schema.SYSTEM_VARIABLES: one row per catalog variable with
//! its session and global values, default, scope, type, range and value
//! list, as MariaDB 10.11 prints them. The session's copy and the server's
//! globals come in; rows of optional texts go out.

use super::catalog::VARIABLES;
use super::def::{Access, Kind, Scope, VarDef};
use super::globals::SystemVariables;
use super::info::info;
use super::session::SessionVariables;
use super::setting::Setting;

/// SYSTEM_VARIABLES' columns, in MariaDB 10.11's order.
pub const COLUMNS: &[&str] = &[
    "VARIABLE_NAME",
    "SESSION_VALUE",
    "GLOBAL_VALUE",
    "GLOBAL_VALUE_ORIGIN",
    "DEFAULT_VALUE",
    "VARIABLE_SCOPE",
    "VARIABLE_TYPE",
    "VARIABLE_COMMENT",
    "NUMERIC_MIN_VALUE",
    "NUMERIC_MAX_VALUE",
    "NUMERIC_BLOCK_SIZE",
    "ENUM_VALUE_LIST",
    "READ_ONLY",
    "COMMAND_LINE_ARGUMENT",
    "GLOBAL_VALUE_PATH",
];

impl SystemVariables {
    /// Every variable's SYSTEM_VARIABLES row (NULL is None).
    pub fn describe(&self, session: &SessionVariables) -> Vec<Vec<Option<String>>> {
        VARIABLES.iter().map(|def| self.row(session, def)).collect()
    }

    fn row(&self, session: &SessionVariables, def: &VarDef) -> Vec<Option<String>> {
        let session_value = def
            .has_session()
            .then(|| value_text(&self.current(session, def, true)))
            .flatten();
        let global_value = def
            .has_global()
            .then(|| value_text(&self.current(session, def, false)))
            .flatten();
        let default = def.default.map(str::to_string);
        let origin = if def.has_global() && global_value != default {
            "CONFIG"
        } else {
            "COMPILE-TIME"
        };
        let info = info(def.name);
        let (min, max) = range(&def.kind);
        vec![
            Some(def.name.to_ascii_uppercase()),
            session_value,
            global_value,
            Some(origin.to_string()),
            default,
            Some(scope_name(def.scope).to_string()),
            Some(info.map_or_else(|| type_name(&def.kind), |i| i.type_name.to_string())),
            Some(info.map_or("", |i| i.comment).to_string()),
            min,
            max,
            block_size(def, info.and_then(|i| i.block_size)),
            value_list(&def.kind),
            Some(yes_no(def.access == Access::ReadOnly).to_string()),
            info.and_then(|i| i.command_line).map(str::to_string),
            None,
        ]
    }
}

/// A value as SYSTEM_VARIABLES prints it: SHOW's form, NULL kept.
fn value_text(setting: &Setting) -> Option<String> {
    match setting {
        Setting::Text(None) => None,
        other => Some(other.show_text()),
    }
}

/// VARIABLE_SCOPE.
fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Global => "GLOBAL",
        Scope::Both => "SESSION",
        Scope::SessionOnly => "SESSION ONLY",
    }
}

/// VARIABLE_TYPE of a variable MariaDB does not list (debug ones).
fn type_name(kind: &Kind) -> String {
    match kind {
        Kind::Bool => "BOOLEAN",
        Kind::Signed { .. } => "BIGINT",
        Kind::Unsigned { .. } => "BIGINT UNSIGNED",
        Kind::Double { .. } => "DOUBLE",
        Kind::Enum(_) => "ENUM",
        Kind::Set(_) => "SET",
        Kind::FlagSet(_) => "FLAGSET",
        Kind::Text { .. } => "VARCHAR",
    }
    .to_string()
}

/// NUMERIC_MIN_VALUE and NUMERIC_MAX_VALUE.
fn range(kind: &Kind) -> (Option<String>, Option<String>) {
    match kind {
        Kind::Signed { min, max } => (Some(min.to_string()), Some(max.to_string())),
        Kind::Unsigned { min, max, .. } => (Some(min.to_string()), Some(max.to_string())),
        Kind::Double { min, max } => (Some(number(*min)), Some(number(*max))),
        _ => (None, None),
    }
}

/// A double range bound as MariaDB prints it (no trailing zeros).
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

/// NUMERIC_BLOCK_SIZE: MariaDB's text, else the catalog's rounding step.
fn block_size(def: &VarDef, listed: Option<&str>) -> Option<String> {
    if let Some(text) = listed {
        return Some(text.to_string());
    }
    match def.kind {
        Kind::Unsigned { block, .. } => Some(block.to_string()),
        Kind::Signed { .. } => Some("1".to_string()),
        _ => None,
    }
}

/// ENUM_VALUE_LIST: the names a value may take.
fn value_list(kind: &Kind) -> Option<String> {
    match kind {
        Kind::Bool => Some("OFF,ON".to_string()),
        Kind::Enum(names) | Kind::Set(names) | Kind::FlagSet(names) => Some(names.join(",")),
        _ => None,
    }
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "YES" } else { "NO" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::ServerConfig;

    fn rows() -> Vec<Vec<Option<String>>> {
        let globals = SystemVariables::new(&ServerConfig::default());
        let session = SessionVariables::new(&globals);
        globals.describe(&session)
    }

    fn find(name: &str) -> Vec<Option<String>> {
        rows()
            .into_iter()
            .find(|r| r[0].as_deref() == Some(name))
            .unwrap()
    }

    fn texts(row: &[Option<String>]) -> Vec<&str> {
        row.iter().map(|c| c.as_deref().unwrap_or("NULL")).collect()
    }

    #[test]
    fn rows_match_mariadb() {
        // Columns 3.. of real MariaDB 10.11 rows (origin, default, scope, type, comment skipped).
        let expect: &[(&str, [&str; 6])] = &[
            (
                "MAX_CONNECTIONS",
                ["10", "100000", "1", "NULL", "NO", "REQUIRED"],
            ),
            (
                "MAX_USER_CONNECTIONS",
                ["-1", "2147483647", "1", "NULL", "NO", "REQUIRED"],
            ),
            (
                "LONG_QUERY_TIME",
                ["0", "31536000", "NULL", "NULL", "NO", "REQUIRED"],
            ),
            (
                "INNODB_AUTOINC_LOCK_MODE",
                ["0", "2", "0", "NULL", "YES", "REQUIRED"],
            ),
            (
                "OPTIMIZER_TRACE",
                ["NULL", "NULL", "NULL", "enabled,default", "NO", "REQUIRED"],
            ),
            (
                "BIG_TABLES",
                ["NULL", "NULL", "NULL", "OFF,ON", "NO", "OPTIONAL"],
            ),
        ];
        for (name, want) in expect {
            let row = find(name);
            assert_eq!(&texts(&row)[8..14], want, "{name}");
        }
    }

    #[test]
    fn scopes_and_types_match_mariadb() {
        let row = find("MAX_USER_CONNECTIONS");
        assert_eq!(texts(&row)[5..7], ["SESSION", "INT"]);
        let row = find("OPTIMIZER_TRACE");
        assert_eq!(
            texts(&row)[1..7],
            [
                "enabled=off",
                "enabled=off",
                "COMPILE-TIME",
                "enabled=off",
                "SESSION",
                "FLAGSET"
            ]
        );
        let row = find("HOSTNAME");
        assert_eq!(texts(&row)[1], "NULL");
        assert_eq!(texts(&row)[12], "YES");
    }

    #[test]
    fn every_variable_has_a_row() {
        assert_eq!(rows().len(), VARIABLES.len());
        assert_eq!(COLUMNS.len(), rows()[0].len());
    }
}
