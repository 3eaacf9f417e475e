//! Which `Com_*` counter a statement bumps, named as MariaDB 10.11 names
//! them (`Com_select`, `Com_insert_select`, `Com_set_option`, …). A parsed
//! statement comes in; the counter's name goes out.

use sqlparser::ast::{ObjectType, SetExpr, Statement as Ast};

use crate::sql::parse::{AccountStatement, Extra, PreparedStatement, Statement, TableAdminOp};
use crate::sql::routines::{ProgramKind, ProgramStatement};

/// Every `Com_*` counter this server can bump (listed from the start).
pub const COMMAND_COUNTERS: &[&str] = &[
    "Com_alter_table",
    "Com_begin",
    "Com_call_procedure",
    "Com_change_db",
    "Com_commit",
    "Com_create_db",
    "Com_create_role",
    "Com_create_table",
    "Com_create_user",
    "Com_dealloc_sql",
    "Com_delete",
    "Com_do",
    "Com_drop_db",
    "Com_drop_role",
    "Com_drop_table",
    "Com_drop_user",
    "Com_execute_sql",
    "Com_flush",
    "Com_grant",
    "Com_grant_role",
    "Com_insert",
    "Com_insert_select",
    "Com_kill",
    "Com_lock_tables",
    "Com_optimize",
    "Com_prepare_sql",
    "Com_release_savepoint",
    "Com_replace",
    "Com_replace_select",
    "Com_revoke",
    "Com_revoke_all",
    "Com_revoke_role",
    "Com_rollback",
    "Com_rollback_to_savepoint",
    "Com_savepoint",
    "Com_select",
    "Com_set_option",
    "Com_show_charsets",
    "Com_show_collations",
    "Com_show_create_db",
    "Com_show_create_table",
    "Com_show_databases",
    "Com_show_errors",
    "Com_show_grants",
    "Com_show_processlist",
    "Com_show_slave_status",
    "Com_show_status",
    "Com_show_storage_engines",
    "Com_show_tables",
    "Com_show_variables",
    "Com_show_warnings",
    "Com_shutdown",
    "Com_signal",
    "Com_truncate",
    "Com_unlock_tables",
    "Com_update",
];

/// The `Com_*` counter of a statement, if it has one.
pub fn command_counter(statement: &Statement) -> Option<&'static str> {
    match statement {
        Statement::Sql(ast) => sql_counter(ast),
        Statement::Extra(extra) => extra_counter(extra),
    }
}

fn sql_counter(ast: &Ast) -> Option<&'static str> {
    Some(match ast {
        Ast::Query(_) => "Com_select",
        Ast::Insert(insert) => {
            let select = insert
                .source
                .as_ref()
                .is_some_and(|q| !matches!(q.body.as_ref(), SetExpr::Values(_)));
            match (insert.replace_into, select) {
                (false, false) => "Com_insert",
                (false, true) => "Com_insert_select",
                (true, false) => "Com_replace",
                (true, true) => "Com_replace_select",
            }
        }
        Ast::Update(_) => "Com_update",
        Ast::Delete(_) => "Com_delete",
        Ast::CreateTable(_) => "Com_create_table",
        Ast::CreateDatabase { .. } => "Com_create_db",
        Ast::Drop { object_type, .. } => match object_type {
            ObjectType::Table => "Com_drop_table",
            ObjectType::Database | ObjectType::Schema => "Com_drop_db",
            _ => return None,
        },
        Ast::Truncate(_) => "Com_truncate",
        Ast::AlterTable(_) => "Com_alter_table",
        Ast::Use(_) => "Com_change_db",
        Ast::Set(_) => "Com_set_option",
        Ast::StartTransaction { .. } => "Com_begin",
        Ast::Commit { .. } => "Com_commit",
        Ast::Rollback {
            savepoint: Some(_), ..
        } => "Com_rollback_to_savepoint",
        Ast::Rollback { .. } => "Com_rollback",
        Ast::Savepoint { .. } => "Com_savepoint",
        Ast::ReleaseSavepoint { .. } => "Com_release_savepoint",
        Ast::ShowVariables { .. } => "Com_show_variables",
        Ast::ShowStatus { .. } => "Com_show_status",
        Ast::ShowDatabases { .. } => "Com_show_databases",
        Ast::ShowTables { .. } => "Com_show_tables",
        Ast::ShowProcessList { .. } => "Com_show_processlist",
        Ast::ShowCreate { .. } => "Com_show_create_table",
        Ast::ShowCollation { .. } => "Com_show_collations",
        Ast::ShowCharset(_) => "Com_show_charsets",
        Ast::ShowVariable { variable } => return show_word_counter(variable),
        Ast::Kill { .. } => "Com_kill",
        Ast::Flush { .. } => "Com_flush",
        Ast::LockTables { .. } => "Com_lock_tables",
        Ast::UnlockTables => "Com_unlock_tables",
        Ast::Call(_) => "Com_call_procedure",
        _ => return None,
    })
}

