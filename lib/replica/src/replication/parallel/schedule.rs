//! Which groups may run together (spec 1.3): `slave_parallel_mode`
//! decides when a group opens a new group-commit orderer, whose barrier
//! makes it wait until every earlier group has started committing,
//! which groups must wait for the prior commit before they start, and
//! which run speculatively (their errors are retried). The
//! driver feeds each group's Gtid flags and commit id in queue order; a
//! [`StartRule`] and the domain the group is ordered in come out.

use std::collections::BTreeMap;

use super::order::StartRule;
use crate::binlog::event::gtid_flag;

/// `slave_parallel_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    None,
    Minimal,
    Conservative,
    Optimistic,
    Aggressive,
}

impl Mode {
    /// The variable's value; unknown text is the default, optimistic.
    pub fn parse(text: &str) -> Mode {
        match text.to_ascii_lowercase().as_str() {
            "none" => Mode::None,
            "minimal" => Mode::Minimal,
            "conservative" => Mode::Conservative,
            "aggressive" => Mode::Aggressive,
            _ => Mode::Optimistic,
        }
    }

    /// Whether groups may start before the prior one committed.
    pub fn speculates(self) -> bool {
        matches!(self, Mode::Optimistic | Mode::Aggressive)
    }
}

/// What the scheduler needs of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupTraits {
    pub domain: u32,
    /// The Gtid event's flags; None for a group without one.
    pub flags: Option<u8>,
    pub commit_id: Option<u64>,
    /// It touches replicated temporary tables.
    pub temporary: bool,
}

/// One domain's open orderer.
#[derive(Debug, Default, Clone, Copy)]
struct Orderer {
    barrier: u64,
    last_commit_id: Option<u64>,
    has_ddl: bool,
    /// A group was queued in this domain since the start.
    any: bool,
    /// It holds groups of more than one master group commit.
    multi_batch: bool,
}

/// The per-domain orderers of one running SQL thread.
#[derive(Debug)]
pub struct Scheduler {
    mode: Mode,
    /// Whether GTIDs give the domain (Using_Gtid != No).
    use_domains: bool,
    orderers: BTreeMap<u32, Orderer>,
}

impl Scheduler {
    pub fn new(mode: Mode, use_domains: bool) -> Scheduler {
        Scheduler {
            mode,
            use_domains,
            orderers: BTreeMap::new(),
        }
    }

    /// The domain a group is ordered in: minimal mode and file/position
    /// replication put everything in domain 0.
    pub fn domain_of(&self, traits: &GroupTraits) -> u32 {
        if self.use_domains && self.mode != Mode::Minimal {
            traits.domain
        } else {
            0
        }
    }

    /// The start rule of the group numbered `seq` in its domain.
    pub fn rule(&mut self, traits: &GroupTraits, seq: u64) -> StartRule {
        let domain = self.domain_of(traits);
        let mode = self.mode;
        let o = self.orderers.entry(domain).or_default();
        let flags = traits.flags.unwrap_or(0);
        let ddl = flags & gtid_flag::DDL != 0;
        let opens = opens_orderer(mode, o, traits, ddl);
        if opens {
            *o = Orderer {
                barrier: seq - 1,
                any: true,
                ..Orderer::default()
            };
        } else if traits.commit_id.is_none() || traits.commit_id != o.last_commit_id {
            o.multi_batch = true;
        }
        o.has_ddl |= ddl;
        o.last_commit_id = traits.commit_id;
        let after_prior_commit = waits_for_prior_commit(mode, flags, traits);
        StartRule {
            barrier: o.barrier,
            after_prior_commit,
            speculative: mode.speculates() && !opens && o.multi_batch && !after_prior_commit,
        }
    }
}

/// Whether the group starts a new orderer in `mode`.
fn opens_orderer(mode: Mode, o: &Orderer, traits: &GroupTraits, ddl: bool) -> bool {
    if !o.any {
        return true;
    }
    match mode {
        Mode::None | Mode::Minimal => true,
        Mode::Conservative => traits.commit_id.is_none() || traits.commit_id != o.last_commit_id,
        Mode::Optimistic | Mode::Aggressive => ddl || o.has_ddl,
    }
}

