//! The server process: start-up settings and the state connections share.

pub mod config;
pub mod state;
