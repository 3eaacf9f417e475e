//! SIGNAL outside a stored program: the condition it raises, by MariaDB's
//! rules for SQLSTATE classes — `01` is a warning, `02` an unhandled
//! not-found error (1643), anything else an error (1644 unless
//! MYSQL_ERRNO names another), with MESSAGE_TEXT or the default text.

use std::collections::BTreeSet;
use std::sync::Mutex;

use super::ok;
use crate::error::{Level, ServerError};
use crate::session::{Session, StatementResult};

/// Raises the signalled condition.
pub fn run(
    session: &mut Session,
    sqlstate: &str,
    errno: Option<u16>,
    message: Option<&str>,
) -> StatementResult {
    if sqlstate.len() != 5 || sqlstate.starts_with("00") {
        return Err(ServerError::new(
            1407,
            "42000",
            format!("Bad SQLSTATE: '{sqlstate}'"),
        ));
    }
    let state = interned(sqlstate);
    match &sqlstate[..2] {
        "01" => {
            let text = message.unwrap_or("Unhandled user-defined warning condition");
            session.warn(
                ServerError::new(errno.unwrap_or(1642), state, text).as_condition(Level::Warning),
            );
            ok(0)
        }
        "02" => Err(ServerError::new(
            errno.unwrap_or(1643),
            state,
            message.unwrap_or("Unhandled user-defined not found condition"),
        )),
        _ => Err(ServerError::new(
            errno.unwrap_or(1644),
            state,
            message.unwrap_or("Unhandled user-defined exception condition"),
        )),
    }
}

/// A `'static` copy of a signalled SQLSTATE, made once per distinct state
/// (errors carry static SQLSTATEs; SIGNAL is the one place that names its own).
fn interned(state: &str) -> &'static str {
    static STATES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut states = STATES.lock().unwrap();
    if let Some(known) = states.get(state) {
        return known;
    }
    let leaked: &'static str = Box::leak(state.to_string().into_boxed_str());
    states.insert(leaked);
    leaked
}
