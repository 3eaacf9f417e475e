//! Scheduling in the mysql flavor (spec 1.7): `slave_parallel_type`
//! with the commit order preserved, mapped onto MariaDB binlogs. Our
//! masters write no last_committed/sequence_number, so LOGICAL_CLOCK
//! takes the groups that share a commit id (one binlog group commit) as
//! one logical-clock interval: before it assigns the first group of a
//! new interval the driver (MySQL's coordinator) waits until every
//! earlier group has committed; groups of one interval run together.
//! DATABASE sends the groups of one database to one worker, so groups of
//! different databases run in parallel; a group whose database is not
//! known alone (none, or several) waits for everything before it. The
//! driver feeds each group's traits in relay-log order; whether to wait,
//! the worker and the [`StartRule`] come out. Every group is ordered in
//! [`super::mysql_stop::DOMAIN`].

use std::collections::BTreeMap;

use super::order::StartRule;
use super::schedule::GroupTraits;
use crate::replication::apply::collect::Group;
use crate::replication::apply::decode::Body;

/// `slave_parallel_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParallelType {
    Database,
    LogicalClock,
}

impl ParallelType {
    /// The variable's value; anything else is 5.7's default, DATABASE.
    pub fn parse(text: &str) -> ParallelType {
        if text.eq_ignore_ascii_case("LOGICAL_CLOCK") {
            ParallelType::LogicalClock
        } else {
            ParallelType::Database
        }
    }
}

/// The coordinator's scheduling state of one running SQL thread.
#[derive(Debug)]
pub struct MySqlScheduler {
    kind: ParallelType,
    /// A group was assigned since the start.
    any: bool,
    last_commit_id: Option<u64>,
    /// DATABASE: the worker each database went to.
    db_workers: BTreeMap<String, usize>,
    next_worker: usize,
}

impl MySqlScheduler {
    pub fn new(kind: ParallelType) -> MySqlScheduler {
        MySqlScheduler {
            kind,
            any: false,
            last_commit_id: None,
            db_workers: BTreeMap::new(),
            next_worker: 0,
        }
    }

    /// Whether every earlier group must commit before this one is assigned.
    pub fn waits(&mut self, traits: &GroupTraits, db: Option<&str>) -> bool {
        let first = !std::mem::replace(&mut self.any, true);
        let previous = std::mem::replace(&mut self.last_commit_id, traits.commit_id);
        if first {
            return false;
        }
        match self.kind {
            ParallelType::LogicalClock => {
                traits.commit_id.is_none() || traits.commit_id != previous
            }
            ParallelType::Database => db.is_none(),
        }
    }

    /// The worker (of `size`) that gets the group.
    pub fn worker(&mut self, db: Option<&str>, size: usize) -> usize {
        let size = size.max(1);
        let mut next = || {
            let w = self.next_worker % size;
            self.next_worker = (w + 1) % size;
            w
        };
        match (self.kind, db) {
            (ParallelType::Database, Some(db)) => match self.db_workers.get(db) {
                Some(&w) => w % size,
                None => {
                    let w = next();
                    self.db_workers.insert(db.to_string(), w);
                    w
                }
            },
            _ => next(),
        }
    }

    /// Once assigned, a group starts at once unless it uses the
    /// replicated temporary tables or has no Gtid event.
    pub fn rule(&self, traits: &GroupTraits) -> StartRule {
        StartRule {
            barrier: 0,
            after_prior_commit: traits.temporary || traits.flags.is_none(),
            speculative: false,
        }
    }
}

/// The one database the group changes, if exactly one: the Table_map
/// events' and the statements' (not BEGIN/COMMIT) default database.
pub fn group_db(group: &Group) -> Option<String> {
    let mut dbs = group.events.iter().filter_map(|r| match &r.event.body {
        Body::TableMap(map) => Some(map.db.as_str()),
        Body::Query(q) if !is_boundary(&q.text) => Some(q.db.as_str()),
        _ => None,
    });
    let first = dbs.next()?;
    (!first.is_empty() && dbs.all(|db| db == first)).then(|| first.to_string())
}

fn is_boundary(text: &[u8]) -> bool {
    let text = String::from_utf8_lossy(text);
    let word = text.trim().to_ascii_uppercase();
    matches!(word.as_str(), "BEGIN" | "COMMIT" | "ROLLBACK" | "XA END")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binlog::event::gtid_flag;

    fn group(commit_id: Option<u64>) -> GroupTraits {
        GroupTraits {
            domain: 0,
            flags: Some(gtid_flag::TRANSACTIONAL),
            commit_id,
            temporary: false,
        }
    }

    #[test]
    fn logical_clock_waits_at_each_new_commit_id_and_for_groups_without_one() {
        let mut s = MySqlScheduler::new(ParallelType::LogicalClock);
        let waits: Vec<bool> = [Some(7), Some(7), Some(8), None, None, Some(8)]
            .into_iter()
            .map(|cid| s.waits(&group(cid), Some("test")))
            .collect();
        assert_eq!(waits, vec![false, false, true, true, true, true]);
        let workers: Vec<usize> = (0..5).map(|_| s.worker(Some("test"), 4)).collect();
        assert_eq!(workers, vec![0, 1, 2, 3, 0], "round robin");
    }

    #[test]
    fn database_keeps_a_database_on_one_worker_and_waits_for_unknown_ones() {
        let mut s = MySqlScheduler::new(ParallelType::Database);
        let g = group(None);
        assert!(!s.waits(&g, Some("d1")));
        assert!(!s.waits(&g, Some("d2")));
        assert!(s.waits(&g, None));
        let picks: Vec<usize> = ["d1", "d2", "d1", "d3", "d2"]
            .into_iter()
            .map(|db| s.worker(Some(db), 4))
            .collect();
        assert_eq!(picks, vec![0, 1, 0, 2, 1]);
    }

    #[test]
    fn only_temporary_tables_and_gtid_less_groups_wait_to_start() {
        let s = MySqlScheduler::new(ParallelType::LogicalClock);
        assert!(!s.rule(&group(Some(1))).after_prior_commit);
        let mut temp = group(None);
        temp.temporary = true;
        assert!(s.rule(&temp).after_prior_commit);
        assert_eq!(s.rule(&temp).barrier, 0);
        assert_eq!(
            ParallelType::parse("logical_clock"),
            ParallelType::LogicalClock
        );
        assert_eq!(ParallelType::parse("DATABASE"), ParallelType::Database);
    }
}
