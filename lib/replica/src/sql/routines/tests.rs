//! Stored programs run through a whole session, statement by statement,
//! against what MariaDB 10.11 answers to the same statements.

use crate::session::outcome::Outcome;
use crate::session::{Session, StatementResult};

fn session() -> Session {
    Session::for_tests()
}

/// The results of one query, with whether more results followed each.
fn run(s: &mut Session, query: &str) -> Vec<(StatementResult, bool)> {
    let mut out = Vec::new();
    s.run_query(query.as_bytes(), &mut |r, more| {
        out.push((r, more));
        Ok(())
    })
    .unwrap();
    out
}

/// Runs statements that must succeed.
fn ok(s: &mut Session, query: &str) {
    for (r, _) in run(s, query) {
        if let Err(e) = r {
            panic!("{query}: {e:?}");
        }
    }
}

/// The one error of a statement.
fn error(s: &mut Session, query: &str) -> (u16, String) {
    let results = run(s, query);
    match &results.last().unwrap().0 {
        Err(e) => (e.code, e.message.clone()),
        Ok(other) => panic!("{query}: {other:?}"),
    }
}

/// The rows of every result set of a query, as text (NULL as "NULL").
fn rows(s: &mut Session, query: &str) -> Vec<Vec<String>> {
    run(s, query)
        .into_iter()
        .filter_map(|(r, _)| match r {
            Ok(Outcome::Rows(set)) => Some(set.rows),
            Ok(Outcome::Ok(_)) => None,
            Err(e) => panic!("{query}: {e:?}"),
        })
        .flatten()
        .map(|row| {
            row.into_iter()
                .map(|v| v.map_or("NULL".into(), |b| String::from_utf8(b).unwrap()))
                .collect()
        })
        .collect()
}

fn warnings(s: &Session) -> Vec<String> {
    s.warnings
        .iter()
        .map(|w| format!("{} {} {}", w.level, w.code, w.message))
        .collect()
}

#[test]
fn a_call_sends_each_select_then_an_ok_counting_changed_rows() {
    let mut s = session();
    ok(&mut s, "CREATE TABLE t1 (a INT)");
    ok(
        &mut s,
        "CREATE PROCEDURE p_fill(n INT)\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  WHILE i < n DO\n    INSERT INTO t1 VALUES (i);\n    SET i = i + 1;\n  END WHILE;\nEND",
    );
    ok(&mut s, "CALL p_fill(3)");
    assert_eq!(rows(&mut s, "SELECT * FROM t1"), [["0"], ["1"], ["2"]]);
    ok(
        &mut s,
        "CREATE PROCEDURE p_two() BEGIN SELECT 'first' AS r; INSERT INTO t1 VALUES (7),(8),(9); DELETE FROM t1 WHERE a = 0; END",
    );
    let results = run(&mut s, "CALL p_two()");
    assert_eq!(results.len(), 2);
    assert!(matches!(&results[0], (Ok(Outcome::Rows(_)), true)));
    let (Ok(Outcome::Ok(info)), false) = &results[1] else {
        panic!("{results:?}")
    };
    assert_eq!(info.affected_rows, 4);
    assert_eq!(rows(&mut s, "SELECT ROW_COUNT()"), [["4"]]);
}

#[test]
fn parameters_locals_loops_and_functions() {
    let mut s = session();
    ok(
        &mut s,
        "CREATE PROCEDURE w10(IN a INT, OUT b INT, INOUT c INT) BEGIN SET b = a * 2; SET c = c + 1; SELECT a, b, c; END",
    );
    ok(&mut s, "SET @c = 10");
    assert_eq!(rows(&mut s, "CALL w10(5, @b, @c)"), [["5", "10", "11"]]);
    assert_eq!(rows(&mut s, "SELECT @b, @c"), [["10", "11"]]);
    let e = error(&mut s, "CALL w10(5, 6, 7)");
    assert_eq!(
        e,
        (
            1414,
            "OUT or INOUT argument 2 for routine test.w10 is not a variable or NEW pseudo-variable in BEFORE trigger".into()
        )
    );
    let e = error(&mut s, "CALL w10(5)");
    assert_eq!(
        e.1,
        "Incorrect number of arguments for PROCEDURE test.w10; expected 3, got 1"
    );
    ok(
        &mut s,
        "CREATE FUNCTION f1(x INT) RETURNS VARCHAR(10)\nBEGIN\n  DECLARE s VARCHAR(10) DEFAULT '';\n  l: LOOP\n    IF x <= 0 THEN LEAVE l; END IF;\n    SET s = CONCAT(s, 'x');\n    SET x = x - 1;\n  END LOOP l;\n  RETURN s;\nEND",
    );
    assert_eq!(
        rows(&mut s, "SELECT f1(3), f1(0), test.f1(1)"),
        [["xxx", "", "x"]]
    );
    assert_eq!(
        error(&mut s, "SELECT nope(1)").1,
        "FUNCTION test.nope does not exist"
    );
    assert_eq!(
        error(&mut s, "SELECT f1()").1,
        "Incorrect number of arguments for FUNCTION test.f1; expected 1, got 0"
    );
    ok(
        &mut s,
        "CREATE FUNCTION f3() RETURNS INT BEGIN IF 0 THEN RETURN 1; END IF; END",
    );
    assert_eq!(
        error(&mut s, "SELECT f3()"),
        (1321, "FUNCTION f3 ended without RETURN".into())
    );
    ok(&mut s, "CREATE FUNCTION f4() RETURNS TINYINT RETURN 1000");
    assert_eq!(
        error(&mut s, "SELECT f4()"),
        (1264, "Out of range value for column 'f4()' at row 0".into())
    );
}

