//! The parsed form of stored programs: a CREATE PROCEDURE / FUNCTION /
//! TRIGGER statement's header and its body as a tree of compound
//! statements (blocks, declarations, IF, loops, …) whose leaves are
//! ordinary statements, already parsed by the server's SQL parser.

use sqlparser::ast::Expr;

use crate::sql::parse::Statement;
use crate::sql::types::SqlType;
use crate::storage::programs::RoutineKind;

/// One statement of a body and the line (of the CREATE statement) it starts on.
#[derive(Debug, Clone)]
pub struct Node {
    pub line: usize,
    pub stmt: Stmt,
}

/// A compound statement, or a leaf.
#[derive(Debug, Clone)]
pub enum Stmt {
    /// `[label:] BEGIN … END [label]`.
    Block {
        label: Option<String>,
        body: Vec<Node>,
    },
    /// `DECLARE a, b type [DEFAULT expr]`.
    Declare(Declare),
    /// `DECLARE name CONDITION FOR …`.
    Condition {
        name: String,
        value: CondValue,
    },
    /// `DECLARE CONTINUE|EXIT HANDLER FOR … statement`.
    Handler(Handler),
    /// `DECLARE name CURSOR FOR select`.
    Cursor {
        name: String,
        query: Leaf,
    },
    /// `IF c THEN … [ELSEIF c THEN …] [ELSE …] END IF`.
    If {
        branches: Vec<(Expr, Vec<Node>)>,
        otherwise: Option<Vec<Node>>,
    },
    /// `CASE [operand] WHEN v THEN … [ELSE …] END CASE`.
    Case {
        operand: Option<Expr>,
        branches: Vec<(Expr, Vec<Node>)>,
        otherwise: Option<Vec<Node>>,
    },
    /// `[label:] WHILE c DO … END WHILE [label]`.
    While {
        label: Option<String>,
        condition: Expr,
        body: Vec<Node>,
    },
    /// `[label:] REPEAT … UNTIL c END REPEAT [label]`.
    Repeat {
        label: Option<String>,
        body: Vec<Node>,
        until: Expr,
    },
    /// `[label:] LOOP … END LOOP [label]`.
    Loop {
        label: Option<String>,
        body: Vec<Node>,
    },
    Leave(String),
    Iterate(String),
    Return(Expr),
    Open(String),
    Fetch {
        cursor: String,
        into: Vec<String>,
    },
    Close(String),
    /// `SELECT … INTO a, b …`: the query without its INTO, and the targets.
    SelectInto {
        query: Leaf,
        targets: Vec<String>,
    },
    /// Any other statement.
    Leaf(Leaf),
}

/// A local variable declaration.
#[derive(Debug, Clone)]
pub struct Declare {
    pub names: Vec<String>,
    pub ty: SqlType,
    pub default: Option<Expr>,
}

/// A condition a handler or a named condition stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CondValue {
    SqlState(String),
    Code(u16),
    Named(String),
    SqlWarning,
    NotFound,
    SqlException,
}

/// A condition handler.
#[derive(Debug, Clone)]
pub struct Handler {
    /// EXIT leaves the block that declared it; CONTINUE goes on after the
    /// statement that raised the condition.
    pub exit: bool,
    pub conditions: Vec<CondValue>,
    pub body: Box<Node>,
}

/// An ordinary statement of a body: its text and parsed form.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub text: String,
    pub statement: Statement,
}

/// IN, OUT or INOUT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamMode {
    In,
    Out,
    InOut,
}

/// One parameter of a routine.
#[derive(Debug, Clone)]
pub struct Param {
    pub mode: ParamMode,
    pub name: String,
    pub ty: SqlType,
}

/// What CREATE PROCEDURE / FUNCTION says besides the body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Characteristics {
    pub deterministic: bool,
    /// `CONTAINS SQL`, `NO SQL`, `READS SQL DATA`, `MODIFIES SQL DATA`.
    pub data_access: Option<String>,
    pub security_invoker: bool,
    pub comment: Option<String>,
    /// The characteristics' text as written, for SHOW CREATE.
    pub texts: Vec<String>,
}

/// CREATE PROCEDURE / FUNCTION, parsed.
#[derive(Debug, Clone)]
pub struct RoutineDef {
    pub kind: RoutineKind,
    pub or_replace: bool,
    pub if_not_exists: bool,
    pub schema: Option<String>,
    pub name: String,
    pub params: Vec<Param>,
    /// The text between the parameter list's parentheses.
    pub params_text: String,
    /// A function's return type.
    pub returns: Option<SqlType>,
    pub characteristics: Characteristics,
    pub body: Node,
    /// The body's text, as ROUTINE_DEFINITION shows it.
    pub body_text: String,
}

/// BEFORE or AFTER.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    Before,
    After,
}

/// The change that fires a trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Insert,
    Update,
    Delete,
}

/// CREATE TRIGGER, parsed.
#[derive(Debug, Clone)]
pub struct TriggerDef {
    pub or_replace: bool,
    pub if_not_exists: bool,
    pub schema: Option<String>,
    pub name: String,
    pub timing: Timing,
    pub event: Event,
    pub table_schema: Option<String>,
    pub table: String,
    pub body: Node,
    pub body_text: String,
}

impl Timing {
    pub fn name(self) -> &'static str {
        match self {
            Timing::Before => "BEFORE",
            Timing::After => "AFTER",
        }
    }
}

impl Event {
    pub fn name(self) -> &'static str {
        match self {
            Event::Insert => "INSERT",
            Event::Update => "UPDATE",
            Event::Delete => "DELETE",
        }
    }
}
