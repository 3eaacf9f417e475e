//! The `replica` binary: reads its options as mariadbd does, starts the
//! server, and serves clients until COM_SHUTDOWN, SIGTERM or SIGINT.

use std::process::ExitCode;

use rmtr_replica::server::config::{self, Startup};
use rmtr_replica::server::listener;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match config::from_args(&args) {
        Ok(Startup::Run(c)) => c,
        Ok(Startup::Version) => {
            println!("{}", config::version_line("replica"));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("replica: {e}");
            eprintln!("replica: Fatal error in defaults handling. Program aborted");
            return ExitCode::FAILURE;
        }
    };
    match listener::start_process(config) {
        Ok(server) => {
            server.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("replica: can't start server: {e}");
            ExitCode::FAILURE
        }
    }
}
