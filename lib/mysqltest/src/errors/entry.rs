//! One row of the error table: a symbolic name, its numeric code, the
//! SQLSTATE the source gives for it, and which component defines it.

/// Which component defines an error name; mysqltest only knows some of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// `ER_*`/`WARN_*` from the server's message file (codes 1000 and up).
    Server,
    /// `HA_ERR_*` storage-engine errors (codes 120 to 200), known to mysqltest.
    Handler,
    /// `CR_*` client library errors (codes 2000 and 5000 up); mysqltest rejects these names.
    Client,
}

/// A named error, as listed in the generated table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorName {
    /// The symbolic name, e.g. `ER_NO_SUCH_TABLE`.
    pub name: &'static str,
    /// The numeric code the server or client reports.
    pub code: u32,
    /// The SQLSTATE the source gives; the server sends `HY000` when it gives none.
    pub sqlstate: Option<&'static str>,
    /// Which component defines the name.
    pub origin: Origin,
}
