//! Running the statements about stored programs: CREATE [OR REPLACE]
//! [IF NOT EXISTS] PROCEDURE / FUNCTION / TRIGGER (parsed whole, checked
//! as MariaDB checks at creation, then kept in the catalog), DROP … [IF
//! EXISTS] with MariaDB's errors and notes, and SHOW CREATE of each.

use super::ast::{Node, RoutineDef, Stmt, TriggerDef};
use super::header::{Create, ProgramKind, ProgramStatement, parse_create};
use super::interpreter::no_result_set;
use super::state::FrameKind;
use crate::error::{Level, ServerError, ServerResult};
use crate::session::outcome::{Outcome, ResultSet};
use crate::session::{Session, StatementResult};
use crate::sql::exec::errors;
use crate::sql::parse::Statement;
use crate::storage::programs::{RoutineKind, StoredRoutine, StoredTrigger};

/// Runs a statement about stored programs.
pub fn run(session: &mut Session, statement: &ProgramStatement) -> StatementResult {
    match statement {
        ProgramStatement::Create { text } => match parse_create(text)? {
            Create::Routine(def) => create_routine(session, text, &def),
            Create::Trigger(def) => create_trigger(session, text, &def),
        },
        ProgramStatement::Drop {
            kind,
            if_exists,
            schema,
            name,
        } => drop(session, *kind, *if_exists, schema.as_deref(), name),
        ProgramStatement::ShowCreate { kind, schema, name } => {
            show_create(session, *kind, schema.as_deref(), name)
        }
    }
}

/// The text the binary log gets for a program statement that succeeded:
/// CREATE as SHOW CREATE words it (with the definer, OR REPLACE kept),
/// DROP as written; None for SHOW CREATE.
pub fn logged_text(session: &Session, statement: &ProgramStatement, text: &str) -> Option<String> {
    let ProgramStatement::Create { text: create } = statement else {
        return matches!(statement, ProgramStatement::Drop { .. }).then(|| text.to_string());
    };
    let (head, body) = match parse_create(create).ok()? {
        Create::Routine(def) => {
            let schema = schema_of(session, def.schema.as_deref()).ok()?;
            let stored = session
                .state
                .storage
                .routine(def.kind, &schema, &def.name)?;
            (def.or_replace, routine_create_text(&stored, &def))
        }
        Create::Trigger(def) => {
            let schema = schema_of(
                session,
                def.schema.as_deref().or(def.table_schema.as_deref()),
            )
            .ok()?;
            // From the statement, not the catalog: IF NOT EXISTS on an
            // existing trigger is logged too, with its own text.
            let stored = session.state.storage.trigger(&schema, &def.name)?;
            let at = create.to_ascii_uppercase().find("TRIGGER")?;
            let definer = quoted_definer(&stored.definer);
            (
                def.or_replace,
                format!("CREATE DEFINER={definer} {}", &create[at..]),
            )
        }
    };
    Some(match head {
        true => body.replacen("CREATE ", "CREATE OR REPLACE ", 1),
        false => body,
    })
}

fn ok() -> StatementResult {
    Ok(Outcome::Ok(Default::default()))
}

/// The schema a name belongs to: its own, else the current one (1046).
fn schema_of(session: &Session, schema: Option<&str>) -> ServerResult<String> {
    match schema {
        Some(s) => Ok(s.to_string()),
        None => session.db.clone().ok_or_else(errors::no_database_selected),
    }
}

fn create_routine(session: &mut Session, text: &str, def: &RoutineDef) -> StatementResult {
    let schema = schema_of(session, def.schema.as_deref())?;
    if !session.state.storage.database_exists(&schema) {
        return Err(errors::unknown_database(&schema));
    }
    check_body(def.kind, &schema, &def.name, &def.body)?;
    let stored = StoredRoutine {
        kind: def.kind,
        schema: schema.clone(),
        name: def.name.clone(),
        definition: text.to_string(),
        sql_mode: session.vars.sql_mode().join(","),
        definer: definer(session),
        created: now_text(false),
    };
    if session.state.storage.put_routine(stored, def.or_replace) {
        return ok();
    }
    let exists = ServerError::new(
        1304,
        "42000",
        format!("{} {} already exists", def.kind.name(), def.name),
    );
    if def.if_not_exists {
        session.warn(exists.as_condition(Level::Note));
        return ok();
    }
    Err(exists)
}

