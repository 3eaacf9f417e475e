//! What a slave tells the master through user variables before it asks
//! for the dump: `@master_binlog_checksum` (whether it understands
//! checksums), `@mariadb_slave_capability`, `@master_heartbeat_period`
//! (nanoseconds), `@slave_connect_state` (GTID mode and its start) and the
//! GTID strictness flags and `@slave_until_gtid` (where to stop). The session's variables come in; one
//! `DumpOptions` goes out.

use std::collections::HashMap;
use std::time::Duration;

use crate::sql::value::{Value, to_string_lossy};

/// The capability of a slave that understands GTIDs and tolerates holes.
pub const CAPABILITY_GTID: i64 = 4;

/// How the slave asked to be served.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DumpOptions {
    /// The slave set `@master_binlog_checksum` (the checksum handshake).
    pub checksum_aware: bool,
    /// It set it to CRC32: the first artificial Rotate carries a checksum.
    pub checksum_crc32: bool,
    pub capability: i64,
    /// None: no heartbeats.
    pub heartbeat: Option<Duration>,
    /// `@slave_connect_state` when set: GTID mode from this state text.
    pub connect_state: Option<String>,
    pub gtid_strict_mode: bool,
    pub gtid_ignore_duplicates: bool,
    /// `@slave_until_gtid` (START SLAVE UNTIL master_gtid_pos), GTID mode only.
    pub until_gtid: Option<String>,
}

impl DumpOptions {
    /// Reads the options from a session's user variables (names lowercase).
    pub fn from_user_vars(vars: &HashMap<String, Value>) -> DumpOptions {
        let get = |name: &str| vars.get(name).filter(|v| !v.is_null());
        let checksum = vars.get("master_binlog_checksum");
        DumpOptions {
            checksum_aware: checksum.is_some(),
            checksum_crc32: checksum
                .is_some_and(|v| to_string_lossy(v).eq_ignore_ascii_case("CRC32")),
            capability: get("mariadb_slave_capability").map_or(0, integer),
            heartbeat: get("master_heartbeat_period")
                .map(integer)
                .filter(|&ns| ns > 0)
                .map(|ns| Duration::from_nanos(ns as u64)),
            connect_state: get("slave_connect_state").map(to_string_lossy),
            gtid_strict_mode: get("slave_gtid_strict_mode").is_some_and(|v| integer(v) != 0),
            gtid_ignore_duplicates: get("slave_gtid_ignore_duplicates")
                .is_some_and(|v| integer(v) != 0),
            until_gtid: get("slave_until_gtid").map(to_string_lossy),
        }
    }
}

/// A user variable's integer value, as MariaDB's val_int reads its text.
fn integer(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::UInt(u) => i64::try_from(*u).unwrap_or(i64::MAX),
        Value::Double(d) => *d as i64,
        other => {
            let text = to_string_lossy(other);
            let t = text.trim();
            let end = t
                .char_indices()
                .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
                .map_or(t.len(), |(i, _)| i);
            t[..end].parse().unwrap_or(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, Value)]) -> HashMap<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn a_real_gtid_slaves_variables() {
        let opts = DumpOptions::from_user_vars(&vars(&[
            ("master_heartbeat_period", Value::Int(30_000_001_024)),
            ("master_binlog_checksum", Value::text("CRC32")),
            ("mariadb_slave_capability", Value::Int(4)),
            ("slave_connect_state", Value::text("0-1-3")),
            ("slave_gtid_strict_mode", Value::Int(0)),
            ("slave_gtid_ignore_duplicates", Value::Int(0)),
        ]));
        assert!(opts.checksum_aware && opts.checksum_crc32);
        assert_eq!(opts.capability, CAPABILITY_GTID);
        assert_eq!(opts.heartbeat, Some(Duration::from_nanos(30_000_001_024)));
        assert_eq!(opts.connect_state.as_deref(), Some("0-1-3"));
        assert!(!opts.gtid_strict_mode);
    }

    #[test]
    fn a_binlog_client_without_checksum_or_gtid() {
        let opts = DumpOptions::from_user_vars(&vars(&[
            ("master_binlog_checksum", Value::text("NONE")),
            ("mariadb_slave_capability", Value::text("4")),
        ]));
        assert!(opts.checksum_aware && !opts.checksum_crc32);
        assert_eq!(
            (opts.capability, opts.heartbeat, opts.connect_state),
            (4, None, None)
        );
        assert!(!DumpOptions::from_user_vars(&HashMap::new()).checksum_aware);
    }
}
