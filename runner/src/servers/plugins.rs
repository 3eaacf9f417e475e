//! The plugins an installation ships, found as mysql-test-run finds them:
//! plugin files in the usual plugin directories under the base directory,
//! each named by a `NAME_SO` variable (mtr's `set_plugin_var`). Tests see the
//! variables in their environment, and the main suite's skip rules ask
//! whether a plugin is there.

use std::path::Path;

/// Where mtr looks for plugins in an installation, in its order.
const PLUGIN_GLOBS: &[(&str, &str)] = &[
    ("lib64/mysql/plugin", "so"),
    ("lib/mysql/plugin", "so"),
    ("lib64/mariadb/plugin", "so"),
    ("lib/mariadb/plugin", "so"),
    ("lib/plugin", "so"),
    ("lib/plugin", "dll"),
];

/// One `NAME_SO=file` per plugin file of the installation: the file name
/// without its extension, upper-cased, plus `_SO` (mtr's `set_plugin_var`).
pub fn plugin_vars(basedir: &Path) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    for (dir, ext) in PLUGIN_GLOBS {
        let Ok(entries) = std::fs::read_dir(basedir.join(dir)) else {
            continue;
        };
        let mut files: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .filter(|n| Path::new(n).extension().is_some_and(|x| x == *ext))
            .collect();
        files.sort();
        vars.extend(files.into_iter().map(|f| (plugin_var(&f), f)));
    }
    vars
}

/// `ha_archive.so` → `HA_ARCHIVE_SO`.
fn plugin_var(file: &str) -> String {
    let stem = match file.rsplit_once('.') {
        Some((stem, ext))
            if !ext.is_empty() && ext.chars().all(|c| c.is_alphanumeric() || c == '_') =>
        {
            stem
        }
        _ => file,
    };
    format!("{}_SO", stem.to_uppercase())
}

/// The `NAME_SO` variable names of the installation's plugins.
pub fn plugin_names(basedir: &Path) -> std::collections::BTreeSet<String> {
    plugin_vars(basedir)
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_file_stem() {
        assert_eq!(plugin_var("ha_example.so"), "HA_EXAMPLE_SO");
        assert_eq!(plugin_var("auth_0x0100.so"), "AUTH_0X0100_SO");
        assert_eq!(plugin_var("noext"), "NOEXT_SO");
    }

    #[test]
    fn only_plugin_files_of_the_plugin_directories_count() {
        let base = std::env::temp_dir().join(format!("rmtr-plugins-{}", std::process::id()));
        let dir = base.join("lib/mysql/plugin");
        std::fs::create_dir_all(&dir).unwrap();
        for file in ["ha_example.so", "daemon_example.ini", ".hidden.so"] {
            std::fs::write(dir.join(file), b"").unwrap();
        }
        std::fs::create_dir_all(base.join("lib/other")).unwrap();
        std::fs::write(base.join("lib/other/debug_key_management.so"), b"").unwrap();
        let names: Vec<String> = plugin_names(&base).into_iter().collect();
        assert_eq!(names, ["HA_EXAMPLE_SO"]);
        std::fs::remove_dir_all(base).unwrap();
    }
}
