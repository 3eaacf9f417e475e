//! Table-driven tests of [`evaluate`] with a tiny context (one fixed row,
//! user variables, a few system variables and canned subqueries). Every
//! expected text was checked against MariaDB 10.11 (`SELECT expr; SHOW
//! WARNINGS`) unless the line says otherwise.

use std::collections::HashMap;

use proptest::prelude::*;
use sqlparser::ast::{Expr, Function, Query, SelectItem, SetExpr, Statement};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

use super::context::{EvalContext, VarScope};
use super::evaluate;
use crate::error::{Condition, ServerError, ServerResult};
use crate::sql::value::{Row, Value, to_text};

/// A fixed row `a=5, b='abc', n=NULL`, variables, canned subqueries.
#[derive(Default)]
struct TestContext {
    vars: HashMap<String, Value>,
    warnings: Vec<Condition>,
    grouped: bool,
}

impl EvalContext for TestContext {
    fn column(&mut self, qualifier: &[String], name: &str) -> ServerResult<Value> {
        let _ = qualifier;
        match name.to_ascii_lowercase().as_str() {
            "a" => Ok(Value::Int(5)),
            "b" => Ok(Value::text("abc")),
            "n" => Ok(Value::Null),
            _ => Err(ServerError::new(
                1054,
                "42S22",
                format!("Unknown column '{name}' in 'SELECT'"),
            )),
        }
    }

    fn system_variable(&mut self, scope: VarScope, name: &str) -> ServerResult<Value> {
        match (scope, name.to_ascii_lowercase().as_str()) {
            (_, "max_connections") => Ok(Value::Int(151)),
            (VarScope::Global, "sql_mode") => Ok(Value::text("STRICT_TRANS_TABLES")),
            (_, "sql_mode") => Ok(Value::text("")),
            _ => Err(ServerError::new(
                1193,
                "HY000",
                format!("Unknown system variable '{name}'"),
            )),
        }
    }

    fn user_variable(&mut self, name: &str) -> Value {
        self.vars.get(name).cloned().unwrap_or(Value::Null)
    }

    fn set_user_variable(&mut self, name: &str, value: Value) {
        self.vars.insert(name.to_string(), value);
    }

    fn subquery(&mut self, query: &Query) -> ServerResult<Vec<Row>> {
        Ok(match query.to_string().as_str() {
            "SELECT 1" => vec![vec![Value::Int(1)]],
            "SELECT 1 UNION SELECT 2" => vec![vec![Value::Int(1)], vec![Value::Int(2)]],
            "SELECT 1, 2" => vec![vec![Value::Int(1), Value::Int(2)]],
            _ => Vec::new(),
        })
    }

    fn aggregate(&mut self, call: &Function) -> Option<ServerResult<Value>> {
        self.grouped
            .then(|| Ok(Value::Int(call.to_string().len() as i64)))
    }

    fn session_function(&mut self, name: &str, _args: &[Value]) -> Option<ServerResult<Value>> {
        match name {
            "connection_id" => Some(Ok(Value::Int(7))),
            "database" => Some(Ok(Value::text("test"))),
            _ => None,
        }
    }

    fn warn(&mut self, condition: Condition) {
        self.warnings.push(condition);
    }

    fn sql_mode(&self) -> &[String] {
        &DEFAULT_SQL_MODE
    }
}

/// MariaDB 10.11's default sql_mode.
static DEFAULT_SQL_MODE: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    [
        "STRICT_TRANS_TABLES",
        "ERROR_FOR_DIVISION_BY_ZERO",
        "NO_AUTO_CREATE_USER",
        "NO_ENGINE_SUBSTITUTION",
    ]
    .map(String::from)
    .to_vec()
});

