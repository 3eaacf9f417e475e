//! The part of a test's environment that is the same for the whole run, as
//! mysql-test-run's `environment_setup` (and what it does around it) exports
//! it for an installed server: where the installation's programs, plugins
//! and libraries are, the run's switches, the TLS setup for clients, the
//! bootstrap command, Galera's helpers, and the variables the mysqltest
//! binary itself exports. Built once per run from the runner's own
//! environment, the backend's layout and `--help` variables, and the
//! machine [`Probes`]; each worker's tests start from it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::probe::{Probes, is_executable};
use crate::servers::plugins::plugin_vars;
use crate::servers::{Bootstrap, Layout};

/// Everything the run-wide environment is derived from.
pub struct RunInputs<'a> {
    pub tree: &'a Path,
    pub layout: &'a Layout,
    /// The server's `--help --verbose` variables (mtr's `%mysqld_variables`).
    pub variables: &'a BTreeMap<String, String>,
    pub bootstrap: Option<&'a Bootstrap>,
    pub workers: usize,
    /// `--big-test`, or tests named on the command line.
    pub big_test: bool,
    /// `--sleep`, which mtr passes on to `$MYSQL_TEST`.
    pub sleep: Option<f64>,
    pub probes: &'a Probes,
}

/// The run's environment and what per-test exports need from the run.
#[derive(Debug, Clone, Default)]
pub struct RunEnv {
    /// The runner's own environment with the run-wide exports on top.
    pub vars: BTreeMap<String, String>,
    /// The binary `$MYSQL_TEST` runs.
    pub mysqltest: PathBuf,
    pub sleep: Option<f64>,
}

/// Where Galera's provider library is looked for when `WSREP_PROVIDER` is unset.
const WSREP_PROVIDERS: &[&str] = &[
    "/usr/lib64/galera-4/libgalera_smm.so",
    "/usr/lib64/galera/libgalera_smm.so",
    "/usr/lib/galera-4/libgalera_smm.so",
    "/usr/lib/galera/libgalera_smm.so",
];

impl RunEnv {
    /// The run's environment over `base` (the runner's own).
    pub fn new(base: BTreeMap<String, String>, inputs: &RunInputs<'_>) -> RunEnv {
        let mysqltest = mysqltest_binary(&base, inputs.layout);
        let mut env = base;
        settings(&mut env, inputs);
        library_paths(&mut env, &inputs.layout.basedir);
        programs(&mut env, inputs.layout, inputs.variables);
        client_tls(&mut env, inputs.probes.client_tls.as_deref());
        for (name, file) in plugin_vars(&inputs.layout.basedir) {
            env.insert(name, file);
        }
        if let Some(boot) = inputs.bootstrap {
            env.entry("MYSQLD_BOOTSTRAP_CMD".into())
                .or_insert_with(|| boot.command.clone());
            env.insert(
                "MYSQL_BOOTSTRAP_SQL_FILE".into(),
                boot.sql_file.display().to_string(),
            );
        }
        if inputs.variables.contains_key("wsrep-on") {
            wsrep(&mut env, inputs.layout, inputs.probes);
        }
        perl(&mut env, inputs.probes.perl.as_deref());
        mysqltest_own(&mut env, inputs.probes.mysqltest_version.as_deref());
        RunEnv {
            vars: env,
            mysqltest,
            sleep: inputs.sleep,
        }
    }
}

/// The mysqltest binary: `$MYSQL_TEST` of the runner's environment, as mtr
/// takes it, else the installation's `mariadb-test`.
pub fn mysqltest_binary(base: &BTreeMap<String, String>, layout: &Layout) -> PathBuf {
    base.get("MYSQL_TEST")
        .map_or_else(|| layout.client_bindir.join("mariadb-test"), PathBuf::from)
}

fn set(env: &mut BTreeMap<String, String>, name: &str, value: impl Into<String>) {
    env.insert(name.to_string(), value.into());
}

