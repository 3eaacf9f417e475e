//! User accounts and roles as MariaDB 10.11 keeps them in mysql.user and
//! the grant tables: who may log in from where with which password (and
//! whether it expired), and what each account was granted (privileges and
//! roles, in `roles`). Account statements and logins enter through
//! [`Accounts`]; logins leave as the matched [`AccountName`], statements as
//! `ServerError`s from `errors`.

pub mod errors;
pub mod grants;
pub mod host_match;
pub mod password;
pub mod privileges;
pub mod roles;
pub mod sha1;

use std::sync::Mutex;

use crate::error::{ServerError, ServerResult};
use grants::{Account, GrantLevel};
use password::{PasswordHash, check_scramble};
use privileges::Privileges;

/// `'user'@'host'`, the key of an account (host lower case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AccountName {
    pub user: String,
    pub host: String,
}

impl AccountName {
    pub fn new(user: &str, host: &str) -> AccountName {
        AccountName {
            user: user.to_string(),
            host: host.to_lowercase(),
        }
    }

    /// `'user'@'host'`, as error messages name an account.
    pub fn quoted(&self) -> String {
        format!("'{}'@'{}'", self.user, self.host)
    }

    /// `` `user`@`host` ``, as SHOW GRANTS names an account.
    pub fn backquoted(&self) -> String {
        format!("`{}`@`{}`", self.user, self.host)
    }

    /// `user@host`, as CURRENT_USER() gives it.
    pub fn plain(&self) -> String {
        format!("{}@{}", self.user, self.host)
    }
}

/// All accounts of the server.
#[derive(Debug)]
pub struct Accounts {
    list: Mutex<Vec<Account>>,
}

impl Default for Accounts {
    fn default() -> Self {
        Accounts::new()
    }
}

impl Accounts {
    /// The accounts of a fresh test datadir: root on every local address
    /// with all privileges and no password, and mariadb.sys (the test
    /// bootstrap deletes the anonymous users, as mysql-test-run does).
    pub fn new() -> Accounts {
        let mut list = Vec::new();
        for host in ["localhost", "127.0.0.1", "::1"] {
            let mut root = Account::new(AccountName::new("root", host), None);
            root.grant(
                &GrantLevel::Global,
                Privileges::all(true).union(privileges::GRANT_OPTION),
            );
            root.proxy = true;
            list.push(root);
        }
        list.push(Account::new(
            AccountName::new("mariadb.sys", "localhost"),
            None,
        ));
        Accounts {
            list: Mutex::new(list),
        }
    }

    /// The account a login as `user` from `host` lands on, if its password
    /// checks out against `response` to `scramble`; None for a refusal.
    pub fn login(
        &self,
        user: &str,
        host: &str,
        scramble: &[u8],
        response: &[u8],
    ) -> Option<AccountName> {
        self.login_from(user, host, "", scramble, response)
    }

    /// As [`Accounts::login`], where an account's host may name the
    /// client's host name or its address (`rpl@127.0.0.1` from loopback,
    /// which MariaDB calls `localhost`).
    pub fn login_from(
        &self,
        user: &str,
        host: &str,
        ip: &str,
        scramble: &[u8],
        response: &[u8],
    ) -> Option<AccountName> {
        let list = self.list.lock().unwrap();
        let account = list
            .iter()
            .filter(|a| !a.is_role)
            .filter(|a| a.name.user.is_empty() || a.name.user == user)
            .filter(|a| {
                host_match::host_matches(&a.name.host, host)
                    || (!ip.is_empty() && host_match::host_matches(&a.name.host, ip))
            })
            // An account naming the host wins over one naming its address.
            .min_by_key(|a| {
                (
                    host_match::specificity(&a.name.user, &a.name.host),
                    !host_match::host_matches(&a.name.host, host),
                )
            })?;
        let accepted = match &account.password {
            None => response.is_empty(),
            Some(hash) => check_scramble(scramble, response, hash),
        };
        accepted.then(|| account.name.clone())
    }

    /// Whether the account's password was marked expired (PASSWORD EXPIRE).
    pub fn password_expired(&self, name: &AccountName) -> bool {
        let list = self.list.lock().unwrap();
        list.iter().any(|a| a.name == *name && a.password_expired)
    }

    pub fn exists(&self, name: &AccountName) -> bool {
        self.list.lock().unwrap().iter().any(|a| a.name == *name)
    }

    /// Adds an account; false when it already exists.
    pub fn create(&self, name: &AccountName, password: Option<PasswordHash>) -> bool {
        self.add(Account::new(name.clone(), password))
    }

    /// Adds an account or role; false when one of that name exists.
    fn add(&self, account: Account) -> bool {
        let mut list = self.list.lock().unwrap();
        if list.iter().any(|a| a.name == account.name) {
            return false;
        }
        list.push(account);
        true
    }

    /// Removes an account; false when there was none.
    pub fn drop_account(&self, name: &AccountName) -> bool {
        let mut list = self.list.lock().unwrap();
        let before = list.len();
        list.retain(|a| a.name != *name);
        list.len() != before
    }

