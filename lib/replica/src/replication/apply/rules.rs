//! The SQL thread's decisions that depend only on positions and counters:
//! whether `sql_slave_skip_counter` skips a group, which kind a group
//! counts as (Slave_DDL_Groups, …), and whether START SLAVE UNTIL is
//! satisfied after a group (spec 8.1). Values in, answers out.

use crate::binlog::event::gtid_flag;
use crate::binlog::gtid::{Gtid, parse_list};
use crate::replication::channel::Until;

/// What a group counts as in SHOW SLAVE STATUS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    Ddl,
    Transactional,
    NonTransactional,
}

/// The kind of a group from its Gtid event's flags (None: a group without GTID).
pub fn group_kind(gtid_flags: Option<u8>) -> GroupKind {
    match gtid_flags {
        Some(f) if f & gtid_flag::DDL != 0 => GroupKind::Ddl,
        Some(f) if f & gtid_flag::TRANSACTIONAL != 0 => GroupKind::Transactional,
        _ => GroupKind::NonTransactional,
    }
}

/// Whether the next group is skipped; decrements the counter when it is.
pub fn take_skip(counter: &mut u64) -> bool {
    if *counter == 0 {
        return false;
    }
    *counter -= 1;
    true
}

/// Where the SQL thread stands after a group, for UNTIL.
#[derive(Debug, Clone, Copy)]
pub struct Reached<'a> {
    pub master_file: &'a str,
    pub master_pos: u64,
    pub relay_file: &'a str,
    pub relay_pos: u64,
    /// `@@gtid_slave_pos` after the group.
    pub slave_pos: &'a [Gtid],
}

/// Whether the UNTIL condition holds, so the SQL thread stops now.
pub fn until_reached(until: &Until, at: &Reached<'_>) -> bool {
    match until {
        Until::None => false,
        Until::Master { file, pos } => past(at.master_file, at.master_pos, file, *pos),
        Until::Relay { file, pos } => past(at.relay_file, at.relay_pos, file, *pos),
        Until::Gtid(list) => gtids_reached(list, at.slave_pos),
    }
}

/// Whether `file`/`pos` is at or after `until_file`/`until_pos`; files
/// compare by their number, as MariaDB compares log names.
fn past(file: &str, pos: u64, until_file: &str, until_pos: u64) -> bool {
    if file.is_empty() {
        return false;
    }
    match file_number(file).cmp(&file_number(until_file)) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => pos >= until_pos,
    }
}

fn file_number(name: &str) -> u32 {
    crate::binlog::files::file_number(name).unwrap_or(0)
}

/// Whether every domain of the UNTIL list has applied its GTID.
fn gtids_reached(list: &str, slave_pos: &[Gtid]) -> bool {
    let wanted = parse_list(list).unwrap_or_default();
    !wanted.is_empty()
        && wanted.iter().all(|w| {
            slave_pos
                .iter()
                .any(|g| g.domain_id == w.domain_id && g.seq_no >= w.seq_no)
        })
}

/// Records `gtid` as its domain's last applied GTID.
pub fn advance(list: &mut Vec<Gtid>, gtid: Gtid) {
    match list.iter_mut().find(|g| g.domain_id == gtid.domain_id) {
        Some(slot) => *slot = gtid,
        None => list.push(gtid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(master: (&'a str, u64), relay: (&'a str, u64), pos: &'a [Gtid]) -> Reached<'a> {
        Reached {
            master_file: master.0,
            master_pos: master.1,
            relay_file: relay.0,
            relay_pos: relay.1,
            slave_pos: pos,
        }
    }

    #[test]
    fn skip_counter_skips_whole_groups_and_counts_down() {
        let mut counter = 2;
        assert!(take_skip(&mut counter));
        assert!(take_skip(&mut counter));
        assert!(!take_skip(&mut counter));
        assert_eq!(counter, 0);
    }

    #[test]
    fn group_kinds_follow_the_gtid_flags() {
        assert_eq!(group_kind(Some(0x29)), GroupKind::Ddl);
        assert_eq!(group_kind(Some(0x0c)), GroupKind::Transactional);
        assert_eq!(group_kind(Some(0x08)), GroupKind::NonTransactional);
        assert_eq!(group_kind(None), GroupKind::NonTransactional);
    }

    #[test]
    fn until_master_position_holds_at_or_after_it() {
        let until = Until::Master {
            file: "master-bin.000001".into(),
            pos: 1522,
        };
        let before = at(("master-bin.000001", 1400), ("r.000002", 900), &[]);
        let exact = at(("master-bin.000001", 1522), ("r.000002", 1000), &[]);
        let later_file = at(("master-bin.000002", 300), ("r.000003", 400), &[]);
        assert!(!until_reached(&until, &before));
        assert!(until_reached(&until, &exact));
        assert!(until_reached(&until, &later_file));
        assert!(!until_reached(&Until::None, &later_file));
    }

    #[test]
    fn until_relay_position_compares_relay_coordinates() {
        let until = Until::Relay {
            file: "r.000002".into(),
            pos: 1000,
        };
        assert!(!until_reached(
            &until,
            &at(("m.000009", 9), ("r.000002", 999), &[])
        ));
        assert!(until_reached(
            &until,
            &at(("m.000001", 1), ("r.000002", 1000), &[])
        ));
    }

    #[test]
    fn until_gtid_needs_every_listed_domain() {
        let until = Until::Gtid("0-1-5,1-2-3".into());
        let mut pos = vec![Gtid {
            domain_id: 0,
            server_id: 1,
            seq_no: 5,
        }];
        assert!(!until_reached(&until, &at(("", 0), ("", 0), &pos)));
        advance(
            &mut pos,
            Gtid {
                domain_id: 1,
                server_id: 2,
                seq_no: 3,
            },
        );
        assert!(until_reached(&until, &at(("", 0), ("", 0), &pos)));
        assert_eq!(crate::binlog::gtid::list_text(&pos), "0-1-5,1-2-3");
    }

    #[test]
    fn gtid_lists_parse_and_drop_malformed_entries() {}
}