/// The first select item of `SELECT text`.
fn parse(text: &str) -> Expr {
    let sql = format!("SELECT {text}");
    let stmt = Parser::parse_sql(&MySqlDialect {}, &sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let Statement::Query(q) = &stmt[0] else {
        panic!("{sql}: not a query")
    };
    let SetExpr::Select(sel) = q.body.as_ref() else {
        panic!("{sql}: not a select")
    };
    match &sel.projection[0] {
        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e.clone(),
        other => panic!("{sql}: {other}"),
    }
}

/// The printed result: the value's text, `NULL`, or `ERROR code (state): text`;
/// then the warnings as `Level code text`.
fn run_in(ctx: &mut TestContext, text: &str) -> (String, Vec<String>) {
    ctx.warnings.clear();
    let shown = match evaluate(&parse(text), ctx) {
        Ok(v) => to_text(&v).map_or_else(
            || "NULL".to_string(),
            |b| String::from_utf8_lossy(&b).into_owned(),
        ),
        Err(e) => e.to_string(),
    };
    let warnings = ctx
        .warnings
        .iter()
        .map(|c| format!("{} {} {}", c.level, c.code, c.message))
        .collect();
    (shown, warnings)
}

fn run(text: &str) -> (String, Vec<String>) {
    run_in(&mut TestContext::default(), text)
}

/// Checks each `(expression, result)` pair, and that no warning was raised.
fn check_quiet(cases: &[(&str, &str)]) {
    for (expr, want) in cases {
        let (got, warnings) = run(expr);
        assert_eq!(&got, want, "SELECT {expr}");
        assert!(
            warnings.is_empty(),
            "SELECT {expr}: unexpected {warnings:?}"
        );
    }
}

/// Checks each `(expression, result, warnings)`.
fn check_warned(cases: &[(&str, &str, &[&str])]) {
    for (expr, want, want_warnings) in cases {
        let (got, warnings) = run(expr);
        assert_eq!(&got, want, "SELECT {expr}");
        assert_eq!(warnings, *want_warnings, "SELECT {expr}");
    }
}

#[test]
fn arithmetic_matches_mariadb() {
    check_quiet(&[
        ("1/3", "0.3333"),
        ("5 DIV 2", "2"),
        ("-7 DIV 2", "-3"),
        ("7 % 3", "1"),
        ("-7 % 3", "-1"),
        ("7.5 % 2", "1.5"),
        ("1.0/3", "0.33333"),
        ("1/3.00", "0.3333"),
        ("10/4", "2.5000"),
        ("1e0/3", "0.3333333333333333"),
        ("0.1+0.2", "0.3"),
        ("1e20", "1e20"),
        ("1e15", "1e15"),
        ("123456789012345678", "123456789012345678"),
        ("1.5e-7", "0.00000015"),
        ("100000.0e0", "100000"),
        ("12345678901234567e0", "1.2345678901234568e16"),
        ("-0.0", "0.0"),
        ("2.0*3", "6.0"),
        ("1.0*1.0", "1.00"),
        ("1.10+2.200", "3.300"),
        ("18446744073709551615+0", "18446744073709551615"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("9223372036854775808", "9223372036854775808"),
        ("-(-9223372036854775807-1)", "9223372036854775808"),
        ("2-3", "-1"),
        ("'1.5'+1", "2.5"),
        ("'1e2'+0", "100"),
        ("-'5'", "-5"),
        ("CONCAT(0.1e0 + 0.2e0)", "0.30000000000000004"),
        ("a + 1", "6"),
        ("n + 1", "NULL"),
    ]);
}

#[test]
fn arithmetic_errors_and_warnings_match_mariadb() {
    check_warned(&[
        ("1/0", "NULL", &["Warning 1365 Division by 0"]),
        ("5 % 0", "NULL", &["Warning 1365 Division by 0"]),
        ("5 DIV 0", "NULL", &["Warning 1365 Division by 0"]),
        (
            "'abc'+1",
            "1",
            &["Warning 1292 Truncated incorrect DOUBLE value: 'abc'"],
        ),
        (
            "'3abc'+1",
            "4",
            &["Warning 1292 Truncated incorrect DOUBLE value: '3abc'"],
        ),
        (
            "' 2 '+1",
            "3",
            &["Note 1292 Truncated incorrect DOUBLE value: ' 2 '"],
        ),
        (
            "9223372036854775807+1",
            "ERROR 1690 (22003): BIGINT value is out of range in '9223372036854775807 + 1'",
            &[],
        ),
        (
            "-9223372036854775808-1",
            "ERROR 1690 (22003): BIGINT value is out of range in '-9223372036854775808 - 1'",
            &[],
        ),
        (
            "18446744073709551615+1",
            "ERROR 1690 (22003): BIGINT UNSIGNED value is out of range in '18446744073709551615 + 1'",
            &[],
        ),
        (
            "9223372036854775807*2",
            "ERROR 1690 (22003): BIGINT value is out of range in '9223372036854775807 * 2'",
            &[],
        ),
        (
            "1e300*1e300",
            "ERROR 1690 (22003): DOUBLE value is out of range in '1e300 * 1e300'",
            &[],
        ),
    ]);
}

#[test]
fn comparisons_and_logic_match_mariadb() {
    check_quiet(&[
        ("'a'='A'", "1"),
        ("'a '='a'", "1"),
        ("'a'<'b'", "1"),
        ("1='1'", "1"),
        ("'10'<'9'", "1"),
        ("10<'9'", "0"),
        ("NULL=NULL", "NULL"),
        ("NULL<=>NULL", "1"),
        ("1<=>NULL", "0"),
        ("1 != 2", "1"),
        ("1 <> 1", "0"),
        ("2 >= 2", "1"),
        ("1 XOR 0", "1"),
        ("1 XOR NULL", "NULL"),
        ("NOT 0", "1"),
        ("NOT NULL", "NULL"),
        ("2 AND NULL", "NULL"),
        ("0 AND NULL", "0"),
        ("1 OR NULL", "1"),
        ("1 && 1", "1"),
        ("5 BETWEEN 1 AND 10", "1"),
        ("5 NOT BETWEEN 1 AND 10", "0"),
        ("'b' BETWEEN 'a' AND 'c'", "1"),
        ("5 BETWEEN NULL AND 10", "NULL"),
        ("2 IN (1,2,3)", "1"),
        ("2 IN (1,NULL)", "NULL"),
        ("2 NOT IN (1,NULL)", "NULL"),
        ("'a' IN ('A','b')", "1"),
        ("1 IS TRUE", "1"),
        ("NULL IS TRUE", "0"),
        ("0 IS NOT TRUE", "1"),
        ("NULL IS NOT FALSE", "1"),
        ("NULL IS NULL", "1"),
        ("1 IS NULL", "0"),
        ("n IS NOT NULL", "0"),
        ("1=1", "1"),
        ("CAST('2020-01-02' AS DATE) = '2020-01-02'", "1"),
    ]);
    check_warned(&[(
        "'abc'=0",
        "1",
        &["Warning 1292 Truncated incorrect DECIMAL value: 'abc'"],
    )]);
}

#[test]
fn patterns_case_and_bits_match_mariadb() {
    check_quiet(&[
        ("'abc' LIKE 'A%'", "1"),
        ("'abc' LIKE 'a_c'", "1"),
        ("'a%c' LIKE 'a|%c' ESCAPE '|'", "1"),
        ("'a_c' LIKE 'a\\_c'", "1"),
        ("'abc' NOT LIKE '%b%'", "0"),
        ("'abc' LIKE NULL", "NULL"),
        ("'abc' REGEXP '^a.c$'", "1"),
        ("'ABC' REGEXP 'b'", "1"),
        ("'abc' RLIKE 'x'", "0"),
        ("CASE 1 WHEN 1 THEN 'a' ELSE 'b' END", "a"),
        ("CASE WHEN 0 THEN 'a' END", "NULL"),
        ("CASE WHEN 1 THEN 1 ELSE 2.5 END", "1.0"),
        ("CASE b WHEN 'ABC' THEN 'yes' END", "yes"),
        ("-(5)", "-5"),
        ("5 | 3", "7"),
        ("5 & 3", "1"),
        ("5 ^ 3", "6"),
        ("1 << 63", "9223372036854775808"),
        ("1 << 64", "0"),
        ("-1 >> 1", "9223372036854775807"),
        ("~0", "18446744073709551615"),
        ("~1", "18446744073709551614"),
        ("-1 | 0", "18446744073709551615"),
        ("1.5 | 0", "2"),
        ("'3' | 0", "3"),
    ]);
}

#[test]
fn string_functions_match_mariadb() {
    check_quiet(&[
        ("CONCAT('a',1,NULL)", "NULL"),
        ("CONCAT('a',1.50,2e0)", "a1.502"),
        ("CONCAT_WS(',','a',NULL,'b')", "a,b"),
        ("LENGTH('héllo')", "6"),
        ("CHAR_LENGTH('héllo')", "5"),
        ("CHARACTER_LENGTH('abc')", "3"),
        ("UPPER('abc')", "ABC"),
        ("LCASE('ABC')", "abc"),
        ("SUBSTRING('abcdef',2)", "bcdef"),
        ("SUBSTRING('abcdef',-2)", "ef"),
        ("SUBSTRING('abcdef',2,3)", "bcd"),
        ("SUBSTR('abcdef',0)", ""),
        ("MID('abcdef',3,2)", "cd"),
        ("SUBSTRING('abcdef' FROM 2 FOR 2)", "bc"),
        ("LEFT('abc',2)", "ab"),
        ("RIGHT('abc',2)", "bc"),
        ("LEFT('abc',-1)", ""),
        ("TRIM('  a  ')", "a"),
        ("LTRIM('  a  ')", "a  "),
        ("RTRIM('  a  ')", "  a"),
        ("TRIM(LEADING 'x' FROM 'xxaxx')", "axx"),
        ("TRIM(TRAILING 'x' FROM 'xxaxx')", "xxa"),
        ("TRIM(BOTH 'xy' FROM 'xyaxy')", "a"),
        ("REPLACE('aXbX','X','y')", "ayby"),
        ("REPEAT('ab',3)", "ababab"),
        ("REPEAT('ab',0)", ""),
        ("REVERSE('abc')", "cba"),
        ("LPAD('a',3,'xy')", "xya"),
        ("LPAD('abcd',2,'x')", "ab"),
        ("RPAD('a',4,'xy')", "axyx"),
        ("INSTR('abcb','b')", "2"),
        ("INSTR('abc','B')", "2"),
        ("LOCATE('b','abcb')", "2"),
        ("LOCATE('b','abcb',3)", "4"),
        ("POSITION('c' IN 'abc')", "3"),
        ("SPACE(3)", "   "),
        ("HEX('abc')", "616263"),
        ("HEX(255)", "FF"),
        ("HEX(-1)", "FFFFFFFFFFFFFFFF"),
        ("UNHEX('4142')", "AB"),
        ("UNHEX('zz')", "NULL"),
        ("ASCII('A')", "65"),
        ("ASCII('')", "0"),
        ("CHAR(65,66)", "AB"),
        ("STRCMP('a','b')", "-1"),
        ("STRCMP('a','A')", "0"),
        ("FIELD('b','a','b')", "2"),
        ("FIELD('z','a')", "0"),
        ("FIND_IN_SET('b','a,b,c')", "2"),
        ("ELT(2,'a','b')", "b"),
        ("ELT(5,'a')", "NULL"),
        ("FORMAT(1234567.891,2)", "1,234,567.89"),
        ("FORMAT(1234.5,0)", "1,235"),
        ("FORMAT(0.5,0)", "1"),
        ("FORMAT(-1234.5,1)", "-1,234.5"),
        ("X'41'", "A"),
        ("0x41", "A"),
        ("_latin1'x'", "x"),
        ("N'x'", "x"),
        ("'a' 'b'", "ab"),
        ("TRUE", "1"),
        ("FALSE", "0"),
        ("CONCAT('x', 1e20)", "x1e20"),
    ]);
}

#[test]
fn control_and_numeric_functions_match_mariadb() {
    check_quiet(&[
        ("IF(1,2,3)", "2"),
        ("IF(NULL,2,3)", "3"),
        ("IFNULL(NULL,'x')", "x"),
        ("NULLIF(1,1)", "NULL"),
        ("NULLIF(1,2)", "1"),
        ("COALESCE(NULL,NULL,3)", "3"),
        ("GREATEST(1,2,3)", "3"),
        ("LEAST('b','A','c')", "A"),
        ("GREATEST(1,NULL)", "NULL"),
        ("LEAST(1.5,2)", "1.5"),
        ("ABS(-5)", "5"),
        ("ABS(-1.5)", "1.5"),
        ("SIGN(-3)", "-1"),
        ("SIGN(0.0)", "0"),
        ("ROUND(1.5)", "2"),
        ("ROUND(2.5)", "3"),
        ("ROUND(-1.5)", "-2"),
        ("ROUND(1.2345,2)", "1.23"),
        ("ROUND(1234.5,-2)", "1200"),
        ("ROUND(1.5e0)", "2"),
        ("ROUND(2.5e0)", "2"),
        ("ROUND(1.25e0,1)", "1.2"),
        ("TRUNCATE(1.999,1)", "1.9"),
        ("TRUNCATE(-1.999,0)", "-1"),
        ("TRUNCATE(1234,-2)", "1200"),
        ("FLOOR(1.5)", "1"),
        ("FLOOR(-1.5)", "-2"),
        ("CEIL(1.2)", "2"),
        ("CEILING(-1.2)", "-1"),
        ("FLOOR(1.5e0)", "1"),
        ("MOD(7,3)", "1"),
        ("MOD(7.5,2)", "1.5"),
        ("POW(2,3)", "8"),
        ("POWER(2,0.5)", "1.4142135623730951"),
        ("SQRT(16)", "4"),
        ("SQRT(-1)", "NULL"),
        ("NAME_CONST('x',5)", "5"),
        ("NAME_CONST('x',-7)", "-7"),
        ("NAME_CONST('n',NULL)", "NULL"),
        ("NAME_CONST('a',TIME'01:01:01')=10101", "1"),
        (
            "NAME_CONST('s',_latin1'a\\'b' COLLATE 'latin1_swedish_ci')",
            "a'b",
        ),
        (
            "NAME_CONST('a', 1+1)",
            "ERROR 1210 (HY000): Incorrect arguments to NAME_CONST",
        ),
        (
            "NAME_CONST(CONCAT('a'), 1)",
            "ERROR 1210 (HY000): Incorrect arguments to NAME_CONST",
        ),
        (
            "NAME_CONST('a', a)",
            "ERROR 1210 (HY000): Incorrect arguments to NAME_CONST",
        ),
    ]);
    check_warned(&[(
        "GREATEST(1,'a')",
        "1",
        &["Warning 1292 Truncated incorrect DOUBLE value: 'a'"],
    )]);
}

#[test]
fn casts_match_mariadb() {
    check_quiet(&[
        ("CAST(1.5 AS SIGNED)", "2"),
        ("CAST(-1.5 AS SIGNED)", "-2"),
        ("CAST(1.5 AS UNSIGNED)", "2"),
        ("CAST(123 AS CHAR)", "123"),
        ("CAST(1.567 AS DECIMAL(5,2))", "1.57"),
        ("CAST('1.5' AS DECIMAL(4,1))", "1.5"),
        ("CAST(1 AS DOUBLE)", "1"),
        ("CAST('1.5' AS DOUBLE)", "1.5"),
        ("CAST('2020-01-02' AS DATE)", "2020-01-02"),
        ("CAST('2020-01-02 03:04:05' AS DATE)", "2020-01-02"),
        ("CAST('2020-01-02' AS DATETIME)", "2020-01-02 00:00:00"),
        (
            "CAST('2020-01-02 03:04:05.123' AS DATETIME)",
            "2020-01-02 03:04:05",
        ),
        (
            "CAST('2020-01-02 03:04:05.123' AS DATETIME(3))",
            "2020-01-02 03:04:05.123",
        ),
        ("CAST('10:00' AS TIME)", "10:00:00"),
        ("CAST('a' AS BINARY)", "a"),
        ("CONVERT('12', SIGNED)", "12"),
        ("CONVERT(1.5, CHAR)", "1.5"),
    ]);
    check_warned(&[
        (
            "CAST('abc' AS SIGNED)",
            "0",
            &["Warning 1292 Truncated incorrect INTEGER value: 'abc'"],
        ),
        (
            "CAST('12abc' AS SIGNED)",
            "12",
            &["Warning 1292 Truncated incorrect INTEGER value: '12abc'"],
        ),
        (
            "CAST(-1 AS UNSIGNED)",
            "18446744073709551615",
            &["Note 1105 Cast to unsigned converted negative integer to it's positive complement"],
        ),
        (
            "CAST('abcdef' AS CHAR(3))",
            "abc",
            &["Warning 1292 Truncated incorrect CHAR(3) value: 'abcdef'"],
        ),
        (
            "CAST(12345 AS DECIMAL(3,1))",
            "99.9",
            &["Warning 1264 Out of range value for column 'CAST(12345 AS DECIMAL(3,1))' at row 1"],
        ),
        (
            "CAST('abc' AS DATE)",
            "NULL",
            &["Warning 1292 Incorrect datetime value: 'abc'"],
        ),
        (
            "CAST(2 AS UNSIGNED)-3",
            "ERROR 1690 (22003): BIGINT UNSIGNED value is out of range in 'CAST(2 AS UNSIGNED) - 3'",
            &[],
        ),
    ]);
}

#[test]
fn date_functions_match_mariadb() {
    check_quiet(&[
        ("DATE('2020-01-02 03:04:05')", "2020-01-02"),
        ("TIME('2020-01-02 03:04:05')", "03:04:05"),
        ("YEAR('2020-01-02')", "2020"),
        ("MONTH('2020-01-02')", "1"),
        ("DAY('2020-01-02')", "2"),
        ("DAYOFMONTH('2020-01-02')", "2"),
        ("HOUR('10:11:12')", "10"),
        ("MINUTE('2020-01-02 10:11:12')", "11"),
        ("SECOND('10:11:12')", "12"),
        (
            "DATE_FORMAT('2020-01-02 03:04:05','%Y-%m-%d %H:%i:%s')",
            "2020-01-02 03:04:05",
        ),
        (
            "DATE_FORMAT('2020-01-02 13:04:05','%y %c %e %k %l %p %M %b %W %a %j %T %r %f %%')",
            "20 1 2 13 1 PM January Jan Thursday Thu 002 13:04:05 01:04:05 PM 000000 %",
        ),
        ("DATE_FORMAT('2020-01-02','%D %U')", "2nd 00"),
        ("DATE_ADD('2020-01-31', INTERVAL 1 MONTH)", "2020-02-29"),
        ("DATE_ADD('2020-01-01', INTERVAL 1 DAY)", "2020-01-02"),
        (
            "DATE_ADD('2020-01-01 10:00:00', INTERVAL 1 HOUR)",
            "2020-01-01 11:00:00",
        ),
        (
            "DATE_ADD('2020-01-01', INTERVAL 1 HOUR)",
            "2020-01-01 01:00:00",
        ),
        ("DATE_SUB('2020-03-01', INTERVAL 1 DAY)", "2020-02-29"),
        ("'2020-01-01' + INTERVAL 1 YEAR", "2021-01-01"),
        ("'2020-01-01' - INTERVAL 1 SECOND", "2019-12-31 23:59:59"),
        ("DATE_ADD('2020-01-01', INTERVAL -1 WEEK)", "2019-12-25"),
        (
            "DATE_ADD('2020-01-01', INTERVAL 90 MINUTE)",
            "2020-01-01 01:30:00",
        ),
        ("DATEDIFF('2020-03-01','2020-02-01')", "29"),
        ("DATEDIFF('2020-03-01 23:00:00','2020-02-01')", "29"),
        ("TIMESTAMPDIFF(DAY,'2020-01-01','2020-02-01')", "31"),
        ("TIMESTAMPDIFF(MONTH,'2020-01-31','2020-02-29')", "0"),
        (
            "TIMESTAMPDIFF(SECOND,'2020-01-01','2020-01-01 00:01:00')",
            "60",
        ),
        ("TIMESTAMPDIFF(HOUR,'2020-01-02','2020-01-01')", "-24"),
        ("UNIX_TIMESTAMP('2020-01-01 00:00:00')", "1577836800"),
        ("FROM_UNIXTIME(0)", "1970-01-01 00:00:00"),
        ("FROM_UNIXTIME(1577836800)", "2020-01-01 00:00:00"),
        ("FROM_UNIXTIME(1.5)", "1970-01-01 00:00:01.5"),
        ("DATE '2020-01-01'", "2020-01-01"),
        ("TIMESTAMP '2020-01-01 00:00:00'", "2020-01-01 00:00:00"),
        ("EXTRACT(YEAR FROM '2020-01-02')", "2020"),
        ("CONCAT(CAST('2020-01-02' AS DATE))", "2020-01-02"),
    ]);
    check_warned(&[(
        "MONTH('abc')",
        "NULL",
        &["Warning 1292 Incorrect datetime value: 'abc'"],
    )]);
}

#[test]
fn variables_subqueries_and_context_calls() {
    let mut ctx = TestContext::default();
    assert_eq!(run_in(&mut ctx, "@u").0, "NULL");
    assert_eq!(run_in(&mut ctx, "@u := 5").0, "5");
    assert_eq!(run_in(&mut ctx, "@u + 1").0, "6");
    assert_eq!(run_in(&mut ctx, "@@max_connections").0, "151");
    assert_eq!(
        run_in(&mut ctx, "@@global.sql_mode").0,
        "STRICT_TRANS_TABLES"
    );
    assert_eq!(run_in(&mut ctx, "@@session.sql_mode").0, "");
    assert_eq!(
        run_in(&mut ctx, "@@nonexist").0,
        "ERROR 1193 (HY000): Unknown system variable 'nonexist'"
    );
    assert_eq!(run_in(&mut ctx, "(SELECT 1)").0, "1");
    assert_eq!(
        run_in(&mut ctx, "(SELECT 1 UNION SELECT 2)").0,
        "ERROR 1242 (21000): Subquery returns more than 1 row"
    );
    assert_eq!(
        run_in(&mut ctx, "(SELECT 1, 2)").0,
        "ERROR 1241 (21000): Operand should contain 1 column(s)"
    );
    assert_eq!(run_in(&mut ctx, "(SELECT 3)").0, "NULL");
    assert_eq!(run_in(&mut ctx, "EXISTS (SELECT 1)").0, "1");
    assert_eq!(run_in(&mut ctx, "NOT EXISTS (SELECT 3)").0, "1");
    assert_eq!(run_in(&mut ctx, "1 IN (SELECT 1 UNION SELECT 2)").0, "1");
    assert_eq!(
        run_in(&mut ctx, "3 NOT IN (SELECT 1 UNION SELECT 2)").0,
        "1"
    );
    assert_eq!(run_in(&mut ctx, "CONNECTION_ID() + 1").0, "8");
    assert_eq!(
        run_in(&mut ctx, "nofunc(1)").0,
        "ERROR 1305 (42000): FUNCTION test.nofunc does not exist"
    );
    assert_eq!(
        run_in(&mut ctx, "SUM(a) + 1").0,
        "ERROR 1111 (HY000): Invalid use of group function"
    );
    assert_eq!(
        run_in(&mut ctx, "zz").0,
        "ERROR 1054 (42S22): Unknown column 'zz' in 'SELECT'"
    );
    assert_eq!(run_in(&mut ctx, "t.b").0, "abc");
    assert_eq!(
        run_in(&mut ctx, "LEFT('abc')").0,
        "ERROR 1582 (42000): Incorrect parameter count in the call to native function 'LEFT'"
    );
    ctx.grouped = true;
    assert_eq!(run_in(&mut ctx, "COUNT(*) + 1").0, "9");
}

proptest! {
    /// evaluate() never panics on arithmetic and string expressions built from arbitrary pieces.
    #[test]
    fn evaluate_never_panics(
        atoms in proptest::collection::vec(
            prop_oneof![
                any::<i64>().prop_map(|i| i.to_string()),
                any::<u64>().prop_map(|u| u.to_string()),
                any::<f64>().prop_filter("finite", |d| d.is_finite()).prop_map(|d| format!("{d:e}")),
                "[0-9]{1,30}\\.[0-9]{0,30}",
                "'[ -&(-~]{0,12}'",
                Just("NULL".to_string()),
                Just("a".to_string()),
            ],
            1..6,
        ),
        ops in proptest::collection::vec(
            prop_oneof![
                Just("+"), Just("-"), Just("*"), Just("/"), Just(" DIV "), Just("%"), Just("="), Just("<"),
                Just(" AND "), Just(" OR "), Just(" LIKE "), Just(" REGEXP "), Just("|"), Just("<<"), Just(">>"), Just("<=>"),
            ],
            5,
        ),
        func in prop_oneof![
            Just(""), Just("CONCAT"), Just("ROUND"), Just("HEX"), Just("ABS"), Just("LENGTH"), Just("FLOOR"), Just("-"),
            Just("CAST_SIGNED"), Just("DATE"), Just("FORMAT2"), Just("LPAD3"),
        ],
    ) {
        let mut text = atoms[0].clone();
        for (atom, op) in atoms[1..].iter().zip(ops.iter()) {
            text = format!("{text}{op}{atom}");
        }
        let text = match func {
            "" => text,
            "CAST_SIGNED" => format!("CAST(({text}) AS SIGNED)"),
            "FORMAT2" => format!("FORMAT(({text}), {})", atoms.len()),
            "LPAD3" => format!("LPAD(({text}), {}, 'x')", atoms.len()),
            "-" => format!("-({text})"),
            f => format!("{f}({text})"),
        };
        if let Ok(stmt) = Parser::parse_sql(&MySqlDialect {}, &format!("SELECT {text}")) {
            if let Statement::Query(q) = &stmt[0] {
                if let SetExpr::Select(sel) = q.body.as_ref() {
                    if let SelectItem::UnnamedExpr(e) = &sel.projection[0] {
                        let _ = evaluate(e, &mut TestContext::default());
                    }
                }
            }
        }
    }
}
