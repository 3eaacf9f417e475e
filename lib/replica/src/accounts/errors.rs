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

/// ER_CANNOT_USER for roles, which are named without a host.
pub fn cannot_role(operation: &str, failed: &[String]) -> ServerError {
    let list: Vec<String> = failed.iter().map(|r| format!("'{r}'")).collect();
    ServerError::new(
        1396,
        "HY000",
        format!("Operation {operation} failed for {}", list.join(",")),
    )
}

/// ER_INVALID_ROLE: granting or defaulting a role that does not exist (or is not granted).
pub fn invalid_role(role: &str) -> ServerError {
    ServerError::new(
        1959,
        "OP000",
        format!("Invalid role specification `{role}`"),
    )
}

/// ER_ROLE_CREATE_EXISTS: the note of CREATE ROLE IF NOT EXISTS.
pub fn role_create_exists(role: &str) -> ServerError {
    ServerError::new(
        1975,
        "HY000",
        format!("Can't create role '{role}'; it already exists"),
    )
}

/// ER_ROLE_DROP_EXISTS: the note of DROP ROLE IF EXISTS.
pub fn role_drop_exists(role: &str) -> ServerError {
    ServerError::new(
        1976,
        "HY000",
        format!("Can't drop role '{role}'; it doesn't exist"),
    )
}

/// ER_MUST_CHANGE_PASSWORD: an expired account's statement other than SET.
pub fn must_change_password() -> ServerError {
    ServerError::new(
        1820,
        "HY000",
        "You must SET PASSWORD before executing this statement",
    )
}

/// ER_MUST_CHANGE_PASSWORD_LOGIN: an expired account's login refused
/// (disconnect_on_expired_password, or a client that cannot handle it).
pub fn must_change_password_login() -> ServerError {
    ServerError::new(
        1862,
        "HY000",
        "Your password has expired. To log in you must change it using a client that supports expired passwords",
    )
}
