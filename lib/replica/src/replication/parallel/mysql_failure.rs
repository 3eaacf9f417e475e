//! Last_SQL_Error in the mysql flavor when a worker fails (spec 4.1,
//! MySQL MTS): the coordinator reports the worker's failure by worker
//! number (1-based, as MySQL's `internal_id`), transaction and master
//! position, and keeps the worker's error number. A worker's failure
//! and its group come in; the coordinator's failure goes out.

use crate::binlog::gtid::Gtid;
use crate::replication::apply::applier::GroupError;
use crate::replication::apply::collect::Group;
use crate::replication::apply::decode::Body;
use crate::replication::apply::errors::SqlFailure;

/// Where and in what a worker failed.
#[derive(Debug, Clone, Copy)]
pub struct FailedAt<'a> {
    /// 1-based worker number.
    pub worker: usize,
    pub gtid: Option<Gtid>,
    pub master_log: &'a str,
    pub end_log_pos: u64,
}

/// The coordinator's failure for the worker's `cause`.
pub fn coordinator_stopped(at: &FailedAt<'_>, cause: SqlFailure) -> SqlFailure {
    let gtid = at
        .gtid
        .map_or_else(|| "ANONYMOUS".to_string(), |g| g.to_string());
    let text = format!(
        "Coordinator stopped because there were error(s) in the worker(s). The most recent failure being: Worker {} failed executing transaction '{gtid}' at master log {}, end_log_pos {}. See error log and/or performance_schema.replication_applier_status_by_worker table for more details about this failure or others, if any.",
        at.worker, at.master_log, at.end_log_pos
    );
    SqlFailure { text, ..cause }
}

/// The master end position of the event that failed: the rows event's,
/// the failing statement's, else the group's last event's.
pub fn failed_event_end(error: &GroupError, group: &Group) -> u64 {
    let by_query = |query: &str| {
        group.events.iter().find_map(|r| match &r.event.body {
            Body::Query(q) if q.text == query.as_bytes() => Some(r.event.header.log_pos),
            _ => None,
        })
    };
    let found = match error {
        GroupError::Row { log_pos, .. } => Some(*log_pos),
        GroupError::Statement { query, .. } => by_query(query),
        _ => None,
    };
    let last = group.last().map_or(0, |r| r.event.header.log_pos);
    u64::from(found.unwrap_or(last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServerError;

    #[test]
    fn the_coordinator_names_the_worker_transaction_and_position() {
        let cause = SqlFailure {
            code: 1062,
            text: "Duplicate entry '5' for key 'PRIMARY'".into(),
            cause: Some(ServerError::new(
                1062,
                "23000",
                "Duplicate entry '5' for key 'PRIMARY'",
            )),
        };
        let at = FailedAt {
            worker: 2,
            gtid: Some(Gtid {
                domain_id: 0,
                server_id: 1,
                seq_no: 8,
            }),
            master_log: "master-bin.000001",
            end_log_pos: 1922,
        };
        let f = coordinator_stopped(&at, cause);
        assert_eq!(f.code, 1062);
        assert_eq!(
            f.text,
            "Coordinator stopped because there were error(s) in the worker(s). The most recent failure being: Worker 2 failed executing transaction '0-1-8' at master log master-bin.000001, end_log_pos 1922. See error log and/or performance_schema.replication_applier_status_by_worker table for more details about this failure or others, if any."
        );
        assert!(f.cause.is_some());
        let anonymous = coordinator_stopped(&FailedAt { gtid: None, ..at }, f);
        assert!(anonymous.text.contains("transaction 'ANONYMOUS'"));
    }
}
