//! Aggregates: which calls are aggregates (COUNT, SUM, AVG, MIN, MAX,
//! GROUP_CONCAT, with DISTINCT), and the accumulator the executor feeds
//! one value per row of a group and asks for the group's result. Result
//! types follow MariaDB: SUM and AVG of exact numbers are DECIMAL (AVG
//! with 4 more digits), of doubles DOUBLE; COUNT is BIGINT.

use std::cmp::Ordering;

use sqlparser::ast::{DuplicateTreatment, Function, FunctionArguments};

use super::arithmetic::DIV_PRECISION_INCREMENT;
use crate::sql::value::convert::{Num, num_to_decimal, to_num};
use crate::sql::value::{Decimal, Value, compare_values, to_text};

/// Which aggregate a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateKind {
    /// `COUNT(*)`: every row.
    CountStar,
    Count,
    Sum,
    Avg,
    Min,
    Max,
    GroupConcat,
}

/// The aggregate a call is and whether it has DISTINCT; None for other functions.
pub fn aggregate_kind(call: &Function) -> Option<(AggregateKind, bool)> {
    let name = super::functions::call_name(call).to_ascii_lowercase();
    let (distinct, star) = match &call.args {
        FunctionArguments::List(list) => (
            matches!(list.duplicate_treatment, Some(DuplicateTreatment::Distinct)),
            list.args.len() == 1 && super::functions::argument_exprs(call).is_empty(),
        ),
        _ => (false, false),
    };
    let kind = match name.as_str() {
        "count" if star => AggregateKind::CountStar,
        "count" => AggregateKind::Count,
        "sum" => AggregateKind::Sum,
        "avg" => AggregateKind::Avg,
        "min" => AggregateKind::Min,
        "max" => AggregateKind::Max,
        "group_concat" => AggregateKind::GroupConcat,
        _ => return None,
    };
    Some((kind, distinct))
}

/// The text of a `SEPARATOR '…'` clause of the call.
fn separator_of(call: &Function) -> Option<Vec<u8>> {
    let FunctionArguments::List(list) = &call.args else {
        return None;
    };
    list.clauses.iter().find_map(|clause| match clause {
        sqlparser::ast::FunctionArgumentClause::Separator(v) => match &v.value {
            sqlparser::ast::Value::SingleQuotedString(s)
            | sqlparser::ast::Value::DoubleQuotedString(s) => Some(s.as_bytes().to_vec()),
            _ => None,
        },
        _ => None,
    })
}

/// The running state of one aggregate over one group.
#[derive(Debug, Clone)]
pub struct Accumulator {
    kind: AggregateKind,
    distinct: bool,
    /// Values already taken, for DISTINCT.
    seen: Vec<Value>,
    count: u64,
    exact: Option<Decimal>,
    double: f64,
    /// Whether a double or string took part (SUM/AVG become DOUBLE).
    inexact: bool,
    best: Option<Value>,
    parts: Vec<Vec<u8>>,
    /// GROUP_CONCAT's SEPARATOR (',' unless the call names one).
    separator: Vec<u8>,
}

impl Accumulator {
    pub fn new(kind: AggregateKind, distinct: bool) -> Accumulator {
        Accumulator {
            kind,
            distinct,
            seen: Vec::new(),
            count: 0,
            exact: Some(Decimal::new(0, 0)),
            double: 0.0,
            inexact: false,
            best: None,
            parts: Vec::new(),
            separator: b",".to_vec(),
        }
    }

    /// The accumulator of an aggregate call, its SEPARATOR clause applied;
    /// None when the call is no aggregate.
    pub fn for_call(call: &Function) -> Option<Accumulator> {
        let (kind, distinct) = aggregate_kind(call)?;
        let mut accumulator = Accumulator::new(kind, distinct);
        if let Some(separator) = separator_of(call) {
            accumulator.separator = separator;
        }
        Some(accumulator)
    }

    /// Takes one row's value (for COUNT(*) any value, NULL included).
    pub fn add(&mut self, v: &Value) {
        if self.kind == AggregateKind::CountStar {
            self.count += 1;
            return;
        }
        if v.is_null() || (self.distinct && self.already_seen(v)) {
            return;
        }
        self.count += 1;
        match self.kind {
            AggregateKind::Sum | AggregateKind::Avg => self.add_number(v),
            AggregateKind::Min => self.keep_if(v, Ordering::Less),
            AggregateKind::Max => self.keep_if(v, Ordering::Greater),
            AggregateKind::GroupConcat => self.parts.push(to_text(v).unwrap_or_default()),
            AggregateKind::Count | AggregateKind::CountStar => {}
        }
    }

