//! Applying a unified diff to bytes, as `patch` applies an `.rdiff` result
//! patch to its base `.result`. [`apply_patch`] takes the base file's bytes
//! and the diff's bytes and returns the patched bytes. Hunks are found where
//! their header says, or at the nearest offset where their old lines match,
//! or — like `patch`'s default fuzz factor of 2 — with up to two lines of
//! outer context ignored. `\ No newline at end of file` markers are honoured.
//! A hunk that fits nowhere is an error naming it.

use thiserror::Error;

/// How many outer context lines a hunk may lose while being placed.
const MAX_FUZZ: usize = 2;

/// Why a diff could not be applied.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PatchError {
    /// A `@@` line that does not read `@@ -a[,b] +c[,d] @@`.
    #[error("malformed hunk header at line {line} of the diff")]
    BadHeader {
        /// Line number in the diff, from 1.
        line: usize,
    },
    /// A hunk ended before its line counts were reached.
    #[error("hunk at line {line} of the diff is truncated")]
    Truncated {
        /// Line number of the hunk's header, from 1.
        line: usize,
    },
    /// A hunk whose old lines are found nowhere in the base file.
    #[error("hunk #{number} (@@ -{old_start} @@) does not apply")]
    Rejected {
        /// Position of the hunk in the diff, from 1.
        number: usize,
        /// The first old line the hunk's header names.
        old_start: usize,
    },
}

/// One hunk: where it claims to start and its lines, tagged.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hunk {
    /// Index (from 0) of the first old line, as the header says.
    old_start: usize,
    lines: Vec<(Tag, Vec<u8>)>,
}

/// What a hunk line does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Context,
    Remove,
    Add,
}

/// Applies the unified diff `diff` to `base`.
pub fn apply_patch(base: &[u8], diff: &[u8]) -> Result<Vec<u8>, PatchError> {
    let hunks = parse_hunks(diff)?;
    let old: Vec<&[u8]> = base.split_inclusive(|&b| b == b'\n').collect();
    let mut out: Vec<u8> = Vec::with_capacity(base.len());
    let mut next = 0usize;
    let mut offset = 0isize;
    for (index, hunk) in hunks.iter().enumerate() {
        let placed = place(hunk, &old, next, offset).ok_or(PatchError::Rejected {
            number: index + 1,
            old_start: hunk.old_start + 1,
        })?;
        for line in &old[next..placed.at] {
            out.extend_from_slice(line);
        }
        for line in placed.new_lines(hunk) {
            out.extend_from_slice(line);
        }
        next = placed.at + placed.old_len;
        offset = placed.at as isize - hunk.old_start as isize;
    }
    for line in &old[next..] {
        out.extend_from_slice(line);
    }
    Ok(out)
}

/// Where a hunk fits and how many outer context lines it dropped.
struct Placement {
    /// Index of the first base line the (trimmed) hunk replaces.
    at: usize,
    /// How many base lines it replaces.
    old_len: usize,
    /// Context lines dropped from the front and the back.
    trim: (usize, usize),
}

impl Placement {
    /// The lines that replace the matched ones.
    fn new_lines<'h>(&self, hunk: &'h Hunk) -> impl Iterator<Item = &'h [u8]> {
        let end = hunk.lines.len() - self.trim.1;
        hunk.lines[self.trim.0..end]
            .iter()
            .filter(|(tag, _)| *tag != Tag::Remove)
            .map(|(_, line)| line.as_slice())
    }
}

