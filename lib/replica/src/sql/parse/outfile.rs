//! `SELECT … INTO OUTFILE 'file' …`, which sqlparser does not read: the
//! `INTO OUTFILE 'file'` clause is found at the top level of a SELECT
//! (outside quotes, comments and parentheses) and cut out, leaving a
//! SELECT sqlparser reads. Only the default field and line format is
//! taken; with FIELDS, LINES or CHARACTER SET options the statement is
//! left to the parser (and its syntax error). Statement text comes in;
//! the file name and the remaining SELECT's text go out.

/// The file, and the SELECT without its INTO OUTFILE clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outfile {
    pub file: String,
    pub select: String,
}

/// The INTO OUTFILE form of `text`, if it is one.
pub fn parse(text: &str) -> Option<Outfile> {
    let trimmed = text.trim_start();
    if !trimmed
        .get(..6)
        .is_some_and(|w| w.eq_ignore_ascii_case("SELECT"))
    {
        return None;
    }
    let (start, file_at) = find_clause(text)?;
    let (file, end) = string_literal(text, file_at)?;
    let rest = &text[end..];
    let next = rest.split_whitespace().next().unwrap_or("");
    if ["FIELDS", "COLUMNS", "LINES", "CHARACTER", "CHARSET"]
        .iter()
        .any(|w| next.eq_ignore_ascii_case(w))
    {
        return None;
    }
    Some(Outfile {
        file,
        select: format!("{}{}", &text[..start], rest),
    })
}

/// Where `INTO OUTFILE` starts at the top level, and where its literal starts.
fn find_clause(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' | b'`' => i = skip_quoted(bytes, i).unwrap_or(bytes.len()),
            b'#' => i = skip_line(bytes, i),
            b'-' if bytes[i..].starts_with(b"-- ") => i = skip_line(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_block(bytes, i),
            b'(' => {
                depth += 1;
                i += 1;
            }
            b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ if depth == 0 && word_at(bytes, i, b"INTO") => {
                let after = skip_space(bytes, i + 4);
                if after > i + 4 && word_at(bytes, after, b"OUTFILE") {
                    let literal = skip_space(bytes, after + 7);
                    return (literal > after + 7).then_some((i, literal));
                }
                i += 4;
            }
            _ => i += 1,
        }
    }
    None
}

/// Whether the word `word` (any case) stands alone at `at`.
fn word_at(bytes: &[u8], at: usize, word: &[u8]) -> bool {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let end = at + word.len();
    bytes
        .get(at..end)
        .is_some_and(|w| w.eq_ignore_ascii_case(word))
        && (at == 0 || !ident(bytes[at - 1]))
        && bytes.get(end).is_none_or(|&b| !ident(b))
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// Past a quoted run starting at `at` (backslash escapes and doubled
/// quotes); None when it is not closed.
fn skip_quoted(bytes: &[u8], at: usize) -> Option<usize> {
    let quote = bytes[at];
    let mut i = at + 1;
    while i < bytes.len() {
        if bytes[i] == b'\\' && quote != b'`' {
            i += 2;
        } else if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
            } else {
                return Some(i + 1);
            }
        } else {
            i += 1;
        }
    }
    None
}

fn skip_line(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| at + n + 1)
}

fn skip_block(bytes: &[u8], at: usize) -> usize {
    bytes[at + 2..]
        .windows(2)
        .position(|w| w == b"*/")
        .map_or(bytes.len(), |n| at + 2 + n + 2)
}

/// The value of the '…' or "…" literal at `at`, and where it ends.
fn string_literal(text: &str, at: usize) -> Option<(String, usize)> {
    let quote = *text.as_bytes().get(at)?;
    if quote != b'\'' && quote != b'"' {
        return None;
    }
    let end = skip_quoted(text.as_bytes(), at)?;
    let inner = text.get(at + 1..end - 1)?;
    let mut value = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                '0' => value.push('\0'),
                other => value.push(other),
            },
            c if c == quote as char => {
                chars.next();
                value.push(c);
            }
            c => value.push(c),
        }
    }
    Some((value, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_the_clause_out_of_diff_tables_select() {
        let text =
            "SELECT * INTO OUTFILE '/v/data//diff_table-master-test-t1' FROM test.t1 ORDER BY `a`";
        assert_eq!(
            parse(text),
            Some(Outfile {
                file: "/v/data//diff_table-master-test-t1".into(),
                select: "SELECT *  FROM test.t1 ORDER BY `a`".into(),
            })
        );
    }

    #[test]
    fn the_clause_may_end_the_statement_and_quotes_are_read() {
        let got = parse("select a from t into outfile 'x\\'y'").unwrap();
        assert_eq!(got.file, "x'y");
        assert_eq!(got.select, "select a from t ");
    }

    #[test]
    fn quoted_nested_and_optioned_forms_are_not_taken() {
        assert_eq!(parse("SELECT 'INTO OUTFILE ''f''' FROM t"), None);
        assert_eq!(parse("SELECT (SELECT 1 INTO OUTFILE 'f')"), None);
        assert_eq!(
            parse("SELECT 1 INTO OUTFILE 'f' FIELDS TERMINATED BY ','"),
            None
        );
        assert_eq!(parse("INSERT INTO t SELECT 1"), None);
        assert_eq!(parse("SELECT 1 INTO @x"), None);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "SELECT [ -~]{0,40}") {
            let _ = parse(&text);
        }
    }
}
