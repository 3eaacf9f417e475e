//! How mysqltest prints what a statement returned: column names and rows
//! separated by tabs (or `name\tvalue` lines when vertical), `NULL` for
//! nulls, optional metadata, the `affected rows:`/`info:` lines, and the
//! sorting that `sorted_result` applies. Text passes through the active
//! [`Replacements`]; in metadata only the numbers do, each on its own, as
//! in mysqltest (names, `Is_null` and type attributes are printed as sent).

use super::replace::Replacements;
use crate::client::{Column, ResultSet};
use crate::script::charset::ClientCharset;

/// Switches that shape result output.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    pub vertical: bool,
    pub no_column_names: bool,
    pub metadata: bool,
    pub charset: ClientCharset,
}

/// Appends a result set: metadata, headings (not when vertical), rows.
pub fn append_result_set(out: &mut Vec<u8>, rs: &ResultSet, shape: Shape, rep: &Replacements) {
    append_header(out, rs, shape, rep);
    append_rows(out, rs, shape, rep);
}

/// Appends what comes before the rows: metadata (measured over all the
/// rows) and headings; `sorted_result` sorts only what follows.
pub fn append_header(out: &mut Vec<u8>, rs: &ResultSet, shape: Shape, rep: &Replacements) {
    if shape.metadata {
        append_metadata(out, rs, rep, shape.charset);
    }
    if !shape.vertical {
        append_headings(out, &rs.columns, shape, rep);
    }
}

/// Appends the rows only (also used for `SHOW WARNINGS`).
pub fn append_rows(out: &mut Vec<u8>, rs: &ResultSet, shape: Shape, rep: &Replacements) {
    for row in &rs.rows {
        for (i, (value, column)) in row.iter().zip(&rs.columns).enumerate() {
            append_field(out, i, column, value.as_deref(), shape, rep);
        }
        if !shape.vertical {
            out.push(b'\n');
        }
    }
}

fn append_field(
    out: &mut Vec<u8>,
    index: usize,
    column: &Column,
    value: Option<&[u8]>,
    shape: Shape,
    rep: &Replacements,
) {
    let text = rep.column(index).or(value).unwrap_or(b"NULL");
    if shape.vertical {
        out.extend_from_slice(&column.name);
        out.push(b'\t');
        rep.append(out, text, shape.charset);
        out.push(b'\n');
    } else {
        if index > 0 {
            out.push(b'\t');
        }
        rep.append(out, text, shape.charset);
    }
}

fn append_headings(out: &mut Vec<u8>, columns: &[Column], shape: Shape, rep: &Replacements) {
    if shape.no_column_names {
        return;
    }
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        rep.append(out, until_nul(&column.name), shape.charset);
    }
    out.push(b'\n');
}

fn until_nul(text: &[u8]) -> &[u8] {
    &text[..text.iter().position(|&b| b == 0).unwrap_or(text.len())]
}

/// Column flag: NOT NULL.
const NOT_NULL_FLAG: u16 = 1;
/// Flag the client library adds to numeric columns.
const NUM_FLAG: u16 = 32768;

/// Column types the client library counts as numeric.
fn is_numeric_type(t: u8) -> bool {
    const TIMESTAMP: u8 = 7;
    const INT24: u8 = 9;
    const YEAR: u8 = 13;
    const NEWDECIMAL: u8 = 246;
    (t <= INT24 && t != TIMESTAMP) || t == YEAR || t == NEWDECIMAL
}

/// The client library's `max_length`: the longest non-NULL value, in bytes.
fn max_length(rs: &ResultSet, index: usize) -> usize {
    rs.rows
        .iter()
        .filter_map(|row| row.get(index).and_then(|v| v.as_ref()).map(Vec::len))
        .max()
        .unwrap_or(0)
}

fn append_metadata(out: &mut Vec<u8>, rs: &ResultSet, rep: &Replacements, charset: ClientCharset) {
    out.extend_from_slice(
        b"Catalog\tDatabase\tTable\tTable_alias\tColumn\tColumn_alias\tType\tLength\tMax length\tIs_null\tFlags\tDecimals\tCharsetnr\n",
    );
    let number = |out: &mut Vec<u8>, n: u64| rep.append(out, n.to_string().as_bytes(), charset);
    for (i, c) in rs.columns.iter().enumerate() {
        for part in [
            &c.catalog,
            &c.schema,
            &c.org_table,
            &c.table,
            &c.org_name,
            &c.name,
        ] {
            out.extend_from_slice(part);
            out.push(b'\t');
        }
        let nullable = if c.flags & NOT_NULL_FLAG != 0 {
            "N"
        } else {
            "Y"
        };
        let flags = if is_numeric_type(c.column_type) {
            c.flags | NUM_FLAG
        } else {
            c.flags
        };
        number(out, c.column_type.into());
        append_type_attributes(out, c);
        out.push(b'\t');
        number(out, c.length.into());
        out.push(b'\t');
        number(out, max_length(rs, i) as u64);
        out.push(b'\t');
        out.extend_from_slice(nullable.as_bytes());
        for n in [u64::from(flags), c.decimals.into(), c.charset.into()] {
            out.push(b'\t');
            number(out, n);
        }
        out.push(b'\n');
    }
}

