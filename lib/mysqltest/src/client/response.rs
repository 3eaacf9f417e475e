//! What one statement returns, as plain owned data: an OK summary or a
//! text result set (column definitions and rows of raw bytes, NULL as
//! `None`). Bytes are kept exactly as the server sent them; nothing is
//! decoded as UTF-8, so latin1/sjis/binary values print as they arrived.

/// Status flag: another result of the same query follows.
pub const SERVER_MORE_RESULTS_EXISTS: u16 = 0x0008;

/// The result of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// A statement without a result set (INSERT, SET, …).
    Ok(OkInfo),
    /// A statement that returned rows.
    ResultSet(ResultSet),
}

impl Response {
    /// Warnings the statement raised.
    pub fn warnings(&self) -> u16 {
        match self {
            Response::Ok(ok) => ok.warnings,
            Response::ResultSet(set) => set.warnings,
        }
    }

    /// Server status flags after the statement.
    pub fn status_flags(&self) -> u16 {
        match self {
            Response::Ok(ok) => ok.status_flags,
            Response::ResultSet(set) => set.status_flags,
        }
    }

    /// Whether another result of the same query follows.
    pub fn more_results(&self) -> bool {
        self.status_flags() & SERVER_MORE_RESULTS_EXISTS != 0
    }

    /// What mysqltest prints as `affected rows:` (row count for result sets).
    pub fn affected_rows(&self) -> u64 {
        match self {
            Response::Ok(ok) => ok.affected_rows,
            Response::ResultSet(set) => set.rows.len() as u64,
        }
    }
}

/// The content of an OK packet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OkInfo {
    /// Rows changed by the statement.
    pub affected_rows: u64,
    /// AUTO_INCREMENT value generated, or 0.
    pub last_insert_id: u64,
    /// Server status flags.
    pub status_flags: u16,
    /// Warning count.
    pub warnings: u16,
    /// Human-readable info (`Records: 3  Duplicates: 0  Warnings: 0`).
    pub info: Vec<u8>,
    /// Raw session-state-change block (only with CLIENT_SESSION_TRACK).
    pub session_state_changes: Vec<u8>,
}

/// One column definition of a result set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Column {
    /// Catalog, always `def`.
    pub catalog: Vec<u8>,
    /// Schema of the column's table.
    pub schema: Vec<u8>,
    /// Table alias.
    pub table: Vec<u8>,
    /// Underlying table name.
    pub org_table: Vec<u8>,
    /// Column alias (what the result header prints).
    pub name: Vec<u8>,
    /// Underlying column name.
    pub org_name: Vec<u8>,
    /// Character set / collation id of the values.
    pub charset: u16,
    /// Maximum display length.
    pub length: u32,
    /// Field type (MYSQL_TYPE_*).
    pub column_type: u8,
    /// Field flags (NOT_NULL, PRI_KEY, …).
    pub flags: u16,
    /// Decimal digits.
    pub decimals: u8,
    /// MariaDB's extended metadata: the data type name (e.g. `inet6`), if sent.
    pub data_type_name: Vec<u8>,
    /// MariaDB's extended metadata: the format name (e.g. `json`), if sent.
    pub format_name: Vec<u8>,
}

/// A fully read text result set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultSet {
    /// Column definitions, in order.
    pub columns: Vec<Column>,
    /// Rows; each cell is the value's bytes or `None` for SQL NULL.
    pub rows: Vec<Vec<Option<Vec<u8>>>>,
    /// Warning count from the terminating packet.
    pub warnings: u16,
    /// Server status flags from the terminating packet.
    pub status_flags: u16,
}
