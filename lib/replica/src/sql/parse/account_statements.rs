//! The account statements, read by hand because sqlparser does not know
//! MariaDB's `'user'@'host'` names: CREATE/DROP USER, GRANT, REVOKE, SET
//! PASSWORD, SHOW GRANTS and SHUTDOWN. Statement text enters; an [`Extra`]
//! leaves, or None when the text is not one of these (or is malformed,
//! so that sqlparser reports the syntax error).

use super::extras::Extra;
use crate::accounts::AccountName;
use crate::accounts::grants::GrantLevel;
use crate::accounts::privileges::{GRANT_OPTION, Privileges};

/// CREATE/DROP USER, GRANT, REVOKE, SET PASSWORD, SHOW GRANTS, SHUTDOWN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountStatement {
    CreateUser {
        or_replace: bool,
        if_not_exists: bool,
        users: Vec<UserSpec>,
    },
    DropUser {
        if_exists: bool,
        users: Vec<AccountName>,
    },
    Grant {
        privileges: PrivilegeSpec,
        level: GrantLevel,
        users: Vec<UserSpec>,
        with_grant_option: bool,
    },
    Revoke {
        privileges: PrivilegeSpec,
        level: GrantLevel,
        users: Vec<AccountName>,
    },
    /// `REVOKE ALL PRIVILEGES, GRANT OPTION FROM …`.
    RevokeAll {
        users: Vec<AccountName>,
    },
    /// `SET PASSWORD [FOR user] = …`; None is the current account.
    SetPassword {
        user: Option<AccountName>,
        password: PasswordSpec,
    },
    /// `CREATE [OR REPLACE] ROLE [IF NOT EXISTS] role [WITH ADMIN account]`;
    /// admin None is the current account.
    CreateRole {
        or_replace: bool,
        if_not_exists: bool,
        name: String,
        admin: Option<AccountName>,
    },
    DropRole {
        if_exists: bool,
        names: Vec<String>,
    },
    /// `GRANT role, … TO account, … [WITH ADMIN OPTION]`.
    GrantRole {
        roles: Vec<String>,
        users: Vec<AccountName>,
        admin_option: bool,
    },
    RevokeRole {
        roles: Vec<String>,
        users: Vec<AccountName>,
    },
    /// `SET DEFAULT ROLE {role | NONE} [FOR account]`; None: NONE / the current account.
    SetDefaultRole {
        role: Option<String>,
        user: Option<AccountName>,
    },
    /// `SHOW GRANTS [FOR user]`; None is the current account.
    ShowGrants {
        user: Option<AccountName>,
    },
    Shutdown,
}

/// An account named with an optional password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSpec {
    pub name: AccountName,
    pub password: Option<PasswordSpec>,
    /// `PASSWORD EXPIRE`: the account must change its password first.
    pub password_expired: bool,
}

/// A password as written: clear text, or the `*HEX` hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSpec {
    Clear(String),
    Hash(String),
}

/// What GRANT/REVOKE name: ALL [PRIVILEGES] (its meaning depends on the level) or a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrivilegeSpec {
    All,
    Some(Privileges),
}

/// One lexical token.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A bare word, upper-cased for keywords, original kept for names.
    Word(String),
    /// A quoted string or identifier, unquoted.
    Quoted(String),
    Symbol(char),
}

/// The account statement `text` is, if it is one.
pub fn parse(text: &str) -> Option<Extra> {
    let tokens = tokenize(text)?;
    let mut p = Parser { tokens, pos: 0 };
    let statement = p.statement()?;
    p.at_end().then_some(Extra::Account(statement))
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = text.trim().trim_end_matches(';').chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '\'' || c == '"' || c == '`' {
            chars.next();
            tokens.push(Token::Quoted(quoted(&mut chars, c)?));
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let mut word = String::new();
            while let Some(&c) = chars
                .peek()
                .filter(|c| c.is_alphanumeric() || **c == '_' || **c == '$')
            {
                word.push(c);
                chars.next();
            }
            tokens.push(Token::Word(word));
        } else {
            tokens.push(Token::Symbol(c));
            chars.next();
            if c == '@' {
                bare_host(&mut chars, &mut tokens);
            }
        }
    }
    Some(tokens)
}

