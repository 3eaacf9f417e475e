//! Account statements against the server's `Accounts`: CREATE/DROP USER
//! and ROLE (notes for IF [NOT] EXISTS, 1396 for the names that failed),
//! GRANT and REVOKE of privileges or roles, SET PASSWORD, SET DEFAULT ROLE,
//! SHOW GRANTS and SHUTDOWN's privilege check; plus the checks other
//! statements and commands pass through first (privileges, and the 1820
//! of a session logged in with an expired password).

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
        AccountStatement::CreateRole {
            or_replace,
            if_not_exists,
            name,
            admin,
        } => create_role(session, name, admin.as_ref(), *or_replace, *if_not_exists),
        AccountStatement::DropRole { if_exists, names } => drop_role(session, names, *if_exists),
        AccountStatement::GrantRole {
            roles,
            users,
            admin_option,
        } => each_role(roles, users, |role, user| {
            session.state.accounts.grant_role(role, user, *admin_option)
        }),
        AccountStatement::RevokeRole { roles, users } => each_role(roles, users, |role, user| {
            session.state.accounts.revoke_role(role, user)
        }),
        AccountStatement::SetDefaultRole { role, user } => {
            let name = user.as_ref().unwrap_or(&session.account);
            session
                .state
                .accounts
                .set_default_role(name, role.as_deref())?;
            ok(0)
        }
        AccountStatement::Shutdown => {
            require_shutdown(session)?;
            Err(not_supported("SHUTDOWN"))
        }
    }
}

/// What a session with an expired password may run: SET statements
/// (SET PASSWORD among them), as MariaDB lets SQLCOM_SET_OPTION through.
pub fn allowed_while_expired(statement: &crate::sql::parse::Statement) -> bool {
    use crate::sql::parse::{Extra, Statement};
    match statement {
        Statement::Sql(ast) => matches!(ast.as_ref(), Ast::Set(_)),
        Statement::Extra(Extra::Account(
            AccountStatement::SetPassword { .. } | AccountStatement::SetDefaultRole { .. },
        )) => true,
        Statement::Extra(_) => false,
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
            if user.password_expired {
                accounts.update(&user.name, |account| {
                    account.password_expired = true;
                    Ok(())
                })?;
            }
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

fn create_role(
    session: &mut Session,
    name: &str,
    admin: Option<&AccountName>,
    or_replace: bool,
    if_not_exists: bool,
) -> StatementResult {
    let state = Arc::clone(&session.state);
    let admin = admin.unwrap_or(&session.account);
    if or_replace {
        state.accounts.drop_role(name);
    }
    if state.accounts.create_role(name, admin) {
        return ok(0);
    }
    if if_not_exists {
        note(session, errors::role_create_exists(name));
        return ok(0);
    }
    Err(errors::cannot_role("CREATE ROLE", &[name.to_string()]))
}

fn drop_role(session: &mut Session, names: &[String], if_exists: bool) -> StatementResult {
    let state = Arc::clone(&session.state);
    let mut failed = Vec::new();
    for name in names {
        if state.accounts.drop_role(name) {
            continue;
        }
        if if_exists {
            note(session, errors::role_drop_exists(name));
        } else {
            failed.push(name.clone());
        }
    }
    match failed.is_empty() {
        true => ok(0),
        false => Err(errors::cannot_role("DROP ROLE", &failed)),
    }
}

/// GRANT/REVOKE of roles: `change` for every role and grantee, stopping at the first error.
fn each_role(
    roles: &[String],
    users: &[AccountName],
    mut change: impl FnMut(&str, &AccountName) -> crate::error::ServerResult<()>,
) -> StatementResult {
    for user in users {
        for role in roles {
            change(role, user)?;
        }
    }
    ok(0)
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
    let name = user.unwrap_or(&session.account).clone();
    session.state.accounts.update(&name, |account| {
        account.password = hash;
        account.password_expired = false;
        Ok(())
    })?;
    // A new password ends the expired-password sandbox.
    if name == session.account {
        session.password_expired = false;
    }
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
