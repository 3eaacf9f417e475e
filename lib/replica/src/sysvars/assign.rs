//! SET of a system variable: which scope a `SET [GLOBAL|SESSION] x = v`
//! reaches and whether it may, the value converted and checked for the
//! variable, and the variables that change with it (aliases such as
//! storage_engine, a charset's collation). Errors are MariaDB's; warnings
//! (clipped numbers) go back to the caller to record.

use super::checks;
use super::convert::convert;
use super::def::{Access, Kind, Scope, VarDef};
use super::errors;
use super::globals::SystemVariables;
use super::session::SessionVariables;
use super::setting::Setting;
use crate::error::{Condition, ServerResult};
use crate::sql::eval::VarScope;
use crate::sql::value::Value;

/// The right-hand side of `SET x = …`.
#[derive(Debug, Clone, PartialEq)]
pub enum SetValue {
    Value(Value),
    /// `SET x = DEFAULT`: the global value for a session, the compiled-in one for GLOBAL.
    Default,
}

/// Names for one value; a name the flavor lacks is left out.
const ALIASES: &[&[&str]] = &[
    &["storage_engine", "default_storage_engine"],
    &["identity", "last_insert_id"],
    &[
        "slave_parallel_threads",
        "slave_parallel_workers",
        "replica_parallel_workers",
    ],
    &["debug", "debug_dbug"],
];

impl SystemVariables {
    /// `SET [GLOBAL | SESSION] name = value`; `VarScope::Default` is SESSION.
    pub fn set(
        &self,
        session: &mut SessionVariables,
        scope: VarScope,
        name: &str,
        value: SetValue,
    ) -> ServerResult<Vec<Condition>> {
        let def = self
            .def(name)
            .ok_or_else(|| errors::unknown_system_variable(name))?;
        let global = check_access(def, scope)?;
        let (setting, mut warnings) = match value {
            SetValue::Default => (self.default_for(def, global), Vec::new()),
            SetValue::Value(v) => self.converted(session, def, global, &v)?,
        };
        for (name, value) in changes(def, setting, &|n| self.def(n)) {
            if global {
                self.lock().insert(name, value);
            } else {
                session.store(name, value);
            }
        }
        if global && def.name == "max_allowed_packet" {
            warnings.extend(self.packet_below_buffer());
        }
        Ok(warnings)
    }

    /// The value for `SET x = DEFAULT`.
    fn default_for(&self, def: &VarDef, global: bool) -> Setting {
        if global || def.scope == Scope::SessionOnly {
            Setting::from_show_text(&def.kind, def.default)
        } else {
            self.global(def.name).unwrap_or(Setting::Text(None))
        }
    }

    /// The value converted for the variable and, for text, checked.
    fn converted(
        &self,
        session: &SessionVariables,
        def: &VarDef,
        global: bool,
        value: &Value,
    ) -> ServerResult<(Setting, Vec<Condition>)> {
        if matches!(def.name, "debug" | "debug_dbug") {
            return self.dbug_control(session, global, value);
        }
        let current = if global {
            self.global(def.name)
        } else {
            session.setting(def.name).cloned()
        };
        let (setting, warnings) = convert(def, value, &current.unwrap_or(Setting::Text(None)))?;
        match (def.kind, setting) {
            (Kind::Text { .. }, Setting::Text(t)) => {
                Ok((Setting::Text(checks::check_text(def.name, t)?), warnings))
            }
            (_, s) => Ok((s, warnings)),
        }
    }

    /// debug_dbug after a DBUG control string, relative (`+d,x`) to the
    /// value the session sees or a fresh one; NULL clears it.
    fn dbug_control(
        &self,
        session: &SessionVariables,
        global: bool,
        value: &Value,
    ) -> ServerResult<(Setting, Vec<Condition>)> {
        let control = match value {
            Value::Null => String::new(),
            Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
            _ => return Err(errors::wrong_type("debug_dbug")),
        };
        let current = if global {
            self.global("debug_dbug")
                .map(|s| s.as_text().to_string())
                .unwrap_or_default()
        } else {
            self.debug_dbug(session)
        };
        let next = crate::debug::dbug::Keywords::parse(&current).apply(&control);
        Ok((Setting::Text(Some(next.explain())), Vec::new()))
    }

