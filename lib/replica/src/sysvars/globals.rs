//! The server's global system variables: one table shared by every
//! connection behind a mutex, built from the catalog's defaults and the
//! start-up config. Reads (`SELECT @@x`, SHOW VARIABLES) come in with the
//! asking connection's [`SessionVariables`]; SET lives in `assign`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use super::def::{Scope, VarDef};
use super::errors;
use super::flavored::{all_for, lookup_for};
use super::session::SessionVariables;
use super::setting::Setting;
use super::startup;
use crate::debug::signals::Signals;
use crate::error::ServerResult;
use crate::server::config::{Flavor, ServerConfig};
use crate::sql::eval::VarScope;
use crate::sql::value::Value;

/// The global values of all variables with a global scope.
#[derive(Debug)]
pub struct SystemVariables {
    values: Mutex<HashMap<&'static str, Setting>>,
    /// Which variables exist besides MariaDB's (see `flavored`).
    flavor: Flavor,
    /// DEBUG_SYNC's signals, which `@@debug_sync` describes.
    debug_sync: OnceLock<Arc<Signals>>,
}

/// Variables whose session value follows the global one until the session sets its own.
const FOLLOW_GLOBAL: &[&str] = &["debug", "debug_dbug"];

impl SystemVariables {
    /// Catalog defaults, then the config's fields, then its `options`.
    pub fn new(config: &ServerConfig) -> SystemVariables {
        let mut values: HashMap<&'static str, Setting> = all_for(config.flavor)
            .into_iter()
            .filter(|def| def.has_global())
            .map(|def| (def.name, Setting::from_show_text(&def.kind, def.default)))
            .collect();
        startup::apply_config(&mut values, config);
        SystemVariables {
            values: Mutex::new(values),
            flavor: config.flavor,
            debug_sync: OnceLock::new(),
        }
    }

    /// A variable this server's flavor knows, by name in any letter case.
    pub fn def(&self, name: &str) -> Option<&'static VarDef> {
        lookup_for(self.flavor, name)
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, HashMap<&'static str, Setting>> {
        self.values.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Lets `@@debug_sync` read the server's signals.
    pub fn attach_debug_sync(&self, signals: Arc<Signals>) {
        let _ = self.debug_sync.set(signals);
    }

    /// `@@debug_sync`: OFF unless the server runs with --debug-sync-timeout.
    fn debug_sync_value(&self) -> Setting {
        let text = self
            .debug_sync
            .get()
            .map_or_else(|| "OFF".to_string(), |s| s.describe());
        Setting::Text(Some(text))
    }

    /// The session's debug_dbug, or the global one while it has none of its own.
    pub fn debug_dbug(&self, session: &SessionVariables) -> String {
        match session.setting("debug_dbug") {
            Some(Setting::Text(Some(own))) => own.clone(),
            _ => self
                .global("debug_dbug")
                .map(|s| s.as_text().to_string())
                .unwrap_or_default(),
        }
    }

    /// The value a new connection's copy starts with (none of its own
    /// for the variables that follow the global one).
    pub(super) fn initial_session_value(&self, def: &VarDef) -> Setting {
        if FOLLOW_GLOBAL.contains(&def.name) {
            return Setting::Text(None);
        }
        match def.scope {
            Scope::SessionOnly => Setting::from_show_text(&def.kind, def.default),
            _ => self.global(def.name).unwrap_or(Setting::Text(None)),
        }
    }

    /// The global value of a variable (lower-case name); None when it has none.
    pub fn global(&self, name: &str) -> Option<Setting> {
        self.lock().get(name).cloned()
    }

    /// Sets a global the server itself maintains (gtid_binlog_pos,
    /// gtid_current_pos, …), bypassing SET's checks.
    pub fn set_server_value(&self, name: &'static str, value: Setting) {
        debug_assert!(self.lock().contains_key(name), "no global variable {name}");
        self.lock().insert(name, value);
    }

