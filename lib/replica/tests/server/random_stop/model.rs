//! What the master holds after each of the writer's groups: the writer
//! records every group's GTID seq_no with the changes it made
//! ([`Op`]s) in a [`Journal`]; [`Journal::state_at`] replays the groups
//! up to a GTID into a [`Model`], whose tables print as the test's
//! SELECTs print them, so a stopped slave can be compared row by row.

use std::collections::{BTreeMap, BTreeSet};

/// Rows of `t1` the master starts with, so updates always find one.
pub const FIRST_ROWS: u32 = 20;

/// Rows of `t2`, the hot counters slow transactions raise.
pub const HOT_ROWS: u32 = 4;

/// The tables compared, one ordered SELECT each, in [`Model::tables`]' order.
pub const TABLES: [&str; 4] = [
    "SELECT id, v, u FROM rs.t1 ORDER BY id",
    "SELECT id, n FROM rs.t2 ORDER BY id",
    "SELECT seq FROM rs.log ORDER BY seq",
    "SELECT id, v FROM rs.m ORDER BY id",
];

/// The schema and first rows, run before the writer starts.
pub fn schema() -> Vec<String> {
    let t1: Vec<String> = (1..=FIRST_ROWS)
        .map(|i| format!("({i}, 0, {})", unique(i)))
        .collect();
    let t2: Vec<String> = (1..=HOT_ROWS).map(|i| format!("({i}, 0)")).collect();
    vec![
        "CREATE DATABASE rs".into(),
        "CREATE TABLE rs.t1 (id INT PRIMARY KEY, v INT NOT NULL, u INT NOT NULL, \
         UNIQUE KEY (u)) ENGINE=InnoDB"
            .into(),
        "CREATE TABLE rs.t2 (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB".into(),
        "CREATE TABLE rs.log (seq INT PRIMARY KEY) ENGINE=InnoDB".into(),
        "CREATE TABLE rs.m (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=MyISAM".into(),
        format!("INSERT INTO rs.t1 VALUES {}", t1.join(", ")),
        format!("INSERT INTO rs.t2 VALUES {}", t2.join(", ")),
    ]
}

/// The unique column of `t1` row `id`: distinct for distinct ids.
pub fn unique(id: u32) -> u32 {
    id * 7 + 3
}

/// One change a group made.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    /// INSERT INTO t1 (id, v, unique(id)).
    Insert { id: u32, v: u64 },
    /// UPDATE t1 SET v = v + d WHERE id.
    Add { id: u32, d: u64 },
    /// UPDATE t2 SET n = n + 1 WHERE id.
    Hot { id: u32 },
    /// INSERT INTO log (seq).
    Log { seq: u32 },
    /// INSERT INTO m (id, v), a MyISAM table.
    MyIsam { id: u32, v: u64 },
}

/// What the writer committed, as the master numbered it.
#[derive(Debug, Default)]
pub struct Journal {
    /// The master's GTID seq_no after the writer's latest commit.
    pub last_gtid: u64,
    /// Each group: its GTID seq_no and its changes.
    pub groups: Vec<(u64, Vec<Op>)>,
    /// The writer's first failure.
    pub error: Option<String>,
}

impl Journal {
    /// The master's rows once every group up to seq_no `gtid` committed.
    pub fn state_at(&self, gtid: u64) -> Model {
        let mut m = Model::start();
        for (_, ops) in self.groups.iter().filter(|(g, _)| *g <= gtid) {
            ops.iter().for_each(|op| m.apply(*op));
        }
        m
    }

    /// The GTID seq_no of the group that inserted log row `seq`.
    pub fn gtid_of_log(&self, seq: u32) -> Option<u64> {
        self.groups
            .iter()
            .find(|(_, ops)| {
                ops.iter()
                    .any(|o| matches!(o, Op::Log { seq: s } if *s == seq))
            })
            .map(|(g, _)| *g)
    }
}

impl Journal {
    /// The groups that wrote t1 rows `ids`, one line each (for failures).
    pub fn history(&self, ids: &[u32]) -> String {
        let touches = |op: &Op| match op {
            Op::Insert { id, .. } | Op::Add { id, .. } => ids.contains(id),
            _ => false,
        };
        self.groups
            .iter()
            .filter(|(_, ops)| ops.iter().any(touches))
            .map(|(gtid, ops)| format!("\n  group 0-1-{gtid}: {ops:?}"))
            .collect()
    }
}

/// The test's tables.
#[derive(Debug, Default, PartialEq)]
pub struct Model {
    t1: BTreeMap<u32, u64>,
    t2: BTreeMap<u32, u64>,
    log: BTreeSet<u32>,
    m: BTreeMap<u32, u64>,
}

impl Model {
    /// The rows [`schema`] makes.
    fn start() -> Model {
        Model {
            t1: (1..=FIRST_ROWS).map(|i| (i, 0)).collect(),
            t2: (1..=HOT_ROWS).map(|i| (i, 0)).collect(),
            ..Model::default()
        }
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Insert { id, v } => {
                self.t1.insert(id, v);
            }
            Op::Add { id, d } => *self.t1.entry(id).or_default() += d,
            Op::Hot { id } => *self.t2.entry(id).or_default() += 1,
            Op::Log { seq } => {
                self.log.insert(seq);
            }
            Op::MyIsam { id, v } => {
                self.m.insert(id, v);
            }
        }
    }

    /// Each of [`TABLES`] as its SELECT prints it (cells joined by tabs).
    pub fn tables(&self) -> [Vec<String>; 4] {
        [
            self.t1
                .iter()
                .map(|(id, v)| format!("{id}\t{v}\t{}", unique(*id)))
                .collect(),
            self.t2.iter().map(|(id, n)| format!("{id}\t{n}")).collect(),
            self.log.iter().map(u32::to_string).collect(),
            self.m.iter().map(|(id, v)| format!("{id}\t{v}")).collect(),
        ]
    }
}

#[test]
fn the_model_replays_groups_up_to_a_gtid() {
    let j = Journal {
        last_gtid: 12,
        groups: vec![
            (10, vec![Op::Insert { id: 21, v: 5 }, Op::Log { seq: 1 }]),
            (11, vec![Op::Add { id: 21, d: 3 }, Op::Hot { id: 2 }]),
            (12, vec![Op::MyIsam { id: 1, v: 9 }]),
        ],
        error: None,
    };
    let at = j.state_at(11).tables();
    assert_eq!(at[0].last().unwrap(), "21\t8\t150");
    assert_eq!(at[1][1], "2\t1");
    assert_eq!(at[2], ["1"]);
    assert!(at[3].is_empty());
    assert_eq!(j.state_at(12).tables()[3], ["1\t9"]);
    assert_eq!(j.gtid_of_log(1), Some(10));
}
