//! The environment of one test: the run's environment plus what depends on
//! the worker's servers and the test itself — the var directories, the
//! client command lines bound to the generated my.cnf (`$MYSQL`,
//! `$MYSQL_DUMP`, `$MYSQL_TEST`, …), the last server command line, the
//! `[ENV]` group of the config (`MASTER_MYPORT`, …), the test's name,
//! file and combinations, and its `TZ` (the test's `--timezone=`, or none).

use std::collections::BTreeMap;
use std::path::Path;

use super::run_env::{RunEnv, find_mysqld};
use crate::config::{Config, expand_env};
use crate::discover::TestCase;
use crate::servers::Layout;

/// Everything needed to build a test's environment.
pub struct EnvInputs<'a> {
    pub run: &'a RunEnv,
    pub vardir: &'a Path,
    pub layout: &'a Layout,
    pub config_file: &'a Path,
    pub config: &'a Config,
    pub test: &'a TestCase,
    /// The worker's port block number (rmtr's counterpart of mtr's build thread).
    pub build_thread: u16,
    /// The command line of the server started last, if any.
    pub last_server_command: Option<&'a str>,
}

/// The test's environment: the run's, then the worker's and the test's exports.
pub fn test_environment(inputs: &EnvInputs<'_>) -> BTreeMap<String, String> {
    let mut env = inputs.run.vars.clone();
    let set = |env: &mut BTreeMap<String, String>, k: &str, v: String| {
        env.insert(k.to_string(), v);
    };
    let vardir = inputs.vardir;
    let real_vardir = vardir
        .canonicalize()
        .unwrap_or_else(|_| vardir.to_path_buf());
    set(&mut env, "MYSQLTEST_VARDIR", vardir.display().to_string());
    set(
        &mut env,
        "MYSQLTEST_REAL_VARDIR",
        real_vardir.display().to_string(),
    );
    set(
        &mut env,
        "MYSQL_TMP_DIR",
        vardir.join("tmp").display().to_string(),
    );
    set(
        &mut env,
        "MTR_BUILD_THREAD",
        inputs.build_thread.to_string(),
    );
    if let Some(command) = inputs.last_server_command {
        set(&mut env, "MYSQLD_LAST_CMD", command.to_string());
    }
    set(
        &mut env,
        "MTR_SUITE_DIR",
        inputs.test.suite_dir.display().to_string(),
    );
    set(&mut env, "MTR_TEST_NAME", inputs.test.id.full_name());
    set(
        &mut env,
        "MYSQLTEST_FILE",
        inputs.test.path.display().to_string(),
    );
    add_clients(&mut env, inputs);
    add_combinations(&mut env, inputs.test);
    for (name, value) in inputs.config.env() {
        if let Some(value) = value {
            set(&mut env, name, value.to_string());
        }
    }
    set_timezone(&mut env, inputs.test);
    if let Some(datadir) = inputs
        .config
        .mysqld_groups()
        .first()
        .and_then(|g| inputs.config.value(g, "datadir"))
    {
        set(&mut env, "MARIADB_TOPDIR", datadir.to_string());
        set(&mut env, "MARIADB_DATADIR", datadir.to_string());
    }
    env
}

/// mtr's `TZ` for a test: its `--timezone=` with `$NAME` expanded from
/// `env`, or none at all (mtr removes `TZ` for tests without one).
pub fn test_timezone(test: &TestCase, env: &BTreeMap<String, String>) -> Option<String> {
    let lookup = |name: &str| env.get(name).cloned();
    test.timezone.as_deref().map(|tz| expand_env(tz, &lookup))
}

/// Sets or removes `TZ` as mtr does before each test.
pub fn set_timezone(env: &mut BTreeMap<String, String>, test: &TestCase) {
    match test_timezone(test, env) {
        Some(tz) => env.insert("TZ".to_string(), tz),
        None => env.remove("TZ"),
    };
}