/// Whether the group may not speculate: it waits for the prior commit.
fn waits_for_prior_commit(mode: Mode, flags: u8, traits: &GroupTraits) -> bool {
    if traits.temporary || traits.flags.is_none() {
        return true;
    }
    let transactional = flags & gtid_flag::TRANSACTIONAL != 0;
    match mode {
        Mode::None | Mode::Minimal | Mode::Conservative => !transactional,
        Mode::Optimistic => {
            !transactional
                || flags & gtid_flag::ALLOW_PARALLEL == 0
                || flags & gtid_flag::WAITED != 0
        }
        Mode::Aggressive => !transactional,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRX: u8 = gtid_flag::TRANSACTIONAL | gtid_flag::ALLOW_PARALLEL;

    fn group(flags: u8, commit_id: Option<u64>) -> GroupTraits {
        GroupTraits {
            domain: 0,
            flags: Some(flags),
            commit_id,
            temporary: false,
        }
    }

    fn rules(mode: Mode, groups: &[GroupTraits]) -> Vec<StartRule> {
        let mut s = Scheduler::new(mode, true);
        (1..).zip(groups).map(|(seq, g)| s.rule(g, seq)).collect()
    }

    #[test]
    fn conservative_runs_together_only_what_committed_together() {
        let r = rules(
            Mode::Conservative,
            &[
                group(TRX, Some(7)),
                group(TRX, Some(7)),
                group(TRX, Some(8)),
                group(TRX, None),
            ],
        );
        let barriers: Vec<u64> = r.iter().map(|r| r.barrier).collect();
        assert_eq!(barriers, vec![0, 0, 2, 3]);
        assert!(r.iter().all(|r| !r.after_prior_commit));
    }

    #[test]
    fn optimistic_speculates_until_ddl() {
        let ddl = gtid_flag::STANDALONE | gtid_flag::DDL;
        let r = rules(
            Mode::Optimistic,
            &[
                group(TRX, None),
                group(TRX, None),
                group(ddl, None),
                group(TRX, None),
            ],
        );
        let barriers: Vec<u64> = r.iter().map(|r| r.barrier).collect();
        assert_eq!(barriers, vec![0, 0, 2, 3]);
        assert!(!r[1].after_prior_commit);
        assert!(r[2].after_prior_commit, "DDL is not transactional");
    }

    #[test]
    fn optimistic_holds_back_non_transactional_waited_and_unparallel_groups() {
        let r = rules(
            Mode::Optimistic,
            &[
                group(gtid_flag::ALLOW_PARALLEL, None),
                group(TRX | gtid_flag::WAITED, None),
                group(gtid_flag::TRANSACTIONAL, None),
            ],
        );
        assert!(r.iter().all(|r| r.after_prior_commit));
        let a = rules(
            Mode::Aggressive,
            &[
                group(TRX | gtid_flag::WAITED, None),
                group(gtid_flag::TRANSACTIONAL, None),
            ],
        );
        assert!(a.iter().all(|r| !r.after_prior_commit));
    }

    #[test]
    fn optimistic_speculates_after_the_first_group_and_past_one_master_batch() {
        let r = rules(
            Mode::Optimistic,
            &[
                group(TRX, Some(7)),
                group(TRX, Some(7)),
                group(TRX, Some(8)),
                group(TRX, Some(8)),
                group(gtid_flag::ALLOW_PARALLEL, None),
            ],
        );
        let speculative: Vec<bool> = r.iter().map(|r| r.speculative).collect();
        assert_eq!(speculative, vec![false, false, true, true, false]);
        let c = rules(Mode::Conservative, &[group(TRX, None), group(TRX, None)]);
        assert!(c.iter().all(|r| !r.speculative));
    }

    #[test]
    fn minimal_opens_an_orderer_per_group_in_domain_zero() {
        let mut g = group(TRX, Some(1));
        g.domain = 3;
        let mut s = Scheduler::new(Mode::Minimal, true);
        assert_eq!(s.domain_of(&g), 0);
        assert_eq!(s.rule(&g, 1).barrier, 0);
        assert_eq!(s.rule(&g, 2).barrier, 1);
        assert_eq!(Scheduler::new(Mode::Optimistic, false).domain_of(&g), 0);
        assert_eq!(Scheduler::new(Mode::Optimistic, true).domain_of(&g), 3);
    }

    #[test]
    fn temporary_tables_serialise() {
        let mut g = group(TRX, None);
        g.temporary = true;
        assert!(rules(Mode::Aggressive, &[g])[0].after_prior_commit);
    }

    #[test]
    fn the_mode_parses_its_five_names() {
        assert_eq!(Mode::parse("NONE"), Mode::None);
        assert_eq!(Mode::parse("minimal"), Mode::Minimal);
        assert_eq!(Mode::parse("conservative"), Mode::Conservative);
        assert_eq!(Mode::parse("aggressive"), Mode::Aggressive);
        assert_eq!(Mode::parse("optimistic"), Mode::Optimistic);
    }
}
