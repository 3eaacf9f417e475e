//! The environment a test runs in, as mysql-test-run exports it: the
//! run-wide part ([`RunEnv`], from the installation, the server's defaults
//! and [`Probes`] of the machine) built once per run, and the per-test part
//! ([`test_environment`]) built from it for each test on a worker's servers.
//! Servers get the run-wide part too, as mtr's servers inherit mtr's.

mod probe;
mod run_env;
mod test_env;

pub use probe::Probes;
pub use run_env::{RunEnv, RunInputs, mysqltest_binary};
pub use test_env::{EnvInputs, set_timezone, test_environment};