    /// `@@x`, `@@session.x`, `@@global.x` as SELECT returns them.
    pub fn get(
        &self,
        session: &SessionVariables,
        scope: VarScope,
        name: &str,
    ) -> ServerResult<Value> {
        let def = self
            .def(name)
            .ok_or_else(|| errors::unknown_system_variable(name))?;
        let from_session = match scope {
            VarScope::Global if !def.has_global() => {
                return Err(errors::is_session_variable(def.name));
            }
            VarScope::Session if !def.has_session() => {
                return Err(errors::is_global_variable(def.name));
            }
            VarScope::Global => false,
            VarScope::Session | VarScope::Default => def.has_session(),
        };
        Ok(self.current(session, def, from_session).select_value())
    }

    /// SHOW [GLOBAL | SESSION] VARIABLES rows whose name passes `filter`,
    /// sorted by name, values as SHOW prints them.
    pub fn show(
        &self,
        session: &SessionVariables,
        global: bool,
        filter: &dyn Fn(&str) -> bool,
    ) -> Vec<(String, String)> {
        all_for(self.flavor)
            .into_iter()
            .filter(|def| !global || def.has_global())
            .filter(|def| filter(def.name))
            .map(|def| {
                let value = self.current(session, def, !global && def.has_session());
                (def.name.to_string(), value.show_text())
            })
            .collect()
    }

    /// The session's or the global value; a running clock for @@timestamp.
    pub(super) fn current(
        &self,
        session: &SessionVariables,
        def: &VarDef,
        from_session: bool,
    ) -> Setting {
        if def.name == "timestamp" {
            return Setting::Double(session.timestamp());
        }
        if def.name == "debug_sync" {
            return self.debug_sync_value();
        }
        if from_session && FOLLOW_GLOBAL.contains(&def.name) {
            return Setting::Text(Some(self.debug_dbug(session)));
        }
        let stored = if from_session {
            session.setting(def.name).cloned()
        } else {
            self.global(def.name)
        };
        stored.unwrap_or(Setting::Text(None))
    }

    pub fn read_only(&self) -> bool {
        self.flag("read_only")
    }

    pub fn server_id(&self) -> u64 {
        self.number("server_id")
    }

    pub fn gtid_strict_mode(&self) -> bool {
        self.flag("gtid_strict_mode")
    }

    pub fn log_bin(&self) -> bool {
        self.flag("log_bin")
    }

    pub fn log_slave_updates(&self) -> bool {
        self.flag("log_slave_updates")
    }

    pub fn slave_parallel_threads(&self) -> u64 {
        self.number("slave_parallel_threads")
    }

    /// `optimistic`, `conservative`, `aggressive`, `minimal` or `none`.
    pub fn slave_parallel_mode(&self) -> String {
        self.text("slave_parallel_mode")
    }

    /// 0 (or more than the pool): a domain may use every worker.
    pub fn slave_domain_parallel_threads(&self) -> u64 {
        self.number("slave_domain_parallel_threads")
    }

    pub fn slave_parallel_max_queued(&self) -> u64 {
        self.number("slave_parallel_max_queued")
    }

    /// How many superseded mysql.gtid_slave_pos rows wait before they are deleted.
    pub fn gtid_cleanup_batch_size(&self) -> u64 {
        self.number("gtid_cleanup_batch_size")
    }

    pub fn slave_transaction_retries(&self) -> u64 {
        self.number("slave_transaction_retries")
    }

    pub fn slave_net_timeout(&self) -> u64 {
        self.number("slave_net_timeout")
    }

    pub fn binlog_commit_wait_count(&self) -> u64 {
        self.number("binlog_commit_wait_count")
    }

    pub fn binlog_commit_wait_usec(&self) -> u64 {
        self.number("binlog_commit_wait_usec")
    }

    pub fn max_connections(&self) -> u64 {
        self.number("max_connections")
    }

    /// `MIXED`, `STATEMENT` or `ROW` (global; sessions have their own copy).
    pub fn binlog_format(&self) -> String {
        self.text("binlog_format")
    }

    fn flag(&self, name: &str) -> bool {
        self.lock().get(name).is_some_and(Setting::as_bool)
    }

    fn number(&self, name: &str) -> u64 {
        self.lock().get(name).map_or(0, Setting::as_u64)
    }

