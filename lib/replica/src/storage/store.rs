//! The catalog of databases and tables.

/// All databases and their tables.
#[derive(Debug, Default)]
pub struct Storage {}

impl Storage {
    pub fn new() -> Self {
        Storage {}
    }
}