/// `$MYSQL_TEST`: the mysqltest binary with the options mtr starts it with
/// (`--sleep` only when the run has one).
pub fn mysqltest_command(
    exe: &Path,
    config_file: &Path,
    vardir: &Path,
    charsets_dir: Option<&Path>,
    sleep: Option<f64>,
) -> String {
    let mut args = vec![
        exe.display().to_string(),
        format!("--defaults-file={}", config_file.display()),
        "--silent".into(),
        format!("--tmpdir={}", vardir.join("tmp").display()),
    ];
    if let Some(dir) = charsets_dir {
        args.push(format!("--character-sets-dir={}", dir.display()));
    }
    args.push(format!("--logdir={}/log", vardir.display()));
    args.push("--database=test".into());
    args.push(format!("--timer-file={}/log/timer", vardir.display()));
    if let Some(sleep) = sleep.filter(|s| *s != 0.0) {
        args.push(format!("--sleep={}", sleep.trunc() as i64));
    }
    args.join(" ")
}

/// Client programs bound to the generated my.cnf.
fn add_clients(env: &mut BTreeMap<String, String>, inputs: &EnvInputs<'_>) {
    let layout = inputs.layout;
    let bin = &layout.client_bindir;
    let cnf = inputs.config_file.display();
    let client = |name: &str, suffix: Option<&str>| {
        let mut line = format!("{} --defaults-file={cnf}", bin.join(name).display());
        if let Some(s) = suffix {
            line.push_str(&format!(" --defaults-group-suffix={s}"));
        }
        line
    };
    let tmp = inputs.vardir.join("tmp");
    let mut pairs = vec![
        ("MYSQL", client("mariadb", None)),
        ("MYSQL_SLAVE", client("mariadb", Some(".2"))),
        ("MYSQL_CHECK", client("mariadb-check", None)),
        ("MYSQL_DUMP", client("mariadb-dump", Some(".1"))),
        ("MYSQL_DUMP_SLAVE", client("mariadb-dump", Some(".2"))),
        ("MYSQL_SLAP", client("mariadb-slap", None)),
        ("MYSQL_IMPORT", client("mariadb-import", None)),
        ("MYSQL_SHOW", client("mariadb-show", None)),
        ("MYSQL_UPGRADE", client("mariadb-upgrade", None)),
        ("MYSQLADMIN", client("mariadb-admin", None)),
        (
            "MYSQL_BINLOG",
            format!(
                "{} --defaults-file={cnf} --local-load={}",
                bin.join("mariadb-binlog").display(),
                tmp.display()
            ),
        ),
        (
            "MYSQL_TEST",
            mysqltest_command(
                &inputs.run.mysqltest,
                inputs.config_file,
                inputs.vardir,
                layout.charsets_dir.as_deref(),
                inputs.run.sleep,
            ),
        ),
    ];
    let client_test = [
        layout.basedir.join("tests/mysql_client_test"),
        layout.basedir.join("bin/mysql_client_test"),
    ]
    .into_iter()
    .find(|p| super::probe::is_executable(p));
    if let Some(exe) = client_test {
        pairs.push((
            "MYSQL_CLIENT_TEST",
            format!(
                "{} --defaults-file={cnf} --testcase --vardir={}",
                exe.display(),
                inputs.vardir.display()
            ),
        ));
    }
    let mysqld = find_mysqld(&layout.basedir).unwrap_or_else(|| layout.bindir.join("mariadbd"));
    // mtr appends its --mysqld options after a space; rmtr has none.
    pairs.push((
        "MYSQLD_CMD",
        format!(
            "{} --defaults-group-suffix=.1 --defaults-file={cnf} ",
            mysqld.display()
        ),
    ));
    for (k, v) in pairs {
        env.insert(k.to_string(), v);
    }
}

