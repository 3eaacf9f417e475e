//! Result-set metadata of computed columns from the expression, as MariaDB
//! derives it before reading any row: type, display length, decimals,
//! nullability and charset of literals, column references, arithmetic,
//! CONCAT and the control-flow functions (IF, IFNULL, COALESCE, NULLIF,
//! CASE). An expression, a resolver for column references and the
//! connection's collation come in; a protocol `Column`, or None for the
//! expressions it does not know (the caller then derives it from values).

use mysql_common::constants::{ColumnFlags, ColumnType};
use sqlparser::ast::{BinaryOperator, Expr, Value as Literal};

use super::functions::{argument_exprs, call_name};
use crate::session::outcome::Column;
use crate::sysvars::charsets;

/// Collation id of binary strings and numbers.
const BINARY: u16 = 63;
/// Decimal digits DIV adds to the dividend's scale (div_precision_increment).
const DIV_INCREMENT: u32 = 4;
/// NOT_FIXED_DEC: the decimals of strings and doubles.
const NOT_FIXED_DEC: u8 = 39;

/// What the typing of a select list needs from the statement.
pub struct TypeEnv<'a> {
    /// The metadata of a column reference; None when `expr` is not one.
    pub column: &'a dyn Fn(&Expr) -> Option<Column>,
    /// collation_connection's id: string literals carry it.
    pub collation: u16,
}

/// The kind of value an expression gives.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Null,
    /// `digits` without the sign, `length` as displayed; `big` is
    /// LONGLONG rather than LONG.
    Int {
        digits: u32,
        length: u32,
        big: bool,
        unsigned: bool,
    },
    Decimal {
        int: u32,
        scale: u32,
    },
    Double,
    Temporal {
        ty: ColumnType,
        length: u32,
        fsp: u8,
    },
    /// `chars` characters; binary strings have collation 63.
    Text {
        chars: u32,
        collation: u16,
    },
}

/// An expression's kind and whether it can be NULL.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Typed {
    kind: Kind,
    nullable: bool,
}

/// The metadata MariaDB sends for `expr` named `name`, when known.
pub fn expression_column(expr: &Expr, name: &str, env: &TypeEnv<'_>) -> Option<Column> {
    let column = match expr {
        Expr::Value(v) => match &v.value {
            Literal::HexStringLiteral(h) => hex_column(h.len().div_ceil(2)),
            Literal::SingleQuotedByteStringLiteral(b) => hex_column(b.len().div_ceil(8).max(1)),
            _ => to_column(type_of(expr, env)?),
        },
        _ => to_column(type_of(expr, env)?),
    };
    Some(Column {
        name: name.to_string(),
        org_name: String::new(),
        ..column
    })
}

fn type_of(expr: &Expr, env: &TypeEnv<'_>) -> Option<Typed> {
    if let Some(column) = (env.column)(expr) {
        return from_column(&column);
    }
    match expr {
        Expr::Nested(inner) => type_of(inner, env),
        Expr::Value(v) => literal(&v.value, env),
        Expr::BinaryOp { left, op, right } => arithmetic(op, left, right, env),
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            // A nullable operand or condition makes CASE nullable too.
            let mut tests = Vec::new();
            if let Some(o) = operand {
                tests.push(type_of(o, env)?);
            }
            for c in conditions {
                tests.push(type_of(&c.condition, env)?);
            }
            let mut results: Vec<Typed> = conditions
                .iter()
                .map(|c| type_of(&c.result, env))
                .collect::<Option<_>>()?;
            match else_result {
                Some(e) => results.push(type_of(e, env)?),
                None => results.push(null()),
            }
            let nullable = results.iter().chain(&tests).any(|t| t.nullable);
            combine(&results, nullable)
        }
        Expr::Function(call) => function(&call_name(call), &argument_exprs(call), env),
        _ => None,
    }
}

fn null() -> Typed {
    Typed {
        kind: Kind::Null,
        nullable: true,
    }
}

fn not_null(kind: Kind) -> Typed {
    Typed {
        kind,
        nullable: false,
    }
}

