//! Where MariaDB's MyISAM puts dynamic rows in its data file, kept as
//! positions and lengths only, so that a table scan (file order) shows rows
//! where mariadbd shows them. Packed record lengths enter (see
//! [`super::myisam_record`]); the position of each record's first block
//! leaves, and serves as the row's id.
//!
//! The rules are `mi_dynrec.c`'s, and were checked against mariadbd 10.11
//! (rpl_binlog_compress's REPLACE/UPDATE/DELETE sequence, SHOW TABLE
//! STATUS's Data_length and Data_free): a block holds at least 20 bytes
//! and is 4-aligned; a new record takes the most recently deleted block
//! first, however small, spilling the rest into the next deleted block or
//! the end of the file; a block much larger than the record is split and
//! its tail freed; an update rewrites the record's own blocks, growing the
//! last block of the file or swallowing a deleted neighbour, else spilling
//! into new blocks; a deleted block absorbs a deleted block right after it.

use std::collections::{BTreeMap, HashMap};

/// MI_MIN_BLOCK_LENGTH, MI_EXTEND_BLOCK_LENGTH and the tables' min_block_length.
const MIN_BLOCK: u64 = 20;
/// MI_SPLIT_LENGTH: a block longer than the record by more is split.
const SPLIT: u64 = 48;
/// MI_MAX_BLOCK_LENGTH (MI_DYN_MAX_BLOCK_LENGTH is the same number).
const MAX_BLOCK: u64 = ((1 << 24) - 1) & !3;
/// Lengths from which block headers take a third length byte.
const LONG: u64 = 65520;

/// One block of the data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    len: u64,
    deleted: bool,
}

/// The data file of one table.
#[derive(Debug, Clone, Default)]
pub struct DynamicFile {
    /// data_file_length.
    end: u64,
    blocks: BTreeMap<u64, Block>,
    /// The delete chain; its head (taken next) is last.
    chain: Vec<u64>,
    /// Each record's blocks in order, by its first block.
    records: HashMap<u64, Vec<u64>>,
}

fn align(n: u64) -> u64 {
    n.div_ceil(4) * 4
}

impl DynamicFile {
    /// Writes a new record of `length` packed bytes; returns where it starts.
    pub fn insert(&mut self, length: u64) -> u64 {
        let mut left = length;
        let mut parts = Vec::new();
        loop {
            let (pos, len) = self.find_writepos(left);
            left -= self.write_part(pos, len, left, parts.is_empty());
            parts.push(pos);
            if left == 0 {
                break;
            }
        }
        let first = parts[0];
        self.records.insert(first, parts);
        first
    }

    /// Whether a record starts at `pos`.
    pub fn holds(&self, pos: u64) -> bool {
        self.records.contains_key(&pos)
    }

    /// Rewrites the record at `first` with `length` packed bytes.
    pub fn update(&mut self, first: u64, length: u64) {
        let Some(old) = self.records.remove(&first) else {
            self.claim(first, length);
            return;
        };
        let mut left = length;
        let mut parts = Vec::new();
        let mut used = 0;
        while left > 0 {
            let (pos, len) = match old.get(used) {
                Some(&pos) => {
                    used += 1;
                    (pos, self.grow(pos, left))
                }
                None => self.find_writepos(left),
            };
            left -= self.write_part(pos, len, left, parts.is_empty());
            parts.push(pos);
        }
        if used < old.len() {
            self.free(&old[used..]);
        }
        self.records.insert(first, parts);
    }

    /// Deletes the record at `first`.
    pub fn delete(&mut self, first: u64) {
        if let Some(parts) = self.records.remove(&first) {
            self.free(&parts);
        }
    }

    /// A record known only by its position (a table restored from disk):
    /// one block there.
    pub fn claim(&mut self, first: u64, length: u64) {
        let len = align(length + 3).max(MIN_BLOCK);
        // Not over the next known block.
        let len = match self.blocks.range(first + 1..).next() {
            Some((&next, _)) => len.min(next - first),
            None => len,
        };
        self.unlink(first);
        self.blocks.insert(
            first,
            Block {
                len,
                deleted: false,
            },
        );
        self.end = self.end.max(first + len);
        self.records.insert(first, vec![first]);
    }

    /// `_mi_find_writepos`: the head of the delete chain, else a new block at the end.
    fn find_writepos(&mut self, left: u64) -> (u64, u64) {
        while let Some(head) = self.chain.pop() {
            // Only a table restored from disk (claimed records) can have a
            // live record at a freed position; that block is not reused.
            if self.records.contains_key(&head) {
                continue;
            }
            let block = self.blocks.entry(head).or_insert(Block {
                len: MIN_BLOCK,
                deleted: true,
            });
            block.deleted = false;
            return (head, block.len);
        }
        let wanted = left + 3 + u64::from(left >= LONG - 3);
        let len = if wanted < MIN_BLOCK {
            MIN_BLOCK
        } else {
            align(wanted).min(MAX_BLOCK)
        };
        let pos = self.end;
        self.end += len;
        self.blocks.insert(
            pos,
            Block {
                len,
                deleted: false,
            },
        );
        (pos, len)
    }

