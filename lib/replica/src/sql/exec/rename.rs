//! RENAME TABLE a TO b [, c TO d …]: the pairs run in order, each on the
//! session's temporary table of that name when there is one (it shadows
//! the catalog's), else on the catalog's table. When a pair fails, the
//! pairs already done are undone, newest first, and the error goes back.

use sqlparser::ast::RenameTable;

use super::names::qualified;
use super::ok;
use super::waits::Waits;
use crate::error::ServerResult;
use crate::session::{Session, StatementResult};
use crate::storage::errors as storage_errors;

/// `(schema, table)` of one side of a pair.
type Name = (String, String);

/// One pair done: which table moved, from where to where.
struct Moved {
    temporary: bool,
    from: Name,
    to: Name,
}

/// RENAME TABLE: an implicit commit, then every pair or none.
pub fn run(session: &mut Session, pairs: &[RenameTable]) -> StatementResult {
    let waits = Waits::of(session);
    let _intent = waits.write_intent()?;
    super::ddl::implicit_commit(session)?;
    let mut done: Vec<Moved> = Vec::new();
    for pair in pairs {
        let from = qualified(session, &pair.old_name)?;
        let to = qualified(session, &pair.new_name)?;
        match rename_one(session, &waits, &from, &to) {
            Ok(temporary) => done.push(Moved {
                temporary,
                from,
                to,
            }),
            Err(e) => {
                undo(session, done);
                return Err(e);
            }
        }
    }
    ok(0)
}

/// Renames one table; true when it was a temporary one.
fn rename_one(session: &mut Session, waits: &Waits, from: &Name, to: &Name) -> ServerResult<bool> {
    if session.temp_table(&from.0, &from.1).is_some() {
        rename_temporary(session, from, to)?;
        return Ok(true);
    }
    if session.state.storage.view(&to.0, &to.1).is_some() {
        return Err(storage_errors::table_exists(&to.1));
    }
    waits.exclusive_table(&from.0, &from.1)?;
    session
        .state
        .storage
        .rename_table((&from.0, &from.1), (&to.0, &to.1))?;
    Ok(false)
}

/// Moves a temporary table to a new name; 1050 when the session already
/// has a temporary table of that name (the catalog's tables do not count).
fn rename_temporary(session: &mut Session, from: &Name, to: &Name) -> ServerResult<()> {
    if session.temp_table(&to.0, &to.1).is_some() {
        return Err(storage_errors::table_exists(&to.1));
    }
    let key = (from.0.to_ascii_lowercase(), from.1.to_ascii_lowercase());
    let Some(table) = session.temp_tables.remove(&key) else {
        return Err(storage_errors::no_such_table(&from.0, &from.1));
    };
    let mut def = (*table.def()).clone();
    def.schema = to.0.clone();
    def.name = to.1.clone();
    table.set_def(def);
    let key = (to.0.to_ascii_lowercase(), to.1.to_ascii_lowercase());
    session.temp_tables.insert(key, table);
    Ok(())
}

/// Puts the tables of the pairs done back, newest first.
fn undo(session: &mut Session, done: Vec<Moved>) {
    for moved in done.into_iter().rev() {
        let _ = match moved.temporary {
            true => rename_temporary(session, &moved.to, &moved.from),
            false => session
                .state
                .storage
                .rename_table((&moved.to.0, &moved.to.1), (&moved.from.0, &moved.from.1)),
        };
    }
}
