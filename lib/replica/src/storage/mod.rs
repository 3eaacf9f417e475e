//! Databases, tables and rows.

pub mod schema;
mod store;

pub use store::Storage;
