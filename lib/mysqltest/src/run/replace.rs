//! The output rewriting that `replace_result`, `replace_regex`,
//! `replace_column` and `lowercase_result` set up for the next command.
//! Every piece of text a command prints that mysqltest passes through its
//! replace step (query echo, column names, values, error and warning texts)
//! goes through [`Replacements::append`]: lower-casing first, then the
//! regular expressions in order, then the string replacements
//! (leftmost, longest match first).

use std::borrow::Cow;

use regex::bytes::{Regex, RegexBuilder};

use super::flow::{Stop, show};
use crate::script::charset::ClientCharset;

/// Values at least this long are not lower-cased (mysqltest's buffer size).
const LOWERCASE_LIMIT: usize = 1023;

/// `replace_result` pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StringReplacer {
    pairs: Vec<(Vec<u8>, Vec<u8>)>,
}

impl StringReplacer {
    pub fn new(pairs: Vec<(Vec<u8>, Vec<u8>)>) -> Self {
        StringReplacer {
            pairs: pairs
                .into_iter()
                .filter(|(from, _)| !from.is_empty())
                .collect(),
        }
    }

    /// Appends `text` with the longest match at each position replaced.
    pub fn apply(&self, out: &mut Vec<u8>, text: &[u8]) {
        let mut i = 0;
        while i < text.len() {
            let best = self
                .pairs
                .iter()
                .filter(|(from, _)| text[i..].starts_with(from))
                .max_by_key(|(from, _)| from.len());
            match best {
                Some((from, to)) => {
                    out.extend_from_slice(to);
                    i += from.len();
                }
                None => {
                    out.push(text[i]);
                    i += 1;
                }
            }
        }
    }
}

/// One `/pattern/replacement/` of `replace_regex`.
#[derive(Debug, Clone)]
pub struct RegexRule {
    regex: Regex,
    groups: usize,
    replacement: Vec<u8>,
}

/// All rules of one `replace_regex`, applied in order.
#[derive(Debug, Clone, Default)]
pub struct RegexReplacer {
    rules: Vec<RegexRule>,
}

impl RegexReplacer {
    pub fn new(rules: Vec<RegexRule>) -> Self {
        RegexReplacer { rules }
    }

    pub fn apply(&self, text: &[u8]) -> Vec<u8> {
        self.rules
            .iter()
            .fold(text.to_vec(), |acc, rule| rule.apply(&acc))
    }
}

impl RegexRule {
    /// Compiles a POSIX-extended style pattern as mysqltest does (dot matches
    /// newline; bytes, not characters).
    pub fn new(pattern: &[u8], replacement: &[u8], icase: bool) -> Result<Self, Stop> {
        let text = pcre_to_rust(pattern);
        let regex = RegexBuilder::new(&text)
            .unicode(false)
            .dot_matches_new_line(true)
            .case_insensitive(icase)
            .build()
            .map_err(|e| Stop::die(format!("Regex error: {e}\n")))?;
        let groups = regex.captures_len() - 1;
        Ok(RegexRule {
            regex,
            groups,
            replacement: replacement.to_vec(),
        })
    }

    /// Replaces every match, stepping past empty matches one byte at a time
    /// and expanding `\0`–`\9` back references.
    fn apply(&self, text: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        let mut pos = 0;
        loop {
            let Some(caps) = self.regex.captures_at(text, pos) else {
                out.extend_from_slice(&text[pos..]);
                return out;
            };
            let whole = caps.get(0).expect("group 0 always matches");
            out.extend_from_slice(&text[pos..whole.start()]);
            self.expand(&caps, &mut out);
            if whole.start() == whole.end() {
                if whole.start() >= text.len() {
                    return out;
                }
                out.push(text[whole.end()]);
                pos = whole.end() + 1;
            } else {
                pos = whole.end();
            }
            if pos > text.len() {
                return out;
            }
        }
    }

    fn expand(&self, caps: &regex::bytes::Captures<'_>, out: &mut Vec<u8>) {
        let r = &self.replacement;
        let mut i = 0;
        while i < r.len() {
            let group = match (r[i], r.get(i + 1)) {
                (b'\\', Some(d)) if d.is_ascii_digit() && usize::from(d - b'0') <= self.groups => {
                    Some(usize::from(d - b'0'))
                }
                _ => None,
            };
            match group {
                Some(n) => {
                    if let Some(m) = caps.get(n) {
                        out.extend_from_slice(m.as_bytes());
                    }
                    i += 2;
                }
                None => {
                    out.push(r[i]);
                    i += 1;
                }
            }
        }
    }
}

