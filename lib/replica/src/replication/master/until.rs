//! START SLAVE UNTIL master_gtid_pos on the master's side: a slave that
//! set `@slave_until_gtid` gets each domain's groups up to and including
//! the UNTIL GTID and nothing after it in that domain; once every domain
//! has been served, the group that reached the last one ends the dump
//! with an artificial Gtid_list flagged "until reached" (then EOF), which
//! tells the slave's IO thread to stop. Each event's type and body come
//! in; whether to hold it back, and whether the dump is over, go out.

use std::collections::BTreeMap;

use super::gtid_start::{BinlogState, ConnectState, StartError};
use super::scan::gtid_list_body;
use super::skip::{Skipping, gtid_of};
use crate::binlog::event::kind;
use crate::binlog::gtid::Gtid;

/// The Gtid_list flag that says the UNTIL position has been reached.
pub const FLAG_UNTIL_REACHED: u32 = 1 << 28;

/// What the UNTIL condition makes of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UntilVerdict {
    /// The event lies past the UNTIL position of its domain: do not send it.
    pub hold_back: bool,
    /// The last group before the UNTIL position has been sent: end the dump.
    pub reached: bool,
}

/// The UNTIL condition of one dump.
#[derive(Debug, Clone)]
pub struct UntilFilter {
    /// Domains whose UNTIL GTID has not been met yet.
    remaining: BTreeMap<u32, Gtid>,
    /// The binlog state as the stream has shown it, for the final Gtid_list.
    state: BinlogState,
    skipping: Skipping,
    /// Set once every domain is done: the kind of group that ends the dump.
    stop_after: Skipping,
}

impl UntilFilter {
    /// Parses the slave's `@slave_until_gtid`.
    pub fn parse(text: &str) -> Result<UntilFilter, StartError> {
        let parsed = ConnectState::parse(text)?;
        Ok(UntilFilter {
            remaining: parsed
                .domains
                .into_iter()
                .map(|(domain, entry)| (domain, entry.gtid))
                .collect(),
            state: BinlogState::default(),
            skipping: Skipping::No,
            stop_after: Skipping::No,
        })
    }

    /// The GTIDs for the final Gtid_list.
    pub fn state(&self) -> Vec<Gtid> {
        self.state.list()
    }

    /// Decides one event (after the start filter has seen it).
    pub fn event(&mut self, event_kind: u8, server_id: u32, body: &[u8]) -> UntilVerdict {
        match event_kind {
            kind::GTID_LIST => self.load(body),
            kind::GTID => self.on_gtid(server_id, body),
            _ => {}
        }
        let hold_back = self.skipping != Skipping::No;
        if hold_back && self.skipping.ends_at(event_kind, body) {
            self.skipping = Skipping::No;
        }
        let reached = self.stop_after != Skipping::No && self.stop_after.ends_at(event_kind, body);
        UntilVerdict { hold_back, reached }
    }

    /// A Gtid_list in the binlog: the state from there on.
    fn load(&mut self, body: &[u8]) {
        self.state = BinlogState::default();
        for g in gtid_list_body(body) {
            self.state.record(g);
        }
    }

