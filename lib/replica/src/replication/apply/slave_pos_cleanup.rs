//! Deleting the rows of mysql.gtid_slave_pos that no longer hold their
//! domain's position, as MariaDB does under `gtid_cleanup_batch_size`.
//! Each row enters [`SlavePosRows`] only once its group has committed (so
//! a worker's uncommitted row is never a candidate); after that many rows
//! since the last cleanup one is due, and the next applier thread free to
//! do it (the serial SQL thread after its commit, the parallel driver
//! before it dispatches a group, a worker whose queue is empty) deletes
//! every noted row except each domain's newest (largest sub_id), in a
//! statement of its own. MariaDB runs the same deletion in a background
//! thread; rows a failed deletion kept go back to wait for the next one.

use std::collections::BTreeMap;

use super::slave_pos::{PosRow, run_unlogged};
use crate::server::error_log::{ErrorLog, timestamp};
use crate::server::state::ServerState;
use crate::session::Session;
use crate::sysvars::Setting;

/// A row as the deletion names it: (domain_id, sub_id).
pub type RowKey = (u32, u64);

/// The debug_dbug keyword that makes every deletion fail, as MariaDB's.
const SIMULATE_FAILED_DELETE: &str = "gtid_slave_pos_simulate_failed_delete";

/// Seconds the deletion waits for a metadata or global lock before it gives up for now.
const LOCK_WAIT_SECONDS: u64 = 1;

/// The committed rows this server wrote, per domain, and the count towards the next cleanup.
#[derive(Debug, Default)]
pub struct SlavePosRows {
    by_domain: BTreeMap<u32, Vec<u64>>,
    noted: u64,
    due: bool,
}

impl SlavePosRows {
    /// Notes a committed row; a cleanup falls due once `batch` rows were noted since the last.
    pub fn note(&mut self, domain: u32, sub_id: u64, batch: u64) {
        self.by_domain.entry(domain).or_default().push(sub_id);
        self.noted += 1;
        if self.noted >= batch {
            self.noted = 0;
            self.due = true;
        }
    }

    /// The rows to delete when a cleanup is due (the due mark is taken with them).
    pub fn take_due(&mut self) -> Option<Vec<RowKey>> {
        if !self.due {
            return None;
        }
        self.due = false;
        Some(self.take_superseded())
    }

    /// Every noted row but each domain's newest, which stays noted.
    fn take_superseded(&mut self) -> Vec<RowKey> {
        let mut taken = Vec::new();
        for (&domain, sub_ids) in &mut self.by_domain {
            let Some(&newest) = sub_ids.iter().max() else {
                continue;
            };
            taken.extend(
                sub_ids
                    .iter()
                    .filter(|&&s| s != newest)
                    .map(|&s| (domain, s)),
            );
            *sub_ids = vec![newest];
        }
        taken
    }

    /// Rows a deletion did not remove, to try again next time.
    pub fn put_back(&mut self, rows: &[RowKey]) {
        for &(domain, sub_id) in rows {
            self.by_domain.entry(domain).or_default().push(sub_id);
        }
    }

    /// Forgets every row (the table was rewritten); the count goes on.
    pub fn forget(&mut self) {
        self.by_domain.clear();
    }

