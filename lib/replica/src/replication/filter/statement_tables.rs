//! The tables a replicated statement updates, for the table rules: the
//! written table of INSERT/UPDATE/DELETE, the tables of table DDL, and for
//! account statements the grant tables MariaDB opens for them. A parsed
//! statement and the current database enter; `(db, table)` pairs leave, or
//! None for statements the table rules leave alone.

use sqlparser::ast::{
    FromTable, ObjectName, ObjectType, Statement as Ast, TableFactor, TableObject,
};

use crate::sql::parse::{AccountStatement, Extra, Statement};

/// The grant tables of MariaDB 10.11 (mysql.user is a view over global_priv).
const USER: &str = "global_priv";
const ALL_GRANT_TABLES: [&str; 7] = [
    USER,
    "db",
    "tables_priv",
    "columns_priv",
    "procs_priv",
    "proxies_priv",
    "roles_mapping",
];

/// The `(db, table)`s `statement` updates; None when the rules do not apply.
pub fn updated(statement: &Statement, db: &str) -> Option<Vec<(String, String)>> {
    match statement {
        Statement::Extra(Extra::Account(account)) => grant_tables(account),
        Statement::Extra(_) => None,
        Statement::Sql(ast) => {
            let names = sql_tables(ast)?;
            Some(names.iter().map(|n| split(n, db)).collect())
        }
    }
}

/// MariaDB checks account statements against the grant tables they open:
/// sql_acl.cc, "GRANT and REVOKE are applied the slave in/exclusion rules
/// as they are some kind of updates to the mysql.% tables" (and MDEV-28294
/// for SET DEFAULT ROLE).
fn grant_tables(account: &AccountStatement) -> Option<Vec<(String, String)>> {
    let names: &[&str] = match account {
        AccountStatement::ShowGrants { .. } | AccountStatement::Shutdown => return None,
        AccountStatement::SetPassword { .. } | AccountStatement::SetDefaultRole { .. } => &[USER],
        AccountStatement::GrantRole { .. } | AccountStatement::RevokeRole { .. } => {
            &[USER, "roles_mapping"]
        }
        _ => &ALL_GRANT_TABLES,
    };
    Some(
        names
            .iter()
            .map(|t| ("mysql".to_string(), t.to_string()))
            .collect(),
    )
}

/// The tables a table statement names as written.
fn sql_tables(ast: &Ast) -> Option<Vec<&ObjectName>> {
    let names = match ast {
        Ast::Insert(insert) => match &insert.table {
            TableObject::TableName(name) => vec![name],
            _ => return None,
        },
        Ast::Update(update) => vec![relation(&update.table.relation)?],
        Ast::Delete(delete) => {
            let (FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables)) =
                &delete.from;
            tables
                .iter()
                .filter_map(|t| relation(&t.relation))
                .collect()
        }
        Ast::CreateTable(create) => vec![&create.name],
        Ast::AlterTable(alter) => vec![&alter.name],
        Ast::CreateIndex(index) => vec![&index.table_name],
        Ast::Truncate(truncate) => truncate.table_names.iter().map(|t| &t.name).collect(),
        Ast::RenameTable(renames) => renames
            .iter()
            .flat_map(|r| [&r.old_name, &r.new_name])
            .collect(),
        Ast::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        } => names.iter().collect(),
        _ => return None,
    };
    (!names.is_empty()).then_some(names)
}

fn relation(factor: &TableFactor) -> Option<&ObjectName> {
    match factor {
        TableFactor::Table { name, .. } => Some(name),
        _ => None,
    }
}

/// `(db, table)` of a name, unqualified ones in the current database.
fn split(name: &ObjectName, db: &str) -> (String, String) {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| p.to_string().trim_matches('`').to_string())
        .collect();
    match parts.as_slice() {
        [.., schema, table] => (schema.clone(), table.clone()),
        [table] => (db.to_string(), table.clone()),
        [] => (db.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::parse::{parse_statement, split_statements};

    fn tables(sql: &str) -> Option<Vec<String>> {
        let pieces = split_statements(sql);
        let statement = parse_statement(&pieces[0]).unwrap();
        updated(&statement, "test")
            .map(|v| v.into_iter().map(|(d, t)| format!("{d}.{t}")).collect())
    }

    #[test]
    fn table_statements_name_their_tables() {
        assert_eq!(
            tables("INSERT INTO t1 SELECT * FROM o.t2").unwrap(),
            ["test.t1"]
        );
        assert_eq!(tables("UPDATE db2.t SET a = 1").unwrap(), ["db2.t"]);
        assert_eq!(
            tables("DROP TABLE IF EXISTS t1, x.t2").unwrap(),
            ["test.t1", "x.t2"]
        );
        assert_eq!(tables("CREATE TABLE `t3` (a INT)").unwrap(), ["test.t3"]);
        assert_eq!(tables("RENAME TABLE a TO b").unwrap(), ["test.a", "test.b"]);
        assert_eq!(tables("SELECT 1"), None);
        assert_eq!(tables("CREATE DATABASE d"), None);
    }

    #[test]
    fn account_statements_name_the_grant_tables() {
        assert_eq!(
            tables("SET PASSWORD FOR u@localhost = PASSWORD('x')").unwrap(),
            ["mysql.global_priv"]
        );
        assert_eq!(tables("CREATE USER u").unwrap().len(), 7);
        assert_eq!(tables("SHOW GRANTS"), None);
    }
}
