//! The stage a statement shows in the process list while it runs and
//! between its waits, as MariaDB 10.11 names them (checked on a real
//! server with statements blocked on row locks): UPDATE and DELETE are
//! `Updating`, INSERT … VALUES is `Update`, a statement that reads tables
//! is `Sending data`, one that reads information_schema is `Filling schema
//! table`, and anything else `starting`.

use sqlparser::ast::{
    Insert, ObjectNamePart, Query, SetExpr, Statement as Ast, TableFactor, TableWithJoins,
};

use crate::sql::parse::Statement;

/// The stage of `statement`.
pub fn of(statement: &Statement) -> &'static str {
    let Statement::Sql(ast) = statement else {
        return "starting";
    };
    match ast.as_ref() {
        Ast::Update(_) | Ast::Delete(_) => "Updating",
        Ast::Insert(insert) => insert_stage(insert),
        Ast::Query(query) => query_stage(query),
        _ => "starting",
    }
}

fn insert_stage(insert: &Insert) -> &'static str {
    match insert.source.as_deref().map(|q| q.body.as_ref()) {
        Some(SetExpr::Values(_)) | None => "Update",
        Some(_) => "Sending data",
    }
}

fn query_stage(query: &Query) -> &'static str {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return "Sending data";
    };
    if select.from.is_empty() {
        return "starting";
    }
    if select.from.iter().any(reads_information_schema) {
        "Filling schema table"
    } else {
        "Sending data"
    }
}

fn reads_information_schema(from: &TableWithJoins) -> bool {
    std::iter::once(&from.relation)
        .chain(from.joins.iter().map(|j| &j.relation))
        .any(|t| match t {
            TableFactor::Table { name, .. } => {
                name.0.len() == 2
                    && matches!(&name.0[0], ObjectNamePart::Identifier(i)
                    if i.value.eq_ignore_ascii_case("information_schema"))
            }
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::parse::{Piece, parse_statement};

    fn stage(sql: &str) -> &'static str {
        of(&parse_statement(&Piece { text: sql, line: 1 }).unwrap())
    }

    #[test]
    fn statements_get_mariadbs_stage_names() {
        assert_eq!(stage("UPDATE t SET a = 1"), "Updating");
        assert_eq!(stage("DELETE FROM t"), "Updating");
        assert_eq!(stage("INSERT INTO t VALUES (1)"), "Update");
        assert_eq!(stage("INSERT INTO t SELECT * FROM u"), "Sending data");
        assert_eq!(stage("SELECT * FROM t FOR UPDATE"), "Sending data");
        assert_eq!(
            stage("SELECT * FROM information_schema.processlist"),
            "Filling schema table"
        );
        assert_eq!(stage("SET @a = 1"), "starting");
    }
}