    /// How many rows are noted.
    pub fn len(&self) -> usize {
        self.by_domain.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// After `row`'s group committed: the row is noted for a later cleanup.
pub fn note_committed(state: &ServerState, row: PosRow) {
    let batch = state.globals.gtid_cleanup_batch_size();
    lock(state).note(row.gtid.domain_id, row.sub_id, batch);
}

/// Runs a due cleanup in `session`, which has no transaction open. A
/// pending FLUSH TABLES WITH READ LOCK puts it off rather than wait.
pub fn clean_if_due(session: &mut Session) {
    if session.state.locks.read_lock_wanted() {
        return;
    }
    let Some(rows) = lock(&session.state).take_due() else {
        return;
    };
    if rows.is_empty() {
        return;
    }
    let kept = delete(session, &rows);
    if !kept.is_empty() {
        lock(&session.state).put_back(&kept);
    }
}

/// Deletes `rows`; the ones to try again. Under the debug keyword every
/// attempt fails as MariaDB's: one row is logged and given up, the rest kept.
fn delete(session: &mut Session, rows: &[RowKey]) -> Vec<RowKey> {
    if crate::debug::dbug::keyword(session, SIMULATE_FAILED_DELETE) {
        log_error(session, "<DEBUG> Error deleting old GTID row");
        return rows[1..].to_vec();
    }
    let saved = session.vars.setting("lock_wait_timeout").cloned();
    session
        .vars
        .set_server_value("lock_wait_timeout", Setting::Unsigned(LOCK_WAIT_SECONDS));
    let result = run_unlogged(session, &delete_statement(rows));
    if let Some(saved) = saved {
        session.vars.set_server_value("lock_wait_timeout", saved);
    }
    match result {
        Ok(_) => Vec::new(),
        Err(_) => rows.to_vec(),
    }
}

/// `DELETE … WHERE (domain_id=0 AND sub_id IN (…)) OR …`, one term per domain.
pub fn delete_statement(rows: &[RowKey]) -> String {
    let mut by_domain: BTreeMap<u32, Vec<u64>> = BTreeMap::new();
    for &(domain, sub_id) in rows {
        by_domain.entry(domain).or_default().push(sub_id);
    }
    let terms: Vec<String> = by_domain
        .iter()
        .map(|(domain, sub_ids)| {
            let list: Vec<String> = sub_ids.iter().map(u64::to_string).collect();
            format!("(domain_id={domain} AND sub_id IN ({}))", list.join(","))
        })
        .collect();
    format!(
        "DELETE FROM mysql.gtid_slave_pos WHERE {}",
        terms.join(" OR ")
    )
}

/// An `[ERROR]` line from the applying thread in the error log.
fn log_error(session: &Session, message: &str) {
    let path = session.state.config.log_error.as_deref();
    if let Ok(log) = ErrorLog::open(path) {
        log.line(&format!(
            "{} {} [ERROR] {message}",
            timestamp(),
            session.id()
        ));
    }
}

fn lock(state: &ServerState) -> std::sync::MutexGuard<'_, SlavePosRows> {
    state
        .slave
        .slave_pos_rows
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cleanup_falls_due_every_batch_rows() {
        let mut rows = SlavePosRows::default();
        rows.note(0, 1, 3);
        rows.note(0, 2, 3);
        assert_eq!(rows.take_due(), None);
        rows.note(0, 3, 3);
        assert_eq!(rows.take_due(), Some(vec![(0, 1), (0, 2)]));
        assert_eq!(rows.take_due(), None);
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn each_domain_keeps_its_newest_row() {
        let mut rows = SlavePosRows::default();
        for (domain, sub_id) in [(1, 1), (0, 2), (1, 3), (2, 4), (0, 5)] {
            rows.note(domain, sub_id, 1);
        }
        let mut taken = rows.take_due().unwrap();
        taken.sort();
        assert_eq!(taken, vec![(0, 2), (1, 1)]);
        assert_eq!(rows.len(), 3);
        rows.put_back(&taken);
        rows.note(0, 6, 1);
        let mut again = rows.take_due().unwrap();
        again.sort();
        assert_eq!(again, vec![(0, 2), (0, 5), (1, 1)]);
    }

    #[test]
    fn batch_size_zero_cleans_after_every_row() {
        let mut rows = SlavePosRows::default();
        rows.note(0, 1, 0);
        assert_eq!(rows.take_due(), Some(vec![]));
        rows.forget();
        assert!(rows.is_empty());
    }

    #[test]
    fn the_statement_names_each_row_by_its_key() {
        assert_eq!(
            delete_statement(&[(1, 7), (0, 2), (0, 3)]),
            "DELETE FROM mysql.gtid_slave_pos WHERE (domain_id=0 AND sub_id IN (2,3)) \
             OR (domain_id=1 AND sub_id IN (7))"
        );
    }
}
