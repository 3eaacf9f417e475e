//! Variants a server cannot run because of the binary-log format they ask
//! for: a server whose features list a format as unsupported skips a
//! combination that sets that `binlog-format`, with the listed reason,
//! instead of failing. A variant's server options go in (the last
//! `--binlog-format` of either side decides, as it does for the server); the
//! variant comes out marked skipped, or unchanged.

use super::ServerFeatures;
use super::combinations::Variant;

/// Marks the variant skipped when a server of it would need a format the server lacks.
pub fn skip_unsupported(variant: &mut Variant, features: &ServerFeatures) {
    if variant.skip || features.unsupported_binlog_formats.is_empty() {
        return;
    }
    let reason = [&variant.master, &variant.slave]
        .into_iter()
        .filter_map(|options| last_format(options))
        .find_map(|format| features.unsupported_binlog_formats.get(&format));
    if let Some(reason) = reason {
        variant.skip = true;
        variant.comment = Some(reason.clone());
    }
}

/// The format the last `--binlog-format=` (or `_`, or `--loose-` form) sets, lowercased.
fn last_format(options: &[String]) -> Option<String> {
    options.iter().rev().find_map(|option| {
        let name_value = option.trim_start_matches('-');
        let name_value = name_value.strip_prefix("loose-").unwrap_or(name_value);
        let (name, value) = name_value.split_once('=')?;
        (name.replace('_', "-") == "binlog-format").then(|| value.trim().to_ascii_lowercase())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn bundled() -> ServerFeatures {
        ServerFeatures {
            unsupported_binlog_formats: BTreeMap::from([(
                "row".to_string(),
                "binlog_format=row is not supported by the bundled server yet".to_string(),
            )]),
            ..ServerFeatures::default()
        }
    }

    fn variant(master: &[&str], slave: &[&str]) -> Variant {
        Variant {
            master: master.iter().map(|s| s.to_string()).collect(),
            slave: slave.iter().map(|s| s.to_string()).collect(),
            ..Variant::default()
        }
    }

    #[test]
    fn a_row_combination_is_skipped_with_the_reason() {
        let mut v = variant(&["--binlog-format=row"], &["--binlog-format=row"]);
        skip_unsupported(&mut v, &bundled());
        assert!(v.skip);
        assert_eq!(
            v.comment.as_deref(),
            Some("binlog_format=row is not supported by the bundled server yet")
        );
    }

    #[test]
    fn the_last_format_option_decides_on_either_side() {
        let mut stmt = variant(&["--binlog-format=row", "--binlog_format=STATEMENT"], &[]);
        skip_unsupported(&mut stmt, &bundled());
        assert!(!stmt.skip, "statement comes last");
        let mut slave_row = variant(&[], &["--loose-binlog_format=ROW"]);
        skip_unsupported(&mut slave_row, &bundled());
        assert!(slave_row.skip, "the slave's own option counts");
        let mut none = variant(&["--log-bin"], &[]);
        skip_unsupported(&mut none, &bundled());
        assert!(!none.skip);
    }

    #[test]
    fn other_servers_and_skipped_variants_keep_their_state() {
        let mut real = variant(&["--binlog-format=row"], &[]);
        skip_unsupported(&mut real, &ServerFeatures::default());
        assert!(!real.skip, "a server with every format runs it");
        let mut skipped = variant(&["--binlog-format=row"], &[]);
        skipped.skip = true;
        skipped.comment = Some("Requires: x".into());
        skip_unsupported(&mut skipped, &bundled());
        assert_eq!(
            skipped.comment.as_deref(),
            Some("Requires: x"),
            "the first reason stays"
        );
    }
}
