//! Parses every `.test` and `.inc` file of the installed upstream tree and
//! checks that writing the commands back and parsing again gives the same
//! commands. Files the real mysqltest cannot read either are listed, with why.

use std::path::{Path, PathBuf};

use rmtr_mysqltest::script::{Script, parse_script};

/// Where Debian installs the upstream tree.
const UPSTREAM: &str = "/usr/share/mysql/mysql-test";

/// Files that cannot be read on their own with the default lexical state,
/// each with the reason; the test checks that they still fail, so the list
/// stays true.
const KNOWN_UNPARSABLE: &[(&str, &str)] = &[
    (
        "main/mysqltest.test",
        "changes the delimiter inside blocks that do not run",
    ),
    (
        "main/mysql.test",
        "switches the session to ANSI_QUOTES, which changes splitting",
    ),
    (
        "include/ctype_E05C.inc",
        "read under the multi-byte client charset its includer sets",
    ),
    (
        "include/ddl_i18n.check_events.inc",
        "read under the delimiter its includer sets",
    ),
    (
        "include/ddl_i18n.check_sp.inc",
        "read under the delimiter its includer sets",
    ),
    (
        "include/ddl_i18n.check_triggers.inc",
        "read under the delimiter its includer sets",
    ),
    (
        "include/ddl_i18n.check_views.inc",
        "read under the delimiter its includer sets",
    ),
    (
        "plugin/rocksdb/rocksdb/include/have_rocksdb_default.inc",
        "unbalanced backquote upstream",
    ),
    (
        "std_data/parts/part_supported_sql_funcs_int_ch1.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "std_data/parts/part_supported_sql_funcs_int_date.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "std_data/parts/part_supported_sql_funcs_int_float.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "std_data/parts/part_supported_sql_funcs_int_int.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "std_data/parts/part_supported_sql_funcs_int_time.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "suite/engines/funcs/t/load_bit.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "suite/engines/funcs/t/load_enum_set.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "suite/engines/funcs/t/load_less_columns.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "suite/engines/funcs/t/load_more_columns.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "suite/engines/funcs/t/load_null.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "suite/engines/funcs/t/load_null2.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "suite/engines/funcs/t/load_quote.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "suite/engines/funcs/t/load_simple.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "suite/engines/funcs/t/load_starting.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "suite/engines/funcs/t/load_unique_error1.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "suite/engines/funcs/t/load_unique_error2.inc",
        "data for LOAD DATA, not a script",
    ),
    (
        "suite/engines/funcs/t/load_unique_error3.inc",
        "data for LOAD DATA, not a script",
    ),
];

fn known_unparsable(rel: &str) -> bool {
    KNOWN_UNPARSABLE.iter().any(|(path, _)| *path == rel)
}

fn upstream_files() -> Option<Vec<PathBuf>> {
    let root = Path::new(UPSTREAM);
    if !root.is_dir() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{UPSTREAM} is missing: install the mariadb-test package");
        }
        eprintln!("skipping: {UPSTREAM} not installed");
        return None;
    }
    let mut files = Vec::new();
    collect(root, &mut files);
    files.sort();
    Some(files)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("test" | "inc")
        ) {
            out.push(path);
        }
    }
}

fn commands(script: &Script) -> Vec<(String, Vec<u8>, Option<Vec<u8>>)> {
    script
        .commands
        .iter()
        .map(|c| {
            (
                format!("{:?}/{:?}", c.kind, c.style),
                c.text.clone(),
                c.heredoc.as_ref().map(|h| h.body.clone()),
            )
        })
        .collect()
}

#[test]
fn every_upstream_file_round_trips() {
    let Some(files) = upstream_files() else {
        return;
    };
    let mut failures = Vec::new();
    let mut parsed = 0;
    for path in &files {
        let rel = path
            .strip_prefix(UPSTREAM)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let src = std::fs::read(path).unwrap();
        let script = match parse_script(path, &src) {
            Ok(_) if known_unparsable(&rel) => {
                failures.push(format!("{rel}: listed as unparsable but parses"));
                continue;
            }
            Ok(script) => script,
            Err(_) if known_unparsable(&rel) => continue,
            Err(err) => {
                failures.push(format!("{rel}:{}: {}", err.line, err.message));
                continue;
            }
        };
        parsed += 1;
        let again = parse_script(path, &script.to_source());
        match again {
            Ok(again) if commands(&again) == commands(&script) => {}
            Ok(_) => failures.push(format!("{rel}: round trip changed the commands")),
            Err(err) => failures.push(format!(
                "{rel}: round trip does not parse: {}:{}",
                err.line, err.message
            )),
        }
    }
    assert!(parsed > 5000, "only {parsed} files parsed");
    assert!(
        failures.is_empty(),
        "{} of {} files:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