/// Literals: integers, exact decimals, doubles, strings and NULL.
fn literal(v: &Literal, env: &TypeEnv<'_>) -> Option<Typed> {
    match v {
        Literal::Null => Some(null()),
        Literal::Number(text, _) => Some(not_null(number_kind(text)?)),
        Literal::SingleQuotedString(s) | Literal::DoubleQuotedString(s) => {
            Some(not_null(Kind::Text {
                chars: s.chars().count() as u32,
                collation: env.collation,
            }))
        }
        Literal::HexStringLiteral(h) => Some(not_null(Kind::Text {
            chars: h.len().div_ceil(2) as u32,
            collation: BINARY,
        })),
        _ => None,
    }
}

fn number_kind(text: &str) -> Option<Kind> {
    if text.contains(['e', 'E']) {
        return Some(Kind::Double);
    }
    let digits = text.trim_start_matches('-');
    if let Some((int, frac)) = digits.split_once('.') {
        let int = int.trim_start_matches('0').len().max(1) as u32;
        return Some(Kind::Decimal {
            int,
            scale: frac.len() as u32,
        });
    }
    let unsigned = text.parse::<i64>().is_err();
    Some(Kind::Int {
        digits: digits.len() as u32,
        length: text.len() as u32,
        big: digits.len() > 9,
        unsigned,
    })
}

/// `+ - * /` over numbers; other operators are not typed here.
fn arithmetic(op: &BinaryOperator, left: &Expr, right: &Expr, env: &TypeEnv<'_>) -> Option<Typed> {
    use BinaryOperator as B;
    if !matches!(op, B::Plus | B::Minus | B::Multiply | B::Divide) {
        return None;
    }
    let (a, b) = (type_of(left, env)?, type_of(right, env)?);
    let nullable = a.nullable || b.nullable || matches!(op, B::Divide);
    let kind = match (a.kind, b.kind) {
        (Kind::Null, _) | (_, Kind::Null) => Kind::Null,
        (Kind::Double, _) | (_, Kind::Double) => Kind::Double,
        (x, y) => numeric_result(op, exact(x)?, exact(y)?)?,
    };
    Some(Typed { kind, nullable })
}

/// (integer digits, scale, is an integer) of an exact number.
fn exact(kind: Kind) -> Option<(u32, u32, bool)> {
    match kind {
        Kind::Int { digits, .. } => Some((digits, 0, true)),
        Kind::Decimal { int, scale } => Some((int, scale, false)),
        _ => None,
    }
}

fn numeric_result(
    op: &BinaryOperator,
    (ia, sa, a_int): (u32, u32, bool),
    (ib, sb, b_int): (u32, u32, bool),
) -> Option<Kind> {
    use BinaryOperator as B;
    let (int, scale) = match op {
        B::Plus | B::Minus => (ia.max(ib) + 1, sa.max(sb)),
        B::Multiply => (ia + ib, sa + sb),
        _ => (ia + sb, sa + DIV_INCREMENT),
    };
    if a_int && b_int && !matches!(op, B::Divide) {
        let length = int + 1;
        return Some(Kind::Int {
            digits: int,
            length,
            big: length > 9,
            unsigned: false,
        });
    }
    Some(Kind::Decimal {
        int: int.min(65),
        scale: scale.min(38),
    })
}

/// CONCAT and the control-flow functions.
fn function(name: &str, args: &[&Expr], env: &TypeEnv<'_>) -> Option<Typed> {
    let lower = name.to_ascii_lowercase();
    let typed: Vec<Typed> = args
        .iter()
        .map(|e| type_of(e, env))
        .collect::<Option<_>>()?;
    match (lower.as_str(), typed.as_slice()) {
        ("coalesce", all) if !all.is_empty() => combine(all, all.iter().all(|t| t.nullable)),
        ("ifnull", [a, b]) => combine(&[*a, *b], b.nullable),
        ("if", [c, a, b]) => combine(&[*a, *b], c.nullable || a.nullable || b.nullable),
        ("nullif", [a, _]) => Some(Typed {
            nullable: true,
            ..*a
        }),
        ("concat", all) if !all.is_empty() => concat(all, env),
        _ => None,
    }
}

