//! The statements about stored programs themselves: CREATE [OR REPLACE]
//! PROCEDURE / FUNCTION / TRIGGER (header, then the body through
//! `body`), DROP PROCEDURE / FUNCTION / TRIGGER and SHOW CREATE of each.
//! `recognize` says from a statement's first words whether it is one of
//! them; `parse_create` reads a whole CREATE when it runs.

use super::ast::{Characteristics, Event, Param, ParamMode, RoutineDef, Timing, TriggerDef};
use super::body::{BodyParser, parse_body, starts_compound};
use super::cursor::Cursor;
use crate::error::ServerResult;
use crate::storage::programs::RoutineKind;

/// What kind of stored program a statement names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramKind {
    Routine(RoutineKind),
    Trigger,
}

/// A statement about stored programs, as far as the first words tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramStatement {
    /// CREATE …: parsed whole when it runs.
    Create { text: String },
    Drop {
        kind: ProgramKind,
        if_exists: bool,
        schema: Option<String>,
        name: String,
    },
    ShowCreate {
        kind: ProgramKind,
        schema: Option<String>,
        name: String,
    },
}

/// The program statement `text` is, if it is one; 1064 for a malformed
/// DROP or SHOW CREATE.
pub fn recognize(text: &str) -> Option<ServerResult<ProgramStatement>> {
    if !names_a_program(text) {
        return None;
    }
    let mut c = Cursor::new(text);
    if c.eat("CREATE") {
        return create_kind(&mut c).map(|_| {
            Ok(ProgramStatement::Create {
                text: text.to_string(),
            })
        });
    }
    if c.eat("DROP") {
        let kind = program_kind(&mut c)?;
        return Some(drop_statement(&mut c, kind));
    }
    if c.eat_all(&["SHOW", "CREATE"]) {
        let kind = program_kind(&mut c)?;
        return Some(show_create(&mut c, kind));
    }
    None
}

/// A cheap first look: CREATE, DROP or SHOW with PROCEDURE, FUNCTION or
/// TRIGGER among the first words (so other statements are not tokenized).
fn names_a_program(text: &str) -> bool {
    let head = text
        .trim_start()
        .chars()
        .take(200)
        .collect::<String>()
        .to_ascii_uppercase();
    ["CREATE", "DROP", "SHOW"]
        .iter()
        .any(|w| head.starts_with(w))
        && ["PROCEDURE", "FUNCTION", "TRIGGER"]
            .iter()
            .any(|w| head.contains(w))
}

fn program_kind(c: &mut Cursor<'_>) -> Option<ProgramKind> {
    if c.eat("PROCEDURE") {
        Some(ProgramKind::Routine(RoutineKind::Procedure))
    } else if c.eat("FUNCTION") {
        Some(ProgramKind::Routine(RoutineKind::Function))
    } else if c.eat("TRIGGER") {
        Some(ProgramKind::Trigger)
    } else {
        None
    }
}

fn drop_statement(c: &mut Cursor<'_>, kind: ProgramKind) -> ServerResult<ProgramStatement> {
    let if_exists = c.eat_all(&["IF", "EXISTS"]);
    let (schema, name) = c.qualified_name()?;
    if !c.at_end() {
        return Err(c.error());
    }
    Ok(ProgramStatement::Drop {
        kind,
        if_exists,
        schema,
        name,
    })
}

fn show_create(c: &mut Cursor<'_>, kind: ProgramKind) -> ServerResult<ProgramStatement> {
    let (schema, name) = c.qualified_name()?;
    if !c.at_end() {
        return Err(c.error());
    }
    Ok(ProgramStatement::ShowCreate { kind, schema, name })
}

