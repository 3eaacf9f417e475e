//! The `expanded_query` of a SELECT without tables, printed as MariaDB
//! prints a resolved query: lower-case `select`, items joined by `,`, each
//! followed by ` AS name` (the alias, or the item's text as written),
//! operators spaced and parenthesized by precedence, functions by their
//! canonical names. Only the forms whose printing we know are covered;
//! anything else gives None and the statement keeps no trace.

use sqlparser::ast::{
    BinaryOperator as B, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr, Query,
    Select, SelectItem, SetExpr, UnaryOperator, Value,
};

/// `select …` for a plain SELECT of expressions, if we can print it.
pub fn expanded_query(statement: &str, query: &Query) -> Option<String> {
    if query.with.is_some()
        || query.order_by.is_some()
        || query.limit_clause.is_some()
        || !query.locks.is_empty()
    {
        return None;
    }
    let SetExpr::Select(select) = query.body.as_ref() else {
        return None;
    };
    if !is_plain(select) {
        return None;
    }
    let items: Option<Vec<String>> = select
        .projection
        .iter()
        .map(|item| print_item(statement, item))
        .collect();
    Some(format!("select {}", items?.join(",")))
}

/// No FROM, WHERE, GROUP BY, HAVING, DISTINCT or INTO.
fn is_plain(select: &Select) -> bool {
    let no_group =
        matches!(&select.group_by, GroupByExpr::Expressions(e, m) if e.is_empty() && m.is_empty());
    select.from.is_empty()
        && select.selection.is_none()
        && select.having.is_none()
        && select.distinct.is_none()
        && select.into.is_none()
        && no_group
}

/// One select-list item with its name.
fn print_item(statement: &str, item: &SelectItem) -> Option<String> {
    let (expr, name) = match item {
        SelectItem::UnnamedExpr(expr) => (expr, default_name(statement, expr)),
        SelectItem::ExprWithAlias { expr, alias } => (expr, alias.value.clone()),
        _ => return None,
    };
    Some(format!("{} AS {}", print(expr)?, identifier(&name)))
}

/// The name of an unaliased item: its text as written (TRUE and FALSE
/// are named in capitals).
fn default_name(statement: &str, expr: &Expr) -> String {
    match expr {
        Expr::Value(v) if matches!(v.value, Value::Boolean(true)) => "TRUE".to_string(),
        Expr::Value(v) if matches!(v.value, Value::Boolean(false)) => "FALSE".to_string(),
        _ => crate::sql::exec::select::item_name(expr, Some(statement)),
    }
}

/// Operator precedence, lowest first, as MariaDB's printer ranks them.
fn precedence(expr: &Expr) -> u8 {
    match expr {
        Expr::BinaryOp { op, .. } => match op {
            B::Or => 1,
            B::Xor => 2,
            B::And => 3,
            B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq | B::Spaceship => 5,
            B::BitwiseOr => 6,
            B::BitwiseAnd => 7,
            B::PGBitwiseShiftLeft | B::PGBitwiseShiftRight => 8,
            B::Plus | B::Minus => 9,
            B::Multiply | B::Divide | B::Modulo | B::MyIntegerDivide => 10,
            B::BitwiseXor => 11,
            _ => 0,
        },
        Expr::Nested(inner) => precedence(inner),
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            ..
        } => 4,
        Expr::UnaryOp { .. } => 12,
        _ => 13,
    }
}

/// An expression as MariaDB prints it.
fn print(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Value(v) => literal(&v.value),
        Expr::Nested(inner) => print(inner),
        Expr::Identifier(ident) if ident.value.starts_with('@') => variable(&ident.value),
        Expr::CompoundIdentifier(parts) if parts[0].value.starts_with("@@") => {
            let names: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
            variable(&names.join("."))
        }
        Expr::BinaryOp { left, op, right } => binary(expr, left, op, right),
        Expr::UnaryOp { op, expr: inner } => unary(op, inner),
        Expr::Function(function) => call(function),
        _ => None,
    }
}

/// `@x`, `@@x`, `@@session.x` as written (names needing quotes are not covered).
fn variable(name: &str) -> Option<String> {
    let bare = name.trim_start_matches('@');
    bare.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '.')
        .then(|| name.to_string())
}

fn literal(value: &Value) -> Option<String> {
    Some(match value {
        Value::Number(text, _) => number(text),
        Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => quote_string(s),
        Value::Boolean(b) => u8::from(*b).to_string(),
        Value::Null => "NULL".to_string(),
        _ => return None,
    })
}

