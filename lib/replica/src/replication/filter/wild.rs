//! The wildcard match of `replicate_wild_*_table` rules, as MariaDB's
//! my_wildcmp with `%` (any run), `_` (one character) and `\` (the next
//! character literally), letter case ignored as the system collation does.

/// Whether `pattern` matches all of `text`.
pub fn matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    match_from(&pattern, &text)
}

fn match_from(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('%', rest)) => (0..=text.len()).any(|skip| match_from(rest, &text[skip..])),
        Some(('_', rest)) => !text.is_empty() && match_from(rest, &text[1..]),
        Some(('\\', rest)) if !rest.is_empty() => {
            literal(rest[0], text) && match_from(&rest[1..], &text[1..])
        }
        Some((c, rest)) => literal(*c, text) && match_from(rest, &text[1..]),
    }
}

/// The text starts with `c`, in any letter case.
fn literal(c: char, text: &[char]) -> bool {
    text.first()
        .is_some_and(|t| t.to_lowercase().eq(c.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn wildcards_escapes_and_case() {
        let cases = [
            ("mysql.%", "mysql.user", true),
            ("mysql.%", "mysql.", true),
            ("mysql.%", "mysqlx.user", false),
            ("test.t_", "test.t1", true),
            ("test.t_", "test.t12", false),
            ("test.t\\_1", "test.t_1", true),
            ("test.t\\_1", "test.tx1", false),
            ("test.a\\%", "test.a%", true),
            ("test.a\\%", "test.ab", false),
            ("Test.T%", "test.t9", true),
            ("%.%", "a.b", true),
            ("db%.t", "db.t", true),
            ("db%.t", "db.tx", false),
            ("", "", true),
            ("x\\", "x\\", true),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(matches(pattern, text), want, "{pattern} ~ {text}");
        }
    }

    proptest! {
        #[test]
        fn a_plain_name_matches_itself_and_percent(name in "[a-z0-9]{1,8}\\.[a-z0-9]{1,8}") {
            prop_assert!(matches(&name, &name));
            prop_assert!(matches(&name.to_uppercase(), &name));
            prop_assert!(matches("%", &name));
            let db = name.split('.').next().unwrap();
            let db_wild = format!("{db}.%");
            prop_assert!(matches(&db_wild, &name));
        }

        #[test]
        fn underscores_match_exactly_one_character(text in "[a-z]{0,10}") {
            let pattern = "_".repeat(text.chars().count());
            prop_assert!(matches(&pattern, &text));
            let longer = format!("{pattern}_");
            prop_assert!(!matches(&longer, &text));
        }
    }
}