    /// Runs `change` on one account; ER_PASSWORD_NO_MATCH when it does not exist.
    pub fn update<T>(
        &self,
        name: &AccountName,
        change: impl FnOnce(&mut Account) -> ServerResult<T>,
    ) -> ServerResult<T> {
        let mut list = self.list.lock().unwrap();
        let account = list
            .iter_mut()
            .find(|a| a.name == *name)
            .ok_or_else(errors::password_no_match)?;
        change(account)
    }

    /// The SHOW GRANTS lines of an account.
    pub fn show_grants(&self, name: &AccountName) -> Result<Vec<String>, ServerError> {
        let list = self.list.lock().unwrap();
        list.iter()
            .find(|a| a.name == *name)
            .map(Account::grant_lines)
            .ok_or_else(|| errors::nonexisting_grant(name))
    }

    /// Whether `name` holds `wanted` on `db` (globally or on the database).
    pub fn allows(&self, name: &AccountName, wanted: Privileges, db: Option<&str>) -> bool {
        let list = self.list.lock().unwrap();
        list.iter()
            .find(|a| a.name == *name)
            .is_some_and(|a| a.holds(wanted, db))
    }

    /// (Host, User) of every account, in mysql.user's key order.
    pub fn names(&self) -> Vec<AccountName> {
        self.rows().into_iter().map(|a| a.name).collect()
    }

    /// Every account and role, in mysql.user's key order (Host, User).
    pub fn rows(&self) -> Vec<Account> {
        let mut rows = self.list.lock().unwrap().clone();
        rows.sort_by(|a, b| (&a.name.host, &a.name.user).cmp(&(&b.name.host, &b.name.user)));
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_common::auth::plugins::mysql_native_password::scramble_native;

    const SCRAMBLE: &[u8; 20] = b"abcdefghijklmnopqrst";

    fn shutdown() -> Privileges {
        Privileges::named("SHUTDOWN").unwrap()
    }

    #[test]
    fn fresh_server_has_root_everywhere_local_and_no_anonymous_user() {
        let accounts = Accounts::new();
        let names: Vec<String> = accounts.names().iter().map(AccountName::plain).collect();
        assert_eq!(
            names,
            [
                "root@127.0.0.1",
                "root@::1",
                "mariadb.sys@localhost",
                "root@localhost"
            ]
        );
        let root = AccountName::new("root", "localhost");
        assert_eq!(
            accounts.login("root", "localhost", SCRAMBLE, b""),
            Some(root.clone())
        );
        assert!(accounts.allows(&root, shutdown(), None));
    }

    #[test]
    fn passwords_are_checked_and_unknown_users_fall_to_anonymous() {
        let accounts = Accounts::new();
        let bob = AccountName::new("bob", "localhost");
        assert!(accounts.create(&bob, Some(password::hash_password("pw"))));
        assert!(!accounts.create(&bob, None));
        let good = scramble_native(SCRAMBLE, b"pw").unwrap();
        let bad = scramble_native(SCRAMBLE, b"px").unwrap();
        assert_eq!(accounts.login("nobody", "localhost", SCRAMBLE, b""), None);
        let rpl = AccountName::new("rpl", "127.0.0.1");
        accounts.create(&rpl, None);
        assert_eq!(
            accounts.login_from("rpl", "localhost", "127.0.0.1", SCRAMBLE, b""),
            Some(rpl.clone())
        );
        assert_eq!(accounts.login("rpl", "localhost", SCRAMBLE, b""), None);
        accounts.create(&AccountName::new("", "localhost"), None);
        assert_eq!(
            accounts.login("bob", "localhost", SCRAMBLE, &good),
            Some(bob.clone())
        );
        assert_eq!(accounts.login("bob", "localhost", SCRAMBLE, &bad), None);
        assert_eq!(accounts.login("bob", "localhost", SCRAMBLE, b""), None);
        assert_eq!(
            accounts.login("nobody", "localhost", SCRAMBLE, b""),
            Some(AccountName::new("", "localhost"))
        );
        assert_eq!(accounts.login("nobody", "localhost", SCRAMBLE, &bad), None);
        assert_eq!(accounts.login("nobody", "10.1.1.1", SCRAMBLE, b""), None);
        assert!(accounts.drop_account(&bob));
        assert!(!accounts.drop_account(&bob));
    }

    #[test]
    fn new_accounts_have_usage_only() {
        let accounts = Accounts::new();
        let u = AccountName::new("u", "%");
        accounts.create(&u, None);
        assert!(!accounts.allows(&u, shutdown(), None));
        assert_eq!(
            accounts.show_grants(&u).unwrap(),
            ["GRANT USAGE ON *.* TO `u`@`%`"]
        );
        let missing = accounts
            .show_grants(&AccountName::new("x", "h"))
            .unwrap_err();
        assert_eq!(missing.code, 1141);
    }
}
