//! Reading `.test` and `.inc` files: the reader's lexer, the command table,
//! the parser into a flat list of commands, and writing commands back.

pub mod args;
pub mod charset;
pub mod command;
mod display;
pub mod error;
pub mod lexer;
pub mod name;
pub mod parse;

pub use command::{Command, Heredoc, Kind, Script, Style};
pub use error::ParseError;
pub use lexer::{LexState, Quoting};
pub use name::CommandName;
pub use parse::{Tail, parse_script, parse_tail};