    /// A group starts: hold it back if its domain is done, or finish the domain.
    fn on_gtid(&mut self, server_id: u32, body: &[u8]) {
        let Some(event) = gtid_of(server_id, body) else {
            return;
        };
        let group = Skipping::of_flags(body.get(12).copied().unwrap_or(0));
        self.state.record(event);
        let Some(until) = self.remaining.get(&event.domain_id).copied() else {
            self.skipping = group;
            return;
        };
        if event.server_id != until.server_id || event.seq_no < until.seq_no {
            return;
        }
        self.remaining.remove(&event.domain_id);
        if self.remaining.is_empty() {
            self.stop_after = group;
        }
        // The UNTIL GTID itself is missing from the binlog: this group is past it.
        if event.seq_no > until.seq_no {
            self.skipping = group;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binlog::event;

    fn gtid_body(domain: u32, seq_no: u64, standalone: bool) -> Vec<u8> {
        let mut body = seq_no.to_le_bytes().to_vec();
        body.extend_from_slice(&domain.to_le_bytes());
        body.push(u8::from(standalone));
        body
    }

    fn query_body(text: &str) -> Vec<u8> {
        let ctx = event::QueryContext {
            thread_id: 1,
            error_code: 0,
            db: "test".into(),
            flags2: 0,
            sql_mode: 0,
            charsets: [33, 33, 8],
            xid: None,
            time_zone: None,
        };
        event::query(0, 0, &ctx, text).body
    }

    /// One transaction of a domain: Gtid, Query, Xid.
    fn transaction(domain: u32, seq_no: u64) -> Vec<(u8, Vec<u8>)> {
        vec![
            (kind::GTID, gtid_body(domain, seq_no, false)),
            (kind::QUERY, query_body("INSERT INTO t1 VALUES (1)")),
            (kind::XID, vec![0; 8]),
        ]
    }

    /// Feeds events; returns the indexes sent and where the dump ended.
    fn run(filter: &mut UntilFilter, events: &[(u8, Vec<u8>)]) -> (Vec<usize>, Option<usize>) {
        let mut sent = Vec::new();
        for (i, (k, body)) in events.iter().enumerate() {
            let v = filter.event(*k, 1, body);
            if !v.hold_back {
                sent.push(i);
            }
            if v.reached {
                return (sent, Some(i));
            }
        }
        (sent, None)
    }

    #[test]
    fn stops_after_the_transaction_of_the_until_gtid() {
        let mut filter = UntilFilter::parse("0-1-2").unwrap();
        let events: Vec<_> = (1..=3).flat_map(|n| transaction(0, n)).collect();
        let (sent, ended) = run(&mut filter, &events);
        assert_eq!(sent, (0..6).collect::<Vec<_>>());
        assert_eq!(ended, Some(5));
        assert_eq!(filter.state().last().map(|g| g.seq_no), Some(2));
    }

    #[test]
    fn a_standalone_group_ends_at_its_statement() {
        let mut filter = UntilFilter::parse("0-1-1").unwrap();
        let events = vec![
            (kind::GTID, gtid_body(0, 1, true)),
            (kind::QUERY, query_body("CREATE TABLE t (a INT)")),
        ];
        assert_eq!(run(&mut filter, &events), (vec![0, 1], Some(1)));
    }

    #[test]
    fn a_domain_that_is_done_is_held_back_while_others_go_on() {
        let mut filter = UntilFilter::parse("0-1-1,1-1-1").unwrap();
        let mut events = transaction(0, 1);
        events.extend(transaction(0, 2));
        events.extend(transaction(1, 1));
        let (sent, ended) = run(&mut filter, &events);
        assert_eq!(sent, vec![0, 1, 2, 6, 7, 8]);
        assert_eq!(ended, Some(8));
    }

    #[test]
    fn a_missing_until_gtid_stops_before_the_group_past_it() {
        let mut filter = UntilFilter::parse("0-1-2").unwrap();
        let mut events = transaction(0, 1);
        events.extend(transaction(0, 3));
        let (sent, ended) = run(&mut filter, &events);
        assert_eq!(sent, vec![0, 1, 2]);
        assert_eq!(ended, Some(5));
    }

    #[test]
    fn a_gtid_list_sets_the_state_reported_at_the_end() {
        let mut filter = UntilFilter::parse("0-1-5").unwrap();
        let mut list = 1u32.to_le_bytes().to_vec();
        list.extend_from_slice(&0u32.to_le_bytes());
        list.extend_from_slice(&1u32.to_le_bytes());
        list.extend_from_slice(&4u64.to_le_bytes());
        filter.event(kind::GTID_LIST, 1, &list);
        assert_eq!(filter.state().first().map(|g| g.seq_no), Some(4));
    }

    #[test]
    fn malformed_text_is_refused() {
        assert!(UntilFilter::parse("0-1").is_err());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_events_never_panic(
            k in proptest::prelude::any::<u8>(),
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
        ) {
            let mut filter = UntilFilter::parse("0-1-1").unwrap();
            filter.event(k, 1, &body);
            filter.event(kind::GTID, 1, &body);
            filter.event(kind::GTID_LIST, 1, &body);
        }
    }
}