fn path_string(path: &Path) -> String {
    path.display().to_string()
}

/// The run's switches and directories.
fn settings(env: &mut BTreeMap<String, String>, inputs: &RunInputs<'_>) {
    let tree = inputs.tree;
    let layout = inputs.layout;
    set(env, "MYSQL_TEST_DIR", path_string(tree));
    set(env, "SECURE_LOAD_PATH", path_string(&tree.join("std_data")));
    // The server's compiled-in port, not a test server's.
    let port = inputs.variables.get("port").cloned().unwrap_or_default();
    set(env, "DEFAULT_MASTER_PORT", port);
    set(env, "MYSQL_BINDIR", path_string(&layout.basedir));
    if let Some(dir) = &layout.share_dir {
        set(env, "MYSQL_SHAREDIR", path_string(dir));
    }
    if let Some(dir) = &layout.charsets_dir {
        set(env, "MYSQL_CHARSETSDIR", path_string(dir));
    }
    for (name, value) in [
        ("LC_ALL", "C"),
        ("LC_CTYPE", "C"),
        ("LC_COLLATE", "C"),
        ("UMASK", "0660"),
        ("UMASK_DIR", "0770"),
        ("STAGING_RUN", "0"),
        ("GNUTLS_SYSTEM_PRIORITY_FILE", "/dev/null"),
        ("VALGRIND_TEST", "0"),
    ] {
        set(env, name, value);
    }
    // Perl's false: no extern backend in this build.
    set(env, "USE_RUNNING_SERVER", "");
    if inputs.big_test {
        set(env, "BIG_TEST", "1");
    }
    set(env, "MTR_PARALLEL", inputs.workers.to_string());
    set(env, "HAVE_BROKEN_DNS", perl_bool(inputs.probes.broken_dns));
    if inputs.probes.root {
        set(env, "MYSQL_TEST_ROOT", "1");
    }
    sanitizers(env, tree);
    let conf = openssl_conf(tree, inputs.variables.get("version-ssl-library"));
    set(env, "OPENSSL_CONF", conf);
}

/// Perl's `defined(...)`: `1` or the empty string.
fn perl_bool(value: bool) -> &'static str {
    if value { "1" } else { "" }
}

/// `ASAN_OPTIONS` and `LSAN_OPTIONS`, with the tree's suppressions if it has them.
fn sanitizers(env: &mut BTreeMap<String, String>, tree: &Path) {
    let old = env.get("ASAN_OPTIONS").cloned().unwrap_or_default();
    let mut asan = format!("abort_on_error=1:{old}");
    let asan_supp = tree.join("asan.supp");
    if asan_supp.is_file() {
        asan = format!("suppressions={}:{asan}", asan_supp.display());
    }
    set(env, "ASAN_OPTIONS", asan);
    let lsan_supp = tree.join("lsan.supp");
    if lsan_supp.is_file() {
        let mut lsan = format!("suppressions={}:print_suppressions=0", lsan_supp.display());
        if let Some(old) = env.get("LSAN_OPTIONS").filter(|o| !o.is_empty()) {
            lsan = format!("{lsan}:{old}");
        }
        set(env, "LSAN_OPTIONS", lsan);
    }
}

/// The tree's `lib/openssl.cnf` (which lowers OpenSSL's security level for
/// the old ciphers tests use) when the server's library is newer than
/// OpenSSL 1.1.1, compared as strings as mtr does; `/dev/null` otherwise,
/// and also for a tree without that file (rmtr's own suites).
pub fn openssl_conf(tree: &Path, ssl_library: Option<&String>) -> String {
    let file = tree.join("lib/openssl.cnf");
    if ssl_library.is_some_and(|v| v.as_str() > "OpenSSL 1.1.1") && file.is_file() {
        path_string(&file)
    } else {
        "/dev/null".into()
    }
}

