//! GTID-mode filtering of the event stream: the start file holds groups
//! the slave already has, so whole groups are skipped until each domain
//! reaches the slave's GTID; right after the group that reaches it, an
//! artificial Gtid_list (the GTIDs seen so far) tells the slave where it
//! stands. Each event's type and body come in; whether to send it, and
//! whether a Gtid_list must follow, go out. File/position mode sends all.

use super::gtid_start::{BinlogState, ConnectState, StartError, missing};
use crate::binlog::event::kind;
use crate::binlog::gtid::Gtid;

/// The GTID event flag of a group without BEGIN … COMMIT.
pub(super) const STANDALONE: u8 = 0x1;

/// What part of a group is being skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Skipping {
    No,
    /// A standalone group: it ends with its first event not in a group.
    Standalone,
    /// A transaction: it ends with its Xid or COMMIT/ROLLBACK query.
    Transaction,
}

impl Skipping {
    /// The kind of group a Gtid event with these flags opens.
    pub(super) fn of_flags(flags: u8) -> Skipping {
        if flags & STANDALONE != 0 {
            Skipping::Standalone
        } else {
            Skipping::Transaction
        }
    }

    /// Whether this event is the last of such a group.
    pub(super) fn ends_at(self, event_kind: u8, body: &[u8]) -> bool {
        match self {
            Skipping::No => true,
            Skipping::Standalone => !in_group(event_kind),
            Skipping::Transaction => {
                event_kind == kind::XID || (event_kind == kind::QUERY && ends_transaction(body))
            }
        }
    }
}

/// What became of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub send: bool,
    /// Send an artificial Gtid_list after this event.
    pub then_gtid_list: bool,
}

/// Why the stream must stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipError {
    /// A domain empty at connect time has started, without the slave's GTID.
    Start(StartError),
    /// Strict mode, and the slave's GTID falls in a hole of the binlog.
    Hole(Gtid),
}

/// The filter of one dump.
#[derive(Debug, Clone)]
pub struct GtidFilter {
    /// Domains still to reach; None in file/position mode.
    state: Option<ConnectState>,
    strict: bool,
    skipping: Skipping,
    reached: bool,
    /// The GTIDs seen in the stream, for the artificial Gtid_list.
    seen: BinlogState,
}

impl GtidFilter {
    /// A filter that sends everything (file/position mode).
    pub fn off() -> GtidFilter {
        GtidFilter {
            state: None,
            strict: false,
            skipping: Skipping::No,
            reached: false,
            seen: BinlogState::default(),
        }
    }

    /// A filter skipping up to `state` in each domain.
    pub fn gtid(state: ConnectState, strict: bool) -> GtidFilter {
        GtidFilter {
            state: Some(state),
            strict,
            ..GtidFilter::off()
        }
    }

    /// Whether every domain has reached the slave's start.
    pub fn start_reached(&self) -> bool {
        self.state.as_ref().is_none_or(|s| s.domains.is_empty())
    }

    /// The GTIDs seen so far, as the artificial Gtid_list lists them.
    pub fn seen(&self) -> Vec<Gtid> {
        self.seen.list()
    }

    /// Decides one event. `binlog` is the master's state, read only when
    /// a domain that was empty at connect time starts.
    pub fn event(
        &mut self,
        event_kind: u8,
        server_id: u32,
        body: &[u8],
        binlog: &dyn Fn() -> BinlogState,
    ) -> Result<Verdict, SkipError> {
        if event_kind == kind::GTID && self.state.is_some() {
            self.on_gtid(server_id, body, binlog)?;
        }
        let send = match self.skipping {
            Skipping::No => true,
            Skipping::Standalone => {
                if !in_group(event_kind) {
                    self.skipping = Skipping::No;
                }
                false
            }
            Skipping::Transaction => {
                if event_kind == kind::XID || (event_kind == kind::QUERY && ends_transaction(body))
                {
                    self.skipping = Skipping::No;
                }
                false
            }
        };
        let then_gtid_list = self.reached && self.skipping == Skipping::No;
        if then_gtid_list {
            self.reached = false;
        }
        Ok(Verdict {
            send,
            then_gtid_list,
        })
    }

    /// A group starts: skip it if its domain has not reached the start.
    fn on_gtid(
        &mut self,
        server_id: u32,
        body: &[u8],
        binlog: &dyn Fn() -> BinlogState,
    ) -> Result<(), SkipError> {
        let Some(event) = gtid_of(server_id, body) else {
            return Ok(());
        };
        let flags = body.get(12).copied().unwrap_or(0);
        let Some(state) = self.state.as_mut().filter(|s| !s.domains.is_empty()) else {
            return Ok(());
        };
        self.seen.record(event);
        let Some(entry) = state.domains.get_mut(&event.domain_id) else {
            return Ok(());
        };
        let start = entry.gtid;
        if entry.on_empty_domain {
            let master = binlog();
            if master
                .find(start.domain_id, start.server_id)
                .is_none_or(|m| m.seq_no < start.seq_no)
            {
                return Err(SkipError::Start(missing(&master, start)));
            }
            entry.on_empty_domain = false;
        }
        if event.server_id != start.server_id || event.seq_no <= start.seq_no {
            self.skipping = if flags & STANDALONE != 0 {
                Skipping::Standalone
            } else {
                Skipping::Transaction
            };
        }
        if event.server_id == start.server_id && event.seq_no >= start.seq_no {
            if self.strict && event.seq_no > start.seq_no {
                return Err(SkipError::Hole(start));
            }
            self.reached = true;
            state.domains.remove(&event.domain_id);
        }
        Ok(())
    }
}