/// MariaDB's data type and format names, as ` (type=inet6 format=…)`.
fn append_type_attributes(out: &mut Vec<u8>, c: &Column) {
    let mut attrs: Vec<u8> = Vec::new();
    for (name, value) in [
        (&b"type="[..], &c.data_type_name),
        (b"format=", &c.format_name),
    ] {
        if value.is_empty() {
            continue;
        }
        if !attrs.is_empty() {
            attrs.push(b' ');
        }
        attrs.extend_from_slice(name);
        attrs.extend_from_slice(value);
    }
    if !attrs.is_empty() {
        out.extend_from_slice(b" (");
        out.extend_from_slice(&attrs);
        out.push(b')');
    }
}

/// Names of the session tracker types, by type number.
const TRACKERS: [&str; 6] = [
    "SESSION_TRACK_SYSTEM_VARIABLES",
    "SESSION_TRACK_SCHEMA",
    "SESSION_TRACK_STATE_CHANGE",
    "SESSION_TRACK_GTIDS",
    "SESSION_TRACK_TRANSACTION_CHARACTERISTICS",
    "SESSION_TRACK_TRANSACTION_TYPE",
];

/// `enable_session_track_info`: the session state changes the connection
/// keeps (those of the last OK packet, also shown after a result set, as
/// mysqltest 10.11 does), grouped by tracker; system variables as sorted
/// `-- name: value` lines.
pub fn append_session_track(out: &mut Vec<u8>, raw: &[u8]) {
    let entries = session_entries(raw);
    for (kind, name) in TRACKERS.iter().enumerate() {
        let pieces: Vec<&Vec<u8>> = entries
            .iter()
            .filter(|(k, _)| usize::from(*k) == kind)
            .flat_map(|(_, p)| p)
            .collect();
        if pieces.is_empty() {
            continue;
        }
        out.extend_from_slice(format!("-- Tracker : {name}\n").as_bytes());
        if kind == 0 {
            let mut lines = Vec::new();
            for pair in pieces.chunks(2) {
                lines.extend_from_slice(b"-- ");
                lines.extend_from_slice(pair[0]);
                lines.extend_from_slice(b": ");
                lines.extend_from_slice(pair.get(1).map_or(&b"<NULL>"[..], |v| v));
                lines.push(b'\n');
            }
            append_sorted(out, &lines, false);
            out.push(b'\n');
        } else {
            for (i, piece) in pieces.iter().enumerate() {
                out.extend_from_slice(if i == 0 { b"-- " } else { b"\n-- " });
                out.extend_from_slice(piece);
            }
            out.extend_from_slice(b"\n\n");
        }
    }
}

/// Decodes a session-state block into (tracker type, values).
fn session_entries(raw: &[u8]) -> Vec<(u8, Vec<Vec<u8>>)> {
    let mut entries = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let kind = raw[i];
        i += 1;
        let Some((data, next)) = lenenc(raw, i) else {
            break;
        };
        i = next;
        let mut values = Vec::new();
        let mut j = if kind == 3 { 1 } else { 0 };
        while j < data.len() {
            let Some((value, after)) = lenenc(data, j) else {
                break;
            };
            values.push(value.to_vec());
            j = after;
        }
        entries.push((kind, values));
    }
    entries
}

/// A length-encoded string at `at`, and the offset after it.
fn lenenc(buf: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let first = *buf.get(at)?;
    let (len, start) = match first {
        0..=0xfa => (usize::from(first), at + 1),
        0xfc => (
            usize::from(u16::from_le_bytes([*buf.get(at + 1)?, *buf.get(at + 2)?])),
            at + 3,
        ),
        0xfd => {
            let b = buf.get(at + 1..at + 4)?;
            (
                usize::from(b[0]) | usize::from(b[1]) << 8 | usize::from(b[2]) << 16,
                at + 4,
            )
        }
        _ => return None,
    };
    Some((buf.get(start..start + len)?, start + len))
}

/// `affected rows: N` and, when the server sent one, `info: …`.
pub fn append_info(out: &mut Vec<u8>, affected_rows: u64, info: Option<&[u8]>) {
    out.extend_from_slice(format!("affected rows: {affected_rows}\n").as_bytes());
    if let Some(info) = info {
        out.extend_from_slice(b"info: ");
        out.extend_from_slice(until_nul(info));
        out.push(b'\n');
    }
}

