//! The text of a select-list item as the client wrote it, found from where
//! sqlparser says the item starts: MariaDB names an unaliased item by its
//! original text (`SELECT 1+1` gives a column named `1+1`).

use sqlparser::tokenizer::Location;

/// Words that end a select list when they appear outside parentheses.
const LIST_ENDS: &[&str] = &[
    "FROM",
    "WHERE",
    "GROUP",
    "HAVING",
    "ORDER",
    "LIMIT",
    "INTO",
    "FOR",
    "LOCK",
    "UNION",
    "WINDOW",
    "PROCEDURE",
    "EXCEPT",
    "INTERSECT",
];

/// The text of the select-list item starting at `start`: up to the next
/// comma or clause keyword outside quotes and parentheses, trimmed.
pub fn item_text(statement: &str, start: Location) -> Option<&str> {
    let from = widen(statement, byte_offset(statement, start.line, start.column)?);
    let rest = statement.get(from..)?;
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => return Some(rest[..i].trim_end()),
            (None, c)
                if depth == 0
                    && c.is_ascii_alphabetic()
                    && !is_word_char(previous)
                    && ends_list(&rest[i..]) =>
            {
                return Some(rest[..i].trim_end());
            }
            _ => {}
        }
        previous = c;
    }
    Some(rest.trim_end())
}

/// sqlparser starts a parenthesized or negated item at its operand; the
/// item as written starts at the `(`, `-`, `!`, `~` or NOT before it.
fn widen(statement: &str, mut from: usize) -> usize {
    loop {
        let before = statement[..from].trim_end();
        if let Some(c) = before
            .chars()
            .last()
            .filter(|c| matches!(c, '(' | '-' | '+' | '!' | '~'))
        {
            from = before.len() - c.len_utf8();
            continue;
        }
        let word_start = before.trim_end_matches(is_word_char).len();
        if before[word_start..].eq_ignore_ascii_case("not") {
            from = word_start;
            continue;
        }
        return from;
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '@' || c == '.' || c == '$'
}

fn ends_list(text: &str) -> bool {
    let word: String = text.chars().take_while(|c| is_word_char(*c)).collect();
    LIST_ENDS.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// The byte offset of a 1-based line and column of `text`.
pub(super) fn byte_offset(text: &str, line: u64, column: u64) -> Option<usize> {
    let mut line_start = 0;
    for _ in 1..line {
        line_start += text[line_start..].find('\n')? + 1;
    }
    let rest = &text[line_start..];
    let column = usize::try_from(column).ok()?.checked_sub(1)?;
    Some(
        line_start
            + rest
                .char_indices()
                .nth(column)
                .map_or(rest.len(), |(i, _)| i),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(statement: &str, column: u64) -> Option<&str> {
        item_text(statement, Location::new(1, column))
    }

    #[test]
    fn items_end_at_commas_and_clause_words_outside_parentheses() {
        assert_eq!(item("SELECT COUNT(*), a FROM t", 8), Some("COUNT(*)"));
        assert_eq!(
            item("SELECT CONCAT('a,', b)  FROM t", 8),
            Some("CONCAT('a,', b)")
        );
        assert_eq!(
            item("SELECT now() is not null", 8),
            Some("now() is not null")
        );
        assert_eq!(item("SELECT a+1 from t", 8), Some("a+1"));
        // sqlparser places these items at their operand.
        assert_eq!(item("SELECT (1+2)*3", 9), Some("(1+2)*3"));
        assert_eq!(item("SELECT - -1, 2", 11), Some("- -1"));
        assert_eq!(item("SELECT 1, not (1=1)", 16), Some("not (1=1)"));
        assert_eq!(item("SELECT afrom, b", 8), Some("afrom"));
        assert_eq!(
            item("SELECT (SELECT 1 FROM t) FROM u", 8),
            Some("(SELECT 1 FROM t)")
        );
    }
}
