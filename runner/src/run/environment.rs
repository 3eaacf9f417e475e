//! The environment a test runs in, as mysql-test-run exports it: the tree
//! and var directories, the client command lines (`$MYSQL`, `$MYSQL_DUMP`,
//! `$MYSQL_BINLOG`, …) bound to the generated my.cnf, the `[ENV]` group of
//! the config (`MASTER_MYPORT`, `SLAVE_MYPORT`, …), and the test's own
//! name and combinations.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Config;
use crate::discover::TestCase;
use crate::servers::Layout;

/// Everything needed to build a test's environment.
pub struct EnvInputs<'a> {
    pub tree: &'a Path,
    pub vardir: &'a Path,
    pub layout: &'a Layout,
    pub config_file: &'a Path,
    pub config: &'a Config,
    pub test: &'a TestCase,
    pub default_port: u16,
}

/// The test's environment: the runner's own, then mtr's exports.
pub fn test_environment(inputs: &EnvInputs<'_>) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = std::env::vars().collect();
    let set = |env: &mut BTreeMap<String, String>, k: &str, v: String| {
        env.insert(k.to_string(), v);
    };
    let tmp = inputs.vardir.join("tmp");
    set(
        &mut env,
        "MYSQL_TEST_DIR",
        inputs.tree.display().to_string(),
    );
    set(
        &mut env,
        "MYSQLTEST_VARDIR",
        inputs.vardir.display().to_string(),
    );
    set(
        &mut env,
        "MYSQLTEST_REAL_VARDIR",
        inputs.vardir.display().to_string(),
    );
    set(&mut env, "MYSQL_TMP_DIR", tmp.display().to_string());
    set(
        &mut env,
        "MYSQL_BINDIR",
        inputs.layout.basedir.display().to_string(),
    );
    set(
        &mut env,
        "DEFAULT_MASTER_PORT",
        inputs.default_port.to_string(),
    );
    set(
        &mut env,
        "MTR_SUITE_DIR",
        inputs.test.suite_dir.display().to_string(),
    );
    set(&mut env, "MTR_TEST_NAME", inputs.test.id.full_name());
    set(&mut env, "LC_ALL", "C".into());
    set(&mut env, "LC_CTYPE", "C".into());
    set(&mut env, "LC_COLLATE", "C".into());
    set(&mut env, "UMASK", "0660".into());
    set(&mut env, "UMASK_DIR", "0770".into());
    set(&mut env, "USE_RUNNING_SERVER", "0".into());
    set(&mut env, "STAGING_RUN", "0".into());
    if let Some(dir) = &inputs.layout.share_dir {
        set(&mut env, "MYSQL_SHAREDIR", dir.display().to_string());
    }
    if let Some(dir) = &inputs.layout.charsets_dir {
        set(&mut env, "MYSQL_CHARSETSDIR", dir.display().to_string());
    }
    set(
        &mut env,
        "SECURE_LOAD_PATH",
        inputs.tree.join("std_data").display().to_string(),
    );
    add_clients(&mut env, inputs);
    add_combinations(&mut env, inputs.test);
    for (name, value) in inputs.config.env() {
        if let Some(value) = value {
            set(&mut env, name, value.to_string());
        }
    }
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

/// Client programs bound to the generated my.cnf.
fn add_clients(env: &mut BTreeMap<String, String>, inputs: &EnvInputs<'_>) {
    let bin = &inputs.layout.client_bindir;
    let cnf = inputs.config_file.display();
    let client = |name: &str, suffix: Option<&str>| {
        let mut line = format!("{} --defaults-file={cnf}", bin.join(name).display());
        if let Some(s) = suffix {
            line.push_str(&format!(" --defaults-group-suffix={s}"));
        }
        line
    };
    let tmp = inputs.vardir.join("tmp");
    let pairs = [
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
        ("EXE_MYSQL", bin.join("mariadb").display().to_string()),
        (
            "MYSQL_MY_PRINT_DEFAULTS",
            bin.join("my_print_defaults").display().to_string(),
        ),
        (
            "MYSQL_TZINFO_TO_SQL",
            bin.join("mariadb-tzinfo-to-sql").display().to_string(),
        ),
        ("MY_PERROR", bin.join("perror").display().to_string()),
        (
            "MYSQLD",
            inputs.layout.bindir.join("mariadbd").display().to_string(),
        ),
    ];
    for (k, v) in pairs {
        env.insert(k.to_string(), v);
    }
    let mysqld_cmd = format!(
        "{} --defaults-group-suffix=.1 --defaults-file={cnf}",
        inputs.layout.bindir.join("mariadbd").display()
    );
    env.insert("MYSQLD_CMD".into(), mysqld_cmd);
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