/// The installation's libraries ahead of the search path the runner had.
/// (mtr sets up its environment three times and so repeats the prefix;
/// once gives the same search.)
fn library_paths(env: &mut BTreeMap<String, String>, basedir: &Path) {
    for name in [
        "LD_LIBRARY_PATH",
        "DYLD_LIBRARY_PATH",
        "SHLIB_PATH",
        "LIBPATH",
    ] {
        let value = library_path(basedir, env.get(name).map(String::as_str));
        set(env, name, value);
    }
}

/// `BASEDIR/lib:BASEDIR/lib/mysql`, then the old value's entries.
pub fn library_path(basedir: &Path, old: Option<&str>) -> String {
    let mut parts = vec![
        path_string(&basedir.join("lib")),
        path_string(&basedir.join("lib/mysql")),
    ];
    if let Some(old) = old.filter(|o| !o.is_empty()) {
        let mut entries: Vec<&str> = old.split(':').collect();
        while entries.last() == Some(&"") {
            entries.pop();
        }
        parts.extend(entries.into_iter().map(str::to_string));
    }
    parts.join(":")
}

/// The first candidate that is an executable file.
fn first_executable(candidates: &[PathBuf]) -> Option<PathBuf> {
    candidates.iter().find(|p| is_executable(p)).cloned()
}

/// The installation's programs, where mtr looks for them in a binary
/// distribution (`bindir` is the base directory). A program mtr requires
/// but cannot find stops mtr; here its variable is left out.
fn programs(
    env: &mut BTreeMap<String, String>,
    layout: &Layout,
    variables: &BTreeMap<String, String>,
) {
    let base = &layout.basedir;
    let cbin = &layout.client_bindir;
    let found = |candidates: &[PathBuf]| first_executable(candidates).map(|p| path_string(&p));
    let maybe = |candidates: &[PathBuf]| found(candidates).unwrap_or_default();
    let mut exports: Vec<(&str, Option<String>)> = vec![
        ("EXE_MYSQL", found(&[cbin.join("mariadb")])),
        ("MYSQL_PLUGIN", found(&[cbin.join("mariadb-plugin")])),
        (
            "MYSQL_EMBEDDED",
            Some(maybe(&[base.join("libmysqld/examples/mysql_embedded")])),
        ),
        ("MYSQLD", find_mysqld(base).map(|p| path_string(&p))),
        (
            "MYSQL_BUG25714",
            Some(maybe(&[base.join("tests/bug25714")])),
        ),
        (
            "MYSQL_MY_PRINT_DEFAULTS",
            found(&[
                base.join("extra/my_print_defaults"),
                cbin.join("my_print_defaults"),
            ]),
        ),
        (
            "MY_PERROR",
            found(&[base.join("extra/perror"), cbin.join("perror")]),
        ),
        (
            "MYSQL_TZINFO_TO_SQL",
            found(&[
                base.join("sql/mariadb-tzinfo-to-sql"),
                cbin.join("mariadb-tzinfo-to-sql"),
            ]),
        ),
        (
            "REPLACE",
            found(&[base.join("extra/replace"), cbin.join("replace")]),
        ),
        (
            "INNOCHECKSUM",
            found(&[base.join("extra/innochecksum"), cbin.join("innochecksum")]),
        ),
        (
            "MYSQLHOTCOPY",
            found(&[base.join("scripts/mysqlhotcopy"), cbin.join("mysqlhotcopy")]),
        ),
    ];
    let mut tools = vec![
        ("MYISAMLOG", "storage/myisam", "myisamlog"),
        ("MYISAMCHK", "storage/myisam", "myisamchk"),
        ("MYISAMPACK", "storage/myisam", "myisampack"),
        ("MYISAM_FTDUMP", "storage/myisam", "myisam_ftdump"),
    ];
    if variables.contains_key("aria-recover-options") {
        tools.push(("MARIA_CHK", "storage/maria", "aria_chk"));
        tools.push(("MARIA_PACK", "storage/maria", "aria_pack"));
    }
    for (name, dir, tool) in tools {
        exports.push((
            name,
            found(&[base.join(dir).join(tool), base.join("bin").join(tool)]),
        ));
    }
    let mariabackup = found(&[
        base.join("extra/mariabackup/mariabackup"),
        cbin.join("mariabackup"),
    ]);
    exports.push((
        "INNOBACKUPEX",
        Some(format!(
            "{} --innobackupex",
            mariabackup.clone().unwrap_or_default()
        )),
    ));
    exports.push(("XTRABACKUP", mariabackup));
    exports.push((
        "XBSTREAM",
        found(&[
            base.join("extra/mariabackup/mbstream"),
            cbin.join("mbstream"),
        ]),
    ));
    let fix_privileges = [
        "scripts/mysql_fix_privilege_tables.sql",
        "share/mysql_fix_privilege_tables.sql",
        "share/mariadb/mysql_fix_privilege_tables.sql",
        "share/mysql/mysql_fix_privilege_tables.sql",
    ]
    .iter()
    .map(|p| base.join(p))
    .find(|p| p.exists())
    .map(|p| path_string(&p));
    exports.push((
        "MYSQL_FIX_PRIVILEGE_TABLES",
        Some(fix_privileges.unwrap_or_default()),
    ));
    let charsets = layout
        .charsets_dir
        .as_deref()
        .map(path_string)
        .unwrap_or_default();
    exports.push((
        "MARIADB_CONV",
        found(&[cbin.join("mariadb-conv")])
            .map(|exe| format!("{exe} --character-sets-dir={charsets}")),
    ));
    for (name, value) in exports {
        if let Some(value) = value {
            set(env, name, value);
        }
    }
}