    /// Records a DISTINCT value; true when it was there before.
    fn already_seen(&mut self, v: &Value) -> bool {
        if self
            .seen
            .iter()
            .any(|s| compare_values(s, v) == Ordering::Equal)
        {
            return true;
        }
        self.seen.push(v.clone());
        false
    }

    fn add_number(&mut self, v: &Value) {
        let Some(n) = to_num(v, &mut |_| {}) else {
            return;
        };
        if let Num::Dbl(d) = n {
            self.inexact = true;
            self.double += d;
            return;
        }
        self.double += crate::sql::value::convert::num_to_f64(n);
        self.exact = self.exact.and_then(|s| s.checked_add(num_to_decimal(n)));
    }

    fn keep_if(&mut self, v: &Value, want: Ordering) {
        let better = match &self.best {
            None => true,
            Some(b) => compare_values(v, b) == want,
        };
        if better {
            self.best = Some(v.clone());
        }
    }

    /// The group's result.
    pub fn finish(&self) -> Value {
        match self.kind {
            AggregateKind::CountStar | AggregateKind::Count => Value::Int(self.count as i64),
            _ if self.count == 0 => Value::Null,
            AggregateKind::Sum => self.sum(),
            AggregateKind::Avg => self.avg(),
            AggregateKind::Min | AggregateKind::Max => self.best.clone().unwrap_or(Value::Null),
            AggregateKind::GroupConcat => Value::Bytes(self.parts.join(&self.separator[..])),
        }
    }

    fn sum(&self) -> Value {
        match (self.inexact, self.exact) {
            (false, Some(d)) => Value::Decimal(d),
            _ => Value::Double(self.double),
        }
    }

    fn avg(&self) -> Value {
        match (self.inexact, self.exact) {
            (false, Some(d)) => d
                .checked_div(
                    Decimal::from_int(i128::from(self.count)),
                    DIV_PRECISION_INCREMENT,
                )
                .map_or(Value::Null, Value::Decimal),
            _ => Value::Double(self.double / self.count as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(kind: AggregateKind, distinct: bool, values: &[Value]) -> String {
        let mut acc = Accumulator::new(kind, distinct);
        for v in values {
            acc.add(v);
        }
        crate::sql::value::to_string_lossy(&acc.finish())
    }

    #[test]
    fn aggregates_follow_mariadb_types() {
        // Checked against MariaDB 10.11: SUM(1,2,3)=6, AVG(1,2)=1.5000, AVG(1.5,2.0)=1.75000.
        let ints = [
            Value::Int(1),
            Value::Int(2),
            Value::Null,
            Value::Int(3),
            Value::Int(2),
        ];
        assert_eq!(run(AggregateKind::CountStar, false, &ints), "5");
        assert_eq!(run(AggregateKind::Count, false, &ints), "4");
        assert_eq!(run(AggregateKind::Count, true, &ints), "3");
        assert_eq!(run(AggregateKind::Sum, true, &ints), "6");
        assert_eq!(
            run(AggregateKind::Avg, false, &[Value::Int(1), Value::Int(2)]),
            "1.5000"
        );
        assert_eq!(
            run(
                AggregateKind::Avg,
                false,
                &[
                    Value::Decimal(Decimal::new(15, 1)),
                    Value::Decimal(Decimal::new(20, 1))
                ]
            ),
            "1.75000"
        );
        assert_eq!(
            run(
                AggregateKind::Min,
                false,
                &[Value::text("b"), Value::text("A")]
            ),
            "A"
        );
        assert_eq!(run(AggregateKind::Max, false, &ints), "3");
        assert_eq!(run(AggregateKind::GroupConcat, false, &ints), "1,2,3,2");
        assert_eq!(run(AggregateKind::Sum, false, &[Value::Null]), "");
        assert!(
            Accumulator::new(AggregateKind::Sum, false)
                .finish()
                .is_null()
        );
    }
}
