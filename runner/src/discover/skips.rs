//! The main suite's skip rules: which include files (and tests) make a test
//! skip, and which combinations of a `.combinations` file are left out, given
//! what the server and this machine can do.
//!
//! mysql-test-run keeps these rules as code in the main suite's `suite.pm`;
//! here they are data. Each rule names a file relative to the tree root: a
//! `.inc` or `.test` whose mere inclusion skips the test with a reason, or a
//! `.combinations` file some of whose groups never run. Both are keyed by the
//! `.combinations` path beside the file, since that is where the scanner looks.
//! Server features and a probe of the machine go in; a lookup by path comes out.
//!
//! Decisions for a Linux machine (the rules for Windows and AIX never fire):
//! not_embedded, not_windows, not_aix, not_ssl and check_utf8_cli run;
//! `platform` keeps `unix`, `protocol` keeps `nm` (no `--ps-protocol`),
//! `word_size` keeps the server's word size, `maybe_debug` keeps `debug` or
//! `release` to match the build; have_debug needs a debug build, the SSL
//! includes SSL support, and check_ipv6 a bindable `::1`. The plugins the
//! installation ships decide two rules: `innodb_encrypt_log` keeps `crypt`
//! only with the debug key management plugin, and have_example_plugin needs
//! the example storage engine. SSL support is taken to
//! mean OpenSSL 3, which decides the tests tied to OpenSSL versions.
//! no_utf8_cli and check_windows_admin always skip here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::ServerFeatures;

/// What a rule does to the `.combinations` path it is keyed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipRule {
    /// The test does not run at all, for this reason.
    Whole(String),
    /// These combinations of the file are left out.
    Drop(Vec<String>),
}

/// What the rules depend on besides the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// A socket can be bound to `::1`.
    pub ipv6: bool,
}

impl Host {
    /// Probes this machine.
    pub fn probe() -> Host {
        Host {
            ipv6: std::net::TcpListener::bind("[::1]:0").is_ok(),
        }
    }
}

/// The rules of a tree, keyed by absolute `.combinations` path.
#[derive(Debug, Clone, Default)]
pub struct SkipRules {
    by_path: HashMap<PathBuf, SkipRule>,
}

impl SkipRules {
    /// The main suite's rules for a tree rooted at `root`.
    pub fn main_suite(root: &Path, features: &ServerFeatures, host: &Host) -> SkipRules {
        let by_path = main_suite_rules(features, host)
            .into_iter()
            .map(|(file, rule)| (combinations_path(&root.join(file)), rule))
            .collect();
        SkipRules { by_path }
    }

    /// Adds the rules of another tree (the fallback tree's include files).
    pub fn extend(&mut self, other: SkipRules) {
        self.by_path.extend(other.by_path);
    }

    /// The rule for a `.combinations` path, if any.
    pub fn get(&self, combinations: &Path) -> Option<&SkipRule> {
        self.by_path.get(combinations)
    }
}

/// `x/name.inc` → `x/name.combinations` (any extension is replaced).
pub fn combinations_path(file: &Path) -> PathBuf {
    file.with_extension("combinations")
}

/// The rules of the main suite as (file relative to the root, rule) pairs.
fn main_suite_rules(f: &ServerFeatures, host: &Host) -> Vec<(&'static str, SkipRule)> {
    let mut rules = vec![
        leave_out("include/platform.combinations", &["aix", "win"]),
        leave_out("include/protocol.combinations", &["ps"]),
        leave_out(
            "include/maybe_debug.combinations",
            &[if f.debug_build { "release" } else { "debug" }],
        ),
        leave_out(
            "include/word_size.combinations",
            &[if f.word_size == 32 { "64bit" } else { "32bit" }],
        ),
        whole("main/openssl_6975.test", "no or wrong openssl version"),
        whole(
            "include/no_utf8_cli.inc",
            "Not tested with utf8 command line support",
        ),
        whole(
            "include/check_windows_admin.inc",
            "Requires admin privileges",
        ),
    ];
    let has = |plugin: &str| f.plugins.contains(plugin);
    let conditional = [
        (!has("DEBUG_KEY_MANAGEMENT_SO"))
            .then(|| leave_out("include/innodb_encrypt_log.combinations", &["crypt"])),
        (!has("HA_EXAMPLE_SO"))
            .then(|| whole("include/have_example_plugin.inc", "Need example plugin")),
        (!f.debug_build).then(|| whole("include/have_debug.inc", "Requires debug build")),
        (!host.ipv6).then(|| whole("include/check_ipv6.inc", "No IPv6")),
        (!f.ssl).then(|| whole("include/have_ssl_communication.inc", "Requires SSL")),
        (!f.ssl).then(|| whole("include/have_ssl_crypto_functs.inc", "Requires SSL")),
        (!f.ssl).then(|| leave_out("main/ssl_7937.combinations", &["x509v3"])),
        (!f.ssl).then(|| whole("main/tlsv13.test", "does not work with OpenSSL <= 1.1.1")),
        (!f.ssl).then(|| whole("main/ssl_verify_ip.test", "x509v3 support required")),
    ];
    rules.extend(conditional.into_iter().flatten());
    rules
}

