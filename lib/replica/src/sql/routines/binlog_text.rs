//! The text a statement of a procedure is binary-logged as. MariaDB logs
//! each statement a CALL runs as a statement of its own (never the CALL),
//! with every reference to a local variable or parameter replaced by
//! ` NAME_CONST('name',literal)`: the variable's value written as a literal
//! of its type, so that a slave, which has no such variables, computes the
//! same result. The statement's text and parsed form and the running
//! frame come in; the text to log goes out.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, visit_expressions};

use super::ast::Leaf;
use super::state::Frame;
use crate::session::Session;
use crate::sql::parse::Statement;
use crate::sql::types::SqlType;
use crate::sql::value::TemporalKind;
use crate::sql::value::{Value, format_double, to_text};
use crate::sysvars::charsets::{character_set, default_collation};

/// The text to log for a statement run in the session's top frame.
pub fn logged_text(session: &Session, leaf: &Leaf) -> String {
    let Some(frame) = session.routines.frame() else {
        return leaf.text.clone();
    };
    let charset = session
        .vars
        .setting("character_set_server")
        .and_then(|s| character_set(s.as_text()))
        .unwrap_or("latin1");
    let mut replacements = Vec::new();
    for (start, end, name) in local_references(&leaf.text, &leaf.statement, frame) {
        let Some(var) = frame.var(&name) else {
            continue;
        };
        let literal = literal(&var.value, &var.column.ty, charset);
        let quoted_name = name.replace('\\', "\\\\").replace('\'', "\\'");
        replacements.push((
            start,
            end,
            format!(" NAME_CONST('{quoted_name}',{literal})"),
        ));
    }
    splice(&leaf.text, replacements)
}

/// Byte ranges of `text` that name a local variable of `frame`, with the name.
fn local_references(
    text: &str,
    statement: &Statement,
    frame: &Frame,
) -> Vec<(usize, usize, String)> {
    let Statement::Sql(ast) = statement else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let _ = visit_expressions(ast.as_ref(), |expr| {
        if let Expr::Identifier(ident) = expr {
            if frame.var(&ident.value).is_some() {
                let span = ident.span;
                let start = byte_offset(text, span.start.line, span.start.column);
                let end = byte_offset(text, span.end.line, span.end.column);
                if let (Some(start), Some(end)) = (start, end) {
                    if names(&text[start..end], &ident.value) {
                        found.push((start, end, ident.value.clone()));
                    }
                }
            }
        }
        ControlFlow::<()>::Continue(())
    });
    found.sort_by_key(|r| r.0);
    found.dedup_by_key(|r| r.0);
    found
}

/// Whether `slice` of the text is the identifier `name`, bare or quoted.
fn names(slice: &str, name: &str) -> bool {
    let bare = slice
        .strip_prefix('`')
        .and_then(|s| s.strip_suffix('`'))
        .unwrap_or(slice);
    bare.eq_ignore_ascii_case(name) || bare.replace("``", "`").eq_ignore_ascii_case(name)
}

/// The byte offset of a 1-based (line, character column) position.
fn byte_offset(text: &str, line: u64, column: u64) -> Option<usize> {
    if line == 0 || column == 0 {
        return None;
    }
    let mut line_start = 0;
    for _ in 1..line {
        line_start += text[line_start..].find('\n')? + 1;
    }
    let rest = &text[line_start..];
    let wanted = usize::try_from(column - 1).ok()?;
    match rest.char_indices().nth(wanted) {
        Some((at, _)) => Some(line_start + at),
        None if rest.chars().count() == wanted => Some(text.len()),
        None => None,
    }
}

/// `text` with each (start, end) range, sorted and disjoint, replaced.
fn splice(text: &str, replacements: Vec<(usize, usize, String)>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, with) in replacements {
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&with);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// A variable's value as the literal NAME_CONST carries: temporals with
/// their type's keyword, strings with their character set and collation.
pub fn literal(value: &Value, ty: &SqlType, charset: &str) -> String {
    match value {
        Value::Null => "NULL".to_string(),
        Value::Double(d) => format_double(*d),
        Value::Temporal(t) => {
            let keyword = match t.kind {
                TemporalKind::Date => "DATE",
                TemporalKind::DateTime => "TIMESTAMP",
                TemporalKind::Time => "TIME",
            };
            format!("{keyword}'{}'", text_of(value))
        }
        Value::Bytes(bytes) => {
            let (charset, collation) = match is_binary(ty) {
                true => ("binary", "binary"),
                false => (charset, default_collation(charset).unwrap_or(charset)),
            };
            format!(
                "_{charset}'{}' COLLATE '{collation}'",
                escape(&String::from_utf8_lossy(bytes))
            )
        }
        Value::Int(_) | Value::UInt(_) | Value::Decimal(_) => text_of(value),
    }
}

fn text_of(value: &Value) -> String {
    to_text(value).map_or_else(String::new, |b| String::from_utf8_lossy(&b).into_owned())
}