/// SHOW WARNINGS, SHOW ENGINES and the other one-word SHOWs.
fn show_word_counter(words: &[sqlparser::ast::Ident]) -> Option<&'static str> {
    let text: Vec<String> = words.iter().map(|w| w.value.to_ascii_uppercase()).collect();
    Some(match text.join(" ").as_str() {
        "WARNINGS" => "Com_show_warnings",
        "ERRORS" => "Com_show_errors",
        "ENGINES" | "STORAGE ENGINES" => "Com_show_storage_engines",
        "SLAVE STATUS" | "REPLICA STATUS" => "Com_show_slave_status",
        _ => return None,
    })
}

fn binlog_counter(statement: &crate::sql::parse::BinlogStatement) -> &'static str {
    use crate::sql::parse::BinlogStatement as B;
    match statement {
        B::ShowMasterStatus => "Com_show_master_status",
        B::ShowBinaryLogs => "Com_show_binlogs",
        B::ShowEvents { .. } => "Com_show_binlog_events",
        B::FlushLogs | B::DeleteDomains(_) => "Com_flush",
        B::ResetMaster => "Com_reset",
        B::PurgeTo(_) => "Com_purge",
        B::ShowSlaveHosts => "Com_show_slave_hosts",
    }
}

fn slave_counter(statement: &crate::sql::parse::slave_statements::SlaveStatement) -> &'static str {
    use crate::sql::parse::slave_statements::SlaveStatement as S;
    match statement {
        S::ChangeMaster { .. } => "Com_change_master",
        S::Start { .. } => "Com_slave_start",
        S::Stop { .. } => "Com_slave_stop",
        S::Reset { .. } => "Com_reset",
        S::ShowStatus { .. } => "Com_show_slave_status",
        S::ShowAllStatus => "Com_show_slave_status",
        S::ShowRelaylogEvents { .. } => "Com_show_relaylog_events",
    }
}