#[test]
fn a_routine_keeps_the_sql_mode_it_was_created_with() {
    let mut s = session();
    ok(&mut s, "SET sql_mode = ''");
    ok(
        &mut s,
        "CREATE PROCEDURE w8() BEGIN DECLARE x TINYINT DEFAULT 0; SET x = 300; SELECT x; END",
    );
    ok(&mut s, "SET sql_mode = DEFAULT");
    assert_eq!(rows(&mut s, "CALL w8()"), [["127"]]);
    assert_eq!(
        warnings(&s),
        ["Warning 1264 Out of range value for column 'x' at row 0"]
    );
}

#[test]
fn warnings_of_a_call_are_those_its_statements_left() {
    let mut s = session();
    ok(
        &mut s,
        "CREATE PROCEDURE p_levels() BEGIN DROP TABLE IF EXISTS no_such_table; SIGNAL SQLSTATE '01000' SET MESSAGE_TEXT = 'a warning in between', MYSQL_ERRNO = 1642; ALTER TABLE IF EXISTS no_such_table ADD COLUMN x INT; END",
    );
    ok(&mut s, "CALL p_levels()");
    assert_eq!(
        warnings(&s),
        ["Error 1146 Table 'test.no_such_table' doesn't exist"]
    );
    ok(
        &mut s,
        "CREATE PROCEDURE p_warn() BEGIN SIGNAL SQLSTATE '01000' SET MESSAGE_TEXT = 'my own warning', MYSQL_ERRNO = 1642; SELECT 'after the warning' AS s; END",
    );
    ok(&mut s, "CALL p_warn()");
    assert_eq!(warnings(&s), ["Warning 1642 my own warning"]);
    ok(
        &mut s,
        "CREATE PROCEDURE w1() BEGIN DROP TABLE IF EXISTS nope; SET @x = 1; END",
    );
    ok(&mut s, "CALL w1()");
    assert_eq!(warnings(&s), ["Note 1051 Unknown table 'test.nope'"]);
}

#[test]
fn handlers_catch_errors_continue_or_exit() {
    let mut s = session();
    ok(
        &mut s,
        "CREATE PROCEDURE w5() BEGIN DECLARE CONTINUE HANDLER FOR SQLEXCEPTION SET @h = 'handled'; INSERT INTO nope VALUES (1); SELECT @h; END",
    );
    assert_eq!(rows(&mut s, "CALL w5()"), [["handled"]]);
    assert!(warnings(&s).is_empty());
    ok(
        &mut s,
        "CREATE PROCEDURE w6() BEGIN DECLARE EXIT HANDLER FOR 1146 SET @h = 'exit'; INSERT INTO nope VALUES (1); SELECT 'not reached'; END",
    );
    assert!(rows(&mut s, "CALL w6()").is_empty());
    assert_eq!(rows(&mut s, "SELECT @h"), [["exit"]]);
    ok(
        &mut s,
        "CREATE PROCEDURE w4() BEGIN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'e'; SELECT 'not reached'; END",
    );
    assert_eq!(error(&mut s, "CALL w4()"), (1644, "e".into()));
}

#[test]
fn cursors_and_select_into_read_rows_into_locals() {
    let mut s = session();
    ok(&mut s, "CREATE TABLE t (a INT)");
    ok(&mut s, "INSERT INTO t VALUES (1), (2), (3)");
    ok(
        &mut s,
        "CREATE PROCEDURE sum_up() BEGIN DECLARE done INT DEFAULT 0; DECLARE v, total INT DEFAULT 0; DECLARE c CURSOR FOR SELECT a FROM t; DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1; OPEN c; r: REPEAT FETCH c INTO v; IF NOT done THEN SET total = total + v; END IF; UNTIL done END REPEAT r; CLOSE c; SELECT MAX(a) INTO @m FROM t; SELECT total, @m; END",
    );
    assert_eq!(rows(&mut s, "CALL sum_up()"), [["6", "3"]]);
}