/// Types whose strings are bytes, not characters.
fn is_binary(ty: &SqlType) -> bool {
    matches!(
        ty,
        SqlType::Blob(_)
            | SqlType::Bit(_)
            | SqlType::Char { binary: true, .. }
            | SqlType::Varchar { binary: true, .. }
    )
}

/// Backslash escapes of a string literal's content, as MariaDB prints them.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\x1a' => out.push_str("\\Z"),
            '\\' | '\'' | '"' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::parse::{Piece, parse_statement};
    use crate::sql::routines::interpreter::variable_column;
    use crate::sql::routines::state::{FrameKind, Variable};
    use crate::sql::types::IntWidth;

    /// A session running a procedure with locals `x INT = 5`, `t TIME`
    /// and `s VARCHAR(10) = 'it''s'`.
    fn session_in_procedure() -> Session {
        let mut session = Session::for_tests();
        session.vars.set_server_value(
            "character_set_server",
            crate::sysvars::Setting::Text(Some("latin1".into())),
        );
        let mut frame = Frame::new(FrameKind::Procedure, "test.p".into());
        let int = SqlType::Int {
            width: IntWidth::Int,
            unsigned: false,
            zerofill: false,
            display: None,
        };
        let varchar = SqlType::Varchar {
            length: 10,
            binary: false,
        };
        let time = crate::sql::value::Temporal {
            kind: TemporalKind::Time,
            negative: false,
            year: 0,
            month: 0,
            day: 0,
            hour: 1,
            minute: 1,
            second: 1,
            micros: 0,
            fsp: 0,
        };
        for (name, ty, value) in [
            ("x", int, Value::Int(5)),
            ("t", SqlType::Time { fsp: 0 }, Value::Temporal(time)),
            ("s", varchar, Value::text("it's")),
        ] {
            frame.vars.push(Variable {
                depth: 0,
                column: variable_column(name, ty),
                value,
            });
        }
        session.routines.frames.push(frame);
        session
    }

    fn logged(session: &Session, text: &str) -> String {
        let statement = parse_statement(&Piece { text, line: 1 }).unwrap();
        let leaf = Leaf {
            text: text.to_string(),
            statement,
        };
        logged_text(session, &leaf)
    }

    #[test]
    fn locals_are_logged_as_name_const_as_mariadb_does() {
        let s = session_in_procedure();
        assert_eq!(
            logged(&s, "INSERT INTO t1 VALUES (t=10101)"),
            "INSERT INTO t1 VALUES ( NAME_CONST('t',TIME'01:01:01')=10101)"
        );
        // The name is spelled as the reference spells it.
        assert_eq!(
            logged(&s, "UPDATE t1 SET a = a + x WHERE a = `X`"),
            "UPDATE t1 SET a = a +  NAME_CONST('x',5) WHERE a =  NAME_CONST('X',5)"
        );
        assert_eq!(
            logged(&s, "INSERT INTO t2 (s)\n  SELECT CONCAT(s, 'é', x)"),
            "INSERT INTO t2 (s)\n  SELECT CONCAT( NAME_CONST('s',_latin1'it\\'s' COLLATE 'latin1_swedish_ci'), 'é',  NAME_CONST('x',5))"
        );
    }

    #[test]
    fn columns_tables_and_other_names_stay() {
        let s = session_in_procedure();
        for text in [
            "INSERT INTO x (x) VALUES (1)",
            "DELETE FROM t1 WHERE t1.x = @x",
            "CREATE TABLE s (x INT)",
        ] {
            assert_eq!(logged(&s, text), text);
        }
    }

    #[test]
    fn offsets_count_characters_per_line() {
        let text = "SELECT 'é',\n  ab";
        assert_eq!(byte_offset(text, 1, 9), Some(8));
        assert_eq!(byte_offset(text, 2, 3), Some(15));
        assert_eq!(byte_offset(text, 2, 5), Some(text.len()));
        assert_eq!(byte_offset(text, 3, 1), None);
        assert_eq!(byte_offset(text, 0, 1), None);
    }

    #[test]
    fn replacements_keep_the_rest_of_the_text() {
        let out = splice("a + b", vec![(0, 1, "X".into()), (4, 5, "Y".into())]);
        assert_eq!(out, "X + Y");
    }

    #[test]
    fn names_match_bare_or_quoted() {
        assert!(names("V_id", "v_id"));
        assert!(names("`v_id`", "v_id"));
        assert!(!names("v_idx", "v_id"));
    }

    #[test]
    fn strings_carry_charset_and_collation() {
        let varchar = SqlType::Varchar {
            length: 10,
            binary: false,
        };
        assert_eq!(
            literal(&Value::text("a'b\"\n\\"), &varchar, "latin1"),
            r#"_latin1'a\'b\"\n\\' COLLATE 'latin1_swedish_ci'"#
        );
        assert_eq!(
            literal(
                &Value::text("x"),
                &SqlType::Blob(crate::sql::types::LobSize::Normal),
                "latin1"
            ),
            "_binary'x' COLLATE 'binary'"
        );
    }
}