/// A numeric literal: integers lose leading zeros, `.5` becomes `0.5`,
/// decimals and floats keep their text.
fn number(text: &str) -> String {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let trimmed = text.trim_start_matches('0');
        return if trimmed.is_empty() { "0" } else { trimmed }.to_string();
    }
    match text.strip_prefix('.') {
        Some(rest) => format!("0.{rest}"),
        None => text.to_string(),
    }
}

/// A string literal in single quotes, escaped as MariaDB escapes it.
fn quote_string(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{1a}' => out.push_str("\\Z"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn binary(whole: &Expr, left: &Expr, op: &B, right: &Expr) -> Option<String> {
    let symbol = match op {
        B::Plus => "+",
        B::Minus => "-",
        B::Multiply => "*",
        B::Divide => "/",
        B::Modulo => "MOD",
        B::MyIntegerDivide => "DIV",
        B::Eq => "=",
        B::NotEq => "<>",
        B::Lt => "<",
        B::LtEq => "<=",
        B::Gt => ">",
        B::GtEq => ">=",
        B::Spaceship => "<=>",
        B::And => "and",
        B::Or => "or",
        B::Xor => "xor",
        B::BitwiseOr => "|",
        B::BitwiseAnd => "&",
        B::BitwiseXor => "^",
        B::PGBitwiseShiftLeft => "<<",
        B::PGBitwiseShiftRight => ">>",
        _ => return None,
    };
    let level = precedence(whole);
    let left = operand(left, precedence(left) < level)?;
    let right = operand(right, precedence(right) <= level)?;
    Some(format!("{left} {symbol} {right}"))
}

/// An operand, in parentheses when it binds more loosely than its operator.
fn operand(expr: &Expr, parenthesize: bool) -> Option<String> {
    let text = print(expr)?;
    Some(if parenthesize {
        format!("({text})")
    } else {
        text
    })
}

fn unary(op: &UnaryOperator, inner: &Expr) -> Option<String> {
    match op {
        UnaryOperator::Minus => match numeric_literal(inner) {
            Some(text) => Some(negate(&text)),
            None => operand(inner, precedence(inner) < 12).map(|t| format!("-{t}")),
        },
        UnaryOperator::Not => not(inner),
        _ => None,
    }
}

/// The text of a (possibly negated or parenthesized) number literal.
fn numeric_literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Value(v) => match &v.value {
            Value::Number(text, _) => Some(number(text)),
            _ => None,
        },
        Expr::Nested(inner) => numeric_literal(inner),
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => numeric_literal(expr).map(|t| negate(&t)),
        _ => None,
    }
}

/// A negative literal folds into the number (`- -1` is `1`).
fn negate(text: &str) -> String {
    match text.strip_prefix('-') {
        Some(positive) => positive.to_string(),
        None => format!("-{text}"),
    }
}

/// NOT of a literal prints as `!x`; NOT of a comparison as the opposite
/// comparison (`not (1=1)` is `1 <> 1`).
fn not(inner: &Expr) -> Option<String> {
    let inner = match inner {
        Expr::Nested(e) => e.as_ref(),
        e => e,
    };
    if let Expr::BinaryOp { left, op, right } = inner {
        let opposite = match op {
            B::Eq => B::NotEq,
            B::NotEq => B::Eq,
            B::Lt => B::GtEq,
            B::GtEq => B::Lt,
            B::Gt => B::LtEq,
            B::LtEq => B::Gt,
            _ => return None,
        };
        let flipped = Expr::BinaryOp {
            left: left.clone(),
            op: opposite,
            right: right.clone(),
        };
        return print(&flipped);
    }
    match inner {
        Expr::Value(_) => print(inner).map(|t| format!("!{t}")),
        _ => None,
    }
}