/// What MariaDB refuses when it creates a routine: RETURN outside a
/// function (1313), a function without RETURN (1320), result sets from
/// a function (1415).
fn check_body(kind: RoutineKind, schema: &str, name: &str, body: &Node) -> ServerResult<()> {
    let mut found = Found::default();
    scan(body, &mut found);
    if found.returns && kind == RoutineKind::Procedure {
        return Err(return_outside_function());
    }
    if kind == RoutineKind::Function {
        if found.result_set {
            return Err(no_result_set(FrameKind::Function));
        }
        if !found.returns {
            return Err(ServerError::new(
                1320,
                "42000",
                format!("No RETURN found in FUNCTION {schema}.{name}"),
            ));
        }
    }
    Ok(())
}

fn return_outside_function() -> ServerError {
    ServerError::new(1313, "42000", "RETURN is only allowed in a FUNCTION")
}

/// What a body holds, for the checks at creation.
#[derive(Default)]
struct Found {
    returns: bool,
    result_set: bool,
}

fn scan(node: &Node, found: &mut Found) {
    let lists: Vec<&[Node]> = match &node.stmt {
        Stmt::Block { body, .. }
        | Stmt::While { body, .. }
        | Stmt::Repeat { body, .. }
        | Stmt::Loop { body, .. } => vec![body],
        Stmt::If {
            branches,
            otherwise,
        }
        | Stmt::Case {
            branches,
            otherwise,
            ..
        } => branches
            .iter()
            .map(|(_, b)| b.as_slice())
            .chain(otherwise.as_deref())
            .collect(),
        Stmt::Handler(h) => {
            scan(&h.body, found);
            Vec::new()
        }
        Stmt::Return(_) => {
            found.returns = true;
            Vec::new()
        }
        Stmt::Leaf(leaf) => {
            if matches!(&leaf.statement, Statement::Sql(ast) if matches!(ast.as_ref(), sqlparser::ast::Statement::Query(_)))
            {
                found.result_set = true;
            }
            Vec::new()
        }
        _ => Vec::new(),
    };
    for list in lists {
        list.iter().for_each(|n| scan(n, found));
    }
}

fn create_trigger(session: &mut Session, text: &str, def: &TriggerDef) -> StatementResult {
    let schema = schema_of(
        session,
        def.schema.as_deref().or(def.table_schema.as_deref()),
    )?;
    let table_schema = def.table_schema.clone().unwrap_or_else(|| schema.clone());
    if table_schema != schema {
        return Err(ServerError::new(1435, "HY000", "Trigger in wrong schema"));
    }
    if session.temp_table(&schema, &def.table).is_some() {
        return Err(ServerError::new(
            1361,
            "HY000",
            format!(
                "Trigger's '{}' is a view, temporary table or sequence",
                def.table
            ),
        ));
    }
    session.state.storage.table(&schema, &def.table)?;
    let mut found = Found::default();
    scan(&def.body, &mut found);
    if found.returns {
        return Err(return_outside_function());
    }
    if found.result_set {
        return Err(no_result_set(FrameKind::Trigger));
    }
    let exists = session.state.storage.trigger(&schema, &def.name).is_some();
    if exists && def.or_replace {
        session.state.storage.drop_trigger(&schema, &def.name);
    } else if exists {
        let error = ServerError::new(
            1359,
            "HY000",
            format!("Trigger '{schema}.{}' already exists", def.name),
        );
        if def.if_not_exists {
            session.warn(error.as_condition(Level::Note));
            return ok();
        }
        return Err(error);
    }
    session.state.storage.put_trigger(StoredTrigger {
        schema,
        name: def.name.clone(),
        table: def.table.clone(),
        definition: text.to_string(),
        sql_mode: session.vars.sql_mode().join(","),
        definer: definer(session),
        created: now_text(true),
    });
    ok()
}

/// `user@host` of the creating account.
fn definer(session: &Session) -> String {
    format!("{}@{}", session.account.user, session.account.host)
}

/// The current time as `YYYY-MM-DD hh:mm:ss`, with hundredths when asked.
fn now_text(hundredths: bool) -> String {
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = elapsed.as_secs();
    let (y, m, d) = crate::sql::value::civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    let base = format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    );
    if hundredths {
        format!("{base}.{:02}", elapsed.subsec_millis() / 10)
    } else {
        base
    }
}

fn drop(
    session: &mut Session,
    kind: ProgramKind,
    if_exists: bool,
    schema: Option<&str>,
    name: &str,
) -> StatementResult {
    let schema = schema_of(session, schema)?;
    let storage = &session.state.storage;
    let (dropped, missing) = match kind {
        ProgramKind::Routine(kind) => (
            storage.drop_routine(kind, &schema, name),
            errors::no_such_routine(kind.name(), &format!("{schema}.{name}")),
        ),
        ProgramKind::Trigger => (storage.drop_trigger(&schema, name), no_such_trigger()),
    };
    match (dropped, if_exists) {
        (true, _) => ok(),
        (false, true) => {
            session.warn(missing.as_condition(Level::Note));
            ok()
        }
        (false, false) => Err(missing),
    }
}

