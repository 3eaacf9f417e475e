//! Runs one `.test` file against a server and prints its output, for
//! trying the interpreter by hand: `run_script FILE PORT [BASEDIR]`.

use rmtr_mysqltest::run::{CancelToken, End, RunConfig, run_test};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(file), Some(port)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: run_script FILE PORT [BASEDIR]");
        std::process::exit(2);
    };
    let basedir = args.get(3).cloned().unwrap_or_else(|| ".".into());
    let mut cfg = RunConfig::new(file, &basedir, port.parse().expect("a port"));
    cfg.env = std::env::vars().collect();
    cfg.socket = std::env::var("MASTER_MYSOCK").unwrap_or_default();
    let outcome = run_test(cfg, CancelToken::new());
    use std::io::Write;
    std::io::stdout().write_all(&outcome.output).unwrap();
    match outcome.end {
        End::Completed => {}
        End::Skipped(reason) => eprintln!("skipped: {reason}"),
        End::Failed(message) => {
            eprint!("{message}");
            std::process::exit(1);
        }
        End::Cancelled => eprintln!("cancelled"),
    }
}
