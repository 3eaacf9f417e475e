//! Where a GTID-mode dump starts. The slave's `@slave_connect_state`
//! (one GTID per domain) is checked against the master's binlog state
//! (refused with MariaDB's 1236 texts when the master cannot serve it),
//! then the newest binlog file whose opening Gtid_list lies at or before
//! that state in every domain is chosen. State text and per-file
//! Gtid_lists come in; the start file and the GTIDs still to skip go out.

use std::collections::BTreeMap;

use crate::binlog::gtid::Gtid;

/// The slave's position in one domain, and how to treat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartEntry {
    pub gtid: Gtid,
    /// The master had nothing in this domain when the slave connected:
    /// check the position again when the domain's first group turns up.
    pub on_empty_domain: bool,
}

/// The slave's connect state: where it stands in each domain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectState {
    pub domains: BTreeMap<u32, StartEntry>,
}

/// The binlog state: per domain, the last GTID of each server id, the
/// domain's latest last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BinlogState {
    domains: BTreeMap<u32, Vec<Gtid>>,
}

/// Why the start position was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartError {
    /// `@slave_connect_state` is not a GTID list.
    Malformed,
    /// The GTID is beyond what the master logged in its domain.
    NotInBinlog(Gtid),
    /// The GTID is missing although the domain has gone further: the
    /// slave has diverged.
    Diverged(Gtid),
    /// No file's Gtid_list lies before the state (files purged).
    NoFile,
}

impl BinlogState {
    /// Records a GTID as the latest of its domain.
    pub fn record(&mut self, g: Gtid) {
        let list = self.domains.entry(g.domain_id).or_default();
        list.retain(|o| o.server_id != g.server_id);
        list.push(g);
    }

    /// The last GTID of (domain, server).
    pub fn find(&self, domain_id: u32, server_id: u32) -> Option<Gtid> {
        self.domains
            .get(&domain_id)?
            .iter()
            .find(|g| g.server_id == server_id)
            .copied()
    }

    /// Keeps only the domains `keep` accepts.
    pub fn retain_domains(&mut self, keep: impl Fn(u32) -> bool) {
        self.domains.retain(|domain_id, _| keep(*domain_id));
    }

    /// The domain's latest GTID.
    pub fn last(&self, domain_id: u32) -> Option<Gtid> {
        self.domains.get(&domain_id)?.last().copied()
    }

    /// Every GTID, domain by domain, each domain's latest last (the
    /// order of a Gtid_list event).
    pub fn list(&self) -> Vec<Gtid> {
        self.domains.values().flatten().copied().collect()
    }
}

impl ConnectState {
    /// Parses `D-S-N[,D-S-N…]`; empty means no domain at all.
    pub fn parse(text: &str) -> Result<ConnectState, StartError> {
        let mut state = ConnectState::default();
        for part in text.split(',').map(str::trim) {
            if part.is_empty() && !text.contains(',') {
                continue;
            }
            let gtid = Gtid::parse(part).ok_or(StartError::Malformed)?;
            let entry = StartEntry {
                gtid,
                on_empty_domain: false,
            };
            if state.domains.insert(gtid.domain_id, entry).is_some() {
                return Err(StartError::Malformed);
            }
        }
        Ok(state)
    }

    /// Checks each domain's start against the binlog state, as MariaDB's
    /// check_slave_start_position does for a master that is no slave.
    pub fn check(
        &mut self,
        binlog: &BinlogState,
        ignore_duplicates: bool,
    ) -> Result<(), StartError> {
        for entry in self.domains.values_mut() {
            let g = entry.gtid;
            if binlog
                .find(g.domain_id, g.server_id)
                .is_some_and(|m| m.seq_no >= g.seq_no)
            {
                continue;
            }
            let Some(last) = binlog.last(g.domain_id) else {
                entry.on_empty_domain = true;
                continue;
            };
            if ignore_duplicates && last.seq_no < g.seq_no {
                continue;
            }
            return Err(missing(binlog, g));
        }
        Ok(())
    }
}

/// The error for a start GTID the binlog does not hold.
pub fn missing(binlog: &BinlogState, g: Gtid) -> StartError {
    match binlog.last(g.domain_id) {
        Some(last) if last.seq_no >= g.seq_no => StartError::Diverged(g),
        _ => StartError::NotInBinlog(g),
    }
}

/// The file to start from, newest first among `files` (name and opening
/// Gtid_list, oldest first). Domains whose start is exactly the file's
/// Gtid_list entry are removed from `state`: nothing in them to skip.
pub fn start_file(
    files: &[(String, Vec<Gtid>)],
    state: &mut ConnectState,
) -> Result<String, StartError> {
    let (name, list) = files
        .iter()
        .rev()
        .find(|(_, list)| contains_all(state, list))
        .ok_or(StartError::NoFile)?;
    for g in list {
        let reached = state
            .domains
            .get(&g.domain_id)
            .is_some_and(|e| e.gtid == *g);
        if reached {
            state.domains.remove(&g.domain_id);
        }
    }
    Ok(name.clone())
}

