//! Unified diffs of expected against actual output, as `diff -u` prints
//! them: `---`/`+++` headers, `@@ -a,b +c,d @@` hunks with three lines of
//! context, and `\ No newline at end of file` where a side lacks a final
//! newline. Input is bytes (results may be latin1, gb2312, …) split on `\n`;
//! the diff is kept as bytes and only rendered lossily for display.

use std::borrow::Cow;
use std::ops::Range;
use std::time::{Duration, Instant};

use similar::{Algorithm, DiffOp, DiffTag, capture_diff_slices_deadline, group_diff_ops};

/// Lines of unchanged context around each change, as `diff -u` uses.
const CONTEXT: usize = 3;

/// How long the diff may search for a minimal edit script before settling
/// for a coarser one; keeps huge, very different outputs from stalling.
const SEARCH_TIME: Duration = Duration::from_secs(5);

/// What `diff` prints after a line that has no newline at the end.
const NO_NEWLINE: &[u8] = b"\\ No newline at end of file\n";

/// A rendered unified diff; empty when both sides are equal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnifiedDiff {
    bytes: Vec<u8>,
}

impl UnifiedDiff {
    /// Diffs `expected` (labelled `expected_label`) against `actual`
    /// (labelled `actual_label`); labels go on the `---`/`+++` lines.
    pub fn new(expected: &[u8], actual: &[u8], expected_label: &str, actual_label: &str) -> Self {
        let old = split_lines(expected);
        let new = split_lines(actual);
        let deadline = Instant::now().checked_add(SEARCH_TIME);
        let ops = capture_diff_slices_deadline(Algorithm::Myers, &old, &new, deadline);
        let hunks = group_diff_ops(ops, CONTEXT);
        let mut bytes = Vec::new();
        if !hunks.is_empty() {
            write_header(&mut bytes, expected_label, actual_label);
            for hunk in &hunks {
                write_hunk(&mut bytes, hunk, &old, &new);
            }
        }
        Self { bytes }
    }

    /// True when the two sides were identical.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The diff exactly, with the original bytes of each line.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The diff for display; invalid UTF-8 becomes U+FFFD.
    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }
}

/// Splits on `\n`, keeping each line's newline so that a last line without
/// one differs from the same text with one, as it does for `diff`.
fn split_lines(text: &[u8]) -> Vec<&[u8]> {
    text.split_inclusive(|&b| b == b'\n').collect()
}

/// Writes the two file header lines.
fn write_header(out: &mut Vec<u8>, expected_label: &str, actual_label: &str) {
    out.extend_from_slice(format!("--- {expected_label}\n+++ {actual_label}\n").as_bytes());
}

/// Writes one hunk: its `@@` line, then context, removed and added lines.
fn write_hunk(out: &mut Vec<u8>, hunk: &[DiffOp], old: &[&[u8]], new: &[&[u8]]) {
    let (old_range, new_range) = hunk_ranges(hunk);
    let header = format!(
        "@@ -{} +{} @@\n",
        range_label(&old_range),
        range_label(&new_range)
    );
    out.extend_from_slice(header.as_bytes());
    for op in hunk {
        write_op(out, op, old, new);
    }
}

/// Writes the lines of one op: context as ` `, removals as `-`, additions as `+`.
fn write_op(out: &mut Vec<u8>, op: &DiffOp, old: &[&[u8]], new: &[&[u8]]) {
    let (tag, old_range, new_range) = op.as_tag_tuple();
    let old_prefix = if tag == DiffTag::Equal { b' ' } else { b'-' };
    for line in &old[old_range] {
        write_line(out, old_prefix, line);
    }
    if tag != DiffTag::Equal {
        for line in &new[new_range] {
            write_line(out, b'+', line);
        }
    }
}

/// The old and new line ranges a hunk covers.
fn hunk_ranges(hunk: &[DiffOp]) -> (Range<usize>, Range<usize>) {
    let first = hunk.first().expect("hunks are never empty");
    let last = hunk.last().expect("hunks are never empty");
    (
        first.old_range().start..last.old_range().end,
        first.new_range().start..last.new_range().end,
    )
}

/// A range as `diff -u` writes it: `start,len` (1-based), `start` alone when
/// it is one line, and the line before with `,0` when it is empty.
fn range_label(range: &Range<usize>) -> String {
    match range.len() {
        0 => format!("{},0", range.start),
        1 => format!("{}", range.start + 1),
        len => format!("{},{len}", range.start + 1),
    }
}

/// Writes one prefixed line, noting a missing final newline like `diff`.
fn write_line(out: &mut Vec<u8>, prefix: u8, line: &[u8]) {
    out.push(prefix);
    out.extend_from_slice(line);
    if !line.ends_with(b"\n") {
        out.push(b'\n');
        out.extend_from_slice(NO_NEWLINE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(expected: &[u8], actual: &[u8]) -> String {
        UnifiedDiff::new(expected, actual, "a.result", "a.reject")
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn equal_inputs_give_an_empty_diff() {
        let d = UnifiedDiff::new(b"x\ny\n", b"x\ny\n", "a", "b");
        assert!(d.is_empty());
        assert_eq!(d.as_bytes(), b"");
    }

    #[test]
    fn one_changed_line_with_context() {
        let expected = b"1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let actual = b"1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        let want =
            "--- a.result\n+++ a.reject\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n";
        assert_eq!(diff(expected, actual), want);
    }

    #[test]
    fn distant_changes_make_two_hunks() {
        let numbered = |change: &dyn Fn(u32) -> String| -> Vec<u8> {
            (1..=20)
                .flat_map(|n| format!("{}\n", change(n)).into_bytes())
                .collect()
        };
        let expected = numbered(&|n| n.to_string());
        let actual = numbered(&|n| match n {
            2 => "two".to_string(),
            19 => "nineteen".to_string(),
            _ => n.to_string(),
        });
        let text = diff(&expected, &actual);
        assert_eq!(text.matches("@@ -").count(), 2, "{text}");
        assert!(
            text.contains("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"),
            "{text}"
        );
        assert!(
            text.contains("@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+nineteen\n 20\n"),
            "{text}"
        );
    }

    #[test]
    fn single_line_ranges_omit_the_count() {
        assert_eq!(
            diff(b"a\n", b"b\n"),
            "--- a.result\n+++ a.reject\n@@ -1 +1 @@\n-a\n+b\n"
        );
    }

    #[test]
    fn empty_side_is_written_as_line_zero() {
        assert_eq!(
            diff(b"", b"a\nb\n"),
            "--- a.result\n+++ a.reject\n@@ -0,0 +1,2 @@\n+a\n+b\n"
        );
    }

    #[test]
    fn missing_final_newline_is_mentioned() {
        let text = diff(b"a\nb\n", b"a\nb");
        assert_eq!(
            text,
            "--- a.result\n+++ a.reject\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn non_utf8_bytes_are_kept_exactly() {
        let d = UnifiedDiff::new(b"caf\xe9\n", b"caf\xc3\xa9\n", "e", "a");
        assert!(d.as_bytes().windows(5).any(|w| w == b"-caf\xe9"));
        assert!(d.to_string_lossy().contains("-caf\u{fffd}\n"));
        assert!(d.to_string_lossy().contains("+caf\u{e9}\n"));
    }
}