    /// `_mi_write_part_record`: fills the block at `pos` (splitting off a
    /// tail it does not need); returns how many record bytes it took.
    fn write_part(&mut self, pos: u64, length: u64, left: u64, first: bool) -> u64 {
        let mut length = length;
        if length > left + SPLIT {
            let rest = align(length - left - MIN_BLOCK);
            length -= rest;
            self.set_len(pos, length);
            self.free_tail(pos + length, rest);
        }
        let long = u64::from(length >= LONG || left >= LONG);
        if length == left + 3 + long || length - long >= left + 4 {
            return left;
        }
        let header = match (first, left > MAX_BLOCK) {
            (true, true) => 16,
            (true, false) => 13 + 2 * long,
            (false, _) => 11 + long,
        };
        length - header
    }

    /// The unused tail of a split block joins the delete chain (with a
    /// deleted block right after it).
    fn free_tail(&mut self, pos: u64, len: u64) {
        let mut len = len;
        let next = pos + len;
        if next < self.end
            && !self.chain.is_empty()
            && let Some(b) = self.deleted_at(next)
            && len + b.len < MAX_BLOCK
        {
            self.unlink(next);
            self.blocks.remove(&next);
            len += b.len;
        }
        self.blocks.insert(pos, Block { len, deleted: true });
        self.chain.push(pos);
    }

    /// `update_dynamic_record`'s room at an old block for `left` bytes: the
    /// block grows at the end of the file, or over a deleted neighbour.
    fn grow(&mut self, pos: u64, left: u64) -> u64 {
        let len = self.blocks.get(&pos).map_or(MIN_BLOCK, |b| b.len);
        if len >= left {
            return len;
        }
        if pos + len == self.end {
            let extra = align(left - len + 3 + u64::from(left >= LONG));
            let extra = (len + extra).min(MAX_BLOCK) - len;
            self.end += extra;
            self.set_len(pos, len + extra);
            return len + extra;
        }
        if len >= MAX_BLOCK - MIN_BLOCK {
            return len;
        }
        let Some(next) = self.deleted_at(pos + len) else {
            return len;
        };
        self.unlink(pos + len);
        self.blocks.remove(&(pos + len));
        let mut grown = len + next.len;
        if grown > MAX_BLOCK {
            let rest = (grown - MAX_BLOCK).max(MIN_BLOCK);
            let rest_pos = pos + grown - rest;
            self.blocks.insert(
                rest_pos,
                Block {
                    len: rest,
                    deleted: true,
                },
            );
            self.chain.push(rest_pos);
            grown -= rest;
        }
        self.set_len(pos, grown);
        grown
    }

    /// `delete_dynamic_record`: each block joins the chain's head, taking
    /// in a deleted block right after it.
    fn free(&mut self, parts: &[u64]) {
        for &pos in parts {
            let mut len = self.blocks.get(&pos).map_or(MIN_BLOCK, |b| b.len);
            let next = self
                .deleted_at(pos + len)
                .filter(|b| b.len + len < MAX_BLOCK);
            if let Some(b) = next {
                len += b.len;
            }
            self.blocks.insert(pos, Block { len, deleted: true });
            self.chain.push(pos);
            if let Some(b) = next {
                let at = pos + len - b.len;
                self.unlink(at);
                self.blocks.remove(&at);
            }
        }
    }

    fn deleted_at(&self, pos: u64) -> Option<Block> {
        self.blocks.get(&pos).copied().filter(|b| b.deleted)
    }

    fn unlink(&mut self, pos: u64) {
        self.chain.retain(|&p| p != pos);
    }

    fn set_len(&mut self, pos: u64, len: u64) {
        if let Some(b) = self.blocks.get_mut(&pos) {
            b.len = len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Record starts in file order.
    fn order(file: &DynamicFile) -> Vec<u64> {
        let mut starts: Vec<u64> = file.records.keys().copied().collect();
        starts.sort_unstable();
        starts
    }

    #[test]
    fn rpl_binlog_compress_layout_is_mariadbs() {
        // Packed lengths of rpl_binlog_compress's rows; mariadbd scans them
        // as 138, 140, 139, 142 after the second round.
        let mut f = DynamicFile::default();
        let r136 = f.insert(14);
        let r137 = f.insert(14);
        f.update(r136, 18); // REPLACE makes 136 into 138
        f.update(r137, 18); // test 0 -> 1
        f.delete(r137);
        assert_eq!((f.end, f.chain.clone()), (80, vec![20, 60]));
        let r139 = f.insert(16);
        let r140 = f.insert(19);
        let r141 = f.insert(15);
        let r142 = f.insert(18);
        f.update(r140, 19);
        f.update(r141, 19);
        f.delete(r141);
        assert_eq!(order(&f), vec![r136, r140, r139, r142]);
        let r143 = f.insert(14);
        let r144 = f.insert(20);
        let r145 = f.insert(16);
        f.update(r143, 18); // REPLACE makes 143 into 146
        f.update(r145, 20);
        f.delete(r145);
        assert_eq!(order(&f), vec![r136, r140, r139, r144, r142, r143]);
    }

    #[test]
    fn big_free_blocks_are_split_and_neighbours_merge() {
        let mut f = DynamicFile::default();
        let a = f.insert(200);
        let b = f.insert(10);
        f.delete(a);
        let c = f.insert(10);
        assert_eq!(c, a);
        // The tail of a's block is free and comes next.
        let d = f.insert(10);
        assert!(d > c && d < b);
        f.delete(b);
        f.delete(d);
        assert!(f.chain.len() <= 2);
    }
}