/// An unquoted host right after `@`: letters, digits and `._%:-$` run together.
fn bare_host(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, tokens: &mut Vec<Token>) {
    let mut host = String::new();
    while let Some(&c) = chars
        .peek()
        .filter(|c| c.is_alphanumeric() || "._%:-$".contains(**c))
    {
        host.push(c);
        chars.next();
    }
    if !host.is_empty() {
        tokens.push(Token::Word(host));
    }
}

/// The rest of a quoted token after its opening `quote` (doubled quotes and backslashes unescaped).
fn quoted(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, quote: char) -> Option<String> {
    let mut out = String::new();
    loop {
        let c = chars.next()?;
        if c == quote {
            if chars.peek() == Some(&quote) {
                chars.next();
                out.push(quote);
                continue;
            }
            return Some(out);
        }
        if c == '\\' && quote != '`' {
            out.push(chars.next()?);
        } else {
            out.push(c);
        }
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn statement(&mut self) -> Option<AccountStatement> {
        if self.keywords(&["CREATE", "OR", "REPLACE", "USER"]) {
            self.create_user(true)
        } else if self.keywords(&["CREATE", "USER"]) {
            self.create_user(false)
        } else if self.keywords(&["CREATE", "OR", "REPLACE", "ROLE"]) {
            self.create_role(true)
        } else if self.keywords(&["CREATE", "ROLE"]) {
            self.create_role(false)
        } else if self.keywords(&["DROP", "ROLE"]) {
            let if_exists = self.keywords(&["IF", "EXISTS"]);
            let names = self.list(Parser::name)?;
            Some(AccountStatement::DropRole { if_exists, names })
        } else if self.keywords(&["SET", "DEFAULT", "ROLE"]) {
            self.set_default_role()
        } else if self.keywords(&["DROP", "USER"]) {
            let if_exists = self.keywords(&["IF", "EXISTS"]);
            let users = self.list(Parser::account)?;
            Some(AccountStatement::DropUser { if_exists, users })
        } else if self.keyword("GRANT") {
            self.grant()
        } else if self.keyword("REVOKE") {
            self.revoke()
        } else if self.keywords(&["SET", "PASSWORD"]) {
            self.set_password()
        } else if self.keywords(&["SHOW", "GRANTS"]) {
            self.show_grants()
        } else if self.keyword("SHUTDOWN") {
            Some(AccountStatement::Shutdown)
        } else {
            None
        }
    }

    fn create_user(&mut self, or_replace: bool) -> Option<AccountStatement> {
        let if_not_exists = self.keywords(&["IF", "NOT", "EXISTS"]);
        let users = self.list(Parser::user_spec)?;
        Some(AccountStatement::CreateUser {
            or_replace,
            if_not_exists,
            users,
        })
    }

    fn create_role(&mut self, or_replace: bool) -> Option<AccountStatement> {
        let if_not_exists = self.keywords(&["IF", "NOT", "EXISTS"]);
        let name = self.name()?;
        let admin = if self.keywords(&["WITH", "ADMIN"]) {
            match self.current_user() {
                true => None,
                false => Some(self.account()?),
            }
        } else {
            None
        };
        Some(AccountStatement::CreateRole {
            or_replace,
            if_not_exists,
            name,
            admin,
        })
    }

    fn set_default_role(&mut self) -> Option<AccountStatement> {
        let role = match self.keyword("NONE") {
            true => None,
            false => Some(self.name()?),
        };
        let user = if self.keyword("FOR") {
            Some(self.account()?)
        } else {
            None
        };
        Some(AccountStatement::SetDefaultRole { role, user })
    }

    /// Roles, when the words after GRANT/REVOKE are not privileges `ON` something.
    fn names_of_roles(&mut self, then: &str) -> Option<Vec<String>> {
        let roles = self.list(Parser::name)?;
        self.keyword(then).then_some(roles)
    }

    fn grant(&mut self) -> Option<AccountStatement> {
        let start = self.pos;
        let privileges = self.privileges().filter(|_| self.word_is("ON"));
        let Some(privileges) = privileges else {
            self.pos = start;
            let roles = self.names_of_roles("TO")?;
            let users = self.list(Parser::account)?;
            let admin_option = self.keywords(&["WITH", "ADMIN", "OPTION"]);
            return Some(AccountStatement::GrantRole {
                roles,
                users,
                admin_option,
            });
        };
        let level = self.on_level()?;
        self.keyword("TO").then_some(())?;
        let users = self.list(Parser::user_spec)?;
        let with_grant_option = self.keywords(&["WITH", "GRANT", "OPTION"]);
        Some(AccountStatement::Grant {
            privileges,
            level,
            users,
            with_grant_option,
        })
    }

    fn revoke(&mut self) -> Option<AccountStatement> {
        let start = self.pos;
        let Some(privileges) = self
            .privileges()
            .filter(|_| self.word_is("ON") || self.symbol_is(','))
        else {
            self.pos = start;
            let roles = self.names_of_roles("FROM")?;
            let users = self.list(Parser::account)?;
            return Some(AccountStatement::RevokeRole { roles, users });
        };
        if privileges == PrivilegeSpec::All && self.symbol(',') {
            self.keywords(&["GRANT", "OPTION"]).then_some(())?;
            self.keyword("FROM").then_some(())?;
            let users = self.list(Parser::account)?;
            return Some(AccountStatement::RevokeAll { users });
        }
        let level = self.on_level()?;
        self.keyword("FROM").then_some(())?;
        let users = self.list(Parser::account)?;
        Some(AccountStatement::Revoke {
            privileges,
            level,
            users,
        })
    }

    fn set_password(&mut self) -> Option<AccountStatement> {
        let user = if self.keyword("FOR") {
            Some(self.account()?)
        } else {
            None
        };
        self.symbol('=').then_some(())?;
        let password = if self.keyword("PASSWORD") {
            self.symbol('(').then_some(())?;
            let clear = self.string()?;
            self.symbol(')').then_some(())?;
            PasswordSpec::Clear(clear)
        } else {
            PasswordSpec::Hash(self.string()?)
        };
        Some(AccountStatement::SetPassword { user, password })
    }

    fn show_grants(&mut self) -> Option<AccountStatement> {
        if !self.keyword("FOR") || self.current_user() {
            return Some(AccountStatement::ShowGrants { user: None });
        }
        Some(AccountStatement::ShowGrants {
            user: Some(self.account()?),
        })
    }

    /// `CURRENT_USER` or `CURRENT_USER()`.
    fn current_user(&mut self) -> bool {
        if !self.keyword("CURRENT_USER") {
            return false;
        }
        if self.symbol('(') {
            self.symbol(')');
        }
        true
    }

    /// `ALL [PRIVILEGES]` or a comma list of privilege names.
    fn privileges(&mut self) -> Option<PrivilegeSpec> {
        if self.keyword("ALL") {
            self.keyword("PRIVILEGES");
            return Some(PrivilegeSpec::All);
        }
        let mut set = Privileges::default();
        loop {
            set = set.union(self.privilege_name()?);
            if !self.symbol(',') {
                return Some(PrivilegeSpec::Some(set));
            }
        }
    }

    /// One privilege name: the longest run of words that names one.
    fn privilege_name(&mut self) -> Option<Privileges> {
        for len in (1..=3).rev() {
            let words: Option<Vec<String>> = (0..len).map(|i| self.word_at(self.pos + i)).collect();
            let Some(words) = words else { continue };
            let name = words.join(" ").to_ascii_uppercase();
            let found = match name.as_str() {
                "GRANT OPTION" => Some(GRANT_OPTION),
                "USAGE" => Some(Privileges::default()),
                _ => Privileges::named(&name),
            };
            if let Some(found) = found {
                self.pos += len;
                return Some(found);
            }
        }
        None
    }

    /// `ON *.*`, `ON db.*` or `ON *` (global here: no current database is known).
    fn on_level(&mut self) -> Option<GrantLevel> {
        self.keyword("ON").then_some(())?;
        if self.symbol('*') {
            if self.symbol('.') {
                self.symbol('*').then_some(())?;
            }
            return Some(GrantLevel::Global);
        }
        let db = self.name()?;
        self.symbol('.').then_some(())?;
        self.symbol('*').then_some(())?;
        Some(GrantLevel::Database(db))
    }

    /// An account with an optional `IDENTIFIED BY [PASSWORD] '…'`.
    fn user_spec(&mut self) -> Option<UserSpec> {
        let name = self.account()?;
        let password = if self.keywords(&["IDENTIFIED", "BY", "PASSWORD"]) {
            Some(PasswordSpec::Hash(self.string()?))
        } else if self.keywords(&["IDENTIFIED", "BY"]) {
            Some(PasswordSpec::Clear(self.string()?))
        } else {
            None
        };
        let password_expired = self.keywords(&["PASSWORD", "EXPIRE"]);
        Some(UserSpec {
            name,
            password,
            password_expired,
        })
    }

    /// `user[@host]`, host `%` when left out.
    fn account(&mut self) -> Option<AccountName> {
        let user = self.name()?;
        if !self.symbol('@') {
            return Some(AccountName::new(&user, "%"));
        }
        let host = self.name()?;
        Some(AccountName::new(&user, &host))
    }

    fn list<T>(&mut self, item: fn(&mut Parser) -> Option<T>) -> Option<Vec<T>> {
        let mut items = vec![item(self)?];
        while self.symbol(',') {
            items.push(item(self)?);
        }
        Some(items)
    }

    /// A name, bare or quoted.
    fn name(&mut self) -> Option<String> {
        let name = match self.tokens.get(self.pos)? {
            Token::Word(w) | Token::Quoted(w) => w.clone(),
            Token::Symbol(_) => return None,
        };
        self.pos += 1;
        Some(name)
    }

    fn string(&mut self) -> Option<String> {
        match self.tokens.get(self.pos)? {
            Token::Quoted(s) => {
                let s = s.clone();
                self.pos += 1;
                Some(s)
            }
            _ => None,
        }
    }

    fn word_at(&self, pos: usize) -> Option<String> {
        match self.tokens.get(pos)? {
            Token::Word(w) => Some(w.clone()),
            _ => None,
        }
    }

    /// The next token is the word `keyword` (not consumed).
    fn word_is(&self, keyword: &str) -> bool {
        self.word_at(self.pos)
            .is_some_and(|w| w.eq_ignore_ascii_case(keyword))
    }

    fn symbol_is(&self, c: char) -> bool {
        self.tokens.get(self.pos) == Some(&Token::Symbol(c))
    }

    fn keyword(&mut self, keyword: &str) -> bool {
        self.keywords(&[keyword])
    }

    /// Consumes `keywords` if the next words are exactly these.
    fn keywords(&mut self, keywords: &[&str]) -> bool {
        let matches = keywords.iter().enumerate().all(|(i, k)| {
            self.word_at(self.pos + i)
                .is_some_and(|w| w.eq_ignore_ascii_case(k))
        });
        if matches {
            self.pos += keywords.len();
        }
        matches
    }

    fn symbol(&mut self, c: char) -> bool {
        let matches = self.tokens.get(self.pos) == Some(&Token::Symbol(c));
        if matches {
            self.pos += 1;
        }
        matches
    }

    fn at_end(&self) -> bool {
        self.pos == self.tokens.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn account(text: &str) -> AccountStatement {
        match parse(text) {
            Some(Extra::Account(a)) => a,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn name(user: &str, host: &str) -> AccountName {
        AccountName::new(user, host)
    }

    #[test]
    fn create_and_drop_user() {
        assert_eq!(
            account(
                "CREATE USER IF NOT EXISTS rmtr_user@localhost IDENTIFIED BY 'secret', 'b'@'%'"
            ),
            AccountStatement::CreateUser {
                or_replace: false,
                if_not_exists: true,
                users: vec![
                    UserSpec {
                        name: name("rmtr_user", "localhost"),
                        password: Some(PasswordSpec::Clear("secret".into())),
                        password_expired: false
                    },
                    UserSpec {
                        name: name("b", "%"),
                        password: None,
                        password_expired: false
                    }
                ]
            }
        );
        assert_eq!(
            account("drop user if exists u, v@127.0.0.1"),
            AccountStatement::DropUser {
                if_exists: true,
                users: vec![name("u", "%"), name("v", "127.0.0.1")]
            }
        );
    }

    #[test]
    fn grant_revoke_and_set_password() {
        let select = Privileges::named("SELECT").unwrap();
        let insert = Privileges::named("INSERT").unwrap();
        assert_eq!(
            account("GRANT SELECT, INSERT ON test.* TO u@localhost WITH GRANT OPTION"),
            AccountStatement::Grant {
                privileges: PrivilegeSpec::Some(select.union(insert)),
                level: GrantLevel::Database("test".into()),
                users: vec![UserSpec {
                    name: name("u", "localhost"),
                    password: None,
                    password_expired: false
                }],
                with_grant_option: true
            }
        );
        assert_eq!(
            account("REVOKE ALL PRIVILEGES, GRANT OPTION FROM u"),
            AccountStatement::RevokeAll {
                users: vec![name("u", "%")]
            }
        );
        assert_eq!(
            account("revoke create temporary tables on *.* from u"),
            AccountStatement::Revoke {
                privileges: PrivilegeSpec::Some(
                    Privileges::named("CREATE TEMPORARY TABLES").unwrap()
                ),
                level: GrantLevel::Global,
                users: vec![name("u", "%")]
            }
        );
        assert_eq!(
            account("SET PASSWORD FOR u@localhost = PASSWORD('x')"),
            AccountStatement::SetPassword {
                user: Some(name("u", "localhost")),
                password: PasswordSpec::Clear("x".into())
            }
        );
        assert_eq!(
            account("SHOW GRANTS FOR CURRENT_USER()"),
            AccountStatement::ShowGrants { user: None }
        );
        assert_eq!(account("shutdown"), AccountStatement::Shutdown);
    }

    #[test]
    fn roles_and_expired_passwords() {
        assert_eq!(
            account("CREATE ROLE IF NOT EXISTS journalist WITH ADMIN CURRENT_USER"),
            AccountStatement::CreateRole {
                or_replace: false,
                if_not_exists: true,
                name: "journalist".into(),
                admin: None
            }
        );
        assert_eq!(
            account("GRANT journalist, r2 TO testuser@localhost"),
            AccountStatement::GrantRole {
                roles: vec!["journalist".into(), "r2".into()],
                users: vec![name("testuser", "localhost")],
                admin_option: false
            }
        );
        assert_eq!(
            account("REVOKE journalist FROM u"),
            AccountStatement::RevokeRole {
                roles: vec!["journalist".into()],
                users: vec![name("u", "%")]
            }
        );
        assert_eq!(
            account("SET DEFAULT ROLE journalist for testuser@localhost"),
            AccountStatement::SetDefaultRole {
                role: Some("journalist".into()),
                user: Some(name("testuser", "localhost"))
            }
        );
        assert_eq!(
            account("drop role if exists a, b"),
            AccountStatement::DropRole {
                if_exists: true,
                names: vec!["a".into(), "b".into()]
            }
        );
        let AccountStatement::CreateUser { users, .. } = account("create user 'r' password expire")
        else {
            panic!("not CREATE USER");
        };
        assert!(users[0].password_expired);
    }

    #[test]
    fn other_statements_and_malformed_ones_are_left_alone() {
        assert_eq!(parse("SELECT 1"), None);
        assert_eq!(parse("CREATE TABLE t (a INT)"), None);
        assert_eq!(parse("GRANT BOGUS ON *.* TO u"), None);
        assert_eq!(parse("CREATE USER 'unterminated"), None);
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,80}") {
            let _ = parse(&text);
            let _ = parse(&format!("GRANT {text}"));
        }
    }
}
