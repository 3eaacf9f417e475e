//! Roles as MariaDB 10.11 keeps them: a role is a row of mysql.user with
//! host '' and is_role 'Y'; granting one adds a row to mysql.roles_mapping
//! (the creator holds it WITH ADMIN OPTION); SET DEFAULT ROLE records it
//! in the account. Role statements enter through these methods on
//! [`Accounts`]; failures leave as MariaDB's `ServerError`s.

use super::grants::Account;
use super::{AccountName, Accounts, errors};
use crate::error::ServerResult;

impl Accounts {
    /// Whether a role of this name exists.
    pub fn role_exists(&self, role: &str) -> bool {
        self.exists(&AccountName::new(role, ""))
    }

    /// CREATE ROLE: false when one of that name exists; `admin` gets it WITH ADMIN OPTION.
    pub fn create_role(&self, role: &str, admin: &AccountName) -> bool {
        if !self.add(Account::role(role)) {
            return false;
        }
        let _ = self.update(admin, |account| {
            account.roles.push((role.to_string(), true));
            Ok(())
        });
        true
    }

    /// DROP ROLE: false when there was none; its grants and default-role uses go too.
    pub fn drop_role(&self, role: &str) -> bool {
        if !self.drop_account(&AccountName::new(role, "")) {
            return false;
        }
        for account in self.list.lock().unwrap().iter_mut() {
            account.roles.retain(|(r, _)| r != role);
            if account.default_role == role {
                account.default_role.clear();
            }
        }
        true
    }

    /// GRANT role TO grantee (an account, or a role named without a host).
    pub fn grant_role(&self, role: &str, grantee: &AccountName, admin: bool) -> ServerResult<()> {
        if !self.role_exists(role) {
            return Err(errors::invalid_role(role));
        }
        self.update(&self.grantee(grantee), |account| {
            match account.roles.iter_mut().find(|(r, _)| r == role) {
                Some((_, held)) => *held |= admin,
                None => account.roles.push((role.to_string(), admin)),
            }
            Ok(())
        })
    }

    /// REVOKE role FROM grantee; 1141 when it was not granted.
    pub fn revoke_role(&self, role: &str, grantee: &AccountName) -> ServerResult<()> {
        if !self.role_exists(role) {
            return Err(errors::invalid_role(role));
        }
        let name = self.grantee(grantee);
        self.update(&name, |account| {
            let before = account.roles.len();
            account.roles.retain(|(r, _)| r != role);
            match account.roles.len() != before {
                true => Ok(()),
                false => Err(errors::nonexisting_grant(&name)),
            }
        })
    }

    /// SET DEFAULT ROLE: the role must be granted to the account (None clears it).
    pub fn set_default_role(&self, name: &AccountName, role: Option<&str>) -> ServerResult<()> {
        self.update(name, |account| {
            let Some(role) = role else {
                account.default_role.clear();
                return Ok(());
            };
            if !account.roles.iter().any(|(r, _)| r == role) {
                return Err(errors::invalid_role(role));
            }
            account.default_role = role.to_string();
            Ok(())
        })
    }

    /// The rows of mysql.roles_mapping: (Host, User, Role, Admin_option).
    pub fn role_mappings(&self) -> Vec<(String, String, String, bool)> {
        let list = self.list.lock().unwrap();
        list.iter()
            .flat_map(|a| {
                a.roles.iter().map(|(role, admin)| {
                    (
                        a.name.host.clone(),
                        a.name.user.clone(),
                        role.clone(),
                        *admin,
                    )
                })
            })
            .collect()
    }

    /// `name@%` that is no account but names a role means the role.
    fn grantee(&self, name: &AccountName) -> AccountName {
        let role = AccountName::new(&name.user, "");
        match name.host == "%" && !self.exists(name) && self.exists(&role) {
            true => role,
            false => name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_created_granted_defaulted_and_dropped() {
        let accounts = Accounts::new();
        let root = AccountName::new("root", "localhost");
        let user = AccountName::new("u", "localhost");
        accounts.create(&user, None);
        assert!(accounts.create_role("r", &root));
        assert!(!accounts.create_role("r", &root));
        assert_eq!(
            accounts
                .set_default_role(&user, Some("r"))
                .unwrap_err()
                .code,
            1959
        );
        accounts.grant_role("r", &user, false).unwrap();
        accounts.set_default_role(&user, Some("r")).unwrap();
        assert_eq!(accounts.role_mappings().len(), 2);
        assert_eq!(
            accounts.show_grants(&user).unwrap(),
            [
                "GRANT `r` TO `u`@`localhost`",
                "GRANT USAGE ON *.* TO `u`@`localhost`",
                "SET DEFAULT ROLE `r` FOR `u`@`localhost`"
            ]
        );
        assert_eq!(accounts.login("r", "", b"", b""), None);
        assert_eq!(
            accounts.grant_role("x", &user, false).unwrap_err().code,
            1959
        );
        assert!(accounts.drop_role("r"));
        assert!(!accounts.drop_role("r"));
        assert!(accounts.role_mappings().is_empty());
        assert_eq!(accounts.show_grants(&user).unwrap().len(), 1);
    }
}