/// Past `[OR REPLACE] [DEFINER = who] [AGGREGATE] PROCEDURE|FUNCTION|TRIGGER`:
/// the kind and whether OR REPLACE was given. None for other CREATEs (and
/// for UDFs: `FUNCTION … SONAME`).
fn create_kind(c: &mut Cursor<'_>) -> Option<(ProgramKind, bool)> {
    let or_replace = c.eat_all(&["OR", "REPLACE"]);
    if c.eat("DEFINER") {
        c.eat_symbol('=');
        while !c.at_end()
            && !["PROCEDURE", "FUNCTION", "TRIGGER", "AGGREGATE"]
                .iter()
                .any(|w| c.at(w))
        {
            c.pos += 1;
        }
    }
    let _ = c.eat("AGGREGATE");
    let kind = program_kind(c)?;
    let udf = c.tokens.iter().any(|t| t.is(c.source, "SONAME"));
    (!udf).then_some((kind, or_replace))
}

/// A CREATE PROCEDURE / FUNCTION / TRIGGER statement, parsed whole.
#[derive(Debug, Clone)]
pub enum Create {
    Routine(RoutineDef),
    Trigger(TriggerDef),
}

/// Parses a CREATE statement `recognize` accepted.
pub fn parse_create(text: &str) -> ServerResult<Create> {
    let mut c = Cursor::new(text);
    c.expect("CREATE")?;
    let Some((kind, or_replace)) = create_kind(&mut c) else {
        return Err(c.error());
    };
    let if_not_exists = c.eat_all(&["IF", "NOT", "EXISTS"]);
    let (schema, name) = c.qualified_name()?;
    match kind {
        ProgramKind::Routine(kind) => routine(&mut c, kind, schema, name).map(|mut r| {
            (r.or_replace, r.if_not_exists) = (or_replace, if_not_exists);
            Create::Routine(r)
        }),
        ProgramKind::Trigger => trigger(&mut c, schema, name).map(|mut t| {
            (t.or_replace, t.if_not_exists) = (or_replace, if_not_exists);
            Create::Trigger(t)
        }),
    }
}

fn routine(
    c: &mut Cursor<'_>,
    kind: RoutineKind,
    schema: Option<String>,
    name: String,
) -> ServerResult<RoutineDef> {
    c.expect_symbol('(')?;
    let params_start = c.offset();
    let params = params(c, kind)?;
    let params_text = c.source[params_start..c.offset()].to_string();
    c.expect_symbol(')')?;
    let returns = if kind == RoutineKind::Function {
        c.expect("RETURNS")?;
        Some(BodyParser::new(c).data_type(CHARACTERISTIC_WORDS_AND_BODY)?)
    } else {
        None
    };
    let characteristics = characteristics(c)?;
    let body_start = c.offset();
    let body = parse_body(c)?;
    Ok(RoutineDef {
        kind,
        or_replace: false,
        if_not_exists: false,
        schema,
        name,
        params,
        params_text,
        returns,
        characteristics,
        body,
        body_text: c.source[body_start..].trim_end().to_string(),
    })
}

/// Words after which a RETURNS type has ended.
const CHARACTERISTIC_WORDS_AND_BODY: &[&str] = &[
    "LANGUAGE",
    "NOT",
    "DETERMINISTIC",
    "CONTAINS",
    "NO",
    "READS",
    "MODIFIES",
    "SQL",
    "COMMENT",
    "BEGIN",
    "RETURN",
    "SELECT",
    "SET",
    "IF",
    "CASE",
    "LOOP",
    "WHILE",
    "REPEAT",
    "DECLARE",
    ";",
];

fn params(c: &mut Cursor<'_>, kind: RoutineKind) -> ServerResult<Vec<Param>> {
    let mut params = Vec::new();
    if c.at_symbol(')') {
        return Ok(params);
    }
    loop {
        let mode = if kind == RoutineKind::Function {
            ParamMode::In
        } else if c.eat("INOUT") {
            ParamMode::InOut
        } else if c.eat("OUT") {
            ParamMode::Out
        } else {
            let _ = c.eat("IN");
            ParamMode::In
        };
        let name = c.name()?;
        let ty = BodyParser::new(c).data_type(&[",", ")"])?;
        params.push(Param { mode, name, ty });
        if !c.eat_symbol(',') {
            return Ok(params);
        }
    }
}

