//! Unique-key indexes, so a duplicate check looks at the rows with the same
//! key instead of every row. An index maps key values (ordered by
//! `compare_for_key` on the key's column types) to the rows that had them
//! in some version; entries are added on every write and only pruned when
//! a check finds a row no longer has that key, so callers re-check each
//! candidate row's actual versions.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::rows::RowId;
use super::schema::{KeyKind, TableDef};
use crate::sql::types::SqlType;
use crate::sql::value::{Row, Value, compare_for_key};

/// A key's values with the types that order them.
#[derive(Debug, Clone)]
struct IndexKey {
    values: Vec<Value>,
    types: Arc<Vec<SqlType>>,
}

impl Ord for IndexKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.values
            .iter()
            .zip(&other.values)
            .zip(self.types.iter())
            .map(|((a, b), ty)| compare_for_key(a, b, ty))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for IndexKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for IndexKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for IndexKey {}

/// One PRIMARY or UNIQUE key's index.
#[derive(Debug)]
pub struct UniqueIndex {
    /// Position of the key in the table definition's `keys`.
    pub key: usize,
    columns: Vec<usize>,
    types: Arc<Vec<SqlType>>,
    map: BTreeMap<IndexKey, BTreeSet<RowId>>,
}

impl UniqueIndex {
    /// One index per PRIMARY or UNIQUE key of `def`.
    pub fn for_table(def: &TableDef) -> Vec<UniqueIndex> {
        def.keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.kind != KeyKind::Index)
            .map(|(i, k)| UniqueIndex {
                key: i,
                columns: k.columns.clone(),
                types: Arc::new(
                    k.columns
                        .iter()
                        .map(|&c| def.columns[c].ty.clone())
                        .collect(),
                ),
                map: BTreeMap::new(),
            })
            .collect()
    }

    /// The key of `row`; None when a part is NULL (NULLs never clash).
    fn key_of(&self, row: &Row) -> Option<IndexKey> {
        let values: Option<Vec<Value>> = self
            .columns
            .iter()
            .map(|&c| row.get(c).filter(|v| !v.is_null()).cloned())
            .collect();
        Some(IndexKey {
            values: values?,
            types: Arc::clone(&self.types),
        })
    }

    /// Notes that row `id` has `row` in some version.
    pub fn add(&mut self, id: RowId, row: &Row) {
        if let Some(k) = self.key_of(row) {
            self.map.entry(k).or_default().insert(id);
        }
    }

    /// Rows that may have `row`'s key.
    pub fn candidates(&self, row: &Row) -> Vec<RowId> {
        self.key_of(row)
            .and_then(|k| self.map.get(&k))
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Drops the entry of row `id` under `row`'s key.
    pub fn forget(&mut self, id: RowId, row: &Row) {
        let Some(k) = self.key_of(row) else { return };
        if let Some(ids) = self.map.get_mut(&k) {
            ids.remove(&id);
            if ids.is_empty() {
                self.map.remove(&k);
            }
        }
    }

    pub fn clear(&mut self) {
        self.map.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::types::IntWidth;
    use crate::storage::schema::{ColumnDef, Engine, KeyDef};

    fn def() -> TableDef {
        let col = |name: &str| ColumnDef {
            name: name.to_string(),
            ty: SqlType::Int {
                width: IntWidth::Int,
                unsigned: false,
                zerofill: false,
                display: None,
            },
            nullable: true,
            default: None,
            auto_increment: false,
            on_update_now: false,
            comment: None,
        };
        TableDef {
            schema: "test".into(),
            name: "t".into(),
            columns: vec![col("a"), col("b")],
            keys: vec![
                KeyDef {
                    name: "i".into(),
                    kind: KeyKind::Index,
                    columns: vec![0],
                },
                KeyDef {
                    name: "u".into(),
                    kind: KeyKind::Unique,
                    columns: vec![0, 1],
                },
            ],
            engine: Engine::InnoDb,
            auto_increment: 1,
            charset: "latin1".into(),
            comment: None,
            temporary: false,
        }
    }

    #[test]
    fn only_unique_keys_are_indexed_and_nulls_are_left_out() {
        let mut idx = UniqueIndex::for_table(&def());
        assert_eq!(idx.len(), 1);
        assert_eq!(idx[0].key, 1);
        let u = &mut idx[0];
        u.add(1, &vec![Value::Int(1), Value::Int(2)]);
        u.add(2, &vec![Value::Int(1), Value::Null]);
        assert_eq!(u.candidates(&vec![Value::Int(1), Value::Int(2)]), [1]);
        assert_eq!(
            u.candidates(&vec![Value::Int(1), Value::Null]),
            Vec::<u64>::new()
        );
        u.forget(1, &vec![Value::Int(1), Value::Int(2)]);
        assert_eq!(
            u.candidates(&vec![Value::Int(1), Value::Int(2)]),
            Vec::<u64>::new()
        );
    }
}