/// CONCAT: the sum of the arguments' character lengths; binary if one is.
fn concat(args: &[Typed], env: &TypeEnv<'_>) -> Option<Typed> {
    let binary = args
        .iter()
        .any(|t| matches!(t.kind, Kind::Text { collation, .. } if collation == BINARY));
    let chars = args.iter().map(|t| char_length(t.kind)).sum();
    Some(Typed {
        kind: Kind::Text {
            chars,
            collation: if binary { BINARY } else { env.collation },
        },
        nullable: true,
    })
}

/// The type several results aggregate to (IF, IFNULL, COALESCE, CASE).
fn combine(results: &[Typed], nullable: bool) -> Option<Typed> {
    let kinds: Vec<Kind> = results
        .iter()
        .map(|t| t.kind)
        .filter(|k| *k != Kind::Null)
        .collect();
    let Some(first) = kinds.first().copied() else {
        return Some(null());
    };
    let kind = kinds
        .iter()
        .skip(1)
        .try_fold(first, |a, b| combine_two(a, *b))?;
    let kind = match kind {
        Kind::Int { digits, big, .. } => Kind::Int {
            digits,
            length: digits + 1,
            big,
            unsigned: false,
        },
        other => other,
    };
    Some(Typed { kind, nullable })
}

fn combine_two(a: Kind, b: Kind) -> Option<Kind> {
    match (a, b) {
        (Kind::Text { .. }, _) | (_, Kind::Text { .. }) => {
            let collation = match (a, b) {
                (Kind::Text { collation, .. }, _) | (_, Kind::Text { collation, .. }) => collation,
                _ => BINARY,
            };
            Some(Kind::Text {
                chars: char_length(a).max(char_length(b)),
                collation,
            })
        }
        (
            Kind::Int {
                digits: x, big: bx, ..
            },
            Kind::Int {
                digits: y, big: by, ..
            },
        ) => Some(Kind::Int {
            digits: x.max(y),
            length: x.max(y) + 1,
            big: bx || by,
            unsigned: false,
        }),
        (Kind::Double, Kind::Double) => Some(Kind::Double),
        (Kind::Temporal { ty: x, .. }, Kind::Temporal { ty: y, .. }) if x == y => Some(a),
        (x, y) => {
            let ((ia, sa, _), (ib, sb, _)) = (exact(x)?, exact(y)?);
            Some(Kind::Decimal {
                int: ia.max(ib),
                scale: sa.max(sb),
            })
        }
    }
}

/// How many characters a value of this kind prints as at most.
fn char_length(kind: Kind) -> u32 {
    match kind {
        Kind::Text { chars, .. } => chars,
        other => display_length(other),
    }
}

/// The display length of a non-string kind.
fn display_length(kind: Kind) -> u32 {
    match kind {
        Kind::Null => 0,
        Kind::Int { length, .. } => length,
        Kind::Decimal { int, scale } => int + scale + u32::from(scale > 0) + 1,
        Kind::Double => 23,
        Kind::Temporal { length, .. } => length,
        Kind::Text { chars, .. } => chars,
    }
}

