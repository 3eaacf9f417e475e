//! Lookups over the generated error table: name to code, code to name and
//! SQLSTATE, and the name mysqltest prints for a code (which differs for
//! codes it does not know). Names are matched exactly, as mysqltest does.

use super::entry::{ErrorName, Origin};
use super::table::ERROR_NAMES;

/// What mysqltest prints for a code with no name it knows (e.g. 2013).
pub const UNKNOWN_ERROR_NAME: &str = "<Unknown>";

/// What mysqltest prints for code 0, i.e. "no error": an empty name.
pub const NO_ERROR_NAME: &str = "";

/// The table row for a name of any origin (server, handler or client).
pub fn lookup_name(name: &str) -> Option<&'static ErrorName> {
    ERROR_NAMES
        .binary_search_by(|entry| entry.name.as_bytes().cmp(name.as_bytes()))
        .ok()
        .map(|index| &ERROR_NAMES[index])
}

/// The code for a name of any origin, including `CR_*` client names.
pub fn code_for_name(name: &str) -> Option<u32> {
    lookup_name(name).map(|entry| entry.code)
}

/// The code for a name as mysqltest's `--error` accepts it: server and
/// handler names only (mysqltest 10.11 does not know `CR_*` names).
pub fn mysqltest_code_for_name(name: &str) -> Option<u32> {
    lookup_name(name)
        .filter(|entry| entry.origin != Origin::Client)
        .map(|entry| entry.code)
}

/// The table row for a code; codes are unique across origins.
fn lookup_code(code: u32) -> Option<&'static ErrorName> {
    ERROR_NAMES.iter().find(|entry| entry.code == code)
}

/// The name for a code of any origin, including `CR_*` client codes.
pub fn name_for_code(code: u32) -> Option<&'static str> {
    lookup_code(code).map(|entry| entry.name)
}

/// The SQLSTATE the server's message file gives for a code, if any.
pub fn sqlstate_for_code(code: u32) -> Option<&'static str> {
    lookup_code(code).and_then(|entry| entry.sqlstate)
}

/// The name mysqltest prints for a code (in failures and `$mysql_errname`):
/// empty for 0, `<Unknown>` for codes outside its server/handler list.
pub fn mysqltest_errname(code: u32) -> &'static str {
    if code == 0 {
        return NO_ERROR_NAME;
    }
    match lookup_code(code) {
        Some(entry) if entry.origin != Origin::Client => entry.name,
        _ => UNKNOWN_ERROR_NAME,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn table_is_sorted_by_name_without_duplicates() {
        for pair in ERROR_NAMES.windows(2) {
            assert!(
                pair[0].name.as_bytes() < pair[1].name.as_bytes(),
                "{pair:?}"
            );
        }
    }

    #[test]
    fn codes_are_unique_across_origins() {
        let mut seen = HashSet::new();
        for entry in ERROR_NAMES {
            assert!(seen.insert(entry.code), "code {} twice", entry.code);
        }
    }

    #[test]
    fn server_names_map_to_their_codes() {
        assert_eq!(code_for_name("ER_HASHCHK"), Some(1000));
        assert_eq!(code_for_name("ER_NO_SUCH_TABLE"), Some(1146));
        assert_eq!(code_for_name("ER_DUP_ENTRY"), Some(1062));
        assert_eq!(code_for_name("ER_PARSE_ERROR"), Some(1064));
        assert_eq!(code_for_name("ER_LOCK_DEADLOCK"), Some(1213));
    }

    #[test]
    fn counter_restarts_and_skips_are_honoured() {
        assert_eq!(code_for_name("ER_UNUSED_18"), Some(1900));
        assert_eq!(code_for_name("ER_UNUSED_1"), Some(3024));
        assert_eq!(
            code_for_name("ER_LOAD_INFILE_CAPABILITY_DISABLED"),
            Some(4166)
        );
        assert_eq!(code_for_name("ER_SLAVE_STATEMENT_TIMEOUT"), Some(4192));
    }

    #[test]
    fn handler_and_client_names_are_known() {
        assert_eq!(code_for_name("HA_ERR_KEY_NOT_FOUND"), Some(120));
        assert_eq!(code_for_name("HA_WRONG_CREATE_OPTION"), Some(140));
        assert_eq!(code_for_name("HA_ERR_ROLLBACK"), Some(200));
        assert_eq!(code_for_name("CR_SERVER_GONE_ERROR"), Some(2006));
        assert_eq!(code_for_name("CR_SERVER_LOST"), Some(2013));
        assert_eq!(code_for_name("CR_FILE_NOT_FOUND"), Some(5004));
    }

    #[test]
    fn unknown_and_inexact_names_are_rejected() {
        assert_eq!(code_for_name("ER_FOO_BAR"), None);
        assert_eq!(code_for_name("er_no_such_table"), None);
        assert_eq!(code_for_name("ER_NO_SUCH_TABLE "), None);
        assert_eq!(code_for_name(""), None);
        assert_eq!(code_for_name("CR_MIN_ERROR"), None);
    }

    #[test]
    fn mysqltest_does_not_accept_client_names() {
        assert_eq!(mysqltest_code_for_name("CR_SERVER_LOST"), None);
        assert_eq!(mysqltest_code_for_name("ER_NO_SUCH_TABLE"), Some(1146));
        assert_eq!(mysqltest_code_for_name("HA_ERR_END_OF_FILE"), Some(137));
    }

    #[test]
    fn codes_map_back_to_names() {
        assert_eq!(name_for_code(1146), Some("ER_NO_SUCH_TABLE"));
        assert_eq!(name_for_code(2013), Some("CR_SERVER_LOST"));
        assert_eq!(name_for_code(125), None);
        assert_eq!(name_for_code(9999), None);
    }

    #[test]
    fn sqlstates_come_from_the_message_file() {
        assert_eq!(sqlstate_for_code(1146), Some("42S02"));
        assert_eq!(sqlstate_for_code(1062), Some("23000"));
        assert_eq!(sqlstate_for_code(1040), Some("08004"));
        assert_eq!(sqlstate_for_code(1000), None);
        assert_eq!(sqlstate_for_code(2013), None);
    }

    #[test]
    fn mysqltest_spells_unknown_codes_its_own_way() {
        assert_eq!(mysqltest_errname(0), "");
        assert_eq!(mysqltest_errname(1146), "ER_NO_SUCH_TABLE");
        assert_eq!(mysqltest_errname(120), "HA_ERR_KEY_NOT_FOUND");
        assert_eq!(mysqltest_errname(2013), "<Unknown>");
        assert_eq!(mysqltest_errname(3999), "<Unknown>");
    }
}
