//! Privilege sets: a bit per MariaDB 10.11 privilege, in the order SHOW
//! GRANTS lists them, with which ones exist at database level. Names come
//! in from GRANT/REVOKE words and leave as SHOW GRANTS text.

/// A set of privileges (bit i = `NAMES[i]`); GRANT OPTION is `GRANT_OPTION`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Privileges(pub u64);

/// Every privilege by name, in SHOW GRANTS order.
const NAMES: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "DROP",
    "RELOAD",
    "SHUTDOWN",
    "PROCESS",
    "FILE",
    "REFERENCES",
    "INDEX",
    "ALTER",
    "SHOW DATABASES",
    "SUPER",
    "CREATE TEMPORARY TABLES",
    "LOCK TABLES",
    "EXECUTE",
    "REPLICATION SLAVE",
    "BINLOG MONITOR",
    "CREATE VIEW",
    "SHOW VIEW",
    "CREATE ROUTINE",
    "ALTER ROUTINE",
    "CREATE USER",
    "EVENT",
    "TRIGGER",
    "CREATE TABLESPACE",
    "DELETE HISTORY",
    "SET USER",
    "FEDERATED ADMIN",
    "CONNECTION ADMIN",
    "READ_ONLY ADMIN",
    "REPLICATION SLAVE ADMIN",
    "REPLICATION MASTER ADMIN",
    "BINLOG ADMIN",
    "BINLOG REPLAY",
    "SLAVE MONITOR",
];

/// Privileges that a `db.*` grant can hold.
const DB_LEVEL: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "DROP",
    "REFERENCES",
    "INDEX",
    "ALTER",
    "CREATE TEMPORARY TABLES",
    "LOCK TABLES",
    "EXECUTE",
    "CREATE VIEW",
    "SHOW VIEW",
    "CREATE ROUTINE",
    "ALTER ROUTINE",
    "EVENT",
    "TRIGGER",
    "DELETE HISTORY",
];

/// The bit of WITH GRANT OPTION, above the named privileges.
pub const GRANT_OPTION: Privileges = Privileges(1 << 63);

/// MariaDB's other spellings of privilege names.
const ALIASES: &[(&str, &str)] = &[
    ("BINLOG MONITOR", "REPLICATION CLIENT"),
    ("SLAVE MONITOR", "REPLICA MONITOR"),
    ("REPLICATION SLAVE", "REPLICATION REPLICA"),
];

impl Privileges {
    /// The privilege called `name` (upper case, single spaces), if one.
    pub fn named(name: &str) -> Option<Privileges> {
        let canonical = ALIASES
            .iter()
            .find(|(_, alias)| *alias == name)
            .map_or(name, |(real, _)| real);
        NAMES
            .iter()
            .position(|n| *n == canonical)
            .map(|i| Privileges(1 << i))
    }

    /// Everything a grant at this level can hold (ALL PRIVILEGES).
    pub fn all(global: bool) -> Privileges {
        if global {
            return Privileges((1 << NAMES.len()) - 1);
        }
        DB_LEVEL
            .iter()
            .filter_map(|n| Privileges::named(n))
            .fold(Privileges::default(), Privileges::union)
    }

    pub fn union(self, other: Privileges) -> Privileges {
        Privileges(self.0 | other.0)
    }

    pub fn without(self, other: Privileges) -> Privileges {
        Privileges(self.0 & !other.0)
    }

    pub fn contains(self, other: Privileges) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The list SHOW GRANTS prints: ALL PRIVILEGES, USAGE or names.
    pub fn grant_text(self, global: bool) -> String {
        let plain = self.without(GRANT_OPTION);
        if plain == Privileges::all(global) {
            return "ALL PRIVILEGES".to_string();
        }
        let names: Vec<&str> = NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| plain.0 & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect();
        if names.is_empty() {
            "USAGE".to_string()
        } else {
            names.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_texts_follow_show_grants() {
        let select = Privileges::named("SELECT").unwrap();
        let insert = Privileges::named("INSERT").unwrap();
        assert_eq!(insert.union(select).grant_text(false), "SELECT, INSERT");
        assert_eq!(Privileges::all(true).grant_text(true), "ALL PRIVILEGES");
        assert_eq!(Privileges::all(false).grant_text(false), "ALL PRIVILEGES");
        assert_eq!(GRANT_OPTION.grant_text(true), "USAGE");
        assert_eq!(
            Privileges::named("REPLICATION CLIENT"),
            Privileges::named("BINLOG MONITOR")
        );
        assert_eq!(Privileges::named("NOPE"), None);
        assert!(!Privileges::all(false).contains(Privileges::named("SHUTDOWN").unwrap()));
    }
}