/// Finds the nearest place for `hunk` at or after `from`, fuzz 0 first.
fn place(hunk: &Hunk, old: &[&[u8]], from: usize, offset: isize) -> Option<Placement> {
    let lead = hunk
        .lines
        .iter()
        .take_while(|(t, _)| *t == Tag::Context)
        .count();
    let tail = hunk
        .lines
        .iter()
        .rev()
        .take_while(|(t, _)| *t == Tag::Context)
        .count();
    for fuzz in 0..=MAX_FUZZ {
        let trim = (fuzz.min(lead), fuzz.min(tail));
        if fuzz > 0 && trim == (0, 0) {
            break;
        }
        let lines = &hunk.lines[trim.0..hunk.lines.len() - trim.1];
        let wanted: Vec<&[u8]> = lines
            .iter()
            .filter(|(tag, _)| *tag != Tag::Add)
            .map(|(_, line)| line.as_slice())
            .collect();
        let guess = (hunk.old_start + trim.0) as isize + offset;
        if let Some(at) = nearest_match(old, &wanted, from, guess) {
            return Some(Placement {
                at,
                old_len: wanted.len(),
                trim,
            });
        }
    }
    None
}

/// The match of `wanted` in `old[from..]` closest to `guess`.
fn nearest_match(old: &[&[u8]], wanted: &[&[u8]], from: usize, guess: isize) -> Option<usize> {
    let last = old.len().checked_sub(wanted.len())?;
    if from > last {
        return None;
    }
    let guess = guess.clamp(from as isize, last as isize) as usize;
    let fits = |at: usize| old[at..at + wanted.len()] == *wanted;
    let span = (guess - from).max(last - guess);
    (0..=span).find_map(|step| {
        let after = guess + step;
        if after <= last && fits(after) {
            return Some(after);
        }
        let before = guess.checked_sub(step).filter(|&b| b >= from)?;
        fits(before).then_some(before)
    })
}

/// Reads every hunk of a diff: unified if it has a `@@` line, else the
/// normal format of plain `diff` (`3a4`, `5,6c5`, `7d6`), which `patch`
/// takes too. Lines outside hunks (file headers, comments) are skipped.
fn parse_hunks(diff: &[u8]) -> Result<Vec<Hunk>, PatchError> {
    let lines: Vec<&[u8]> = diff.split_inclusive(|&b| b == b'\n').collect();
    let unified = lines.iter().any(|l| l.starts_with(b"@@ "));
    let mut hunks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let parsed = if unified {
            lines[i]
                .starts_with(b"@@ ")
                .then(|| parse_hunk(&lines[i..], i + 1))
                .transpose()?
        } else {
            parse_normal_command(lines[i]).map(|command| parse_normal(&lines[i..], command))
        };
        match parsed {
            Some((hunk, used)) => {
                hunks.push(hunk);
                i += used;
            }
            None => i += 1,
        }
    }
    Ok(hunks)
}

/// A normal-format command: where its old range starts, and its letter.
struct NormalCommand {
    old_first: usize,
    kind: u8,
}

/// `N[,M]{a,c,d}K[,L]`.
fn parse_normal_command(line: &[u8]) -> Option<NormalCommand> {
    let text = std::str::from_utf8(line).ok()?.trim_end_matches('\n');
    let at = text.find(['a', 'c', 'd'])?;
    let (old, new) = (&text[..at], &text[at + 1..]);
    let range = |r: &str| -> Option<(usize, usize)> {
        match r.split_once(',') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => r.parse().ok().map(|n| (n, n)),
        }
    };
    let (old_first, _) = range(old)?;
    range(new)?;
    Some(NormalCommand {
        old_first,
        kind: text.as_bytes()[at],
    })
}

/// Reads one normal-format hunk: `<` lines go, `>` lines come, `---` between.
fn parse_normal(lines: &[&[u8]], command: NormalCommand) -> (Hunk, usize) {
    let old_start = if command.kind == b'a' {
        command.old_first
    } else {
        command.old_first.saturating_sub(1)
    };
    let mut hunk = Hunk {
        old_start,
        lines: Vec::new(),
    };
    let mut used = 1;
    for line in &lines[1..] {
        let tagged = if let Some(text) = line.strip_prefix(b"< ") {
            (Tag::Remove, text)
        } else if let Some(text) = line.strip_prefix(b"> ") {
            (Tag::Add, text)
        } else if line.starts_with(b"---") {
            used += 1;
            continue;
        } else if line.starts_with(b"\\") {
            drop_last_newline(&mut hunk);
            used += 1;
            continue;
        } else {
            break;
        };
        hunk.lines.push((tagged.0, tagged.1.to_vec()));
        used += 1;
    }
    (hunk, used)
}