fn extra_counter(extra: &Extra) -> Option<&'static str> {
    Some(match extra {
        Extra::ShowCreateDatabase { .. } => "Com_show_create_db",
        Extra::ShowWarningCount { errors_only: false } => "Com_show_warnings",
        Extra::ShowWarningCount { errors_only: true } => "Com_show_errors",
        Extra::Do(_) => "Com_do",
        Extra::SelectIntoOutfile { .. } => "Com_select",
        Extra::AlterEngine { .. } => "Com_alter_table",
        Extra::TableAdmin {
            op: TableAdminOp::Optimize,
            ..
        } => "Com_optimize",
        Extra::TableAdmin {
            op: TableAdminOp::Analyze,
            ..
        } => "Com_analyze",
        Extra::Signal { .. } => "Com_signal",
        Extra::Binlog(statement) => binlog_counter(statement),
        Extra::Slave(statement) => slave_counter(statement),
        Extra::Account(account) => match account {
            AccountStatement::CreateUser { .. } => "Com_create_user",
            AccountStatement::DropUser { .. } => "Com_drop_user",
            AccountStatement::Grant { .. } => "Com_grant",
            AccountStatement::Revoke { .. } => "Com_revoke",
            AccountStatement::RevokeAll { .. } => "Com_revoke_all",
            AccountStatement::SetPassword { .. } | AccountStatement::SetDefaultRole { .. } => {
                "Com_set_option"
            }
            AccountStatement::CreateRole { .. } => "Com_create_role",
            AccountStatement::DropRole { .. } => "Com_drop_role",
            AccountStatement::GrantRole { .. } => "Com_grant_role",
            AccountStatement::RevokeRole { .. } => "Com_revoke_role",
            AccountStatement::ShowGrants { .. } => "Com_show_grants",
            AccountStatement::Shutdown => "Com_shutdown",
        },
        Extra::ShowWarningsLimit {
            errors_only: false, ..
        } => "Com_show_warnings",
        Extra::ShowWarningsLimit {
            errors_only: true, ..
        } => "Com_show_errors",
        Extra::Program(program) => program_counter(program)?,
        Extra::Prepared(statement) => match statement {
            PreparedStatement::Prepare { .. } => "Com_prepare_sql",
            PreparedStatement::Execute { .. } => "Com_execute_sql",
            PreparedStatement::Deallocate { .. } => "Com_dealloc_sql",
        },
    })
}

/// CREATE / DROP / SHOW CREATE of a procedure, function or trigger.
fn program_counter(program: &ProgramStatement) -> Option<&'static str> {
    use crate::storage::programs::RoutineKind::{Function, Procedure};
    let counter = |kind: &ProgramKind, names: [&'static str; 3]| match kind {
        ProgramKind::Routine(Procedure) => names[0],
        ProgramKind::Routine(Function) => names[1],
        ProgramKind::Trigger => names[2],
    };
    Some(match program {
        ProgramStatement::Create { text } => created_kind(text)?,
        ProgramStatement::Drop { kind, .. } => counter(
            kind,
            [
                "Com_drop_procedure",
                "Com_drop_function",
                "Com_drop_trigger",
            ],
        ),
        ProgramStatement::ShowCreate { kind, .. } => counter(
            kind,
            [
                "Com_show_create_proc",
                "Com_show_create_func",
                "Com_show_create_trigger",
            ],
        ),
    })
}

/// The counter of a CREATE of a stored program: its first kind word.
fn created_kind(text: &str) -> Option<&'static str> {
    text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .find_map(|word| match word.to_ascii_uppercase().as_str() {
            "PROCEDURE" => Some("Com_create_procedure"),
            "FUNCTION" => Some("Com_create_function"),
            "TRIGGER" => Some("Com_create_trigger"),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::parse::{Piece, parse_statement};

    fn counter(text: &str) -> Option<&'static str> {
        command_counter(&parse_statement(&Piece { text, line: 1 }).unwrap())
    }

    #[test]
    fn statements_bump_mariadbs_counters() {
        assert_eq!(counter("SELECT 1"), Some("Com_select"));
        assert_eq!(counter("INSERT INTO t VALUES (1)"), Some("Com_insert"));
        assert_eq!(counter("INSERT INTO t SELECT 1"), Some("Com_insert_select"));
        assert_eq!(counter("SET @a = 1"), Some("Com_set_option"));
        assert_eq!(counter("SHOW STATUS LIKE 'x'"), Some("Com_show_status"));
        assert_eq!(counter("DROP DATABASE d"), Some("Com_drop_db"));
    }

    #[test]
    fn every_counter_is_listed() {
        for text in ["SELECT 1", "SHOW WARNINGS", "DO 1", "BEGIN", "USE d"] {
            let name = counter(text).unwrap();
            assert!(COMMAND_COUNTERS.contains(&name), "{name}");
        }
    }
}