/// `MTR_COMBINATIONS` and one `MTR_COMBINATION_<NAME>` per combination.
fn add_combinations(env: &mut BTreeMap<String, String>, test: &TestCase) {
    env.retain(|k, _| !k.starts_with("MTR_COMBINATION"));
    if test.id.combinations.is_empty() {
        return;
    }
    for name in &test.id.combinations {
        env.insert(
            format!("MTR_COMBINATION_{}", name.to_uppercase()),
            "1".into(),
        );
    }
    env.insert("MTR_COMBINATIONS".into(), test.id.combinations.join(","));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{TempTree, one_server_config, test_case};
    use rmtr_results::TestId;
    use std::path::PathBuf;

    #[test]
    fn mysqltest_gets_mtr_options() {
        let line = mysqltest_command(
            Path::new("/usr/bin/mariadb-test"),
            Path::new("/v/1/my.cnf"),
            Path::new("/v/1"),
            Some(Path::new("/usr/share/mysql/charsets")),
            None,
        );
        assert_eq!(
            line,
            "/usr/bin/mariadb-test --defaults-file=/v/1/my.cnf --silent --tmpdir=/v/1/tmp \
             --character-sets-dir=/usr/share/mysql/charsets --logdir=/v/1/log --database=test \
             --timer-file=/v/1/log/timer"
        );
        let slept = mysqltest_command(
            Path::new("t"),
            Path::new("c"),
            Path::new("/v"),
            None,
            Some(2.5),
        );
        assert!(
            slept.ends_with("--timer-file=/v/log/timer --sleep=2"),
            "{slept}"
        );
        assert!(!slept.contains("--character-sets-dir"));
    }

    #[test]
    fn a_test_sees_its_servers_clients_and_name() {
        let tmp = TempTree::new("testenv");
        let (config, vardir) = one_server_config(&tmp);
        let mut run = RunEnv {
            mysqltest: "/usr/bin/mariadb-test".into(),
            ..RunEnv::default()
        };
        run.vars.insert("MTR_COMBINATION_OLD".into(), "1".into());
        run.vars
            .insert("HA_ARCHIVE_SO".into(), "ha_archive.so".into());
        run.vars.insert("TZ".into(), "Europe/Paris".into());
        let test = TestCase {
            path: tmp.path("main/t/x.test"),
            suite_dir: tmp.path("main"),
            template: PathBuf::from("t.cnf"),
            ..test_case(TestId::new("main", "x", vec!["row".into()]))
        };
        let layout = Layout {
            basedir: "/nonexistent".into(),
            bindir: "/nonexistent/sbin".into(),
            client_bindir: "/usr/bin".into(),
            ..Layout::default()
        };
        let cnf = vardir.join("my.cnf");
        let env = test_environment(&EnvInputs {
            run: &run,
            vardir: &vardir,
            layout: &layout,
            config_file: &cnf,
            config: &config,
            test: &test,
            build_thread: 7,
            last_server_command: Some("/usr/sbin/mariadbd  --defaults-group-suffix=.1"),
        });
        let v = vardir.display();
        assert_eq!(
            env["MYSQL_TEST"],
            format!(
                "/usr/bin/mariadb-test --defaults-file={v}/my.cnf --silent --tmpdir={v}/tmp \
                 --logdir={v}/log --database=test --timer-file={v}/log/timer"
            )
        );
        assert_eq!(
            env["MYSQLD_CMD"],
            format!(
                "/nonexistent/sbin/mariadbd --defaults-group-suffix=.1 --defaults-file={v}/my.cnf "
            )
        );
        assert_eq!(
            env["MYSQLD_LAST_CMD"],
            "/usr/sbin/mariadbd  --defaults-group-suffix=.1"
        );
        assert_eq!(env["MYSQLTEST_FILE"], test.path.display().to_string());
        assert_eq!(env["MTR_BUILD_THREAD"], "7");
        assert_eq!(env["MASTER_MYPORT"], "16000");
        assert_eq!(env["HA_ARCHIVE_SO"], "ha_archive.so");
        assert_eq!(env["MTR_COMBINATION_ROW"], "1");
        assert!(!env.contains_key("MTR_COMBINATION_OLD"));
        assert!(
            !env.contains_key("MYSQL_CLIENT_TEST"),
            "no mysql_client_test here"
        );
        assert!(!env.contains_key("TZ"), "mtr's default removes TZ");
        let mut zoned = test.clone();
        zoned.timezone = Some("GMT-${MASTER_MYPORT}".into());
        let mut env = env;
        set_timezone(&mut env, &zoned);
        assert_eq!(env["TZ"], "GMT-16000");
    }
}