    fn text(&self, name: &str) -> String {
        self.lock()
            .get(name)
            .map_or(String::new(), |s| s.as_text().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysvars::SetValue;

    fn server() -> (SystemVariables, SessionVariables) {
        let globals = SystemVariables::new(&ServerConfig::default());
        let session = SessionVariables::new(&globals);
        (globals, session)
    }

    #[test]
    fn the_globals_can_be_shared_between_connection_threads() {
        fn shared<T: Send + Sync>(_: &T) {}
        let (g, _) = server();
        shared(&g);
        let g = std::sync::Arc::new(g);
        let other = std::sync::Arc::clone(&g);
        let seen = std::thread::spawn(move || {
            let mut s = SessionVariables::new(&other);
            let v = SetValue::Value(Value::Int(1));
            other.set(&mut s, VarScope::Global, "read_only", v).unwrap();
        });
        seen.join().unwrap();
        assert!(g.read_only());
    }

    #[test]
    fn select_gives_each_kind_as_mariadb_returns_it() {
        let (g, s) = server();
        let get = |name: &str| g.get(&s, VarScope::Default, name).unwrap();
        assert_eq!(get("autocommit"), Value::Int(1));
        assert_eq!(get("innodb_autoinc_lock_mode"), Value::Int(1));
        assert_eq!(get("max_join_size"), Value::UInt(u64::MAX));
        assert_eq!(get("tx_isolation"), Value::text("REPEATABLE-READ"));
        assert_eq!(get("log_bin_basename"), Value::Null);
        assert_eq!(get("secure_file_priv"), Value::Null);
        assert_eq!(get("gtid_slave_pos"), Value::text(""));
        assert_eq!(get("debug_sync"), Value::text("OFF"));
        assert_eq!(get("version"), Value::text(crate::server::config::VERSION));
        assert_eq!(get("version_comment"), Value::text("rmtr bundled server"));
        let Value::Decimal(d) = get("long_query_time") else {
            panic!()
        };
        assert_eq!(d.to_string(), "10.000000");
    }

    #[test]
    fn scoped_reads_of_the_wrong_scope_are_1238() {
        let (g, s) = server();
        let e = g.get(&s, VarScope::Session, "MAX_CONNECTIONS").unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (1238, "Variable 'max_connections' is a GLOBAL variable")
        );
        let e = g.get(&s, VarScope::Global, "insert_id").unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (1238, "Variable 'insert_id' is a SESSION variable")
        );
        let e = g.get(&s, VarScope::Default, "NOSUCH").unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (1193, "Unknown system variable 'NOSUCH'")
        );
        assert_eq!(
            g.get(&s, VarScope::Default, "max_connections").unwrap(),
            Value::UInt(151)
        );
        assert_eq!(
            g.get(&s, VarScope::Global, "sql_log_bin").unwrap(),
            Value::Int(1)
        );
    }

    #[test]
    fn show_prints_on_off_and_empty_null_where_select_gives_numbers() {
        let (g, s) = server();
        let rows = g.show(&s, false, &|n| {
            [
                "autocommit",
                "log_bin_basename",
                "long_query_time",
                "timestamp",
            ]
            .contains(&n)
        });
        let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "autocommit",
                "log_bin_basename",
                "long_query_time",
                "timestamp"
            ]
        );
        assert_eq!(rows[0].1, "ON");
        assert_eq!(rows[1].1, "");
        assert_eq!(rows[2].1, "10.000000");
        assert_eq!(rows[3].1.split('.').nth(1).map(str::len), Some(6));
    }

    #[test]
    fn show_global_omits_session_only_variables_and_shows_global_values() {
        let (g, mut s) = server();
        g.set(
            &mut s,
            VarScope::Default,
            "autocommit",
            SetValue::Value(Value::Int(0)),
        )
        .unwrap();
        let session = g.show(&s, false, &|n| n == "autocommit" || n == "insert_id");
        assert_eq!(
            session,
            [
                ("autocommit".into(), "OFF".into()),
                ("insert_id".into(), "0".into())
            ]
        );
        let global = g.show(&s, true, &|n| n == "autocommit" || n == "insert_id");
        assert_eq!(global, [("autocommit".to_string(), "ON".to_string())]);
        assert!(g.show(&s, true, &|_| true).len() < g.show(&s, false, &|_| true).len());
    }
}