/// A typed expression as a protocol column.
fn to_column(typed: Typed) -> Column {
    let numeric = ColumnFlags::BINARY_FLAG | ColumnFlags::NUM_FLAG;
    let (ty, flags, charset, length, decimals) = match typed.kind {
        Kind::Null => (ColumnType::MYSQL_TYPE_NULL, numeric, BINARY, 0, 0),
        Kind::Int { big, unsigned, .. } => {
            let ty = if big {
                ColumnType::MYSQL_TYPE_LONGLONG
            } else {
                ColumnType::MYSQL_TYPE_LONG
            };
            let flags = if unsigned {
                numeric | ColumnFlags::UNSIGNED_FLAG
            } else {
                numeric
            };
            (ty, flags, BINARY, display_length(typed.kind), 0)
        }
        Kind::Decimal { scale, .. } => (
            ColumnType::MYSQL_TYPE_NEWDECIMAL,
            numeric,
            BINARY,
            display_length(typed.kind),
            scale as u8,
        ),
        Kind::Double => (ColumnType::MYSQL_TYPE_DOUBLE, numeric, BINARY, 23, 31),
        Kind::Temporal { ty, length, fsp } => (ty, ColumnFlags::BINARY_FLAG, BINARY, length, fsp),
        Kind::Text { chars, collation } => {
            let bytes = charsets::charset_of_id(collation).map_or(1, charsets::max_bytes);
            let flags = if collation == BINARY {
                ColumnFlags::BINARY_FLAG
            } else {
                ColumnFlags::empty()
            };
            (
                ColumnType::MYSQL_TYPE_VAR_STRING,
                flags,
                collation,
                chars * bytes,
                NOT_FIXED_DEC,
            )
        }
    };
    let mut flags = flags;
    if !typed.nullable {
        flags |= ColumnFlags::NOT_NULL_FLAG;
    }
    Column {
        column_type: ty,
        flags,
        charset,
        length,
        decimals,
        ..Column::text("", 0)
    }
}

/// A hex or bit literal of `bytes` bytes: a binary string flagged unsigned.
fn hex_column(bytes: usize) -> Column {
    Column {
        column_type: ColumnType::MYSQL_TYPE_VAR_STRING,
        flags: ColumnFlags::BINARY_FLAG | ColumnFlags::UNSIGNED_FLAG | ColumnFlags::NOT_NULL_FLAG,
        charset: BINARY,
        length: bytes as u32,
        decimals: 0,
        ..Column::text("", 0)
    }
}

