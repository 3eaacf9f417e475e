//! The lock keys of PRIMARY and UNIQUE key values, for locks on values no
//! row has (see `locks`). A key value's lock key is its table's id and a
//! hash of the key's position and its values, hashed the way the key's
//! column types compare them, so `WHERE pk = '5 '` and an inserted 5 meet.
//! Rows enter as a full row (a WHERE's values placed in their columns);
//! a key with a NULL part has no lock key, since NULLs never clash.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::locks::LockKey;
use super::schema::{KeyKind, TableDef};
use crate::sql::value::{Row, hash_for_key};

/// The lock key of `row`'s value of PRIMARY or UNIQUE key `key` (its
/// position in `def.keys`), if the key is unique and has no NULL part.
pub fn value_lock(table_id: u64, def: &TableDef, key: usize, row: &Row) -> Option<LockKey> {
    let key_def = def.keys.get(key).filter(|k| k.kind != KeyKind::Index)?;
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    for &c in &key_def.columns {
        let value = row.get(c).filter(|v| !v.is_null())?;
        hash_for_key(value, &def.columns.get(c)?.ty, &mut hasher);
    }
    Some(LockKey::KeyValue(table_id, hasher.finish()))
}

/// The lock keys of every PRIMARY and UNIQUE key value of `row`.
pub fn row_value_locks(table_id: u64, def: &TableDef, row: &Row) -> Vec<LockKey> {
    (0..def.keys.len())
        .filter_map(|key| value_lock(table_id, def, key, row))
        .collect()
}
