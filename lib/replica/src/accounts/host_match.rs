//! Which account a login lands on: account hosts are LIKE-style patterns
//! (`%`, `_`), matched case-insensitively against the client's host, and
//! among matches the most specific wins as in MariaDB: exact hosts before
//! patterns, `%` last, a named user before the anonymous one.

/// Whether host `pattern` of an account admits `host`.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    crate::sql::eval::like_text(pattern, host)
}

/// Sort key of an account for login matching (smaller is tried first).
pub fn specificity(user: &str, host: &str) -> (u8, bool) {
    let host_rank = if host == "%" {
        2
    } else if host.contains(['%', '_']) {
        1
    } else {
        0
    };
    (host_rank, user.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn patterns_match_as_like() {
        assert!(host_matches("localhost", "LOCALHOST"));
        assert!(host_matches("%", "10.0.0.1"));
        assert!(host_matches("10.0.0._", "10.0.0.7"));
        assert!(!host_matches("10.0.0._", "10.0.0.17"));
        assert!(!host_matches("127.0.0.1", "localhost"));
    }

    #[test]
    fn exact_host_and_named_user_come_first() {
        assert!(specificity("", "localhost") < specificity("u", "%"));
        assert!(specificity("u", "localhost") < specificity("", "localhost"));
        assert!(specificity("u", "10.%") < specificity("u", "%"));
    }

    proptest! {
        #[test]
        fn a_host_matches_itself_and_percent(host in "[a-z0-9.:]{0,20}") {
            prop_assert!(host_matches(&host, &host));
            prop_assert!(host_matches("%", &host));
        }
    }
}
