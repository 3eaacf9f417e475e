//! Account statements against the server's `Accounts`: CREATE/DROP USER
//! (notes for IF [NOT] EXISTS, 1396 for the accounts that failed), GRANT,
//! REVOKE, SET PASSWORD, SHOW GRANTS and SHUTDOWN's privilege check; plus
//! the privilege checks other statements and commands pass through first.

use std::sync::Arc;

use sqlparser::ast::{FromTable, ObjectName, Statement as Ast, TableFactor, TableObject};

use super::names::qualified;
use super::ok;
use crate::accounts::grants::GrantLevel;
use crate::accounts::password::{PasswordHash, hash_password, parse_hash_text};
use crate::accounts::privileges::{GRANT_OPTION, Privileges};
use crate::accounts::{AccountName, errors};
use crate::error::{Level, ServerResult};
use crate::session::outcome::{Outcome, ResultSet};
use crate::session::{Session, StatementResult, not_supported};
use crate::sql::parse::{AccountStatement, PasswordSpec, PrivilegeSpec, UserSpec};

/// Runs one account statement.
pub fn run(session: &mut Session, statement: &AccountStatement) -> StatementResult {
    match statement {
        AccountStatement::CreateUser {
            or_replace,
            if_not_exists,
            users,
        } => create_user(session, users, *or_replace, *if_not_exists),
        AccountStatement::DropUser { if_exists, users } => drop_user(session, users, *if_exists),
        AccountStatement::Grant {
            privileges,
            level,
            users,
            with_grant_option,
        } => grant(session, privileges, level, users, *with_grant_option),
        AccountStatement::Revoke {
            privileges,
            level,
            users,
        } => revoke(session, privileges, level, users),
        AccountStatement::RevokeAll { users } => revoke_all(session, users),
        AccountStatement::SetPassword { user, password } => {
            set_password(session, user.as_ref(), password)
        }
        AccountStatement::ShowGrants { user } => show_grants(session, user.as_ref()),
        AccountStatement::Shutdown => {
            require_shutdown(session)?;
            Err(not_supported("SHUTDOWN"))
        }
    }
}

/// COM_SHUTDOWN and SHUTDOWN need the SHUTDOWN privilege.
pub fn require_shutdown(session: &Session) -> ServerResult<()> {
    let shutdown = Privileges::named("SHUTDOWN").expect("SHUTDOWN is a privilege");
    if session
        .state
        .accounts
        .allows(&session.account, shutdown, None)
    {
        Ok(())
    } else {
        Err(errors::specific_access_denied("SHUTDOWN"))
    }
}

/// INSERT, UPDATE and DELETE need their privilege on the table's database.
pub fn check_table_privilege(session: &Session, ast: &Ast) -> ServerResult<()> {
    let Some((command, name)) = written_table(ast) else {
        return Ok(());
    };
    let Ok((db, table)) = qualified(session, name) else {
        return Ok(());
    };
    if session.temp_table(&db, &table).is_some() {
        return Ok(());
    }
    let wanted = Privileges::named(command).expect("a table privilege");
    if session
        .state
        .accounts
        .allows(&session.account, wanted, Some(&db))
    {
        return Ok(());
    }
    Err(errors::table_access_denied(
        command,
        &session.account,
        &db,
        &table,
    ))
}

/// The privilege a writing statement needs and the table it writes.
fn written_table(ast: &Ast) -> Option<(&'static str, &ObjectName)> {
    match ast {
        Ast::Insert(insert) => match &insert.table {
            TableObject::TableName(name) => Some(("INSERT", name)),
            _ => None,
        },
        Ast::Update(update) => table_name(&update.table.relation).map(|n| ("UPDATE", n)),
        Ast::Delete(delete) => {
            let (FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables)) =
                &delete.from;
            table_name(&tables.first()?.relation).map(|n| ("DELETE", n))
        }
        _ => None,
    }
}

fn table_name(factor: &TableFactor) -> Option<&ObjectName> {
    match factor {
        TableFactor::Table { name, .. } => Some(name),
        _ => None,
    }
}

/// The hash a written password stands for; None for an empty one.
fn password_hash(spec: &PasswordSpec) -> ServerResult<Option<PasswordHash>> {
    match spec {
        PasswordSpec::Clear(clear) if clear.is_empty() => Ok(None),
        PasswordSpec::Clear(clear) => Ok(Some(hash_password(clear))),
        PasswordSpec::Hash(text) if text.is_empty() => Ok(None),
        PasswordSpec::Hash(text) => parse_hash_text(text)
            .map(Some)
            .ok_or_else(errors::password_hash_length),
    }
}

