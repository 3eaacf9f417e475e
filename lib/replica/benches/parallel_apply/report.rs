//! Result tables: each scenario fills a [`Table`] of text cells, which is
//! printed aligned under its title and notes, and can be written as JSON
//! (cells that read as numbers become numbers) for later comparison.

use std::fmt::Write as _;

/// One scenario's results.
pub struct Table {
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// Lines printed under the table: definitions and caveats.
    pub notes: Vec<String>,
}

impl Table {
    pub fn new(title: &str, headers: &[&'static str]) -> Table {
        Table {
            title: title.to_string(),
            headers: headers.to_vec(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a row and prints it at once, so a long run shows progress.
    pub fn push(&mut self, row: Vec<String>) {
        eprintln!("  {}: {}", self.title, row.join(" | "));
        self.rows.push(row);
    }

    /// The table as aligned text.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.len()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.len());
            }
        }
        let line = |cells: Vec<&str>| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:>w$}"))
                .collect();
            padded.join("  ").trim_end().to_string()
        };
        let mut out = format!("\n## {}\n\n", self.title);
        let _ = writeln!(out, "{}", line(self.headers.clone()));
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        let _ = writeln!(out, "{}", rule.join("  "));
        for row in &self.rows {
            let _ = writeln!(out, "{}", line(row.iter().map(String::as_str).collect()));
        }
        for note in &self.notes {
            let _ = writeln!(out, "{note}");
        }
        out
    }

    /// The table as a JSON object: title, notes and one object per row.
    pub fn json(&self) -> String {
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|row| {
                let fields: Vec<String> = self
                    .headers
                    .iter()
                    .zip(row)
                    .map(|(h, c)| format!("{}: {}", quote(h), json_value(c)))
                    .collect();
                format!("{{{}}}", fields.join(", "))
            })
            .collect();
        let notes: Vec<String> = self.notes.iter().map(|n| quote(n)).collect();
        format!(
            "{{\"title\": {}, \"notes\": [{}], \"rows\": [\n    {}\n  ]}}",
            quote(&self.title),
            notes.join(", "),
            rows.join(",\n    ")
        )
    }
}

fn json_value(cell: &str) -> String {
    match cell.parse::<f64>() {
        Ok(n) if n.is_finite() => cell.to_string(),
        _ => quote(cell),
    }
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