/// Sorts the lines of `input` (keeping the first one in place when
/// `keep_header`) and appends them, as `sorted_result` does.
pub fn append_sorted(out: &mut Vec<u8>, input: &[u8], keep_header: bool) {
    if input.is_empty() || input[0] == 0 {
        return;
    }
    let mut rest = input;
    if keep_header {
        let header_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        out.extend_from_slice(&rest[..header_end]);
        rest = &rest[header_end..];
    }
    let body = until_nul(rest);
    let mut lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    if body.last() == Some(&b'\n') || body.is_empty() {
        lines.pop();
    }
    lines.sort_by(|a, b| until_nul(a).cmp(until_nul(b)));
    for line in lines {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::replace::StringReplacer;

    fn column(name: &str) -> Column {
        Column {
            catalog: b"def".to_vec(),
            schema: Vec::new(),
            table: Vec::new(),
            org_table: Vec::new(),
            name: name.as_bytes().to_vec(),
            org_name: Vec::new(),
            charset: 8,
            length: 1,
            column_type: 253,
            flags: 0,
            decimals: 0,
            data_type_name: Vec::new(),
            format_name: Vec::new(),
        }
    }

    fn rs() -> ResultSet {
        ResultSet {
            columns: vec![column("a"), column("b")],
            rows: vec![
                vec![Some(b"2".to_vec()), None],
                vec![Some(b"1".to_vec()), Some(b"x".to_vec())],
            ],
            warnings: 0,
            status_flags: 0,
        }
    }

    #[test]
    fn horizontal_output() {
        let mut out = Vec::new();
        append_result_set(&mut out, &rs(), Shape::default(), &Replacements::default());
        assert_eq!(out, b"a\tb\n2\tNULL\n1\tx\n");
    }

    #[test]
    fn vertical_output_has_no_headings() {
        let mut out = Vec::new();
        let shape = Shape {
            vertical: true,
            ..Shape::default()
        };
        append_result_set(&mut out, &rs(), shape, &Replacements::default());
        assert_eq!(out, b"a\t2\nb\tNULL\na\t1\nb\tx\n");
    }

    #[test]
    fn replace_column_wins_over_values_and_null() {
        let rep = Replacements {
            columns: vec![None, Some(b"#".to_vec())],
            ..Replacements::default()
        };
        let mut out = Vec::new();
        append_result_set(&mut out, &rs(), Shape::default(), &rep);
        assert_eq!(out, b"a\tb\n2\t#\n1\t#\n");
    }

    #[test]
    fn sorting_keeps_the_header() {
        let mut out = Vec::new();
        append_sorted(&mut out, b"h\nz\na\nm\n", true);
        assert_eq!(out, b"h\na\nm\nz\n");
        let mut out = Vec::new();
        append_sorted(&mut out, b"z\na\n", false);
        assert_eq!(out, b"a\nz\n");
    }

    #[test]
    fn session_tracking_lists_sorted_variables() {
        let raw = b"\x00\x1e\x18character_set_connection\x04big5\x01\x05\x04test";
        let mut out = Vec::new();
        append_session_track(&mut out, raw);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "-- Tracker : SESSION_TRACK_SYSTEM_VARIABLES\n-- character_set_connection: big5\n\n\
             -- Tracker : SESSION_TRACK_SCHEMA\n-- test\n\n"
        );
    }

    #[test]
    fn type_attributes_print_after_the_type() {
        let mut c = column("j");
        c.format_name = b"json".to_vec();
        let mut out = Vec::new();
        append_type_attributes(&mut out, &c);
        assert_eq!(out, b" (format=json)");
    }

    #[test]
    fn info_lines() {
        let mut out = Vec::new();
        append_info(&mut out, 3, Some(b"Records: 3  Duplicates: 0  Warnings: 0"));
        assert_eq!(
            out,
            b"affected rows: 3\ninfo: Records: 3  Duplicates: 0  Warnings: 0\n"
        );
    }

    fn metadata_shape() -> Shape {
        Shape {
            metadata: true,
            ..Shape::default()
        }
    }

    /// main.ps_*: `replace_result 4096 4_OR_8_K` reaches the Length column,
    /// while names and `Is_null` are printed as sent.
    #[test]
    fn metadata_numbers_pass_through_replacements() {
        let rep = Replacements {
            result: Some(StringReplacer::new(vec![
                (b"1".to_vec(), b"ONE".to_vec()),
                (b"def".to_vec(), b"DEF".to_vec()),
                (b"Y".to_vec(), b"YES".to_vec()),
            ])),
            ..Replacements::default()
        };
        let mut one = rs();
        one.columns.truncate(1);
        one.rows = vec![vec![Some(b"22".to_vec())]];
        let mut out = Vec::new();
        append_header(&mut out, &one, metadata_shape(), &rep);
        let line = String::from_utf8(out).unwrap();
        let line = line.lines().nth(1).unwrap();
        assert_eq!(line, "def\t\t\t\t\ta\t253\tONE\t2\tY\t0\t0\t8");
    }

    /// main.metadata: under `sorted_result` the header is printed apart
    /// from the rows, but Max length still measures them (NULLs aside).
    #[test]
    fn header_measures_every_row() {
        let mut out = Vec::new();
        append_header(&mut out, &rs(), metadata_shape(), &Replacements::default());
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1].split('\t').nth(8), Some("1"));
        assert_eq!(lines[2].split('\t').nth(8), Some("1"));
        assert_eq!(lines[3], "a\tb");
    }
}