/// Reads one hunk starting at its `@@` line; returns it and the lines used.
fn parse_hunk(lines: &[&[u8]], line_no: usize) -> Result<(Hunk, usize), PatchError> {
    let (old_start, mut old_left, mut new_left) =
        parse_header(lines[0]).ok_or(PatchError::BadHeader { line: line_no })?;
    let mut hunk = Hunk {
        old_start: if old_left == 0 {
            old_start
        } else {
            old_start.saturating_sub(1)
        },
        lines: Vec::new(),
    };
    let mut used = 1;
    while old_left > 0 || new_left > 0 {
        let Some(&line) = lines.get(used) else {
            // Like `patch`, accept a last hunk short of trailing context only.
            if old_left == new_left {
                break;
            }
            return Err(PatchError::Truncated { line: line_no });
        };
        used += 1;
        let (tag, text) = match line.first() {
            Some(b' ') => (Tag::Context, &line[1..]),
            Some(b'-') => (Tag::Remove, &line[1..]),
            Some(b'+') => (Tag::Add, &line[1..]),
            // An empty line stands for an empty context line (trimmed diffs).
            Some(b'\n') => (Tag::Context, line),
            Some(b'\\') => {
                drop_last_newline(&mut hunk);
                continue;
            }
            _ => return Err(PatchError::Truncated { line: line_no }),
        };
        let left = if tag == Tag::Add {
            &mut new_left
        } else {
            &mut old_left
        };
        *left = left
            .checked_sub(1)
            .ok_or(PatchError::Truncated { line: line_no })?;
        if tag == Tag::Context {
            new_left = new_left
                .checked_sub(1)
                .ok_or(PatchError::Truncated { line: line_no })?;
        }
        hunk.lines.push((tag, text.to_vec()));
    }
    if lines.get(used).is_some_and(|l| l.starts_with(b"\\")) {
        drop_last_newline(&mut hunk);
        used += 1;
    }
    Ok((hunk, used))
}

/// A `\ No newline at end of file` marker: the line before it has no newline.
fn drop_last_newline(hunk: &mut Hunk) {
    if let Some((_, text)) = hunk.lines.last_mut() {
        if text.last() == Some(&b'\n') {
            text.pop();
        }
    }
}

/// `@@ -a[,b] +c[,d] @@…` → (a, b, d); a missing count is 1.
fn parse_header(line: &[u8]) -> Option<(usize, usize, usize)> {
    let text = std::str::from_utf8(line).ok()?;
    let mut parts = text.strip_prefix("@@ ")?.split(' ');
    let (old_start, old_len) = parse_range(parts.next()?.strip_prefix('-')?)?;
    let (_, new_len) = parse_range(parts.next()?.strip_prefix('+')?)?;
    parts.next().filter(|p| p.starts_with("@@"))?;
    Some((old_start, old_len, new_len))
}

