//! mtr's configuration machinery: templates (`.cnf`) turned into a test's
//! my.cnf, `.opt` files turned into server arguments, `.combinations` files
//! turned into test variants, and the option-list rules that decide restarts.
//! Option text keeps bytes that are not UTF-8 ([`option_bytes`] gives them back).

mod cnf;
mod combinations;
mod error;
mod factory;
mod generated;
mod opt_file;
mod options;
mod raw_bytes;
mod references;

pub use combinations::{Combination, Combinations, read_combinations};
pub use error::ConfigError;
pub use factory::{FactoryArgs, generate};
pub use generated::Config;
pub use opt_file::{extract_timezone, read_opt_file, read_test_opts};
pub use options::{expand_env, server_args};
pub use raw_bytes::encode as option_bytes;
