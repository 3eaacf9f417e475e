//! `FLUSH BINARY LOGS DELETE_DOMAIN_ID=(…)`: which replication domains
//! may leave the binlog GTID state. The state and the Gtid_list of the
//! oldest file still in the index enter; the state leaves without the
//! domains no file still needs, with MariaDB's warnings (code 1076), or
//! unchanged with the reason a domain must stay.

use super::gtid::{Gtid, GtidState};

/// MariaDB's code for every diagnostic of the statement (ER_BINLOG_CANT_DELETE_GTID_DOMAIN).
pub const CODE: u16 = 1076;

/// What a deletion did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// Warning texts, in the order MariaDB raises them.
    pub warnings: Vec<String>,
    /// Whether any domain left the state (then the log rotates).
    pub changed: bool,
}

/// Drops the `ids` domains from `state` when each one's GTID is in
/// `oldest` (the oldest file's Gtid_list: no file holds its groups any
/// more); otherwise leaves `state` as it was and returns the reason.
pub fn delete_domains(
    state: &mut GtidState,
    ids: &[u32],
    oldest: &[Gtid],
) -> Result<Deletion, (Vec<String>, String)> {
    let mut warnings: Vec<String> = oldest
        .iter()
        .filter_map(|g| incompatibility(state, g))
        .collect();
    let mut doomed = Vec::new();
    for &id in ids {
        let Some(current) = state.get(id) else {
            warnings.push(format!(
                "The gtid domain being deleted ('{id}') is not in the current binlog state"
            ));
            continue;
        };
        if !oldest.contains(&current) {
            return Err((warnings, still_needed(id)));
        }
        doomed.push(id);
    }
    for id in &doomed {
        state.remove(*id);
    }
    Ok(Deletion {
        warnings,
        changed: !doomed.is_empty(),
    })
}

/// The warning when the state no longer covers an entry of the older list.
fn incompatibility(state: &GtidState, listed: &Gtid) -> Option<String> {
    let why = match state.get(listed.domain_id) {
        None => format!(
            "missing gtids from the '{}-{}' domain-server pair which is referred to in the gtid \
             list describing an earlier state. Ignore if the domain ('{}') was already explicitly \
             deleted",
            listed.domain_id, listed.server_id, listed.domain_id
        ),
        Some(now) if now.server_id == listed.server_id && now.seq_no < listed.seq_no => format!(
            "having a gtid '{now}' which is less than the '{listed}' of the gtid list describing \
             an earlier state. The state may have been affected by manually injecting a lower \
             sequence number gtid or via replication"
        ),
        Some(_) => return None,
    };
    Some(format!(
        "The current gtid binlog state is incompatible with a former one {why}."
    ))
}

/// The error's message when a file may still hold the domain's groups.
pub fn still_needed(id: u32) -> String {
    format!(
        "Could not delete gtid domain. Reason: binlog files may contain gtids from the domain \
         ('{id}') being deleted. Make sure to first purge those files."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gtid(domain_id: u32, server_id: u32, seq_no: u64) -> Gtid {
        Gtid {
            domain_id,
            server_id,
            seq_no,
        }
    }

    fn state(gtids: &[Gtid]) -> GtidState {
        let mut s = GtidState::default();
        gtids.iter().for_each(|g| s.record(*g));
        s
    }

    #[test]
    fn drops_a_domain_the_oldest_file_already_lists() {
        let mut s = state(&[gtid(0, 1, 1), gtid(11, 111, 1)]);
        let done = delete_domains(&mut s, &[11], &[gtid(0, 1, 1), gtid(11, 111, 1)]).unwrap();
        assert_eq!(
            done,
            Deletion {
                warnings: vec![],
                changed: true
            }
        );
        assert_eq!(s.to_string(), "0-1-1");
    }

    #[test]
    fn refuses_while_a_file_may_hold_the_domain() {
        let mut s = state(&[gtid(0, 1, 1), gtid(11, 111, 1)]);
        let (warnings, reason) = delete_domains(&mut s, &[12, 11], &[]).unwrap_err();
        assert_eq!(
            warnings,
            ["The gtid domain being deleted ('12') is not in the current binlog state"]
        );
        assert_eq!(reason, still_needed(11));
        assert!(reason.contains("domain ('11') being deleted. Make sure to first purge"));
        assert_eq!(s.to_string(), "0-1-1,11-111-1");
    }

    #[test]
    fn an_unknown_domain_only_warns_and_changes_nothing() {
        let mut s = state(&[gtid(0, 1, 1)]);
        let done = delete_domains(&mut s, &[12], &[gtid(0, 1, 1)]).unwrap();
        assert!(!done.changed);
        assert_eq!(done.warnings.len(), 1);
    }

    #[test]
    fn warns_of_domains_the_older_list_names_but_the_state_lacks() {
        let mut s = state(&[gtid(0, 1, 1)]);
        let done = delete_domains(&mut s, &[0], &[gtid(0, 1, 1), gtid(11, 111, 1)]).unwrap();
        assert!(done.changed);
        assert_eq!(
            done.warnings,
            [
                "The current gtid binlog state is incompatible with a former one missing gtids \
                 from the '11-111' domain-server pair which is referred to in the gtid list \
                 describing an earlier state. Ignore if the domain ('11') was already \
                 explicitly deleted."
            ]
        );
        assert_eq!(s.to_string(), "");
    }

    #[test]
    fn warns_when_the_state_is_behind_the_older_list() {
        let mut s = state(&[gtid(0, 1, 3)]);
        let done = delete_domains(&mut s, &[], &[gtid(0, 1, 5)]).unwrap();
        assert!(done.warnings[0].contains("having a gtid '0-1-3' which is less than the '0-1-5'"));
    }
}