/// ER_TRG_DOES_NOT_EXIST.
fn no_such_trigger() -> ServerError {
    ServerError::new(1360, "HY000", "Trigger does not exist")
}

fn show_create(
    session: &mut Session,
    kind: ProgramKind,
    schema: Option<&str>,
    name: &str,
) -> StatementResult {
    let qualified_schema = schema_of(session, schema)?;
    let storage = &session.state.storage;
    let row = match kind {
        ProgramKind::Routine(kind) => {
            let stored = storage
                .routine(kind, &qualified_schema, name)
                .ok_or_else(|| errors::no_such_routine(kind.name(), name))?;
            routine_row(&stored)?
        }
        ProgramKind::Trigger => {
            let stored = storage
                .trigger(&qualified_schema, name)
                .ok_or_else(no_such_trigger)?;
            trigger_row(&stored)
        }
    };
    let names: &[&str] = match kind {
        ProgramKind::Routine(RoutineKind::Procedure) => &[
            "Procedure",
            "sql_mode",
            "Create Procedure",
            "character_set_client",
            "collation_connection",
            "Database Collation",
        ],
        ProgramKind::Routine(RoutineKind::Function) => &[
            "Function",
            "sql_mode",
            "Create Function",
            "character_set_client",
            "collation_connection",
            "Database Collation",
        ],
        ProgramKind::Trigger => &[
            "Trigger",
            "sql_mode",
            "SQL Original Statement",
            "character_set_client",
            "collation_connection",
            "Database Collation",
            "Created",
        ],
    };
    Ok(Outcome::Rows(ResultSet::of_text(
        names,
        vec![row.into_iter().map(Some).collect()],
    )))
}

fn routine_row(stored: &StoredRoutine) -> ServerResult<Vec<String>> {
    let Create::Routine(def) = parse_create(&stored.definition)? else {
        return Ok(Vec::new());
    };
    Ok(vec![
        stored.name.clone(),
        stored.sql_mode.clone(),
        routine_create_text(stored, &def),
        "latin1".into(),
        "latin1_swedish_ci".into(),
        "latin1_swedish_ci".into(),
    ])
}

/// SHOW CREATE's text: MariaDB's canonical header, then the body as written.
pub fn routine_create_text(stored: &StoredRoutine, def: &RoutineDef) -> String {
    let mut text = format!(
        "CREATE DEFINER={} {} `{}`({})",
        quoted_definer(&stored.definer),
        def.kind.name(),
        stored.name,
        def.params_text
    );
    if let Some(ty) = &def.returns {
        text.push_str(" RETURNS ");
        text.push_str(&crate::sql::exec::type_text(ty));
    }
    let ch = &def.characteristics;
    let mut lines = Vec::new();
    if let Some(access) = ch.data_access.as_deref().filter(|a| *a != "CONTAINS SQL") {
        lines.push(access.to_string());
    }
    if ch.deterministic {
        lines.push("DETERMINISTIC".into());
    }
    if ch.security_invoker {
        lines.push("SQL SECURITY INVOKER".into());
    }
    if let Some(comment) = &ch.comment {
        lines.push(format!("COMMENT '{}'", comment.replace('\'', "''")));
    }
    for line in lines {
        text.push_str("\n    ");
        text.push_str(&line);
    }
    text.push('\n');
    text.push_str(&def.body_text);
    text
}

/// `` `user`@`host` `` from `user@host`.
fn quoted_definer(definer: &str) -> String {
    let (user, host) = definer.rsplit_once('@').unwrap_or((definer, ""));
    format!("`{user}`@`{host}`")
}

fn trigger_row(stored: &StoredTrigger) -> Vec<String> {
    let statement = match stored.definition.to_ascii_uppercase().find("TRIGGER") {
        Some(at) => format!(
            "CREATE DEFINER={} {}",
            quoted_definer(&stored.definer),
            &stored.definition[at..]
        ),
        None => stored.definition.clone(),
    };
    vec![
        stored.name.clone(),
        stored.sql_mode.clone(),
        statement,
        "latin1".into(),
        "latin1_swedish_ci".into(),
        "latin1_swedish_ci".into(),
        stored.created.clone(),
    ]
}
