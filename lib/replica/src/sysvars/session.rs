//! One connection's system variables: a copy of the global values of every
//! variable with a session scope, taken when the connection starts (later
//! SET GLOBALs do not reach it), plus the session-only ones (timestamp,
//! insert_id, …). `SystemVariables::set` writes here; the executor reads
//! the typed getters.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::catalog::VARIABLES;
use super::globals::SystemVariables;
use super::setting::Setting;

/// The session-scoped variables of one connection.
#[derive(Debug, Clone)]
pub struct SessionVariables {
    values: HashMap<&'static str, Setting>,
}

impl SessionVariables {
    /// Copies the current global values; session-only variables start at their defaults.
    pub fn new(globals: &SystemVariables) -> SessionVariables {
        let values = VARIABLES
            .iter()
            .filter(|def| def.has_session())
            .map(|def| (def.name, globals.initial_session_value(def)))
            .collect();
        SessionVariables { values }
    }

    /// Gives the connection its id (`@@pseudo_thread_id` starts as it).
    pub fn bind_connection(&mut self, id: u64) {
        self.values
            .insert("pseudo_thread_id", Setting::Unsigned(id));
    }

    /// The stored value of a session variable (lower-case name).
    pub fn setting(&self, name: &str) -> Option<&Setting> {
        self.values.get(name)
    }

    /// Sets a value the server itself maintains (last_insert_id,
    /// warning_count, in_transaction, last_gtid, …), bypassing SET's checks.
    pub fn set_server_value(&mut self, name: &'static str, value: Setting) {
        debug_assert!(self.values.contains_key(name), "no session variable {name}");
        self.values.insert(name, value);
    }

    pub(super) fn store(&mut self, name: &'static str, value: Setting) {
        self.values.insert(name, value);
    }

    fn flag(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(Setting::as_bool)
    }

    fn number(&self, name: &str) -> u64 {
        self.values.get(name).map_or(0, Setting::as_u64)
    }

    fn text(&self, name: &str) -> &str {
        self.values.get(name).map_or("", Setting::as_text)
    }

    /// RAND()'s generator state: @@rand_seed1, @@rand_seed2.
    pub fn rand_seeds(&self) -> (u64, u64) {
        (self.number("rand_seed1"), self.number("rand_seed2"))
    }

    pub fn set_rand_seeds(&mut self, seed1: u64, seed2: u64) {
        self.values.insert("rand_seed1", Setting::Unsigned(seed1));
        self.values.insert("rand_seed2", Setting::Unsigned(seed2));
    }

    pub fn autocommit(&self) -> bool {
        self.flag("autocommit")
    }