/// The GTID a Gtid event's body names.
pub(super) fn gtid_of(server_id: u32, body: &[u8]) -> Option<Gtid> {
    let seq_no = u64::from_le_bytes(body.get(0..8)?.try_into().ok()?);
    let domain_id = u32::from_le_bytes(body.get(8..12)?.try_into().ok()?);
    Some(Gtid {
        domain_id,
        server_id,
        seq_no,
    })
}

/// Events that open or continue a statement of a group (a standalone
/// group ends at the first event that is not one).
pub(super) fn in_group(event_kind: u8) -> bool {
    const TABLE_MAP: u8 = 19;
    const ANNOTATE_ROWS: u8 = 160;
    const INTVAR: u8 = 5;
    const RAND: u8 = 13;
    const USER_VAR: u8 = 14;
    event_kind == kind::GTID
        || matches!(
            event_kind,
            TABLE_MAP | ANNOTATE_ROWS | INTVAR | RAND | USER_VAR
        )
}

/// Whether a Query event's text is COMMIT or ROLLBACK.
pub(super) fn ends_transaction(body: &[u8]) -> bool {
    let Some(&db_len) = body.get(8) else {
        return false;
    };
    let Some(status_len) = body
        .get(11..13)
        .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    else {
        return false;
    };
    let text_at = 13 + status_len + usize::from(db_len) + 1;
    matches!(body.get(text_at..), Some(b"COMMIT" | b"ROLLBACK"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binlog::event::{self, QueryContext};

    fn body_of(e: &event::Event) -> Vec<u8> {
        e.body.clone()
    }

    fn gtid_body(seq_no: u64, standalone: bool) -> Vec<u8> {
        let flags = if standalone { STANDALONE } else { 0 };
        body_of(&event::gtid(0, seq_no, 0, flags))
    }

    fn query_body(text: &str) -> Vec<u8> {
        let ctx = QueryContext {
            thread_id: 1,
            error_code: 0,
            db: "test".into(),
            flags2: 0,
            sql_mode: 0,
            charsets: [33, 33, 8],
            xid: None,
            time_zone: None,
        };
        body_of(&event::query(0, 0, &ctx, text))
    }

    /// Runs the filter over (kind, body) pairs; the sent indexes, and where Gtid_lists follow.
    fn run(filter: &mut GtidFilter, events: &[(u8, Vec<u8>)]) -> (Vec<usize>, Vec<usize>) {
        let (mut sent, mut lists) = (Vec::new(), Vec::new());
        for (i, (k, b)) in events.iter().enumerate() {
            let v = filter.event(*k, 1, b, &BinlogState::default).unwrap();
            if v.send {
                sent.push(i);
            }
            if v.then_gtid_list {
                lists.push(i);
            }
        }
        (sent, lists)
    }

    fn stream() -> Vec<(u8, Vec<u8>)> {
        vec![
            (kind::GTID_LIST, vec![0; 6]),
            (kind::GTID, gtid_body(1, true)),
            (kind::QUERY, query_body("create table t (a int)")),
            (kind::GTID, gtid_body(2, false)),
            (kind::QUERY, query_body("insert into t values (1)")),
            (kind::XID, 5u64.to_le_bytes().to_vec()),
            (kind::GTID, gtid_body(3, false)),
            (kind::QUERY, query_body("insert into t values (2)")),
            (kind::QUERY, query_body("COMMIT")),
            (kind::GTID, gtid_body(4, true)),
            (kind::QUERY, query_body("drop table t")),
        ]
    }

    #[test]
    fn skips_whole_groups_up_to_the_slaves_gtid_then_sends_a_gtid_list() {
        let mut f = GtidFilter::gtid(ConnectState::parse("0-1-3").unwrap(), false);
        let (sent, lists) = run(&mut f, &stream());
        assert_eq!(sent, vec![0, 9, 10]);
        assert_eq!(lists, vec![8]);
        assert!(f.start_reached());
        assert_eq!(
            f.seen(),
            vec![Gtid {
                domain_id: 0,
                server_id: 1,
                seq_no: 3
            }]
        );
    }

    #[test]
    fn a_standalone_group_at_the_start_ends_at_its_statement() {
        let mut f = GtidFilter::gtid(ConnectState::parse("0-1-1").unwrap(), false);
        let (sent, lists) = run(&mut f, &stream());
        assert_eq!(sent, vec![0, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(lists, vec![2]);
    }

    #[test]
    fn file_mode_and_reached_states_send_everything() {
        let all: Vec<usize> = (0..stream().len()).collect();
        assert_eq!(
            run(&mut GtidFilter::off(), &stream()),
            (all.clone(), vec![])
        );
        let mut empty = GtidFilter::gtid(ConnectState::default(), false);
        assert_eq!(run(&mut empty, &stream()), (all, vec![]));
    }

    #[test]
    fn strict_mode_refuses_a_hole() {
        let mut f = GtidFilter::gtid(ConnectState::parse("0-1-2").unwrap(), true);
        let events = [
            (kind::GTID, gtid_body(1, true)),
            (kind::GTID, gtid_body(3, true)),
        ];
        f.event(events[0].0, 1, &events[0].1, &BinlogState::default)
            .unwrap();
        let e = f
            .event(events[1].0, 1, &events[1].1, &BinlogState::default)
            .unwrap_err();
        assert_eq!(
            e,
            SkipError::Hole(Gtid {
                domain_id: 0,
                server_id: 1,
                seq_no: 2
            })
        );
    }

    #[test]
    fn truncated_gtid_bodies_are_passed_on_without_panicking() {
        let mut f = GtidFilter::gtid(ConnectState::parse("0-1-2").unwrap(), false);
        assert!(
            f.event(kind::GTID, 1, &[1, 2, 3], &BinlogState::default)
                .unwrap()
                .send
        );
        assert!(!ends_transaction(&[0; 12]));
    }
}