/// A rule that skips every test including `file`.
fn whole(file: &'static str, reason: &str) -> (&'static str, SkipRule) {
    (file, SkipRule::Whole(reason.to_string()))
}

/// A rule that leaves `names` out of a `.combinations` file.
fn leave_out(file: &'static str, names: &[&str]) -> (&'static str, SkipRule) {
    (
        file,
        SkipRule::Drop(names.iter().map(|n| n.to_string()).collect()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(features: &ServerFeatures) -> SkipRules {
        SkipRules::main_suite(Path::new("/t"), features, &Host { ipv6: true })
    }

    #[test]
    fn have_debug_skips_unless_debug_build() {
        let key = Path::new("/t/include/have_debug.combinations");
        assert_eq!(
            rules(&ServerFeatures::default()).get(key),
            Some(&SkipRule::Whole("Requires debug build".into()))
        );
        let debug = ServerFeatures {
            debug_build: true,
            ..Default::default()
        };
        assert_eq!(rules(&debug).get(key), None);
        assert_eq!(
            rules(&debug).get(Path::new("/t/include/maybe_debug.combinations")),
            Some(&SkipRule::Drop(vec!["release".into()]))
        );
    }

    #[test]
    fn word_size_keeps_the_servers_own() {
        let key = Path::new("/t/include/word_size.combinations");
        assert_eq!(
            rules(&ServerFeatures::default()).get(key),
            Some(&SkipRule::Drop(vec!["32bit".into()])),
            "an unknown word size means 64 bits"
        );
        let small = ServerFeatures {
            word_size: 32,
            ..Default::default()
        };
        assert_eq!(
            rules(&small).get(key),
            Some(&SkipRule::Drop(vec!["64bit".into()]))
        );
    }

    #[test]
    fn ssl_and_ipv6_lift_their_rules() {
        let bare = ServerFeatures::default();
        let ssl = ServerFeatures {
            ssl: true,
            ..Default::default()
        };
        for file in [
            "/t/include/have_ssl_communication.combinations",
            "/t/include/have_ssl_crypto_functs.combinations",
            "/t/main/tlsv13.combinations",
            "/t/main/ssl_7937.combinations",
        ] {
            assert!(rules(&bare).get(Path::new(file)).is_some(), "{file}");
            assert!(rules(&ssl).get(Path::new(file)).is_none(), "{file}");
        }
        assert_eq!(
            rules(&ssl).get(Path::new("/t/include/have_example_plugin.combinations")),
            Some(&SkipRule::Whole("Need example plugin".into()))
        );
        let no_v6 = SkipRules::main_suite(Path::new("/t"), &bare, &Host { ipv6: false });
        assert_eq!(
            no_v6.get(Path::new("/t/include/check_ipv6.combinations")),
            Some(&SkipRule::Whole("No IPv6".into()))
        );
        assert!(
            rules(&bare)
                .get(Path::new("/t/include/check_ipv6.combinations"))
                .is_none()
        );
        assert!(
            rules(&ssl)
                .get(Path::new("/t/include/not_windows.combinations"))
                .is_none()
        );
    }

    #[test]
    fn plugin_rules_follow_the_installed_plugins() {
        let example = Path::new("/t/include/have_example_plugin.combinations");
        let encrypt = Path::new("/t/include/innodb_encrypt_log.combinations");
        let bare = ServerFeatures::default();
        assert_eq!(
            rules(&bare).get(example),
            Some(&SkipRule::Whole("Need example plugin".into()))
        );
        assert_eq!(
            rules(&bare).get(encrypt),
            Some(&SkipRule::Drop(vec!["crypt".into()]))
        );
        let plugins = ServerFeatures {
            plugins: ["HA_EXAMPLE_SO", "DEBUG_KEY_MANAGEMENT_SO"]
                .map(String::from)
                .into(),
            ..Default::default()
        };
        assert_eq!(rules(&plugins).get(example), None);
        assert_eq!(rules(&plugins).get(encrypt), None);
    }
}
