//! Integration tests of the bundled server: the in-process server on port
//! 0 driven by the project's client and by raw packets, the real
//! `mariadb-admin`, and the `replica` binary as a process.

mod accounts;
mod admin_tool;
mod binary;
mod binlog;
mod cli_session;
mod commands;
mod common;
mod master_interop;
mod persist;
mod protocol;
mod random_stop;
mod slave_io;
mod slave_pos_cleanup;
mod sql_thread;
mod suppressions;