#[test]
fn triggers_see_and_change_new_rows() {
    let mut s = session();
    ok(&mut s, "CREATE TABLE t1 (a INT)");
    ok(&mut s, "CREATE TABLE t_log (msg VARCHAR(64))");
    ok(
        &mut s,
        "CREATE TRIGGER tr BEFORE INSERT ON t1 FOR EACH ROW SET NEW.a = NEW.a * 10",
    );
    ok(
        &mut s,
        "CREATE TRIGGER tr_log AFTER INSERT ON t1 FOR EACH ROW BEGIN INSERT INTO t_log VALUES (CONCAT('inserted ', NEW.a)); END",
    );
    ok(
        &mut s,
        "CREATE TRIGGER tr_del BEFORE DELETE ON t1 FOR EACH ROW SET @gone = OLD.a",
    );
    ok(&mut s, "INSERT INTO t1 VALUES (7)");
    assert_eq!(rows(&mut s, "SELECT * FROM t1"), [["70"]]);
    assert_eq!(rows(&mut s, "SELECT * FROM t_log"), [["inserted 70"]]);
    ok(&mut s, "DELETE FROM t1");
    assert_eq!(rows(&mut s, "SELECT @gone"), [["70"]]);
    assert_eq!(
        error(
            &mut s,
            "CREATE TRIGGER tr BEFORE INSERT ON t1 FOR EACH ROW SET @x = 1"
        ),
        (1359, "Trigger 'test.tr' already exists".into())
    );
    ok(&mut s, "DROP TABLE t1");
    assert_eq!(
        error(&mut s, "DROP TRIGGER tr"),
        (1360, "Trigger does not exist".into())
    );
}

#[test]
fn create_drop_and_show_create_answer_as_mariadb() {
    let mut s = session();
    ok(&mut s, "CREATE PROCEDURE p() SELECT 1");
    assert_eq!(
        error(&mut s, "CREATE PROCEDURE p() SELECT 2"),
        (1304, "PROCEDURE p already exists".into())
    );
    ok(&mut s, "CREATE PROCEDURE IF NOT EXISTS p() SELECT 2");
    assert_eq!(warnings(&s), ["Note 1304 PROCEDURE p already exists"]);
    ok(&mut s, "CREATE OR REPLACE PROCEDURE p() SELECT 3");
    assert_eq!(rows(&mut s, "CALL p()"), [["3"]]);
    assert_eq!(
        error(&mut s, "CALL nope()"),
        (1305, "PROCEDURE test.nope does not exist".into())
    );
    ok(&mut s, "DROP PROCEDURE IF EXISTS nope");
    assert_eq!(
        warnings(&s),
        ["Note 1305 PROCEDURE test.nope does not exist"]
    );
    assert_eq!(
        error(&mut s, "DROP FUNCTION nope").1,
        "FUNCTION test.nope does not exist"
    );
    assert_eq!(
        error(&mut s, "CREATE PROCEDURE r() RETURN 1"),
        (1313, "RETURN is only allowed in a FUNCTION".into())
    );
    assert_eq!(
        error(
            &mut s,
            "CREATE FUNCTION f2() RETURNS INT BEGIN SELECT 1; RETURN 1; END"
        ),
        (
            1415,
            "Not allowed to return a result set from a function".into()
        )
    );
    assert_eq!(
        error(&mut s, "CREATE FUNCTION f3() RETURNS INT BEGIN END"),
        (1320, "No RETURN found in FUNCTION test.f3".into())
    );
    ok(
        &mut s,
        "CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x+1",
    );
    let shown = rows(&mut s, "SHOW CREATE FUNCTION f");
    assert_eq!(
        shown[0][2],
        "CREATE DEFINER=`root`@`localhost` FUNCTION `f`(x INT) RETURNS int(11)\n    DETERMINISTIC\nRETURN x+1"
    );
    assert_eq!(
        rows(
            &mut s,
            "SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION FROM information_schema.ROUTINES ORDER BY ROUTINE_NAME"
        ),
        [
            ["f", "FUNCTION", "int(11)", "RETURN x+1"],
            ["p", "PROCEDURE", "NULL", "SELECT 3"]
        ]
    );
    ok(&mut s, "CREATE DATABASE d2");
    ok(&mut s, "CREATE PROCEDURE d2.p() SELECT DATABASE()");
    assert_eq!(rows(&mut s, "CALL d2.p()"), [["d2"]]);
    ok(&mut s, "DROP DATABASE d2");
    assert_eq!(
        rows(&mut s, "SELECT COUNT(*) FROM mysql.proc WHERE db = 'd2'"),
        [["0"]]
    );
}

#[test]
fn a_compound_body_stays_one_statement_of_a_query() {
    let mut s = session();
    let results = run(
        &mut s,
        "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END; CALL p()",
    );
    assert_eq!(results.len(), 4);
    assert!(results.iter().all(|(r, _)| r.is_ok()));
}
