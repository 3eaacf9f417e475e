//! The slave's GTID positions as text (`@@gtid_slave_pos`,
//! `@@gtid_current_pos`) and the two waits on the SQL thread's progress:
//! MASTER_POS_WAIT (a master file and offset) and MASTER_GTID_WAIT (a GTID
//! list). The waits sleep on `channel.sql_advanced` in short slices so
//! that KILL (the `interrupted` callback) ends them.

use std::time::{Duration, Instant};

use crate::binlog::gtid::{list_text, parse_list};
use crate::server::state::ServerState;

/// How often a wait looks at its `interrupted` callback.
const SLICE: Duration = Duration::from_millis(100);

/// `@@gtid_slave_pos`: the last applied GTID of each domain.
pub fn gtid_slave_pos(state: &ServerState) -> String {
    list_text(&state.slave.gtid_slave_pos.lock().unwrap())
}

/// `@@gtid_current_pos`: per domain, the newer of the binlog's and the
/// slave's last GTID (MariaDB takes the binlog's for domains this server
/// wrote to itself).
pub fn gtid_current_pos(state: &ServerState) -> String {
    let mut merged = parse_list(&gtid_slave_pos(state)).unwrap_or_default();
    let binlog = state
        .binlog
        .as_ref()
        .map(|b| b.gtid_pos())
        .unwrap_or_default();
    for gtid in parse_list(&binlog).unwrap_or_default() {
        match merged.iter_mut().find(|g| g.domain_id == gtid.domain_id) {
            Some(g) if g.seq_no < gtid.seq_no => *g = gtid,
            Some(_) => {}
            None => merged.push(gtid),
        }
    }
    merged.sort_by_key(|g| g.domain_id);
    list_text(&merged)
}

/// The end of a wait: None without a timeout (or a non-positive one).
fn deadline(timeout: Option<f64>) -> Option<Instant> {
    timeout
        .filter(|t| *t > 0.0)
        .map(|t| Instant::now() + Duration::from_secs_f64(t.min(1e9)))
}

/// MASTER_POS_WAIT: Some(0) once the SQL thread has executed up to `file`
/// and `pos`, Some(-1) on timeout, None when the SQL thread is not running
/// (or stops meanwhile); Err from `interrupted` (KILL).
pub fn master_pos_wait<E>(
    state: &ServerState,
    file: &str,
    pos: u64,
    timeout: Option<f64>,
    interrupted: impl Fn() -> Result<(), E>,
) -> Result<Option<i64>, E> {
    let end = deadline(timeout);
    let channel = &state.slave;
    let mut sql = channel.sql.lock().unwrap();
    loop {
        if !sql.running {
            return Ok(None);
        }
        if reached(
            &sql.relay_master_log_file,
            sql.exec_master_log_pos,
            file,
            pos,
        ) {
            return Ok(Some(0));
        }
        if end.is_some_and(|e| Instant::now() >= e) {
            return Ok(Some(-1));
        }
        drop(sql);
        interrupted()?;
        sql = channel.sql.lock().unwrap();
        sql = channel.sql_advanced.wait_timeout(sql, SLICE).unwrap().0;
    }
}

/// Whether the executed position is at or past `file`/`pos` (files compare
/// by their number).
fn reached(at_file: &str, at_pos: u64, file: &str, pos: u64) -> bool {
    let number = |f: &str| f.rsplit('.').next().and_then(|n| n.parse::<u64>().ok());
    match (number(at_file), number(file)) {
        (Some(a), Some(b)) if a != b => a > b,
        _ => at_file == file && at_pos >= pos,
    }
}

/// MASTER_GTID_WAIT: 0 once `@@gtid_slave_pos` holds every GTID of
/// `gtids` (an equal or later one in its domain), -1 on timeout (a zero
/// timeout only looks); Err(None) for a malformed list, Err(Some) from
/// `interrupted`.
pub fn master_gtid_wait<E>(
    state: &ServerState,
    gtids: &str,
    timeout: Option<f64>,
    interrupted: impl Fn() -> Result<(), E>,
) -> Result<i64, Option<E>> {
    let wanted = parse_list(gtids).ok_or(None)?;
    let end = match timeout {
        Some(t) if t <= 0.0 => Some(Instant::now()),
        t => deadline(t),
    };
    let channel = &state.slave;
    loop {
        {
            let have = channel.gtid_slave_pos.lock().unwrap();
            let done = wanted.iter().all(|w| {
                have.iter()
                    .any(|h| h.domain_id == w.domain_id && h.seq_no >= w.seq_no)
            });
            if done {
                return Ok(0);
            }
        }
        if end.is_some_and(|e| Instant::now() >= e) {
            return Ok(-1);
        }
        interrupted().map_err(Some)?;
        let sql = channel.sql.lock().unwrap();
        let _ = channel.sql_advanced.wait_timeout(sql, SLICE).unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binlog::gtid::Gtid;
    use crate::server::config::ServerConfig;

    fn no_kill() -> Result<(), ()> {
        Ok(())
    }

    #[test]
    fn positions_compare_by_file_number_then_offset() {
        assert!(reached("m-bin.000002", 4, "m-bin.000001", 900));
        assert!(reached("m-bin.000001", 900, "m-bin.000001", 900));
        assert!(!reached("m-bin.000001", 899, "m-bin.000001", 900));
        assert!(!reached("", 0, "m-bin.000001", 4));
    }

    #[test]
    fn master_pos_wait_is_null_without_a_sql_thread_and_times_out_when_behind() {
        let state = ServerState::new(ServerConfig::default());
        assert_eq!(
            master_pos_wait(&state, "m.000001", 4, Some(0.1), no_kill),
            Ok(None)
        );
        {
            let mut sql = state.slave.sql.lock().unwrap();
            sql.running = true;
            sql.relay_master_log_file = "m.000001".into();
            sql.exec_master_log_pos = 100;
        }
        assert_eq!(
            master_pos_wait(&state, "m.000001", 100, Some(0.1), no_kill),
            Ok(Some(0))
        );
        assert_eq!(
            master_pos_wait(&state, "m.000001", 101, Some(0.1), no_kill),
            Ok(Some(-1))
        );
    }

    #[test]
    fn master_gtid_wait_sees_the_slave_position() {
        let state = ServerState::new(ServerConfig::default());
        assert_eq!(master_gtid_wait(&state, "", Some(0.0), no_kill), Ok(0));
        assert_eq!(
            master_gtid_wait(&state, "0-1-1", Some(0.0), no_kill),
            Ok(-1)
        );
        assert_eq!(master_gtid_wait(&state, "x", None, no_kill), Err(None));
        state.slave.gtid_slave_pos.lock().unwrap().push(Gtid {
            domain_id: 0,
            server_id: 1,
            seq_no: 3,
        });
        assert_eq!(master_gtid_wait(&state, "0-1-2", Some(1.0), no_kill), Ok(0));
        assert_eq!(gtid_slave_pos(&state), "0-1-3");
        assert_eq!(gtid_current_pos(&state), "0-1-3");
    }
}
