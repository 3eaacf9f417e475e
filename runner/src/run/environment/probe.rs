//! Facts about this machine that mysql-test-run asks the system for while it
//! sets up the environment: whether DNS answers for a name that cannot
//! exist, whether permissions bind the runner (root), which TLS library the
//! client library uses, where perl is, which transfer tool Galera tests can
//! use, and what the mysqltest binary says about itself. Gathered once per
//! run by [`Probes::gather`]; the rules that turn them into variables live
//! in [`super::run_env`].

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the machine told us.
#[derive(Debug, Clone, Default)]
pub struct Probes {
    /// `invalid_hostname` resolves (a wildcard DNS): mtr's `HAVE_BROKEN_DNS`.
    pub broken_dns: bool,
    /// A file with mode 0000 is still readable: mtr's `MYSQL_TEST_ROOT`.
    pub root: bool,
    /// The output of `mariadb_config --tlsinfo`, as it came.
    pub client_tls: Option<String>,
    /// The perl that `--perl` blocks run with.
    pub perl: Option<PathBuf>,
    /// The first line of `mariadb-test --version`.
    pub mysqltest_version: Option<String>,
    /// `socat` or `nc`, whichever is on the PATH first in that order.
    pub galera_transfer: Option<&'static str>,
}

impl Probes {
    /// Asks the machine; `scratch` is a writable directory for the root check.
    pub fn gather(basedir: &Path, mysqltest: &Path, scratch: &Path, path: &str) -> Probes {
        Probes {
            broken_dns: resolves("invalid_hostname"),
            root: permissions_ignored(scratch),
            client_tls: client_tls(basedir),
            perl: find_in_path("perl", path),
            mysqltest_version: first_line_of(Command::new(mysqltest).arg("--version")),
            galera_transfer: ["socat", "nc"]
                .into_iter()
                .find(|tool| find_in_path(tool, path).is_some()),
        }
    }
}

/// Whether a name resolves (mtr asks `gethostbyname`).
fn resolves(name: &str) -> bool {
    use std::net::ToSocketAddrs;
    (name, 0)
        .to_socket_addrs()
        .is_ok_and(|mut a| a.next().is_some())
}

/// mtr's root check: a file of mode 0000 that can still be read, and whose
/// mode really is 0000 (some file systems ignore modes altogether).
fn permissions_ignored(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let file = dir.join("test_running_as_root.txt");
    if std::fs::write(&file, "MySQL").is_err() {
        return false;
    }
    let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000));
    let readable = std::fs::read_to_string(&file).is_ok_and(|t| t == "MySQL");
    let mode_zero = std::fs::metadata(&file).is_ok_and(|m| m.permissions().mode() & 0o7777 == 0);
    let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755));
    let _ = std::fs::remove_file(&file);
    readable && mode_zero
}

/// `--tlsinfo` of the client library's config tool, where mtr looks for it.
fn client_tls(basedir: &Path) -> Option<String> {
    let tool = [
        "libmariadb/mariadb_config/mariadb_config",
        "bin/mariadb_config",
    ]
    .iter()
    .map(|p| basedir.join(p))
    .find(|p| is_executable(p))?;
    let output = Command::new(tool).arg("--tlsinfo").output().ok()?;
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn first_line_of(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines().next().map(str::to_string)
}

/// The first executable `name` in a `PATH`-style list.
pub fn find_in_path(name: &str, path: &str) -> Option<PathBuf> {
    path.split(':')
        .filter(|d| !d.is_empty())
        .map(|d| Path::new(d).join(name))
        .find(|p| is_executable(p))
}

/// A file with an execute bit (mtr's `-x`).
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_programs_along_the_path() {
        assert_eq!(
            find_in_path("sh", "/nonexistent::/bin"),
            Some("/bin/sh".into())
        );
        assert_eq!(find_in_path("sh", "/nonexistent"), None);
    }

    #[test]
    fn the_root_check_matches_the_effective_user() {
        let dir = std::env::temp_dir().join(format!("rmtr-probe-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        assert_eq!(permissions_ignored(&dir), root);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