/// Whether every GTID the slave needs next comes after this Gtid_list.
fn contains_all(state: &ConnectState, list: &[Gtid]) -> bool {
    list.iter().enumerate().all(|(i, g)| {
        let Some(entry) = state.domains.get(&g.domain_id) else {
            return false;
        };
        let s = entry.gtid;
        if s.server_id != g.server_id || s.seq_no > g.seq_no {
            return true;
        }
        s.seq_no == g.seq_no && list.get(i + 1).is_none_or(|n| n.domain_id != g.domain_id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn g(domain_id: u32, server_id: u32, seq_no: u64) -> Gtid {
        Gtid {
            domain_id,
            server_id,
            seq_no,
        }
    }

    fn binlog(gtids: &[Gtid]) -> BinlogState {
        let mut b = BinlogState::default();
        gtids.iter().for_each(|&x| b.record(x));
        b
    }

    fn files() -> Vec<(String, Vec<Gtid>)> {
        vec![
            ("m.000001".into(), vec![]),
            ("m.000002".into(), vec![g(0, 1, 4)]),
            ("m.000003".into(), vec![g(0, 1, 9)]),
        ]
    }

    #[test]
    fn parses_connect_states() {
        assert!(ConnectState::parse("").unwrap().domains.is_empty());
        let s = ConnectState::parse("0-1-3,2-5-7").unwrap();
        assert_eq!(s.domains[&2].gtid, g(2, 5, 7));
        assert_eq!(ConnectState::parse("0-1"), Err(StartError::Malformed));
        assert_eq!(
            ConnectState::parse("0-1-2,0-1-3"),
            Err(StartError::Malformed)
        );
        assert_eq!(ConnectState::parse("0-1-2,"), Err(StartError::Malformed));
    }

    #[test]
    fn refuses_what_the_binlog_cannot_serve_as_mariadb_does() {
        let b = binlog(&[g(0, 1, 3)]);
        let mut ahead = ConnectState::parse("0-1-100").unwrap();
        assert_eq!(
            ahead.check(&b, false),
            Err(StartError::NotInBinlog(g(0, 1, 100)))
        );
        let mut other = ConnectState::parse("0-5-1").unwrap();
        assert_eq!(
            other.check(&b, false),
            Err(StartError::Diverged(g(0, 5, 1)))
        );
        let mut fine = ConnectState::parse("0-1-1,7-5-1").unwrap();
        assert_eq!(fine.check(&b, false), Ok(()));
        assert!(fine.domains[&7].on_empty_domain);
        assert!(ahead.check(&b, true).is_ok());
    }

    #[test]
    fn picks_the_newest_file_that_starts_at_or_before_the_state() {
        let mut s = ConnectState::parse("0-1-3").unwrap();
        assert_eq!(start_file(&files(), &mut s).unwrap(), "m.000001");
        assert_eq!(s.domains.len(), 1);
        let mut s = ConnectState::parse("0-1-6").unwrap();
        assert_eq!(start_file(&files(), &mut s).unwrap(), "m.000002");
        let mut s = ConnectState::parse("0-1-12").unwrap();
        assert_eq!(start_file(&files(), &mut s).unwrap(), "m.000003");
    }

    #[test]
    fn a_state_equal_to_a_files_list_starts_there_with_nothing_to_skip() {
        let mut s = ConnectState::parse("0-1-9").unwrap();
        assert_eq!(start_file(&files(), &mut s).unwrap(), "m.000003");
        assert!(s.domains.is_empty());
    }

    #[test]
    fn an_unknown_domain_or_purged_files_need_an_earlier_file() {
        let mut empty = ConnectState::parse("").unwrap();
        assert_eq!(start_file(&files(), &mut empty).unwrap(), "m.000001");
        let mut s = ConnectState::parse("0-1-2").unwrap();
        assert_eq!(start_file(&files()[1..], &mut s), Err(StartError::NoFile));
    }

    #[test]
    fn binlog_state_keeps_each_server_once_latest_last() {
        let b = binlog(&[g(0, 1, 1), g(0, 2, 2), g(0, 1, 3)]);
        assert_eq!(b.list(), vec![g(0, 2, 2), g(0, 1, 3)]);
        assert_eq!(b.find(0, 2), Some(g(0, 2, 2)));
        assert_eq!(b.last(0), Some(g(0, 1, 3)));
    }

    #[test]
    fn a_deleted_domain_starts_the_slave_on_an_empty_domain() {
        let mut b = binlog(&[g(0, 1, 1), g(11, 111, 1)]);
        let mut s = ConnectState::parse("0-1-1,11-111-2").unwrap();
        assert_eq!(
            s.clone().check(&b, false),
            Err(StartError::NotInBinlog(g(11, 111, 2)))
        );
        b.retain_domains(|d| d != 11);
        assert_eq!(s.check(&b, false), Ok(()));
        assert!(s.domains[&11].on_empty_domain);
    }

    proptest! {
        #[test]
        fn arbitrary_state_text_never_panics(text in "[-0-9, a-z]{0,40}") {
            if let Ok(mut s) = ConnectState::parse(&text) {
                let _ = s.check(&BinlogState::default(), false);
                let _ = start_file(&files(), &mut s);
            }
        }
    }
}