    /// 1708 when the global max_allowed_packet is below net_buffer_length.
    fn packet_below_buffer(&self) -> Option<Condition> {
        let values = self.lock();
        let packet = values.get("max_allowed_packet").map_or(0, Setting::as_u64);
        let buffer = values.get("net_buffer_length").map_or(0, Setting::as_u64);
        (packet < buffer)
            .then(|| errors::option_below_limit("max_allowed_packet", "net_buffer_length"))
    }
}

/// Whether the SET reaches the global value; MariaDB's error when it may not.
fn check_access(def: &VarDef, scope: VarScope) -> ServerResult<bool> {
    if def.access == Access::ReadOnly {
        return Err(errors::read_only_variable(def.name));
    }
    if scope == VarScope::Global {
        return match (def.scope, def.access) {
            (Scope::SessionOnly, _) => Err(errors::local_variable(def.name)),
            (_, Access::NoSetGlobal) => Err(errors::is_session_variable(def.name)),
            _ => Ok(true),
        };
    }
    match (def.scope, def.access) {
        (Scope::Global, _) => Err(errors::global_variable(def.name)),
        (_, Access::SessionReadOnly) => Err(errors::session_read_only(def.name)),
        _ => Ok(false),
    }
}

/// The variable's new value and those of the variables that follow it.
fn changes(
    def: &VarDef,
    setting: Setting,
    lookup: &dyn Fn(&str) -> Option<&'static VarDef>,
) -> Vec<(&'static str, Setting)> {
    let mut out = Vec::new();
    let group = ALIASES.iter().find(|names| names.contains(&def.name));
    for alias in group.into_iter().flat_map(|names| names.iter()) {
        if let Some(other) = lookup(alias).filter(|d| d.name != def.name) {
            out.push((other.name, setting.clone()));
        }
    }
    if let Setting::Text(Some(text)) = &setting {
        if let Some((name, value)) = checks::linked(def.name, text) {
            if let Some(other) = lookup(&name) {
                out.push((other.name, Setting::Text(Some(value))));
            }
        }
    }
    out.insert(0, (def.name, setting));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::ServerConfig;

    fn server() -> (SystemVariables, SessionVariables) {
        let globals = SystemVariables::new(&ServerConfig::default());
        let session = SessionVariables::new(&globals);
        (globals, session)
    }

    fn set(
        g: &SystemVariables,
        s: &mut SessionVariables,
        scope: VarScope,
        name: &str,
        v: Value,
    ) -> ServerResult<Vec<Condition>> {
        g.set(s, scope, name, SetValue::Value(v))
    }

    /// A SET and the (code, SQLSTATE, message) it must fail with.
    type ErrorCase = (
        VarScope,
        &'static str,
        Value,
        (u16, &'static str, &'static str),
    );

    fn error(result: ServerResult<Vec<Condition>>) -> (u16, &'static str, String) {
        let e = result.unwrap_err();
        (e.code, e.sqlstate, e.message)
    }

    #[test]
    fn every_scope_and_access_error_has_mariadbs_text() {
        let (g, mut s) = server();
        let cases: [ErrorCase; 7] = [
            (
                VarScope::Default,
                "NoSuch",
                Value::Int(1),
                (1193, "HY000", "Unknown system variable 'NoSuch'"),
            ),
            (
                VarScope::Global,
                "Timestamp",
                Value::Int(1),
                (
                    1228,
                    "HY000",
                    "Variable 'timestamp' is a SESSION variable and can't be used with SET GLOBAL",
                ),
            ),
            (
                VarScope::Default,
                "MAX_CONNECTIONS",
                Value::Int(1),
                (
                    1229,
                    "HY000",
                    "Variable 'max_connections' is a GLOBAL variable and should be set with SET GLOBAL",
                ),
            ),
            (
                VarScope::Global,
                "version",
                Value::text("x"),
                (1238, "HY000", "Variable 'version' is a read only variable"),
            ),
            (
                VarScope::Session,
                "warning_count",
                Value::Int(1),
                (
                    1238,
                    "HY000",
                    "Variable 'warning_count' is a read only variable",
                ),
            ),
            (
                VarScope::Global,
                "sql_log_bin",
                Value::Int(0),
                (
                    1238,
                    "HY000",
                    "Variable 'sql_log_bin' is a SESSION variable",
                ),
            ),
            (
                VarScope::Session,
                "max_allowed_packet",
                Value::Int(1),
                (
                    1621,
                    "HY000",
                    "SESSION variable 'max_allowed_packet' is read-only. Use SET GLOBAL to assign the value",
                ),
            ),
        ];
        for (scope, name, value, (code, state, text)) in cases {
            let got = error(set(&g, &mut s, scope, name, value));
            assert_eq!(got, (code, state, text.to_string()), "{name}");
        }
        let got = error(set(
            &g,
            &mut s,
            VarScope::Default,
            "autocommit",
            Value::Int(5),
        ));
        assert_eq!(
            got,
            (
                1231,
                "42000",
                "Variable 'autocommit' can't be set to the value of '5'".into()
            )
        );
        let got = error(set(
            &g,
            &mut s,
            VarScope::Default,
            "wait_timeout",
            Value::text("abc"),
        ));
        assert_eq!(
            got,
            (
                1232,
                "42000",
                "Incorrect argument type to variable 'wait_timeout'".into()
            )
        );
    }

    #[test]
    fn a_session_set_leaves_the_global_alone_and_global_leaves_the_session() {
        let (g, mut s) = server();
        set(
            &g,
            &mut s,
            VarScope::Default,
            "wait_timeout",
            Value::Int(10),
        )
        .unwrap();
        assert_eq!(
            g.get(&s, VarScope::Default, "wait_timeout").unwrap(),
            Value::UInt(10)
        );
        assert_eq!(
            g.get(&s, VarScope::Global, "wait_timeout").unwrap(),
            Value::UInt(28800)
        );
        set(&g, &mut s, VarScope::Global, "wait_timeout", Value::Int(20)).unwrap();
        assert_eq!(
            g.get(&s, VarScope::Session, "wait_timeout").unwrap(),
            Value::UInt(10)
        );
        assert_eq!(
            g.get(&s, VarScope::Global, "wait_timeout").unwrap(),
            Value::UInt(20)
        );
    }

    #[test]
    fn set_default_takes_the_global_for_a_session_and_the_compiled_value_globally() {
        let (g, mut s) = server();
        set(
            &g,
            &mut s,
            VarScope::Global,
            "sql_mode",
            Value::text("ANSI"),
        )
        .unwrap();
        set(&g, &mut s, VarScope::Session, "sql_mode", Value::text("")).unwrap();
        g.set(&mut s, VarScope::Session, "sql_mode", SetValue::Default)
            .unwrap();
        assert_eq!(s.sql_mode()[0], "REAL_AS_FLOAT");
        g.set(&mut s, VarScope::Global, "sql_mode", SetValue::Default)
            .unwrap();
        let global = g.get(&s, VarScope::Global, "sql_mode").unwrap();
        assert_eq!(
            global,
            Value::text(
                "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION"
            )
        );
    }

    #[test]
    fn clipped_values_are_stored_clipped_and_warned_about() {
        let (g, mut s) = server();
        let w = set(&g, &mut s, VarScope::Global, "server_id", Value::Int(-1)).unwrap();
        assert_eq!(w[0].message, "Truncated incorrect server_id value: '-1'");
        assert_eq!(g.server_id(), 1);
        let w = set(
            &g,
            &mut s,
            VarScope::Default,
            "innodb_lock_wait_timeout",
            Value::Int(200_000_000),
        )
        .unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(s.innodb_lock_wait_timeout().as_secs(), 100_000_000);
    }

    #[test]
    fn a_tiny_max_allowed_packet_also_warns_about_net_buffer_length() {
        let (g, mut s) = server();
        let w = set(
            &g,
            &mut s,
            VarScope::Global,
            "max_allowed_packet",
            Value::Int(1),
        )
        .unwrap();
        let codes: Vec<u16> = w.iter().map(|c| c.code).collect();
        assert_eq!(codes, [1292, 1708]);
        assert_eq!(
            w[1].message,
            "The value of 'max_allowed_packet' should be no less than the value of 'net_buffer_length'"
        );
    }

    #[test]
    fn worker_count_names_are_one_value_and_mysql_adds_its_own() {
        let (g, mut s) = server();
        set(
            &g,
            &mut s,
            VarScope::Global,
            "slave_parallel_workers",
            Value::Int(3),
        )
        .unwrap();
        assert_eq!(
            g.global("slave_parallel_threads"),
            Some(Setting::Unsigned(3))
        );
        let e = error(set(
            &g,
            &mut s,
            VarScope::Global,
            "replica_parallel_workers",
            Value::Int(1),
        ));
        assert_eq!(e.0, 1193);
        let e = error(set(
            &g,
            &mut s,
            VarScope::Global,
            "slave_parallel_type",
            Value::text("DATABASE"),
        ));
        assert_eq!(e.0, 1193);

        let config = ServerConfig {
            flavor: crate::server::config::Flavor::MySql,
            ..ServerConfig::default()
        };
        let g = SystemVariables::new(&config);
        let mut s = SessionVariables::new(&g);
        set(
            &g,
            &mut s,
            VarScope::Global,
            "replica_parallel_workers",
            Value::Int(4),
        )
        .unwrap();
        for name in ["slave_parallel_workers", "slave_parallel_threads"] {
            assert_eq!(g.global(name), Some(Setting::Unsigned(4)), "{name}");
        }
        assert_eq!(
            g.global("slave_parallel_type"),
            Some(Setting::Text(Some("DATABASE".into())))
        );
        set(
            &g,
            &mut s,
            VarScope::Global,
            "slave_parallel_type",
            Value::text("logical_clock"),
        )
        .unwrap();
        let shown = g.show(&s, true, &|n| n.starts_with("slave_parallel_t"));
        assert_eq!(
            shown,
            vec![
                ("slave_parallel_threads".to_string(), "4".to_string()),
                (
                    "slave_parallel_type".to_string(),
                    "LOGICAL_CLOCK".to_string()
                )
            ]
        );
        let e = error(set(
            &g,
            &mut s,
            VarScope::Global,
            "slave_parallel_type",
            Value::text("x"),
        ));
        assert_eq!(e.0, 1231);
    }

    #[test]
    fn aliases_and_charset_collation_pairs_change_together() {
        let (g, mut s) = server();
        set(
            &g,
            &mut s,
            VarScope::Default,
            "storage_engine",
            Value::text("myisam"),
        )
        .unwrap();
        assert_eq!(s.default_storage_engine(), "MyISAM");
        set(
            &g,
            &mut s,
            VarScope::Default,
            "character_set_connection",
            Value::text("utf8"),
        )
        .unwrap();
        assert_eq!(s.collation_connection(), "utf8mb3_general_ci");
        set(
            &g,
            &mut s,
            VarScope::Default,
            "collation_connection",
            Value::text("latin1_bin"),
        )
        .unwrap();
        let charset = g
            .get(&s, VarScope::Default, "character_set_connection")
            .unwrap();
        assert_eq!(charset, Value::text("latin1"));
        set(
            &g,
            &mut s,
            VarScope::Default,
            "character_set_results",
            Value::Null,
        )
        .unwrap();
        assert_eq!(s.character_set_results(), None);
    }

    #[test]
    fn timestamp_is_fixed_by_set_and_runs_again_after_default() {
        let (g, mut s) = server();
        set(
            &g,
            &mut s,
            VarScope::Default,
            "timestamp",
            Value::Int(12345),
        )
        .unwrap();
        let fixed = g.get(&s, VarScope::Default, "timestamp").unwrap();
        let Value::Decimal(fixed) = fixed else {
            panic!("{fixed:?}")
        };
        assert_eq!(fixed.to_string(), "12345.000000");
        g.set(&mut s, VarScope::Default, "timestamp", SetValue::Default)
            .unwrap();
        assert_eq!(s.fixed_timestamp(), None);
        assert!(s.timestamp() > 1_600_000_000.0);
    }
}
