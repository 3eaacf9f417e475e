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

impl Gtid {
    /// `D-S-N` with decimal numbers (spaces around each number allowed).
    pub fn parse(text: &str) -> Option<Gtid> {
        let mut parts = text.trim().split('-');
        let gtid = Gtid {
            domain_id: parts.next()?.trim().parse().ok()?,
            server_id: parts.next()?.trim().parse().ok()?,
            seq_no: parts.next()?.trim().parse().ok()?,
        };
        parts.next().is_none().then_some(gtid)
    }
}

/// A GTID list as variables and functions take it (`0-1-7,1-2-3`; empty
/// text is the empty list); None when any entry is malformed.
pub fn parse_list(text: &str) -> Option<Vec<Gtid>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split(',').map(Gtid::parse).collect()
}

/// A GTID list as variables show it.
pub fn list_text(list: &[Gtid]) -> String {
    let texts: Vec<String> = list.iter().map(Gtid::to_string).collect();
    texts.join(",")
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

    /// The last GTID logged in `domain_id`.
    pub fn get(&self, domain_id: u32) -> Option<Gtid> {
        self.last.get(&domain_id).copied()
    }

    /// Forgets one domain (FLUSH BINARY LOGS DELETE_DOMAIN_ID).
    pub fn remove(&mut self, domain_id: u32) {
        self.last.remove(&domain_id);
    }

    /// Forgets everything (RESET MASTER).
    pub fn clear(&mut self) {
        self.last.clear();
    }
}

impl fmt::Display for GtidState {
    /// As `@@gtid_binlog_pos` shows it: `0-1-7,1-2-3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&list_text(&self.list()))
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

    #[test]
    fn lists_parse_and_print_back() {
        let list = parse_list(" 0-1-7, 2-3-4 ").unwrap();
        assert_eq!(list_text(&list), "0-1-7,2-3-4");
        assert_eq!(parse_list(""), Some(Vec::new()));
        assert_eq!(parse_list("0-1"), None);
        assert_eq!(parse_list("0-1-2-3"), None);
        assert_eq!(parse_list("0-1-x"), None);
        assert_eq!(Gtid::parse("4294967296-1-1"), None);
    }
}
