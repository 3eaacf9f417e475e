//! The server process: start-up settings, the state connections share,
//! the listener that accepts them, the error log and the stop request.

pub mod config;
pub mod defaults;
pub mod error_log;
pub mod listener;
pub mod shutdown;
pub mod state;