/// The server binary, where mtr looks for it under a base directory.
pub fn find_mysqld(basedir: &Path) -> Option<PathBuf> {
    let dirs = ["sql", "libexec", "sbin", "bin"];
    let names = [
        "mariadbd",
        "mysqld",
        "mysqld-max-nt",
        "mysqld-max",
        "mysqld-nt",
    ];
    dirs.iter()
        .flat_map(|d| names.iter().map(move |n| basedir.join(d).join(n)))
        .find(|p| is_executable(p))
}

/// The client library's TLS library and its version: `--tlsinfo` split at
/// its first space, the version keeping the line end (mtr does not chomp).
fn client_tls(env: &mut BTreeMap<String, String>, tlsinfo: Option<&str>) {
    let Some(info) = tlsinfo else {
        return;
    };
    let (library, version) = info.split_once(' ').unwrap_or((info, ""));
    set(env, "CLIENT_TLS_LIBRARY", library);
    set(env, "CLIENT_TLS_LIBRARY_VERSION", version);
}

/// What mtr's Galera suites set up when the server has wsrep compiled in
/// (mtr loads them with its default suites): the SST scripts and clients on
/// the `PATH`, the transfer tool, the provider library and the arbitrator.
fn wsrep(env: &mut BTreeMap<String, String>, layout: &Layout, probes: &Probes) {
    let base = &layout.basedir;
    let cbin = &layout.client_bindir;
    let dir_with = |file: &str| {
        [base.join("scripts"), cbin.clone()]
            .into_iter()
            .find(|d| d.join(file).is_file())
    };
    if let Some(spath) = dir_with("wsrep_sst_rsync") {
        let cpath = dir_with("mariadb");
        let epath = first_executable(&[
            base.join("extra/my_print_defaults"),
            cbin.join("my_print_defaults"),
        ])
        .and_then(|p| p.parent().map(Path::to_path_buf));
        prepend_path(env, &spath);
        if let Some(cpath) = cpath.as_ref().filter(|c| **c != spath) {
            prepend_path(env, cpath);
        }
        if let Some(epath) = epath.filter(|e| *e != spath && Some(e) != cpath.as_ref()) {
            prepend_path(env, &epath);
        }
    }
    if let Some(dir) = env
        .get("XTRABACKUP")
        .and_then(|x| Path::new(x).parent().map(Path::to_path_buf))
    {
        prepend_path(env, &dir);
    }
    if let Some(tool) = probes.galera_transfer {
        set(env, "MTR_GALERA_TFMT", tool);
    }
    let provider = match env.get("WSREP_PROVIDER") {
        Some(given) => (given != "none").then(|| PathBuf::from(given)),
        None => {
            let found = WSREP_PROVIDERS
                .iter()
                .map(PathBuf::from)
                .find(|p| p.exists());
            let value = found.as_deref().map_or_else(|| "none".into(), path_string);
            set(env, "WSREP_PROVIDER", value);
            found
        }
    };
    if let Some(dir) = provider.as_deref().and_then(Path::parent) {
        let garbd = [
            dir.join("garb/garbd"),
            dir.join("../../bin/garb/garbd"),
            PathBuf::from("/usr/bin/garbd"),
        ]
        .into_iter()
        .find(|p| p.exists());
        if let Some(garbd) = garbd {
            set(env, "MTR_GARBD_EXE", path_string(&garbd));
        }
    }
}

