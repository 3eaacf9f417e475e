//! System variables: the catalog of MariaDB 10.11's variables (names,
//! scopes, types, ranges, defaults), the server's global values and each
//! connection's session copy. The executor comes in with `SELECT @@x`
//! ([`SystemVariables::get`]), `SET [GLOBAL] x = v`
//! ([`SystemVariables::set`]) and SHOW VARIABLES
//! ([`SystemVariables::show`]) and gets back values, MariaDB's errors and
//! warnings; other layers read the typed getters.

mod assign;
pub mod catalog;
pub mod charsets;
mod checks;
mod convert;
pub mod def;
mod describe;
pub(crate) mod errors;
mod flagset;
pub mod flavored;
mod globals;
mod info;
mod session;
mod set_list;
mod setting;
pub(crate) mod startup;

pub use assign::SetValue;
pub use describe::COLUMNS as SYSTEM_VARIABLES_COLUMNS;
pub use globals::SystemVariables;
pub use session::SessionVariables;
pub use setting::Setting;