/// Pattern bytes as `regex` syntax: bytes above ASCII become `\xNN` (the
/// pattern is matched against bytes, not characters), and a `{` that does
/// not start a repetition is escaped, since PCRE reads it as a literal.
pub(super) fn pcre_to_rust(pattern: &[u8]) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut i = 0;
    while i < pattern.len() {
        let c = pattern[i];
        if c == b'\\' && i + 1 < pattern.len() {
            let next = pattern[i + 1];
            if next.is_ascii() {
                out.push('\\');
                out.push(char::from(next));
            } else {
                out.push_str(&format!("\\x{next:02X}"));
            }
            i += 2;
            continue;
        }
        match c {
            b'{' if !starts_repetition(&pattern[i + 1..]) => out.push_str("\\{"),
            0x80.. => out.push_str(&format!("\\x{c:02X}")),
            _ => out.push(char::from(c)),
        }
        i += 1;
    }
    out
}

/// Whether text after `{` forms `n}`, `n,}` or `n,m}`.
fn starts_repetition(rest: &[u8]) -> bool {
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    match rest.get(digits) {
        Some(b'}') => true,
        Some(b',') => {
            let more = rest[digits + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            rest.get(digits + 1 + more) == Some(&b'}')
        }
        _ => false,
    }
}

/// Looks up a variable holding more rules (`None` when unset).
pub type VariableLookup<'a> = dyn FnMut(&[u8]) -> Result<Option<Vec<u8>>, Stop> + 'a;

/// Parses `replace_regex` text into rules: `/from/to/` with any delimiter
/// (brackets pair up), optional `i`, an escaped delimiter standing for
/// itself; a `$var` names a variable holding more rules. Nothing at all
/// (or an empty variable) is no rules, not an error, as in mysqltest.
pub fn parse_regex_rules(
    text: &[u8],
    expand_var: &mut VariableLookup<'_>,
) -> Result<Vec<RegexRule>, Stop> {
    let mut rules = Vec::new();
    let mut p = 0;
    let err = || Stop::die(format!("Error parsing replace_regex \"{}\"", show(text)));
    loop {
        while p < text.len() && super::super::script::lexer::is_space(text[p]) {
            p += 1;
        }
        if p >= text.len() {
            return Ok(rules);
        }
        if text[p] == b'$' {
            let len = text[p + 1..]
                .iter()
                .take_while(|b| super::variables::is_var_char(**b))
                .count();
            if let Some(value) = expand_var(&text[p + 1..p + 1 + len])? {
                rules.extend(parse_regex_rules(&value, expand_var)?);
            }
            p += 1 + len;
            continue;
        }
        let close = closing(text[p]);
        let (pattern, mut next) = regex_part(text, p + 1, close).ok_or_else(err)?;
        // With brackets the replacement has brackets of its own: (a)[b].
        let mut second_close = close;
        if close != text[p] {
            let opener = *text.get(next).ok_or_else(err)?;
            second_close = closing(opener);
            next += 1;
        }
        let (replacement, next) = regex_part(text, next, second_close).ok_or_else(err)?;
        p = next;
        let icase = text.get(p) == Some(&b'i');
        if icase {
            p += 1;
        }
        rules.push(RegexRule::new(&pattern, &replacement, icase)?);
    }
}

/// The character that closes a part opened by `open`.
fn closing(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        c => c,
    }
}

/// Reads up to `close`, turning `\close` into `close`; returns the text and
/// the offset after `close`.
fn regex_part(text: &[u8], mut p: usize, close: u8) -> Option<(Vec<u8>, usize)> {
    let mut part = Vec::new();
    while p < text.len() && text[p] != close {
        if text[p] == b'\\' && text.get(p + 1) == Some(&close) {
            p += 1;
        }
        part.push(text[p]);
        p += 1;
    }
    if p >= text.len() {
        return None;
    }
    Some((part, p + 1))
}

/// The rewriting in force for the next command.
#[derive(Debug, Clone, Default)]
pub struct Replacements {
    pub result: Option<StringReplacer>,
    pub regex: Option<RegexReplacer>,
    /// `replace_column`: 1-based column numbers to fixed text.
    pub columns: Vec<Option<Vec<u8>>>,
    pub lowercase: bool,
    pub sorted: bool,
}

impl Replacements {
    /// Appends `val` with the rewriting applied.
    pub fn append(&self, out: &mut Vec<u8>, val: &[u8], charset: ClientCharset) {
        let mut text: Cow<[u8]> = Cow::Borrowed(val);
        if self.lowercase && val.len() < LOWERCASE_LIMIT {
            text = Cow::Owned(val.iter().map(|&b| charset.to_lower(b)).collect());
        }
        if self.regex.is_none() && self.result.is_none() {
            out.extend_from_slice(&text);
            return;
        }
        let mut text = until_nul(&text).to_vec();
        if let Some(regex) = &self.regex {
            text = regex.apply(&text);
            text.truncate(until_nul(&text).len());
        }
        match &self.result {
            Some(result) => result.apply(out, &text),
            None => out.extend_from_slice(&text),
        }
    }

    /// The fixed text for column `index` (0-based), if replaced.
    pub fn column(&self, index: usize) -> Option<&[u8]> {
        self.columns.get(index).and_then(|c| c.as_deref())
    }

