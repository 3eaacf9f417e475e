//! The trace documents, laid out as MariaDB writes them (two-space
//! indent, `"key": value`, empty arrays as `[]`).

/// A statement that failed before any step (opening its tables).
pub fn no_steps() -> String {
    "{\n  \"steps\": []\n}".to_string()
}

/// A SELECT whose names failed to resolve during join_preparation.
pub fn failed_preparation() -> String {
    concat!(
        "{\n",
        "  \"steps\": [\n",
        "    {\n",
        "      \"join_preparation\": {\n",
        "        \"select_id\": 1,\n",
        "        \"steps\": []\n",
        "      }\n",
        "    }\n",
        "  ]\n",
        "}"
    )
    .to_string()
}

/// A SELECT without tables: its expanded query, nothing to optimize.
pub fn select_without_tables(expanded_query: &str) -> String {
    format!(
        concat!(
            "{{\n",
            "  \"steps\": [\n",
            "    {{\n",
            "      \"join_preparation\": {{\n",
            "        \"select_id\": 1,\n",
            "        \"steps\": [\n",
            "          {{\n",
            "            \"expanded_query\": \"{}\"\n",
            "          }}\n",
            "        ]\n",
            "      }}\n",
            "    }},\n",
            "    {{\n",
            "      \"join_optimization\": {{\n",
            "        \"select_id\": 1,\n",
            "        \"steps\": []\n",
            "      }}\n",
            "    }}\n",
            "  ]\n",
            "}}"
        ),
        escape(expanded_query)
    )
}

/// A JSON string's contents.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_mariadb() {
        // MariaDB 10.11 shows SELECT 'it''s', 'a\nb' as these JSON strings.
        assert_eq!(escape("'it\\'s' AS `it's`"), "'it\\\\'s' AS `it's`");
        assert_eq!(escape("`a\nb`"), "`a\\nb`");
        assert_eq!(escape("`concat('a',\"b\")`"), "`concat('a',\\\"b\\\")`");
    }

    #[test]
    fn select_trace_layout() {
        let text = select_without_tables("select 1 AS a");
        assert!(text.starts_with("{\n  \"steps\": [\n    {\n      \"join_preparation\""));
        assert!(text.contains("            \"expanded_query\": \"select 1 AS a\"\n"));
        assert!(text.ends_with("        \"steps\": []\n      }\n    }\n  ]\n}"));
    }
}
