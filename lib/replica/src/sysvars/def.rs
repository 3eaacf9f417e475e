//! The shape of one system variable's definition: its scope, the kind of
//! value it holds (with range or allowed names), its compiled-in default and
//! who may change it. The catalog is a table of these; `convert` reads the
//! kind to validate a SET, `setting` reads it to print a value.

/// Where a variable lives, as information_schema.SYSTEM_VARIABLES' VARIABLE_SCOPE says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// GLOBAL: one value for the server.
    Global,
    /// SESSION: a global value copied into each new connection.
    Both,
    /// SESSION ONLY: a per-connection value with no global one.
    SessionOnly,
}

/// The value type and its limits, as SYSTEM_VARIABLES' VARIABLE_TYPE and
/// NUMERIC_*/ENUM_VALUE_LIST columns give them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// ON/OFF; SELECT gives 1/0.
    Bool,
    /// BIGINT / INT.
    Signed { min: i64, max: i64 },
    /// BIGINT UNSIGNED / INT UNSIGNED; values are rounded down to `block`.
    Unsigned { min: u64, max: u64, block: u64 },
    /// DOUBLE, shown with six decimals.
    Double { min: f64, max: f64 },
    /// One of the names (or its index).
    Enum(&'static [&'static str]),
    /// Any subset of the names (or its bitmask).
    Set(&'static [&'static str]),
    /// `name=on|off` flags (optimizer_switch).
    FlagSet(&'static [&'static str]),
    /// VARCHAR; some names get an extra check (time zone, engine, charset).
    Text { nullable: bool },
}

/// Who may change a variable and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Dynamic,
    /// Fixed at start-up (1238 "is a read only variable").
    ReadOnly,
    /// Only SET GLOBAL changes it; the session copy is read-only (1621).
    SessionReadOnly,
    /// Has a global value to read but SET GLOBAL is refused (sql_log_bin).
    NoSetGlobal,
}

/// One system variable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VarDef {
    /// Lower-case name, as MariaDB prints it in messages and SHOW VARIABLES.
    pub name: &'static str,
    pub scope: Scope,
    pub kind: Kind,
    /// The start-up value in SHOW VARIABLES form; None is NULL.
    pub default: Option<&'static str>,
    pub access: Access,
}

impl VarDef {
    /// Whether a connection holds its own copy of the variable.
    pub fn has_session(&self) -> bool {
        self.scope != Scope::Global
    }

    /// Whether the server holds one value for everyone.
    pub fn has_global(&self) -> bool {
        self.scope != Scope::SessionOnly
    }
}