    /// Whether any value rewriting is active (used for `let` from queries).
    pub fn rewrites_values(&self) -> bool {
        self.regex.is_some() || self.result.is_some()
    }

    /// Applies only the regex and string replacements (as `let` from a query does).
    pub fn rewrite_value(&self, val: &[u8]) -> Vec<u8> {
        let mut text = until_nul(val).to_vec();
        if let Some(regex) = &self.regex {
            text = regex.apply(&text);
            text.truncate(until_nul(&text).len());
        }
        match &self.result {
            Some(result) => {
                let mut out = Vec::new();
                result.apply(&mut out, &text);
                out
            }
            None => text,
        }
    }
}

fn until_nul(text: &[u8]) -> &[u8] {
    &text[..text.iter().position(|&b| b == 0).unwrap_or(text.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> StringReplacer {
        StringReplacer::new(
            p.iter()
                .map(|(a, b)| (a.as_bytes().to_vec(), b.as_bytes().to_vec()))
                .collect(),
        )
    }

    fn apply(r: &StringReplacer, s: &str) -> String {
        let mut out = Vec::new();
        r.apply(&mut out, s.as_bytes());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn string_replacement_is_leftmost_longest() {
        // Observed with the real mysqltest 10.11.
        assert_eq!(apply(&pairs(&[("a", "X"), ("ab", "Y")]), "abc"), "Yc");
        assert_eq!(apply(&pairs(&[("ab", "Y"), ("a", "X")]), "abc"), "Yc");
        assert_eq!(apply(&pairs(&[("abc", "Z"), ("bc", "W")]), "abcd"), "Zd");
        assert_eq!(apply(&pairs(&[("b", "Q"), ("bcd", "R")]), "abcd"), "aR");
    }

    fn rules(s: &str) -> RegexReplacer {
        RegexReplacer::new(parse_regex_rules(s.as_bytes(), &mut |_| Ok(None)).unwrap())
    }

    fn re(r: &RegexReplacer, s: &str) -> String {
        String::from_utf8(r.apply(s.as_bytes())).unwrap()
    }

    #[test]
    fn regex_rules_apply_in_order_with_back_references() {
        // Observed with the real mysqltest 10.11.
        assert_eq!(re(&rules("/b/B/ /B/C/"), "abcb"), "aCcC");
        assert_eq!(re(&rules(r"/(a)(b)/\2\1\3x/"), "abab"), r"ba\3xba\3x");
        assert_eq!(re(&rules("/^a/X/"), "aaa"), "Xaa");
        assert_eq!(re(&rules("/a*/-/"), "baaac"), "-b--c-");
    }

    #[test]
    fn regex_parsing_handles_delimiters_and_flags() {
        assert_eq!(re(&rules("/X/y/i"), "axb"), "ayb");
        assert_eq!(re(&rules(r"#a\#b#c#"), "a#b"), "c");
        assert_eq!(re(&rules("(a)(b)"), "xa"), "xb");
        assert_eq!(re(&rules("(a)[b] <e>{E}i"), "ae"), "bE");
        assert_eq!(re(&rules(r"{n\}}/N/"), "n}"), "N");
        assert!(parse_regex_rules(b"/a/b", &mut |_| Ok(None)).is_err());
        assert!(
            parse_regex_rules(b"   ", &mut |_| Ok(None))
                .unwrap()
                .is_empty()
        );
        let empty = |_: &[u8]| Ok(Some(Vec::new()));
        assert_eq!(
            parse_regex_rules(b"/a/b/ $e ", &mut { empty })
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn high_bytes_match_as_bytes() {
        let r = RegexReplacer::new(vec![RegexRule::new(b"\xe9+", b"e", false).unwrap()]);
        assert_eq!(r.apply(b"caf\xe9\xe9"), b"cafe");
    }

    #[test]
    fn lone_braces_are_literal() {
        assert_eq!(re(&rules("/{x}/y/"), "a{x}b"), "ayb");
        assert_eq!(re(&rules("/a{2}/y/"), "aaa"), "ya");
    }

    #[test]
    fn append_lowercases_then_rewrites() {
        let r = Replacements {
            lowercase: true,
            result: Some(pairs(&[("abc", "Z")])),
            ..Replacements::default()
        };
        let mut out = Vec::new();
        r.append(&mut out, b"ABCd", ClientCharset::Latin1);
        assert_eq!(out, b"Zd");
    }

    #[test]
    fn nul_bytes_survive_unless_rewriting() {
        let none = Replacements::default();
        let mut out = Vec::new();
        none.append(&mut out, b"a\0b", ClientCharset::Latin1);
        assert_eq!(out, b"a\0b");
        let some = Replacements {
            result: Some(pairs(&[("x", "y")])),
            ..Replacements::default()
        };
        let mut out = Vec::new();
        some.append(&mut out, b"a\0b", ClientCharset::Latin1);
        assert_eq!(out, b"a");
    }
}