fn characteristics(c: &mut Cursor<'_>) -> ServerResult<Characteristics> {
    let mut ch = Characteristics::default();
    loop {
        let start = c.offset();
        if c.eat_all(&["LANGUAGE", "SQL"]) {
        } else if c.eat_all(&["NOT", "DETERMINISTIC"]) {
            ch.deterministic = false;
        } else if c.eat("DETERMINISTIC") {
            ch.deterministic = true;
        } else if c.eat_all(&["CONTAINS", "SQL"])
            || c.eat_all(&["NO", "SQL"])
            || c.eat_all(&["READS", "SQL", "DATA"])
            || c.eat_all(&["MODIFIES", "SQL", "DATA"])
        {
            ch.data_access = Some(c.source[start..c.end_of_previous()].to_ascii_uppercase());
        } else if c.eat_all(&["SQL", "SECURITY"]) {
            ch.security_invoker = c.eat("INVOKER");
            if !ch.security_invoker {
                c.expect("DEFINER")?;
            }
        } else if c.eat("COMMENT") {
            ch.comment = Some(c.string()?);
        } else {
            return Ok(ch);
        }
        ch.texts
            .push(c.source[start..c.end_of_previous()].to_string());
    }
}

fn trigger(c: &mut Cursor<'_>, schema: Option<String>, name: String) -> ServerResult<TriggerDef> {
    let timing = if c.eat("BEFORE") {
        Timing::Before
    } else {
        c.expect("AFTER")?;
        Timing::After
    };
    let event = if c.eat("INSERT") {
        Event::Insert
    } else if c.eat("UPDATE") {
        Event::Update
    } else {
        c.expect("DELETE")?;
        Event::Delete
    };
    c.expect("ON")?;
    let (table_schema, table) = c.qualified_name()?;
    c.expect("FOR")?;
    c.expect("EACH")?;
    c.expect("ROW")?;
    if c.eat("FOLLOWS") || c.eat("PRECEDES") {
        c.name()?;
    }
    let body_start = c.offset();
    let body = parse_body(c)?;
    Ok(TriggerDef {
        or_replace: false,
        if_not_exists: false,
        schema,
        name,
        timing,
        event,
        table_schema,
        table,
        body,
        body_text: c.source[body_start..].trim_end().to_string(),
    })
}

/// Where a CREATE PROCEDURE / FUNCTION / TRIGGER starting at `query[start..]`
/// ends when its body is a compound statement (whose `;`s do not end the
/// query); None for everything else. A body that does not parse takes the
/// rest of the query, so its syntax error is reported where it is.
pub fn compound_create_end(query: &str, start: usize) -> Option<usize> {
    let rest = &query[start..];
    if !rest
        .get(..6)
        .is_some_and(|w| w.eq_ignore_ascii_case("CREATE"))
        || !names_a_program(rest)
    {
        return None;
    }
    let mut c = Cursor::new(rest);
    c.pos = 1;
    let (kind, _) = create_kind(&mut c)?;
    let _ = c.eat_all(&["IF", "NOT", "EXISTS"]);
    let header = match kind {
        ProgramKind::Routine(kind) => skip_routine_header(&mut c, kind),
        ProgramKind::Trigger => skip_trigger_header(&mut c),
    };
    if header.is_err() || !starts_compound(&c) {
        return header.is_err().then_some(query.len());
    }
    match BodyParser::new(&mut c).statement() {
        Ok(_) => Some(start + c.end_of_previous()),
        Err(_) => Some(query.len()),
    }
}

fn skip_routine_header(c: &mut Cursor<'_>, kind: RoutineKind) -> ServerResult<()> {
    c.qualified_name()?;
    c.expect_symbol('(')?;
    params(c, kind)?;
    c.expect_symbol(')')?;
    if kind == RoutineKind::Function {
        c.expect("RETURNS")?;
        BodyParser::new(c).data_type(CHARACTERISTIC_WORDS_AND_BODY)?;
    }
    characteristics(c).map(drop)
}