    /// The modes of @@sql_mode, upper case, combination modes expanded.
    pub fn sql_mode(&self) -> Vec<String> {
        let text = self.text("sql_mode");
        text.split(',')
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Whether a mode (upper case) is on.
    pub fn has_sql_mode(&self, mode: &str) -> bool {
        self.text("sql_mode").split(',').any(|m| m == mode)
    }

    pub fn innodb_lock_wait_timeout(&self) -> Duration {
        Duration::from_secs(self.number("innodb_lock_wait_timeout"))
    }

    pub fn lock_wait_timeout(&self) -> Duration {
        Duration::from_secs(self.number("lock_wait_timeout"))
    }

    pub fn max_allowed_packet(&self) -> u64 {
        self.number("max_allowed_packet")
    }

    pub fn wait_timeout(&self) -> Duration {
        Duration::from_secs(self.number("wait_timeout"))
    }

    /// `MIXED`, `STATEMENT` or `ROW`: how this session's changes are logged.
    pub fn binlog_format(&self) -> &str {
        self.text("binlog_format")
    }

    pub fn sql_log_bin(&self) -> bool {
        self.flag("sql_log_bin")
    }

    /// Non-transactional changes go to the binary log at once, even
    /// inside a transaction that changed transactional tables.
    pub fn binlog_direct_non_transactional_updates(&self) -> bool {
        self.flag("binlog_direct_non_transactional_updates")
    }

    pub fn foreign_key_checks(&self) -> bool {
        self.flag("foreign_key_checks")
    }

    pub fn unique_checks(&self) -> bool {
        self.flag("unique_checks")
    }

    pub fn sql_notes(&self) -> bool {
        self.flag("sql_notes")
    }

    pub fn sql_auto_is_null(&self) -> bool {
        self.flag("sql_auto_is_null")
    }

    pub fn sql_safe_updates(&self) -> bool {
        self.flag("sql_safe_updates")
    }

    pub fn sql_select_limit(&self) -> u64 {
        self.number("sql_select_limit")
    }

    pub fn max_error_count(&self) -> u64 {
        self.number("max_error_count")
    }

    pub fn auto_increment_increment(&self) -> u64 {
        self.number("auto_increment_increment")
    }

    pub fn auto_increment_offset(&self) -> u64 {
        self.number("auto_increment_offset")
    }

    pub fn div_precision_increment(&self) -> u64 {
        self.number("div_precision_increment")
    }

    pub fn group_concat_max_len(&self) -> u64 {
        self.number("group_concat_max_len")
    }

    pub fn default_week_format(&self) -> u64 {
        self.number("default_week_format")
    }

    /// The session's server_id (what its binlog events carry).
    pub fn server_id(&self) -> u64 {
        self.number("server_id")
    }

    pub fn gtid_domain_id(&self) -> u64 {
        self.number("gtid_domain_id")
    }

    /// @@gtid_seq_no; 0 when not set for the next transaction.
    pub fn gtid_seq_no(&self) -> u64 {
        self.number("gtid_seq_no")
    }

    /// @@insert_id; 0 when not set for the next insert.
    pub fn insert_id(&self) -> u64 {
        self.number("insert_id")
    }

    pub fn pseudo_thread_id(&self) -> u64 {
        self.number("pseudo_thread_id")
    }

    /// `REPEATABLE-READ` etc.
    pub fn tx_isolation(&self) -> &str {
        self.text("tx_isolation")
    }

    pub fn tx_read_only(&self) -> bool {
        self.flag("tx_read_only")
    }

    /// `SYSTEM`, an offset like `+01:00`, or a zone name.
    pub fn time_zone(&self) -> &str {
        self.text("time_zone")
    }

    /// Engine for CREATE TABLE without ENGINE=, canonical spelling.
    pub fn default_storage_engine(&self) -> &str {
        self.text("default_storage_engine")
    }

    pub fn character_set_client(&self) -> &str {
        self.text("character_set_client")
    }

    /// None when @@character_set_results is NULL (no conversion).
    pub fn character_set_results(&self) -> Option<&str> {
        match self.values.get("character_set_results") {
            Some(Setting::Text(Some(t))) => Some(t),
            _ => None,
        }
    }

    pub fn collation_connection(&self) -> &str {
        self.text("collation_connection")
    }

    pub fn character_set_connection(&self) -> &str {
        self.text("character_set_connection")
    }

    /// SET NAMES: the client, connection and results charsets at once.
    pub fn set_names(&mut self, charset: &str, collation: &str) {
        for name in [
            "character_set_client",
            "character_set_connection",
            "character_set_results",
        ] {
            self.store(name, Setting::Text(Some(charset.to_string())));
        }
        self.store(
            "collation_connection",
            Setting::Text(Some(collation.to_string())),
        );
    }

    /// The handshake's collation id sets the connection's charsets as SET
    /// NAMES would; unknown ids keep the server's defaults.
    pub fn adopt_client_collation(&mut self, id: u16) {
        let Some(collation) = super::charsets::collation_by_id(id) else {
            return;
        };
        if let Some((collation, charset)) = super::charsets::collation(collation) {
            self.set_names(charset, collation);
        }
    }

    /// SET TIMESTAMP's value in seconds; None when the clock runs.
    pub fn fixed_timestamp(&self) -> Option<f64> {
        match self.values.get("timestamp") {
            Some(Setting::Double(t)) if *t != 0.0 => Some(*t),
            _ => None,
        }
    }

    /// What NOW() and @@timestamp read: the fixed timestamp or the clock.
    pub fn timestamp(&self) -> f64 {
        self.fixed_timestamp().unwrap_or_else(|| {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            now.as_micros() as f64 / 1_000_000.0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::ServerConfig;
    use crate::sql::eval::VarScope;
    use crate::sql::value::Value;
    use crate::sysvars::SetValue;

    #[test]
    fn a_session_copies_globals_when_created_but_not_after() {
        let globals = SystemVariables::new(&ServerConfig::default());
        let mut first = SessionVariables::new(&globals);
        let global_set = SetValue::Value(Value::text("TRADITIONAL"));
        globals
            .set(&mut first, VarScope::Global, "sql_mode", global_set)
            .unwrap();
        assert!(first.has_sql_mode("NO_ENGINE_SUBSTITUTION"));
        assert!(!first.has_sql_mode("TRADITIONAL"));
        let second = SessionVariables::new(&globals);
        assert!(second.has_sql_mode("TRADITIONAL"));
        assert!(second.has_sql_mode("STRICT_ALL_TABLES"));
    }

    #[test]
    fn typed_getters_read_the_defaults() {
        let globals = SystemVariables::new(&ServerConfig::default());
        let mut s = SessionVariables::new(&globals);
        assert!(s.autocommit());
        assert_eq!(
            s.sql_mode(),
            [
                "STRICT_TRANS_TABLES",
                "ERROR_FOR_DIVISION_BY_ZERO",
                "NO_AUTO_CREATE_USER",
                "NO_ENGINE_SUBSTITUTION"
            ]
        );
        assert_eq!(s.innodb_lock_wait_timeout(), Duration::from_secs(50));
        assert_eq!(s.lock_wait_timeout(), Duration::from_secs(86400));
        assert_eq!(s.max_allowed_packet(), 16 << 20);
        assert_eq!(s.tx_isolation(), "REPEATABLE-READ");
        assert_eq!(s.time_zone(), "SYSTEM");
        assert_eq!(s.default_storage_engine(), "InnoDB");
        assert_eq!(s.character_set_results(), Some("latin1"));
        s.bind_connection(42);
        assert_eq!(s.pseudo_thread_id(), 42);
        s.set_server_value("last_insert_id", Setting::Unsigned(7));
        let v = globals
            .get(&s, VarScope::Default, "last_insert_id")
            .unwrap();
        assert_eq!(v, Value::UInt(7));
    }
}