/// `start[,count]`.
fn parse_range(text: &str) -> Option<(usize, usize)> {
    match text.split_once(',') {
        Some((start, len)) => Some((start.parse().ok()?, len.parse().ok()?)),
        None => Some((text.parse().ok()?, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::UnifiedDiff;
    use proptest::prelude::*;

    fn apply(base: &str, diff: &str) -> Result<String, PatchError> {
        apply_patch(base.as_bytes(), diff.as_bytes()).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn replaces_a_line_in_place() {
        let diff = "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n";
        assert_eq!(apply("a\nb\nc\nd\n", diff).unwrap(), "a\nB\nc\nd\n");
    }

    #[test]
    fn finds_a_hunk_at_an_offset() {
        let diff = "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n";
        assert_eq!(apply("x\ny\na\nb\nc\n", diff).unwrap(), "x\ny\na\nB\nc\n");
    }

    #[test]
    fn ignores_outer_context_that_changed() {
        let diff = "@@ -1,5 +1,5 @@\n q\n a\n-b\n+B\n c\n r\n";
        assert_eq!(apply("Q\na\nb\nc\nR\n", diff).unwrap(), "Q\na\nB\nc\nR\n");
    }

    #[test]
    fn inserts_into_an_empty_file_and_appends() {
        assert_eq!(apply("", "@@ -0,0 +1,2 @@\n+a\n+b\n").unwrap(), "a\nb\n");
        let diff = "@@ -2,0 +3 @@\n+c\n";
        assert_eq!(apply("a\nb\n", diff).unwrap(), "a\nb\nc\n");
    }

    #[test]
    fn honours_missing_final_newlines() {
        let diff = "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n";
        assert_eq!(apply("a\nb", diff).unwrap(), "a\nb\n");
        let diff = "@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n";
        assert_eq!(apply("a\n", diff).unwrap(), "a");
    }

    #[test]
    fn a_hunk_that_fits_nowhere_is_rejected() {
        let diff = "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n";
        assert_eq!(
            apply("a\nx\nc\n", diff),
            Err(PatchError::Rejected {
                number: 1,
                old_start: 1
            })
        );
    }

    #[test]
    fn malformed_and_truncated_hunks_are_errors() {
        assert_eq!(
            apply("a\n", "--- a\n@@ -x +1 @@\n"),
            Err(PatchError::BadHeader { line: 2 })
        );
        assert_eq!(
            apply("a\nb\n", "@@ -1,2 +1,2 @@\n-a\n"),
            Err(PatchError::Truncated { line: 1 })
        );
    }

    #[test]
    fn a_last_hunk_may_lack_trailing_context() {
        let diff = "--- a\n+++ b\n@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n";
        assert_eq!(apply("a\nb\nc\nd\n", diff).unwrap(), "a\nB\nc\nd\n");
    }

    #[test]
    fn applies_normal_format_diffs() {
        assert_eq!(apply("a\nb\n", "1a2\n> x\n").unwrap(), "a\nx\nb\n");
        assert_eq!(apply("a\nb\nc\n", "2d1\n< b\n").unwrap(), "a\nc\n");
        let change = "1,2c1\n< a\n< b\n---\n> z\n";
        assert_eq!(apply("a\nb\nc\n", change).unwrap(), "z\nc\n");
        assert_eq!(apply("a\nb\n", "0a1\n> y\n").unwrap(), "y\na\nb\n");
    }

    #[test]
    fn keeps_bytes_that_are_not_utf8() {
        let base = b"caf\xe9\nx\n";
        let diff = b"@@ -1,2 +1,2 @@\n caf\xe9\n-x\n+\xff\n";
        assert_eq!(apply_patch(base, diff).unwrap(), b"caf\xe9\n\xff\n");
    }

    fn lines() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(vec!["a", "b", "c", "", "dd"]), 0..30)
            .prop_flat_map(|ls| {
                let text = ls.iter().map(|l| format!("{l}\n")).collect::<String>();
                prop::bool::ANY.prop_map(move |cut| {
                    if cut && !text.is_empty() {
                        text[..text.len() - 1].to_string()
                    } else {
                        text.clone()
                    }
                })
            })
    }

    proptest! {
        #[test]
        fn a_similar_diff_turns_the_base_into_the_target(base in lines(), target in lines()) {
            let diff = similar::TextDiff::from_lines(&base, &target)
                .unified_diff()
                .context_radius(3)
                .header("base", "target")
                .to_string();
            prop_assert_eq!(apply(&base, &diff).unwrap(), target.clone());
            let ours = UnifiedDiff::new(base.as_bytes(), target.as_bytes(), "a", "b");
            prop_assert_eq!(apply_patch(base.as_bytes(), ours.as_bytes()).unwrap(), target.into_bytes());
        }
    }
}