fn prepend_path(env: &mut BTreeMap<String, String>, dir: &Path) {
    let old = env.get("PATH").cloned().unwrap_or_default();
    set(env, "PATH", format!("{}:{old}", dir.display()));
}

/// `MTR_PERL`, and perl's directory at the end of the `PATH` (mtr adds the
/// directory of the perl running it, so that mysqltest finds perl).
fn perl(env: &mut BTreeMap<String, String>, perl: Option<&Path>) {
    let Some(perl) = perl else {
        return;
    };
    set(env, "MTR_PERL", path_string(perl));
    if let Some(dir) = perl.parent() {
        let old = env.get("PATH").cloned().unwrap_or_default();
        set(env, "PATH", format!("{old}:{}", dir.display()));
    }
}

/// What the mysqltest binary exports about itself at start (its version,
/// system and machine, word size, path separator), as the installation's
/// `mariadb-test --version` reports them, so that programs a test runs see
/// them as under mtr.
fn mysqltest_own(env: &mut BTreeMap<String, String>, version_line: Option<&str>) {
    set(
        env,
        "SYSTEM_PATH_SEPARATOR",
        std::path::MAIN_SEPARATOR.to_string(),
    );
    let bits = if cfg!(target_pointer_width = "64") {
        "64"
    } else {
        "32"
    };
    set(env, "MYSQL_SYSTEM_ARCHITECTURE", bits);
    if let Some((version, system, machine)) = version_line.and_then(parse_mysqltest_version) {
        set(env, "MYSQL_SERVER_VERSION", version);
        set(env, "MYSQL_SYSTEM_TYPE", system);
        set(env, "MYSQL_MACHINE_TYPE", machine);
    }
}