/// The kind of a table column from its metadata.
fn from_column(c: &Column) -> Option<Typed> {
    let nullable = !c.flags.contains(ColumnFlags::NOT_NULL_FLAG);
    let unsigned = c.flags.contains(ColumnFlags::UNSIGNED_FLAG);
    let kind = match c.column_type {
        ColumnType::MYSQL_TYPE_TINY
        | ColumnType::MYSQL_TYPE_SHORT
        | ColumnType::MYSQL_TYPE_INT24
        | ColumnType::MYSQL_TYPE_LONG
        | ColumnType::MYSQL_TYPE_LONGLONG => Kind::Int {
            digits: c.length - u32::from(!unsigned),
            length: c.length,
            big: c.column_type == ColumnType::MYSQL_TYPE_LONGLONG,
            unsigned,
        },
        ColumnType::MYSQL_TYPE_NEWDECIMAL => {
            let scale = u32::from(c.decimals);
            Kind::Decimal {
                int: c.length - u32::from(!unsigned) - scale - u32::from(scale > 0),
                scale,
            }
        }
        ColumnType::MYSQL_TYPE_DOUBLE | ColumnType::MYSQL_TYPE_FLOAT => Kind::Double,
        ColumnType::MYSQL_TYPE_DATE
        | ColumnType::MYSQL_TYPE_DATETIME
        | ColumnType::MYSQL_TYPE_TIMESTAMP
        | ColumnType::MYSQL_TYPE_TIME => Kind::Temporal {
            ty: c.column_type,
            length: c.length,
            fsp: c.decimals,
        },
        ColumnType::MYSQL_TYPE_VAR_STRING | ColumnType::MYSQL_TYPE_STRING => {
            let bytes = charsets::charset_of_id(c.charset).map_or(1, charsets::max_bytes);
            Kind::Text {
                chars: c.length / bytes,
                collation: c.charset,
            }
        }
        _ => return None,
    };
    Some(Typed { kind, nullable })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::ast::{SelectItem, SetExpr, Statement};
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::parser::Parser;

    fn parse(text: &str) -> Expr {
        let sql = format!("SELECT {text}");
        let stmt = Parser::parse_sql(&MySqlDialect {}, &sql).unwrap();
        let Statement::Query(q) = &stmt[0] else {
            panic!("not a query")
        };
        let SetExpr::Select(sel) = q.body.as_ref() else {
            panic!("not a select")
        };
        match &sel.projection[0] {
            SelectItem::UnnamedExpr(e) => e.clone(),
            other => panic!("{other}"),
        }
    }

    /// `a` INT and `d` DATE, both nullable, as a latin1 table sends them.
    fn table(expr: &Expr) -> Option<Column> {
        let Expr::Identifier(id) = expr else {
            return None;
        };
        let (ty, length, flags) = match id.value.as_str() {
            "a" => (ColumnType::MYSQL_TYPE_LONG, 11, ColumnFlags::NUM_FLAG),
            "d" => (ColumnType::MYSQL_TYPE_DATE, 10, ColumnFlags::BINARY_FLAG),
            _ => return None,
        };
        Some(Column {
            column_type: ty,
            flags,
            charset: BINARY,
            length,
            ..Column::text(&id.value, length)
        })
    }

    /// (type, length, flags, decimals, charsetnr) under a latin1 connection.
    type Meta = (u8, u32, u16, u8, u16);

    fn meta(text: &str) -> Meta {
        let env = TypeEnv {
            column: &table,
            collation: 8,
        };
        let c = expression_column(&parse(text), "c", &env).expect(text);
        assert!(c.org_name.is_empty());
        (
            c.column_type as u8,
            c.length,
            c.flags.bits(),
            c.decimals,
            c.charset,
        )
    }

    #[test]
    fn expressions_type_as_mariadb_sends_them() {
        // mariadb-test --enable_metadata on MariaDB 10.11, SET NAMES latin1.
        let cases: &[(&str, Meta)] = &[
            ("1", (3, 1, 32897, 0, 63)),
            ("1.5", (246, 4, 32897, 1, 63)),
            ("'abc'", (253, 3, 1, 39, 8)),
            ("''", (253, 0, 1, 39, 8)),
            ("NULL", (6, 0, 32896, 0, 63)),
            ("0x41", (253, 1, 161, 0, 63)),
            ("b'0101'", (253, 1, 161, 0, 63)),
            ("18446744073709551615", (8, 20, 32929, 0, 63)),
            ("1234567890123", (8, 13, 32897, 0, 63)),
            ("a+1", (8, 12, 32896, 0, 63)),
            ("a+0.5", (246, 14, 32896, 1, 63)),
            ("a*2", (8, 12, 32896, 0, 63)),
            ("a/3", (246, 16, 32896, 4, 63)),
            ("1+1", (3, 3, 32897, 0, 63)),
            ("1.5+1", (246, 5, 32897, 1, 63)),
            ("1/3", (246, 7, 32896, 4, 63)),
            ("CONCAT('a','bc')", (253, 3, 0, 39, 8)),
            ("CONCAT(a, 'x')", (253, 12, 0, 39, 8)),
            ("IF(1,'a','bcd')", (253, 3, 1, 39, 8)),
            ("IF(a,1,2)", (3, 2, 32896, 0, 63)),
            ("IFNULL(a,0)", (3, 11, 32897, 0, 63)),
            ("COALESCE(a,a)", (3, 11, 32896, 0, 63)),
            ("COALESCE(a,1)", (3, 11, 32897, 0, 63)),
            ("COALESCE(d,d)", (10, 10, 128, 0, 63)),
            ("NULLIF(a,1)", (3, 11, 32896, 0, 63)),
            ("CASE WHEN a THEN 'x' ELSE 'long' END", (253, 4, 0, 39, 8)),
            ("CASE a WHEN 1 THEN 1.5 END", (246, 4, 32896, 1, 63)),
        ];
        for (text, expected) in cases {
            assert_eq!(meta(text), *expected, "{text}");
        }
    }

    #[test]
    fn unknown_expressions_are_left_to_their_values() {
        let env = TypeEnv {
            column: &table,
            collation: 8,
        };
        assert!(expression_column(&parse("UPPER('a')"), "c", &env).is_none());
    }
}
