//! Global transaction ids and the binlog's GTID state: the last GTID
//! logged in each replication domain. The state enters from each logged
//! group and leaves as `@@gtid_binlog_pos`/`gtid_binlog_state` text and
//! as the Gtid_list event that opens each file.

use std::collections::BTreeMap;
use std::fmt;

/// One GTID: domain, originating server, sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gtid {
    pub domain_id: u32,
    pub server_id: u32,
    pub seq_no: u64,
}

impl fmt::Display for Gtid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.domain_id, self.server_id, self.seq_no)
    }
}

/// The last GTID of each domain, in domain order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GtidState {
    last: BTreeMap<u32, Gtid>,
}

impl GtidState {
    /// The next GTID in `domain_id` for a group written by `server_id`.
    pub fn next(&self, domain_id: u32, server_id: u32) -> Gtid {
        let seq_no = self.last.get(&domain_id).map_or(0, |g| g.seq_no) + 1;
        Gtid {
            domain_id,
            server_id,
            seq_no,
        }
    }

    /// Records a logged group's GTID.
    pub fn record(&mut self, gtid: Gtid) {
        self.last.insert(gtid.domain_id, gtid);
    }

    /// The GTIDs, one per domain.
    pub fn list(&self) -> Vec<Gtid> {
        self.last.values().copied().collect()
    }

    /// Forgets everything (RESET MASTER).
    pub fn clear(&mut self) {
        self.last.clear();
    }
}

impl fmt::Display for GtidState {
    /// As `@@gtid_binlog_pos` shows it: `0-1-7,1-2-3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let texts: Vec<String> = self.last.values().map(Gtid::to_string).collect();
        f.write_str(&texts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_each_domain_on_its_own() {
        let mut state = GtidState::default();
        assert_eq!(state.to_string(), "");
        let first = state.next(0, 1);
        state.record(first);
        state.record(state.next(0, 1));
        state.record(state.next(2, 5));
        assert_eq!(first.to_string(), "0-1-1");
        assert_eq!(state.to_string(), "0-1-2,2-5-1");
    }
}