/// (version, system type, machine type) from `mariadb-test --version`:
/// `mariadb-test  Ver 3.5 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)`.
pub fn parse_mysqltest_version(line: &str) -> Option<(String, String, String)> {
    let re =
        regex::Regex::new(r"(?:Distrib|from) (\S+?),.*? for (\S+) \(([^)]+)\)").expect("valid");
    let c = re.captures(line)?;
    Some((c[1].to_string(), c[2].to_string(), c[3].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch installation under the temp directory, removed on drop.
    struct Install(PathBuf);

    impl Install {
        fn new(label: &str) -> Install {
            let dir = std::env::temp_dir().join(format!("rmtr-env-{label}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Install(dir)
        }

        fn file(&self, path: &str, mode: u32) -> PathBuf {
            use std::os::unix::fs::PermissionsExt;
            let path = self.0.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            path
        }

        fn layout(&self) -> Layout {
            Layout {
                basedir: self.0.clone(),
                bindir: self.0.join("sbin"),
                client_bindir: self.0.join("bin"),
                charsets_dir: Some(self.0.join("share/mysql/charsets")),
                ..Layout::default()
            }
        }
    }

    impl Drop for Install {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn build(
        install: &Install,
        base: &[(&str, &str)],
        variables: &[(&str, &str)],
        probes: &Probes,
    ) -> RunEnv {
        let base = base
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let variables: BTreeMap<String, String> = variables
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let layout = install.layout();
        let tree = install.0.join("mysql-test");
        RunEnv::new(
            base,
            &RunInputs {
                tree: &tree,
                layout: &layout,
                variables: &variables,
                bootstrap: None,
                workers: 3,
                big_test: false,
                sleep: None,
                probes,
            },
        )
    }

    #[test]
    fn every_plugin_file_gets_a_so_variable() {
        let install = Install::new("plugins");
        for file in [
            "lib/mysql/plugin/ha_archive.so",
            "lib/mysql/plugin/auth_0x0100.so",
            "lib/mysql/plugin/libdaemon_example.so",
            "lib/mysql/plugin/daemon_example.ini",
            "lib/mysql/plugin/.hidden.so",
            "lib/plugin/ha_connect.dll",
        ] {
            install.file(file, 0o644);
        }
        let vars = plugin_vars(&install.0);
        let expected = [
            ("AUTH_0X0100_SO", "auth_0x0100.so"),
            ("HA_ARCHIVE_SO", "ha_archive.so"),
            ("LIBDAEMON_EXAMPLE_SO", "libdaemon_example.so"),
            ("HA_CONNECT_SO", "ha_connect.dll"),
        ];
        let got: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(got, expected);
        let env = build(&install, &[], &[], &Probes::default());
        assert_eq!(env.vars["HA_ARCHIVE_SO"], "ha_archive.so");
        assert!(
            !env.vars
                .keys()
                .any(|k| k.ends_with("_OPT") || k.ends_with("_LOAD"))
        );
    }

    #[test]
    fn programs_are_exported_only_where_they_are_executable() {
        let install = Install::new("programs");
        install.file("bin/myisamchk", 0o755);
        install.file("bin/aria_chk", 0o755);
        install.file("bin/innochecksum", 0o644);
        install.file("bin/mariadb-conv", 0o755);
        install.file("sbin/mariadbd", 0o755);
        let env = build(&install, &[], &[], &Probes::default());
        let base = install.0.display();
        assert_eq!(env.vars["MYISAMCHK"], format!("{base}/bin/myisamchk"));
        assert_eq!(env.vars["MYSQLD"], format!("{base}/sbin/mariadbd"));
        assert_eq!(
            env.vars["MARIADB_CONV"],
            format!("{base}/bin/mariadb-conv --character-sets-dir={base}/share/mysql/charsets")
        );
        assert!(!env.vars.contains_key("INNOCHECKSUM"), "not executable");
        assert!(!env.vars.contains_key("MARIA_CHK"), "no Aria in the server");
        assert_eq!(env.vars["INNOBACKUPEX"], " --innobackupex");
        assert_eq!(env.vars["MYSQL_BUG25714"], "");
        assert_eq!(env.vars["MYSQL_FIX_PRIVILEGE_TABLES"], "");
        let with_aria = build(
            &install,
            &[],
            &[("aria-recover-options", "")],
            &Probes::default(),
        );
        assert_eq!(with_aria.vars["MARIA_CHK"], format!("{base}/bin/aria_chk"));
        assert!(!with_aria.vars.contains_key("MARIA_PACK"));
    }

    #[test]
    fn switches_and_search_paths_follow_mtr() {
        let install = Install::new("switches");
        install.file("mysql-test/lib/openssl.cnf", 0o644);
        let probes = Probes {
            broken_dns: false,
            root: true,
            client_tls: Some("OpenSSL 3.0.20\n".into()),
            perl: Some("/opt/perl/bin/perl".into()),
            mysqltest_version: Some(
                "/usr/bin/mariadb-test  Ver 3.5 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)".into(),
            ),
            galera_transfer: None,
        };
        let env = build(
            &install,
            &[
                ("LD_LIBRARY_PATH", "/x:/y:"),
                ("ASAN_OPTIONS", "a=1"),
                ("PATH", "/bin"),
            ],
            &[
                ("port", "3306"),
                ("version-ssl-library", "OpenSSL 3.0.19 27 Jan 2026"),
            ],
            &probes,
        );
        let v = &env.vars;
        let base = install.0.display();
        assert_eq!(
            v["LD_LIBRARY_PATH"],
            format!("{base}/lib:{base}/lib/mysql:/x:/y")
        );
        assert_eq!(v["LIBPATH"], format!("{base}/lib:{base}/lib/mysql"));
        assert_eq!(v["ASAN_OPTIONS"], "abort_on_error=1:a=1");
        assert_eq!(v["DEFAULT_MASTER_PORT"], "3306");
        assert_eq!(
            v["OPENSSL_CONF"],
            format!("{base}/mysql-test/lib/openssl.cnf")
        );
        assert_eq!(v["CLIENT_TLS_LIBRARY"], "OpenSSL");
        assert_eq!(v["CLIENT_TLS_LIBRARY_VERSION"], "3.0.20\n");
        assert_eq!(v["HAVE_BROKEN_DNS"], "");
        assert_eq!(v["MYSQL_TEST_ROOT"], "1");
        assert_eq!(v["USE_RUNNING_SERVER"], "");
        assert_eq!(v["MTR_PARALLEL"], "3");
        assert!(!v.contains_key("BIG_TEST"));
        assert_eq!(v["MTR_PERL"], "/opt/perl/bin/perl");
        assert_eq!(v["PATH"], "/bin:/opt/perl/bin");
        assert_eq!(v["MYSQL_SERVER_VERSION"], "10.11.19-MariaDB");
        assert_eq!(v["MYSQL_SYSTEM_TYPE"], "debian-linux-gnu");
        assert_eq!(v["MYSQL_MACHINE_TYPE"], "x86_64");
        assert!(!v.contains_key("WSREP_PROVIDER"), "no wsrep in the server");
        let old = build(
            &install,
            &[],
            &[("version-ssl-library", "OpenSSL 1.0.2")],
            &probes,
        );
        assert_eq!(old.vars["OPENSSL_CONF"], "/dev/null");
    }

    #[test]
    fn galera_setup_needs_wsrep_in_the_server() {
        let install = Install::new("wsrep");
        install.file("bin/wsrep_sst_rsync", 0o755);
        install.file("bin/mariadb", 0o755);
        let probes = Probes {
            galera_transfer: Some("socat"),
            ..Probes::default()
        };
        let given = build(
            &install,
            &[("PATH", "/bin"), ("WSREP_PROVIDER", "none")],
            &[("wsrep-on", "FALSE")],
            &probes,
        );
        assert_eq!(
            given.vars["PATH"],
            format!("{}/bin:/bin", install.0.display())
        );
        assert_eq!(given.vars["MTR_GALERA_TFMT"], "socat");
        assert_eq!(given.vars["WSREP_PROVIDER"], "none");
        assert!(!given.vars.contains_key("MTR_GARBD_EXE"));
    }

    #[test]
    fn mysqltest_reports_version_system_and_machine() {
        let parsed = parse_mysqltest_version(
            "mariadb-test from 11.4.2-MariaDB, client 3.5 for Linux (aarch64)",
        );
        assert_eq!(
            parsed,
            Some(("11.4.2-MariaDB".into(), "Linux".into(), "aarch64".into()))
        );
        assert_eq!(parse_mysqltest_version("mysqltest: unknown"), None);
    }
}
