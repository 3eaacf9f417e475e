//! One account: its password hash and what it was granted at each level
//! (`*.*` or `db.*`). GRANT and REVOKE change it; privilege checks read
//! it; SHOW GRANTS prints it as MariaDB does.

use super::AccountName;
use super::password::{PasswordHash, hash_text};
use super::privileges::{GRANT_OPTION, Privileges};

/// Where a grant applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantLevel {
    /// `*.*`
    Global,
    /// `db.*`
    Database(String),
}

impl GrantLevel {
    fn text(&self) -> String {
        match self {
            GrantLevel::Global => "*.*".to_string(),
            GrantLevel::Database(db) => format!("`{db}`.*"),
        }
    }
}

/// An account and its grants.
#[derive(Debug, Clone)]
pub struct Account {
    pub name: AccountName,
    /// None: no password.
    pub password: Option<PasswordHash>,
    /// Global grant first, then databases in grant order.
    grants: Vec<(GrantLevel, Privileges)>,
    /// root's `GRANT PROXY ON ''@'%'` line.
    pub proxy: bool,
    /// PASSWORD EXPIRE: logins get 1862 or the sandbox (1820).
    pub password_expired: bool,
    /// A role (mysql.user's is_role = 'Y', host ''): no login.
    pub is_role: bool,
    /// SET DEFAULT ROLE's role, empty for none.
    pub default_role: String,
    /// The roles granted to this account and whether WITH ADMIN OPTION, in
    /// grant order (mysql.roles_mapping; SHOW GRANTS' first lines).
    pub roles: Vec<(String, bool)>,
}

impl Account {
    pub fn new(name: AccountName, password: Option<PasswordHash>) -> Account {
        Account {
            name,
            password,
            grants: vec![(GrantLevel::Global, Privileges::default())],
            proxy: false,
            password_expired: false,
            is_role: false,
            default_role: String::new(),
            roles: Vec::new(),
        }
    }

    /// A role: an account with host '' that nobody logs in as.
    pub fn role(name: &str) -> Account {
        Account {
            is_role: true,
            ..Account::new(AccountName::new(name, ""), None)
        }
    }

    /// `` `user`@`host` ``, or `` `role` `` for a role, as SHOW GRANTS names it.
    fn grantee(&self) -> String {
        match self.is_role {
            true => format!("`{}`", self.name.user),
            false => self.name.backquoted(),
        }
    }

    /// Adds `privileges` at `level`.
    pub fn grant(&mut self, level: &GrantLevel, privileges: Privileges) {
        match self.grants.iter_mut().find(|(l, _)| l == level) {
            Some((_, held)) => *held = held.union(privileges),
            None => self.grants.push((level.clone(), privileges)),
        }
    }

    /// Takes `privileges` away at `level`; false when nothing was granted there.
    pub fn revoke(&mut self, level: &GrantLevel, privileges: Privileges) -> bool {
        let Some(index) = self.grants.iter().position(|(l, _)| l == level) else {
            return false;
        };
        let held = &mut self.grants[index].1;
        *held = held.without(privileges);
        if held.is_empty() && *level != GrantLevel::Global {
            self.grants.remove(index);
        }
        true
    }

    /// Removes every privilege at every level (REVOKE ALL, GRANT OPTION).
    pub fn revoke_all(&mut self) {
        self.grants = vec![(GrantLevel::Global, Privileges::default())];
    }

    /// Whether the account holds all of `wanted` globally or on `db`.
    pub fn holds(&self, wanted: Privileges, db: Option<&str>) -> bool {
        let held = self
            .grants
            .iter()
            .filter(|(level, _)| match level {
                GrantLevel::Global => true,
                GrantLevel::Database(d) => db.is_some_and(|db| db.eq_ignore_ascii_case(d)),
            })
            .fold(Privileges::default(), |acc, (_, p)| acc.union(*p));
        held.contains(wanted)
    }

    /// SHOW GRANTS FOR this account.
    pub fn grant_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .roles
            .iter()
            .map(|(role, admin)| {
                let admin = if *admin { " WITH ADMIN OPTION" } else { "" };
                format!("GRANT `{role}` TO {}{admin}", self.grantee())
            })
            .collect();
        lines.extend(
            self.grants
                .iter()
                .map(|(level, privileges)| self.grant_line(level, *privileges)),
        );
        if self.proxy {
            lines.push(format!(
                "GRANT PROXY ON ``@`%` TO {} WITH GRANT OPTION",
                self.name.backquoted()
            ));
        }
        if !self.default_role.is_empty() {
            lines.push(format!(
                "SET DEFAULT ROLE `{}` FOR {}",
                self.default_role,
                self.grantee()
            ));
        }
        lines
    }

    fn grant_line(&self, level: &GrantLevel, privileges: Privileges) -> String {
        let global = *level == GrantLevel::Global;
        let mut line = format!(
            "GRANT {} ON {} TO {}",
            privileges.grant_text(global),
            level.text(),
            self.grantee()
        );
        if let (true, Some(hash)) = (global, &self.password) {
            line.push_str(&format!(" IDENTIFIED BY PASSWORD '{}'", hash_text(hash)));
        }
        if privileges.contains(GRANT_OPTION) {
            line.push_str(" WITH GRANT OPTION");
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::password::hash_password;

    fn db(name: &str) -> GrantLevel {
        GrantLevel::Database(name.to_string())
    }

    #[test]
    fn grants_print_as_show_grants_does() {
        let mut a = Account::new(
            AccountName::new("u1", "localhost"),
            Some(hash_password("pw")),
        );
        let select = Privileges::named("SELECT").unwrap();
        a.grant(&db("test"), select);
        a.grant(&GrantLevel::Global, Privileges::all(true));
        assert_eq!(
            a.grant_lines(),
            [
                "GRANT ALL PRIVILEGES ON *.* TO `u1`@`localhost` IDENTIFIED BY PASSWORD '*D821809F681A40A6E379B50D0463EFAE20BDD122'",
                "GRANT SELECT ON `test`.* TO `u1`@`localhost`"
            ]
        );
    }

    #[test]
    fn database_grants_apply_only_to_their_database() {
        let mut a = Account::new(AccountName::new("u", "%"), None);
        let select = Privileges::named("SELECT").unwrap();
        let insert = Privileges::named("INSERT").unwrap();
        a.grant(&db("test"), select.union(GRANT_OPTION));
        assert!(a.holds(select, Some("TEST")));
        assert!(!a.holds(select, Some("other")));
        assert!(!a.holds(insert, Some("test")));
        assert!(a.grant_lines()[1].ends_with("WITH GRANT OPTION"));
        assert!(a.revoke(&db("test"), select.union(GRANT_OPTION)));
        assert_eq!(a.grant_lines().len(), 1);
        assert!(!a.revoke(&db("test"), select));
        a.grant(&GrantLevel::Global, insert);
        a.revoke_all();
        assert!(!a.holds(insert, None));
    }
}
