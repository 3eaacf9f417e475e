//! `SELECT … INTO OUTFILE 'file'`: the rows of the SELECT written to a new
//! file on the server's side in MariaDB's default format (fields split by
//! a tab, lines ended by a newline, `\` escaping itself, tabs, newlines
//! and NUL, NULL written as `\N`); an existing file is refused with 1086.
//! The file name and the SELECT's text come in; the file and an OK with
//! the row count go out.

use std::io::Write;
use std::path::Path;

use super::ok;
use crate::error::ServerError;
use crate::session::{Session, StatementResult, not_supported};
use crate::sql::eval::to_text;
use crate::sql::parse::{Piece, Statement, parse_statement};
use crate::sql::value::{Row, Value};

/// Runs the SELECT and writes its rows to `file`.
pub fn run(session: &mut Session, file: &str, select: &str) -> StatementResult {
    let piece = Piece {
        text: select,
        line: 1,
    };
    let Statement::Sql(ast) = parse_statement(&piece)? else {
        return Err(not_supported("this SELECT … INTO OUTFILE"));
    };
    let sqlparser::ast::Statement::Query(query) = ast.as_ref() else {
        return Err(not_supported("this SELECT … INTO OUTFILE"));
    };
    let path = target(session, file);
    if path.exists() {
        return Err(file_exists(file));
    }
    let rows = super::query_rows(session, query)?;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|_| file_exists(file))?;
    out.write_all(&format_rows(&rows))
        .map_err(|e| write_error(file, &e))?;
    ok(rows.len() as u64)
}

/// 1026 with the OS error as MariaDB's `%M` prints it: `errno "text"`.
fn write_error(file: &str, e: &std::io::Error) -> ServerError {
    let code = e.raw_os_error().unwrap_or(0);
    let full = e.to_string();
    let text = full
        .strip_suffix(&format!(" (os error {code})"))
        .unwrap_or(&full);
    ServerError::new(
        1026,
        "HY000",
        format!("Error writing file '{file}' (errno: {code} \"{text}\")"),
    )
}

/// A relative name is taken in the data directory, as MariaDB does.
fn target(session: &Session, file: &str) -> std::path::PathBuf {
    let path = Path::new(file);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        session.state.config.datadir.join(path)
    }
}

/// 1086, MariaDB's refusal to overwrite.
fn file_exists(file: &str) -> ServerError {
    ServerError::new(1086, "HY000", format!("File '{file}' already exists"))
}

/// The file's bytes for `rows`.
fn format_rows(rows: &[Row]) -> Vec<u8> {
    let mut out = Vec::new();
    for row in rows {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                out.push(b'\t');
            }
            field(&mut out, value);
        }
        out.push(b'\n');
    }
    out
}

fn field(out: &mut Vec<u8>, value: &Value) {
    let Some(bytes) = to_text(value) else {
        out.extend_from_slice(b"\\N");
        return;
    };
    for b in bytes {
        match b {
            b'\\' | b'\t' | b'\n' => out.extend_from_slice(&[b'\\', b]),
            0 => out.extend_from_slice(b"\\0"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_written_in_the_default_format() {
        let rows = vec![
            vec![Value::Int(1), Value::text("a\tb\\c\nd")],
            vec![Value::Null, Value::Bytes(vec![0, b'x'])],
        ];
        assert_eq!(
            format_rows(&rows),
            b"1\ta\\\tb\\\\c\\\nd\n\\N\t\\0x\n".to_vec()
        );
    }
}
