//! mtr's configuration machinery: templates (`.cnf`) turned into a test's
//! my.cnf, `.opt` files turned into server arguments, `.combinations` files
//! turned into test variants, and the option-list rules that decide restarts.

#![allow(dead_code, unused_imports)]

mod cnf;
mod combinations;
mod error;
mod factory;
mod generated;
mod opt_file;
mod options;
mod references;
#[cfg(test)]
mod testutil;

pub use cnf::{Cnf, ConfigOption, ENV_GROUP, Group, MAX_INCLUDE_DEPTH, OPT_GROUP};
pub use combinations::{Combination, Combinations, read_combinations};
pub use error::ConfigError;
pub use factory::{FactoryArgs, generate};
pub use generated::{Config, MYSQLD_PREFIX};
pub use opt_file::{
    ServerOpts, TestOpts, extract_timezone, parse_opt_line, parse_opt_text, read_opt_file,
    read_test_opts,
};
pub use options::{
    ServerArgs, expand_env, is_subset, needs_restart, normalize, same_options, server_args,
};
