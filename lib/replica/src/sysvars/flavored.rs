//! The variables only the MySQL flavor has (`slave_parallel_type`,
//! `replica_parallel_workers`), and the lookups that see them there and
//! not in the MariaDB flavor, where they stay unknown (1193) as on a real
//! MariaDB. A flavor and a name come in; a definition, or the sorted list
//! SHOW VARIABLES walks, goes out.

use super::catalog::{VARIABLES, lookup};
use super::def::{Access, Kind, Scope, VarDef};
use crate::server::config::Flavor;

/// MySQL 5.7/8.0 variables the MariaDB catalog lacks, sorted by name.
static MYSQL_ONLY: &[VarDef] = &[
    VarDef {
        name: "replica_parallel_workers",
        scope: Scope::Global,
        kind: Kind::Unsigned {
            min: 0,
            max: 1024,
            block: 1,
        },
        default: Some("0"),
        access: Access::Dynamic,
    },
    VarDef {
        name: "slave_parallel_type",
        scope: Scope::Global,
        kind: Kind::Enum(&["DATABASE", "LOGICAL_CLOCK"]),
        default: Some("DATABASE"),
        access: Access::Dynamic,
    },
];

/// The flavor's own variables besides MariaDB's catalog.
fn extra(flavor: Flavor) -> &'static [VarDef] {
    match flavor {
        Flavor::MariaDb => &[],
        Flavor::MySql => MYSQL_ONLY,
    }
}

/// A variable of `flavor` by name, in any letter case.
pub fn lookup_for(flavor: Flavor, name: &str) -> Option<&'static VarDef> {
    lookup(name).or_else(|| {
        let lower = name.to_ascii_lowercase();
        extra(flavor).iter().find(|def| def.name == lower)
    })
}

/// Every variable of `flavor`, sorted by name.
pub fn all_for(flavor: Flavor) -> Vec<&'static VarDef> {
    let mut all: Vec<&'static VarDef> = VARIABLES.iter().chain(extra(flavor)).collect();
    all.sort_by_key(|def| def.name);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_names_exist_only_in_the_mysql_flavor() {
        for name in ["slave_parallel_type", "REPLICA_PARALLEL_WORKERS"] {
            assert!(lookup_for(Flavor::MariaDb, name).is_none(), "{name}");
            assert!(lookup_for(Flavor::MySql, name).is_some(), "{name}");
        }
        assert_eq!(all_for(Flavor::MariaDb).len(), VARIABLES.len());
        let mysql = all_for(Flavor::MySql);
        assert_eq!(mysql.len(), VARIABLES.len() + 2);
        assert!(mysql.windows(2).all(|w| w[0].name < w[1].name));
    }
}