/// A function call under its canonical name, arguments joined by `,`.
fn call(function: &sqlparser::ast::Function) -> Option<String> {
    if function.filter.is_some() || function.over.is_some() || function.name.0.len() != 1 {
        return None;
    }
    let name = function.name.to_string().to_ascii_lowercase();
    let name = canonical_function(&name)?;
    let args = match &function.args {
        FunctionArguments::None => Vec::new(),
        FunctionArguments::List(list)
            if list.duplicate_treatment.is_none() && list.clauses.is_empty() =>
        {
            list.args
                .iter()
                .map(|arg| match arg {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => print(e),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?
        }
        _ => return None,
    };
    Some(format!("{name}({})", args.join(",")))
}

/// The name MariaDB prints for a scalar function we know it prints plainly.
fn canonical_function(name: &str) -> Option<&'static str> {
    Some(match name {
        "abs" => "abs",
        "coalesce" => "coalesce",
        "concat" => "concat",
        "connection_id" => "connection_id",
        "database" => "database",
        "if" => "if",
        "ifnull" => "ifnull",
        "length" | "octet_length" => "octet_length",
        "lower" | "lcase" => "lcase",
        "now" | "current_timestamp" => "current_timestamp",
        "substr" | "substring" => "substr",
        "upper" | "ucase" => "ucase",
        "user" => "user",
        "version" => "version",
        _ => return None,
    })
}

/// A name after ` AS `: bare unless MariaDB must quote it.
fn identifier(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && !name.bytes().all(|b| b.is_ascii_digit())
        && !is_keyword(name);
    if plain {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

/// Words MariaDB's lexer knows as keywords (the ones that can stand as
/// item names need quoting then).
fn is_keyword(name: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "ALL",
        "AND",
        "AS",
        "ASC",
        "BETWEEN",
        "BINARY",
        "BY",
        "CASE",
        "CHAR",
        "COLUMN",
        "CREATE",
        "DATABASE",
        "DATE",
        "DEFAULT",
        "DELETE",
        "DESC",
        "DISTINCT",
        "DIV",
        "DROP",
        "ELSE",
        "END",
        "EXISTS",
        "FALSE",
        "FOR",
        "FROM",
        "GROUP",
        "HAVING",
        "IF",
        "IN",
        "INDEX",
        "INSERT",
        "INT",
        "INTERVAL",
        "INTO",
        "IS",
        "JOIN",
        "KEY",
        "LEFT",
        "LIKE",
        "LIMIT",
        "MOD",
        "NOT",
        "NULL",
        "ON",
        "OR",
        "ORDER",
        "SELECT",
        "SET",
        "TABLE",
        "THEN",
        "TIME",
        "TIMESTAMP",
        "TO",
        "TRUE",
        "UNION",
        "UPDATE",
        "USER",
        "USING",
        "VALUES",
        "WHEN",
        "WHERE",
        "WITH",
        "XOR",
    ];
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::parse::{Piece, Statement, parse_statement};

    fn expanded(text: &str) -> Option<String> {
        let Statement::Sql(ast) = parse_statement(&Piece { text, line: 1 }).unwrap() else {
            panic!("not sql");
        };
        let sqlparser::ast::Statement::Query(query) = *ast else {
            panic!("not a query");
        };
        expanded_query(text, &query)
    }

    // Expected texts are MariaDB 10.11's expanded_query for the same SELECTs.
    #[test]
    fn aliases_quoted_as_mariadb() {
        assert_eq!(
            expanded(
                "select 1 as a1, 3 as `12`, 4 as `select`, 6 as `a b`, 8 as `a``b`, 11 as `Abc`"
            )
            .as_deref(),
            Some("select 1 AS a1,3 AS `12`,4 AS `select`,6 AS `a b`,8 AS `a``b`,11 AS Abc")
        );
    }

    #[test]
    fn literals_as_mariadb() {
        assert_eq!(
            expanded("select 'x', 'it''s', -(1), - 1, 1.50, .5, 00012, NULL, true").as_deref(),
            Some(
                "select 'x' AS x,'it\\'s' AS `it's`,-1 AS `-(1)`,-1 AS `- 1`,1.50 AS `1.50`,0.5 AS `.5`,12 AS `00012`,NULL AS `NULL`,1 AS `TRUE`"
            )
        );
    }

    #[test]
    fn operators_as_mariadb() {
        assert_eq!(
            expanded("select (1+2)*3, 1-(2-3), 1 = (2 = 3), (1 = 2) = 3, 10 % 3, 1 and (2 or 3), not (1=1), -(1+2), - -1").as_deref(),
            Some("select (1 + 2) * 3 AS `(1+2)*3`,1 - (2 - 3) AS `1-(2-3)`,1 = (2 = 3) AS `1 = (2 = 3)`,1 = 2 = 3 AS `(1 = 2) = 3`,10 MOD 3 AS `10 % 3`,1 and (2 or 3) AS `1 and (2 or 3)`,1 <> 1 AS `not (1=1)`,-(1 + 2) AS `-(1+2)`,1 AS `- -1`")
        );
    }

    #[test]
    fn functions_and_variables_as_mariadb() {
        assert_eq!(
            expanded("select upper('a'), concat('a',\"b\"), now(), @@autocommit, @x").as_deref(),
            Some(
                "select ucase('a') AS `upper('a')`,concat('a','b') AS `concat('a',\"b\")`,current_timestamp() AS `now()`,@@autocommit AS `@@autocommit`,@x AS `@x`"
            )
        );
    }

    #[test]
    fn other_queries_are_not_covered() {
        assert_eq!(expanded("select 1 from t"), None);
        assert_eq!(expanded("select 1 union select 2"), None);
        assert_eq!(expanded("select (select 1)"), None);
        assert_eq!(expanded("select 1 where 1=1"), None);
    }
}
