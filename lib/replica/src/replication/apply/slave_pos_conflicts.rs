//! The warnings of `SET GLOBAL gtid_slave_pos` when the server's own
//! binary log is ahead of the new position. The binlog's last GTID per
//! domain, the server id and the new position enter; at most one 1948
//! (a domain missing) and one 1947 (a domain behind) leave, as MariaDB
//! raises them for groups this server logged itself.

use crate::binlog::gtid::Gtid;
use crate::error::{Condition, Level};

const HINT: &str = "If MASTER_GTID_POS=CURRENT_POS is used, the binlog position will override the new value of @@gtid_slave_pos";

/// The warnings for `slave_pos` against the binlog's `binlog` GTIDs.
pub fn conflicts(binlog: &[Gtid], server_id: u32, slave_pos: &[Gtid]) -> Vec<Condition> {
    let (mut missing, mut behind) = (None, None);
    for logged in binlog.iter().filter(|g| g.server_id == server_id) {
        match slave_pos.iter().find(|g| g.domain_id == logged.domain_id) {
            None => {
                missing.get_or_insert_with(|| missing_domain(logged));
            }
            Some(wanted) if wanted.seq_no < logged.seq_no => {
                behind.get_or_insert_with(|| older(wanted, logged));
            }
            Some(_) => {}
        }
    }
    missing.into_iter().chain(behind).collect()
}

/// 1948: the position names nothing in a domain the binlog has.
fn missing_domain(logged: &Gtid) -> Condition {
    warning(
        1948,
        format!(
            "Specified value for @@gtid_slave_pos contains no value for replication domain {}. \
             This conflicts with the binary log which contains GTID {logged}. {HINT}",
            logged.domain_id
        ),
    )
}

/// 1947: the position is older than the binlog in its domain.
fn older(wanted: &Gtid, logged: &Gtid) -> Condition {
    warning(
        1947,
        format!(
            "Specified GTID {wanted} conflicts with the binary log which contains a more \
             recent GTID {logged}. {HINT}"
        ),
    )
}

fn warning(code: u16, message: String) -> Condition {
    Condition {
        level: Level::Warning,
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binlog::gtid::parse_list;

    fn codes(binlog: &str, slave_pos: &str) -> Vec<(u16, String)> {
        let (b, s) = (parse_list(binlog).unwrap(), parse_list(slave_pos).unwrap());
        conflicts(&b, 1, &s)
            .into_iter()
            .map(|c| (c.code, c.message))
            .collect()
    }

    #[test]
    fn warns_once_per_kind_for_own_groups_only() {
        let got = codes("0-1-2,3-1-1", "0-1-1");
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].1,
            "Specified value for @@gtid_slave_pos contains no value for replication domain 3. \
             This conflicts with the binary log which contains GTID 3-1-1. If \
             MASTER_GTID_POS=CURRENT_POS is used, the binlog position will override the new \
             value of @@gtid_slave_pos"
        );
        assert_eq!(
            got[1],
            (
                1947,
                "Specified GTID 0-1-1 conflicts with the binary log which contains a more recent \
                 GTID 0-1-2. If MASTER_GTID_POS=CURRENT_POS is used, the binlog position will \
                 override the new value of @@gtid_slave_pos"
                    .to_string()
            )
        );
        assert_eq!(codes("0-1-2,3-1-1", "5-1-1").len(), 1);
        assert!(codes("0-2-9", "").is_empty());
        assert!(codes("0-1-2", "0-9-100").is_empty());
    }
}
