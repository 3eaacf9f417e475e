//! What a server image holds, read once per run by a one-shot container:
//! the server binary, its `--help --verbose` (version, plugins, variables),
//! the directories the generated config points servers to, copies of the
//! system-table scripts the bootstrap SQL is made from, and the plugin file
//! names. The container writes them into a host directory mounted at the
//! same path; [`ImageFacts::read`] turns that directory into facts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// The script the probe container runs (`sh -c SCRIPT sh OUT`).
pub const PROBE_SCRIPT: &str = r#"set -u
out=$1
exe=
for c in /usr/sbin/mariadbd /usr/sbin/mysqld /usr/libexec/mysqld /usr/bin/mariadbd /usr/bin/mysqld /usr/local/mysql/bin/mysqld; do
  if [ -x "$c" ]; then exe=$c; break; fi
done
if [ -z "$exe" ]; then echo "the image has no mariadbd or mysqld" >&2; exit 3; fi
echo "exe=$exe" > "$out/paths"
for d in /usr/share/mariadb /usr/share/mysql /usr/share/mysql-8.0 /usr/local/mysql/share; do
  if [ -f "$d/mysql_system_tables.sql" ]; then
    echo "share=$d" >> "$out/paths"
    mkdir -p "$out/share" && cp "$d"/*.sql "$out/share/"
  fi
  if [ -d "$d/english" ]; then echo "lc_messages=$d/" >> "$out/paths"; fi
  if [ -d "$d/charsets" ]; then echo "charsets=$d/charsets" >> "$out/paths"; fi
done
for d in /usr/lib/mysql/plugin /usr/lib64/mysql/plugin /usr/lib/mariadb/plugin /usr/lib64/mariadb/plugin /usr/lib/x86_64-linux-gnu/mariadb19/plugin; do
  if [ -d "$d" ]; then
    echo "plugin_dir=$d" >> "$out/paths"
    mkdir -p "$out/root$d"
    for f in "$d"/*; do if [ -f "$f" ]; then : > "$out/root$f"; fi; done
  fi
done
user=
if [ "$(id -u)" = 0 ]; then user=--user=root; fi
"$exe" --no-defaults --help --verbose $user > "$out/help" 2> "$out/help.err"
echo done > "$out/complete"
"#;

/// The facts of one image.
#[derive(Debug, Clone)]
pub struct ImageFacts {
    /// The server binary inside the image.
    pub exe: PathBuf,
    /// System-table scripts directory inside the image.
    pub share_dir: Option<PathBuf>,
    pub lc_messages_dir: Option<PathBuf>,
    pub charsets_dir: Option<PathBuf>,
    pub plugin_dir: Option<PathBuf>,
    /// `--help --verbose` as the server printed it.
    pub help: String,
    /// Host copies of the system-table scripts.
    pub share_copy: PathBuf,
    /// A host tree with an empty file per plugin, at the image's paths.
    pub plugin_tree: PathBuf,
}

impl ImageFacts {
    /// Reads the probe's output directory.
    pub fn read(out: &Path) -> anyhow::Result<ImageFacts> {
        if !out.join("complete").is_file() {
            bail!(
                "the probe container finished but its files are not in {}: the Docker engine \
                 does not see this machine's files at the same paths (a remote DOCKER_HOST); \
                 the container backend mounts the var directory and the test tree into its \
                 servers, so it needs an engine that shares them",
                out.display()
            );
        }
        let paths = std::fs::read_to_string(out.join("paths"))?;
        let paths = parse_paths(&paths);
        let path = |key: &str| paths.get(key).map(PathBuf::from);
        Ok(ImageFacts {
            exe: path("exe").context("the probe found no server binary")?,
            share_dir: path("share"),
            lc_messages_dir: path("lc_messages"),
            charsets_dir: path("charsets"),
            plugin_dir: path("plugin_dir"),
            help: std::fs::read_to_string(out.join("help"))
                .with_context(|| format!("reading {}", out.join("help").display()))?,
            share_copy: out.join("share"),
            plugin_tree: out.join("root"),
        })
    }

    /// The installation's base directory inside the image (`/usr`).
    pub fn basedir(&self) -> PathBuf {
        self.exe
            .parent()
            .and_then(Path::parent)
            .map_or_else(|| PathBuf::from("/usr"), Path::to_path_buf)
    }
}

/// A scratch directory of this process for one probe, removed when dropped.
pub struct ProbeDir(PathBuf);

impl ProbeDir {
    /// A new directory; those of runners that are gone are removed first.
    pub fn create() -> anyhow::Result<ProbeDir> {
        remove_dead_probes(&std::env::temp_dir());
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("rmtr-probe-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(ProbeDir(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ProbeDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Removes `rmtr-probe-PID-N` directories whose runner was killed outright.
fn remove_dead_probes(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix("rmtr-probe-")
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok());
        if pid.is_some_and(|pid| !super::engine::process_alive(pid)) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// `key=value` lines; the first of a key wins, as the probe lists the
/// preferred directory first.
fn parse_paths(text: &str) -> BTreeMap<String, String> {
    let mut paths = BTreeMap::new();
    for line in text.lines() {
        if let Some((key, value)) = line.split_once('=') {
            paths
                .entry(key.to_string())
                .or_insert_with(|| value.to_string());
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_directories_of_runners_that_are_gone_are_removed() {
        let base = std::env::temp_dir().join(format!("rmtr-probe-sweep-{}", std::process::id()));
        let mine = base.join(format!("rmtr-probe-{}-0", std::process::id()));
        let dead = base.join(format!("rmtr-probe-{}-3", i32::MAX - 1));
        let other = base.join("rmtr-probe-notapid");
        for dir in [&mine, &dead, &other] {
            std::fs::create_dir_all(dir).unwrap();
        }
        remove_dead_probes(&base);
        assert!(mine.is_dir() && other.is_dir());
        assert!(!dead.exists());
        std::fs::remove_dir_all(base).unwrap();
    }

    #[test]
    fn the_first_directory_of_a_kind_wins() {
        let paths = parse_paths(
            "exe=/usr/sbin/mariadbd\nshare=/usr/share/mariadb\nshare=/usr/share/mysql\nlc_messages=/usr/share/mariadb/\n",
        );
        assert_eq!(paths["share"], "/usr/share/mariadb");
        assert_eq!(paths["lc_messages"], "/usr/share/mariadb/");
        assert_eq!(paths.len(), 3);
    }

    #[test]
    fn a_probe_whose_files_never_arrived_says_why() {
        let dir = std::env::temp_dir().join(format!("rmtr-probe-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let err = ImageFacts::read(&dir).unwrap_err().to_string();
        assert!(err.contains("does not see this machine's files"), "{err}");
        std::fs::write(dir.join("complete"), "done").unwrap();
        std::fs::write(
            dir.join("paths"),
            "exe=/usr/sbin/mariadbd\nplugin_dir=/usr/lib/mysql/plugin\n",
        )
        .unwrap();
        std::fs::write(dir.join("help"), "mariadbd  Ver 10.11\n").unwrap();
        let facts = ImageFacts::read(&dir).unwrap();
        assert_eq!(facts.basedir(), PathBuf::from("/usr"));
        assert_eq!(
            facts.plugin_dir,
            Some(PathBuf::from("/usr/lib/mysql/plugin"))
        );
        assert_eq!(facts.share_dir, None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