fn note(session: &mut Session, error: crate::error::ServerError) {
    session.warn(error.as_condition(Level::Note));
}

fn create_user(
    session: &mut Session,
    users: &[UserSpec],
    or_replace: bool,
    if_not_exists: bool,
) -> StatementResult {
    let state = Arc::clone(&session.state);
    let accounts = &state.accounts;
    let mut failed = Vec::new();
    for user in users {
        let password = user
            .password
            .as_ref()
            .map(password_hash)
            .transpose()?
            .flatten();
        if or_replace {
            accounts.drop_account(&user.name);
        }
        if accounts.create(&user.name, password) {
            continue;
        }
        if if_not_exists {
            note(session, errors::user_create_exists(&user.name));
        } else {
            failed.push(user.name.clone());
        }
    }
    finish("CREATE USER", &failed)
}

fn drop_user(session: &mut Session, users: &[AccountName], if_exists: bool) -> StatementResult {
    let state = Arc::clone(&session.state);
    let accounts = &state.accounts;
    let mut failed = Vec::new();
    for name in users {
        if accounts.drop_account(name) {
            continue;
        }
        if if_exists {
            note(session, errors::user_drop_exists(name));
        } else {
            failed.push(name.clone());
        }
    }
    finish("DROP USER", &failed)
}

/// OK, or 1396 naming the accounts the operation failed for.
fn finish(operation: &str, failed: &[AccountName]) -> StatementResult {
    if failed.is_empty() {
        ok(0)
    } else {
        Err(errors::cannot_user(operation, failed))
    }
}

/// The privileges a GRANT/REVOKE names at `level`.
fn resolve(privileges: &PrivilegeSpec, level: &GrantLevel) -> Privileges {
    match privileges {
        PrivilegeSpec::All => Privileges::all(*level == GrantLevel::Global),
        PrivilegeSpec::Some(set) => *set,
    }
}

fn grant(
    session: &mut Session,
    privileges: &PrivilegeSpec,
    level: &GrantLevel,
    users: &[UserSpec],
    with_grant_option: bool,
) -> StatementResult {
    let mut wanted = resolve(privileges, level);
    if with_grant_option {
        wanted = wanted.union(GRANT_OPTION);
    }
    let accounts = &session.state.accounts;
    for user in users {
        let password = user.password.as_ref().map(password_hash).transpose()?;
        if let Some(hash) = password {
            accounts.create(&user.name, hash);
        }
        accounts.update(&user.name, |account| {
            if let Some(hash) = password {
                account.password = hash;
            }
            account.grant(level, wanted);
            Ok(())
        })?;
    }
    ok(0)
}

fn revoke(
    session: &mut Session,
    privileges: &PrivilegeSpec,
    level: &GrantLevel,
    users: &[AccountName],
) -> StatementResult {
    let unwanted = resolve(privileges, level);
    for name in users {
        let revoked = session
            .state
            .accounts
            .update(name, |account| Ok(account.revoke(level, unwanted)))
            .unwrap_or(false);
        if !revoked {
            return Err(errors::nonexisting_grant(name));
        }
    }
    ok(0)
}

fn revoke_all(session: &mut Session, users: &[AccountName]) -> StatementResult {
    let mut failed = false;
    for name in users {
        let done = session.state.accounts.update(name, |account| {
            account.revoke_all();
            Ok(())
        });
        failed |= done.is_err();
    }
    if failed {
        Err(errors::revoke_grants())
    } else {
        ok(0)
    }
}

fn set_password(
    session: &mut Session,
    user: Option<&AccountName>,
    password: &PasswordSpec,
) -> StatementResult {
    let hash = password_hash(password)?;
    let name = user.unwrap_or(&session.account);
    session.state.accounts.update(name, |account| {
        account.password = hash;
        Ok(())
    })?;
    ok(0)
}

fn show_grants(session: &mut Session, user: Option<&AccountName>) -> StatementResult {
    let name = user.unwrap_or(&session.account);
    let lines = session.state.accounts.show_grants(name)?;
    let column = format!("Grants for {}", name.plain());
    Ok(Outcome::Rows(ResultSet::of_text(
        &[&column],
        lines.into_iter().map(|l| vec![Some(l)]).collect(),
    )))
}