fn skip_trigger_header(c: &mut Cursor<'_>) -> ServerResult<()> {
    c.qualified_name()?;
    while !c.at_end() && !c.at("ROW") {
        c.pos += 1;
    }
    c.expect("ROW")?;
    if c.eat("FOLLOWS") || c.eat("PRECEDES") {
        c.name()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_program_statements_by_their_first_words() {
        assert!(matches!(
            recognize("create or replace definer=`root`@`localhost` procedure p() select 1"),
            Some(Ok(ProgramStatement::Create { .. }))
        ));
        assert!(recognize("CREATE TABLE t (a INT)").is_none());
        assert!(recognize("CREATE FUNCTION f RETURNS STRING SONAME 'x.so'").is_none());
        assert_eq!(
            recognize("DROP PROCEDURE IF EXISTS test.p")
                .unwrap()
                .unwrap(),
            ProgramStatement::Drop {
                kind: ProgramKind::Routine(RoutineKind::Procedure),
                if_exists: true,
                schema: Some("test".into()),
                name: "p".into()
            }
        );
        assert_eq!(
            recognize("SHOW CREATE TRIGGER tr").unwrap().unwrap(),
            ProgramStatement::ShowCreate {
                kind: ProgramKind::Trigger,
                schema: None,
                name: "tr".into()
            }
        );
        assert_eq!(
            recognize("DROP TRIGGER a b").unwrap().unwrap_err().code,
            1064
        );
    }

    #[test]
    fn reads_a_function_header_and_body() {
        let Create::Routine(f) = parse_create(
            "CREATE FUNCTION f_double(x INT, y VARCHAR(10)) RETURNS INT DETERMINISTIC COMMENT 'c'\nBEGIN\n  RETURN x * 2;\nEND",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(f.name, "f_double");
        assert_eq!(f.params_text, "x INT, y VARCHAR(10)");
        assert_eq!(f.params.len(), 2);
        assert!(f.returns.is_some());
        assert!(f.characteristics.deterministic);
        assert_eq!(f.characteristics.comment.as_deref(), Some("c"));
        assert_eq!(f.characteristics.texts, ["DETERMINISTIC", "COMMENT 'c'"]);
        assert_eq!(f.body_text, "BEGIN\n  RETURN x * 2;\nEND");
    }

    #[test]
    fn reads_procedure_modes_and_trigger_headers() {
        let Create::Routine(p) =
            parse_create("CREATE PROCEDURE d.p(a INT, OUT b INT, INOUT c DECIMAL(5,2)) SET b = a")
                .unwrap()
        else {
            panic!()
        };
        let modes: Vec<_> = p.params.iter().map(|p| p.mode).collect();
        assert_eq!(modes, [ParamMode::In, ParamMode::Out, ParamMode::InOut]);
        assert_eq!(p.schema.as_deref(), Some("d"));
        let Create::Trigger(t) = parse_create(
            "CREATE TRIGGER tr_t1 AFTER INSERT ON t1 FOR EACH ROW\nBEGIN\n  INSERT INTO t_log VALUES (NEW.a);\nEND",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(
            (t.timing, t.event, t.table.as_str()),
            (Timing::After, Event::Insert, "t1")
        );
    }

    #[test]
    fn finds_where_a_compound_create_ends_in_a_query() {
        let q = "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END; CALL p()";
        assert_eq!(compound_create_end(q, 0), Some(q.find("; CALL").unwrap()));
        assert_eq!(
            compound_create_end("CREATE PROCEDURE p() SELECT 1; X", 0),
            None
        );
        assert_eq!(compound_create_end("CREATE TABLE t (a INT); X", 0), None);
        let bad = "CREATE PROCEDURE p() BEGIN SELEC 1; END; X";
        assert_eq!(compound_create_end(bad, 0), Some(bad.len()));
    }

    proptest::proptest! {
        /// Stored-program text comes from clients: any text, valid or not,
        /// gives a program or MariaDB's error, never a panic.
        #[test]
        fn any_create_text_parses_or_errs(
            body in "(BEGIN|END|IF|THEN|ELSE|WHILE|DO|LOOP|DECLARE|SET|x|1|;|'|\\(|\\)| |\n|:|`)*",
        ) {
            for head in ["CREATE PROCEDURE p() ", "CREATE FUNCTION f() RETURNS INT ",
                         "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW "] {
                let text = format!("{head}{body}");
                let _ = recognize(&text);
                let _ = parse_create(&text);
                let _ = compound_create_end(&text, 0);
            }
        }
    }
}
