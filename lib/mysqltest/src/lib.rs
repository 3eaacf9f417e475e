//! The mysqltest language: a `.test` file is parsed whole into commands
//! (see [`script`]), then run by the interpreter against servers reached
//! through [`client`]; the interpreter produces the output text that
//! mysqltest would write, and never judges it.

pub mod client;
pub mod errors;
pub mod run;
pub mod script;
