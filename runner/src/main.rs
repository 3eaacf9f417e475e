//! rmtr: mysql-test-run rebuilt in Rust.

mod config;

fn main() {}
