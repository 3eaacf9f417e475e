//! Test hooks of a debug build, as MariaDB's mtr tests drive them:
//! DEBUG_SYNC (named points in server code where a thread signals or waits
//! for a signal, armed per thread by `SET DEBUG_SYNC`) and the debug_dbug
//! keywords (`SET debug_dbug = '+d,kw'`) that switch on injected
//! behaviour. Server code calls [`sync::hit`] at its points and
//! [`dbug::keyword`] where a keyword changes what it does; `hooks` holds
//! the keywords that act outside replication's own code.

pub mod dbug;
pub mod hooks;
pub mod signals;
pub mod sync;
pub mod sync_parse;
