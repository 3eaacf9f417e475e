//! The MariaDB errors account statements and privilege checks raise, one
//! constructor per error, leaving as `ServerError`s (or notes built from
//! them for IF [NOT] EXISTS).

use super::AccountName;
use crate::error::ServerError;

/// ER_PASSWORD_NO_MATCH: GRANT or SET PASSWORD for an account that does not exist.
pub fn password_no_match() -> ServerError {
    ServerError::new(
        1133,
        "28000",
        "Can't find any matching row in the user table",
    )
}

/// ER_NONEXISTING_GRANT: REVOKE or SHOW GRANTS of something never granted.
pub fn nonexisting_grant(name: &AccountName) -> ServerError {
    ServerError::new(
        1141,
        "42000",
        format!(
            "There is no such grant defined for user '{}' on host '{}'",
            name.user, name.host
        ),
    )
}

/// ER_TABLEACCESS_DENIED_ERROR: a table statement without the privilege.
pub fn table_access_denied(command: &str, who: &AccountName, db: &str, table: &str) -> ServerError {
    ServerError::new(
        1142,
        "42000",
        format!(
            "{command} command denied to user '{}'@'{}' for table `{db}`.`{table}`",
            who.user, who.host
        ),
    )
}

/// ER_REVOKE_GRANTS: REVOKE ALL for an account that does not exist.
pub fn revoke_grants() -> ServerError {
    ServerError::new(
        1269,
        "HY000",
        "Can't revoke all privileges for one or more of the requested users",
    )
}

/// ER_SPECIFIC_ACCESS_DENIED_ERROR: a command that needs one global privilege.
pub fn specific_access_denied(privilege: &str) -> ServerError {
    ServerError::new(
        1227,
        "42000",
        format!(
            "Access denied; you need (at least one of) the {privilege} privilege(s) for this operation"
        ),
    )
}

/// ER_PASSWD_LENGTH: a password hash that is not `*` and 40 hex digits.
pub fn password_hash_length() -> ServerError {
    ServerError::new(
        1372,
        "HY000",
        "Password hash should be a 41-digit hexadecimal number",
    )
}

/// ER_CANNOT_USER: CREATE/DROP USER failed for the listed accounts.
pub fn cannot_user(operation: &str, failed: &[AccountName]) -> ServerError {
    let list: Vec<String> = failed.iter().map(AccountName::quoted).collect();
    ServerError::new(
        1396,
        "HY000",
        format!("Operation {operation} failed for {}", list.join(",")),
    )
}

/// ER_USER_CREATE_EXISTS: the note of CREATE USER IF NOT EXISTS.
pub fn user_create_exists(name: &AccountName) -> ServerError {
    ServerError::new(
        1973,
        "HY000",
        format!(
            "Can't create user '{}'@'{}'; it already exists",
            name.user, name.host
        ),
    )
}

/// ER_USER_DROP_EXISTS: the note of DROP USER IF EXISTS.
pub fn user_drop_exists(name: &AccountName) -> ServerError {
    ServerError::new(
        1974,
        "HY000",
        format!(
            "Can't drop user '{}'@'{}'; it doesn't exist",
            name.user, name.host
        ),
    )
}
