//! Writes commands back as script text. Parsing what is written gives the
//! same commands again (the round-trip that keeps the parser honest), though
//! blanks that the reader drops are not restored.

use super::command::{Command, Kind, Script, Style};

impl Command {
    /// The command as script text, with its delimiter and here-document.
    pub fn to_source(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len() + 8);
        match (self.kind, self.style) {
            (Kind::EmptyLine, _) => out.push(b'\n'),
            (Kind::Comment, _) => line(&mut out, &self.text),
            (_, Style::Dashes) => {
                out.extend_from_slice(b"--");
                line(&mut out, &self.text);
            }
            (Kind::EndBlock, Style::Delimited) if self.text == b"}" => line(&mut out, b"}"),
            // A line starting with a single `-` is read to its end, like a comment.
            (Kind::Sql, Style::Delimited) if self.text.first() == Some(&b'-') => {
                line(&mut out, &self.text)
            }
            (_, Style::Delimited)
                if self.text.last() == Some(&b'{')
                    && self.name().is_some_and(|n| n.opens_block()) =>
            {
                line(&mut out, &self.text)
            }
            (_, Style::Delimited) => {
                out.extend_from_slice(&self.text);
                line(&mut out, &self.lex.delimiter);
            }
        }
        let mut out = keep_carriage_returns(&out);
        if let Some(doc) = &self.heredoc {
            out.extend_from_slice(&doc.body);
            line(&mut out, doc.end_marker());
        }
        out
    }
}

fn line(out: &mut Vec<u8>, text: &[u8]) {
    out.extend_from_slice(text);
    out.push(b'\n');
}

/// The reader drops a `\r` right before a `\n`, so each such `\r` the
/// command holds is written twice.
fn keep_carriage_returns(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for (i, &b) in text.iter().enumerate() {
        if b == b'\n' && i > 0 && text[i - 1] == b'\r' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

impl Command {
    /// Whether reading this command consumed the newline that ends its line;
    /// the reader only reports an empty line after two newlines in a row.
    fn consumes_line_end(&self) -> bool {
        self.style == Style::Dashes || matches!(self.kind, Kind::Comment | Kind::EmptyLine)
    }
}

impl Script {
    /// The whole script as text.
    pub fn to_source(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut at_line_start = true;
        for command in &self.commands {
            if command.kind == Kind::EmptyLine && at_line_start {
                out.push(b'\n');
            }
            out.extend_from_slice(&command.to_source());
            at_line_start = command.consumes_line_end() && command.heredoc.is_none();
        }
        out
    }
}

impl std::fmt::Display for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_source()))
    }
}

#[cfg(test)]
mod tests {
    use crate::script::parse_script;
    use std::path::Path;

    fn round_trip(src: &str) {
        let first = parse_script(Path::new("t"), src.as_bytes()).expect("parses");
        let text = first.to_source();
        let second = parse_script(Path::new("t"), &text).expect("reparses");
        let strip = |s: &crate::script::Script| -> Vec<_> {
            s.commands
                .iter()
                .map(|c| (c.kind, c.style, c.text.clone(), c.heredoc.clone()))
                .collect()
        };
        assert_eq!(
            strip(&first),
            strip(&second),
            "{}",
            String::from_utf8_lossy(&text)
        );
    }

    #[test]
    fn round_trips_common_shapes() {
        round_trip(
            "--echo a\nSELECT 1;\n# c\n\n\nif ($x)\n{\n  echo y;\n}\nwhile ($i) {\ndec $i;\n}\n",
        );
        round_trip(
            "delimiter |;\nCREATE PROCEDURE p() BEGIN SELECT 1; END|\ndelimiter ;|\nCALL p();\n",
        );
        round_trip("--write_file $f\nx\nEOF\nperl END;\nprint 1;\nEND\n--if ($a) {\n-- }\n");
        round_trip(
            "SELECT 'a\n   b',\n  c;\nend;\n"
                .replace("end;\n", "")
                .as_str(),
        );
    }

    #[test]
    fn carriage_returns_before_newlines_survive() {
        round_trip(";\"\r\r\n\";\n--echo a\r\r\nSELECT 'b\r\r\n';\r\n");
    }
}
