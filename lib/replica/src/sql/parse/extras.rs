//! Statements sqlparser cannot parse, or parses losing what MariaDB does
//! with them, read by hand from the statement's words.

use sqlparser::dialect::MySqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::split::Piece;
use crate::error::ServerResult;

/// A hand-parsed statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extra {
    /// `SHOW CREATE DATABASE|SCHEMA [IF NOT EXISTS] name`.
    ShowCreateDatabase { name: String, if_not_exists: bool },
    /// `SHOW COUNT(*) WARNINGS|ERRORS`.
    ShowWarningCount { errors_only: bool },
    /// `SHOW WARNINGS|ERRORS LIMIT [offset,] count`.
    ShowWarningsLimit {
        errors_only: bool,
        offset: usize,
        count: usize,
    },
    /// `DO expr, …`.
    Do(Vec<sqlparser::ast::Expr>),
    /// `ALTER TABLE t ENGINE [=] e`, the form sqlparser does not read.
    AlterEngine { table: Vec<String>, engine: String },
    /// `SIGNAL SQLSTATE [VALUE] 'xxxxx' [SET MYSQL_ERRNO = n, MESSAGE_TEXT = '…']`.
    Signal {
        sqlstate: String,
        errno: Option<u16>,
        message: Option<String>,
    },
    /// User accounts and privileges (`account_statements`).
    Account(super::account_statements::AccountStatement),
    /// CREATE / DROP / SHOW CREATE of procedures, functions and triggers.
    Program(crate::sql::routines::ProgramStatement),
    /// The master's binary log: SHOW MASTER STATUS, FLUSH LOGS, ….
    Binlog(BinlogStatement),
    /// The slave side: CHANGE MASTER, START/STOP/RESET SLAVE, SHOW SLAVE STATUS, ….
    Slave(Box<super::slave_statements::SlaveStatement>),
    /// `SELECT … INTO OUTFILE 'file'` in the default format.
    SelectIntoOutfile { file: String, select: String },
    /// PREPARE / EXECUTE / DEALLOCATE PREPARE.
    Prepared(super::prepared_statements::PreparedStatement),
    /// `OPTIMIZE | ANALYZE [NO_WRITE_TO_BINLOG | LOCAL] TABLE t, …`.
    TableAdmin {
        op: TableAdminOp,
        tables: Vec<sqlparser::ast::ObjectName>,
        /// NO_WRITE_TO_BINLOG / LOCAL: not logged.
        local: bool,
        /// ANALYZE's `PERSISTENT FOR …`: engine-independent statistics too.
        persistent: bool,
    },
}

/// Which table administration command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableAdminOp {
    Optimize,
    Analyze,
}

impl TableAdminOp {
    /// The result set's `Op` column.
    pub fn name(self) -> &'static str {
        match self {
            TableAdminOp::Optimize => "optimize",
            TableAdminOp::Analyze => "analyze",
        }
    }
}

/// Statements about the binary log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinlogStatement {
    ShowMasterStatus,
    ShowBinaryLogs,
    /// `SHOW BINLOG EVENTS [IN 'file'] [FROM pos] [LIMIT [offset,] count]`.
    ShowEvents {
        file: Option<String>,
        from: u64,
        offset: usize,
        count: Option<usize>,
    },
    FlushLogs,
    /// `FLUSH BINARY LOGS DELETE_DOMAIN_ID=(id, …)`.
    DeleteDomains(Vec<u32>),
    ResetMaster,
    PurgeTo(String),
    /// `SHOW SLAVE HOSTS` / `SHOW REPLICA HOSTS`.
    ShowSlaveHosts,
}

/// The hand-parsed statement `piece` is, if it is one.
pub fn parse(piece: &Piece<'_>) -> ServerResult<Option<Extra>> {
    if let Some(account) = super::account_statements::parse(piece.text) {
        return Ok(Some(account));
    }
    if let Some(slave) = super::slave_statements::parse(piece.text) {
        return slave.map(|s| Some(Extra::Slave(Box::new(s))));
    }
    if let Some(prepared) = super::prepared_statements::parse(piece) {
        return prepared.map(|p| Some(Extra::Prepared(p)));
    }
    if let Some(program) = crate::sql::routines::recognize(piece.text) {
        return program.map(|p| Some(Extra::Program(p)));
    }
    if let Some(out) = super::outfile::parse(piece.text) {
        return Ok(Some(Extra::SelectIntoOutfile {
            file: out.file,
            select: out.select,
        }));
    }
    let words: Vec<String> = piece
        .text
        .split_whitespace()
        .map(|w| w.to_ascii_uppercase())
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    Ok(match words.as_slice() {
        ["SHOW", "CREATE", "DATABASE" | "SCHEMA", rest @ ..] => show_create_database(piece, rest),
        ["SHOW", "MASTER" | "BINLOG", "STATUS"] => {
            Some(Extra::Binlog(BinlogStatement::ShowMasterStatus))
        }
        ["SHOW", "BINARY" | "MASTER", "LOGS"] => {
            Some(Extra::Binlog(BinlogStatement::ShowBinaryLogs))
        }
        ["SHOW", "BINLOG", "EVENTS", ..] => binlog_events(piece.text),
        ["SHOW", "SLAVE" | "REPLICA", "HOSTS"] => {
            Some(Extra::Binlog(BinlogStatement::ShowSlaveHosts))
        }
        ["FLUSH", "LOGS" | "BINARY"] | ["FLUSH", "BINARY", "LOGS"] => {
            Some(Extra::Binlog(BinlogStatement::FlushLogs))
        }
        ["FLUSH", "BINARY", "LOGS", _, ..] => delete_domains(piece.text)?,
        ["RESET", "MASTER"] => Some(Extra::Binlog(BinlogStatement::ResetMaster)),
        ["PURGE", "BINARY" | "MASTER", "LOGS", "TO", _] => {
            quoted(piece.text).map(|f| Extra::Binlog(BinlogStatement::PurgeTo(f)))
        }
        ["SHOW", "COUNT(*)", "WARNINGS"] => Some(Extra::ShowWarningCount { errors_only: false }),
        ["SHOW", "COUNT(*)", "ERRORS"] => Some(Extra::ShowWarningCount { errors_only: true }),
        ["SHOW", which @ ("WARNINGS" | "ERRORS"), "LIMIT", rest @ ..] => {
            Some(warnings_limit(piece, *which == "ERRORS", rest)?)
        }
        ["SIGNAL", ..] => Some(signal(piece)?),
        ["DO", ..] => Some(do_statement(piece)?),
        ["OPTIMIZE", ..] => Some(table_admin(piece, TableAdminOp::Optimize)?),
        [
            "ANALYZE",
            "TABLE" | "TABLES" | "NO_WRITE_TO_BINLOG" | "LOCAL",
            ..,
        ] => Some(table_admin(piece, TableAdminOp::Analyze)?),
        ["ALTER", "TABLE", _, rest @ ..] => alter_engine(piece, rest),
        _ => None,
    })
}

/// The id list of `FLUSH BINARY LOGS DELETE_DOMAIN_ID = ( id, … )`; None
/// (a syntax error) for any other tail.
fn delete_domains(text: &str) -> ServerResult<Option<Extra>> {
    let upper = text.to_ascii_uppercase();
    let Some(at) = upper.find("DELETE_DOMAIN_ID") else {
        return Ok(None);
    };
    let rest = text[at + "DELETE_DOMAIN_ID".len()..].trim_start();
    let Some(list) = rest
        .strip_prefix('=')
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('('))
        .and_then(|r| {
            r.trim_end()
                .trim_end_matches(';')
                .trim_end()
                .strip_suffix(')')
        })
    else {
        return Ok(None);
    };
    if list.trim().is_empty() {
        return Ok(Some(Extra::Binlog(BinlogStatement::DeleteDomains(
            Vec::new(),
        ))));
    }
    let mut ids = Vec::new();
    for item in list.split(',') {
        let Ok(id) = item.trim().parse::<u64>() else {
            return Ok(None);
        };
        ids.push(u32::try_from(id).map_err(|_| domain_too_big(item.trim()))?);
    }
    Ok(Some(Extra::Binlog(BinlogStatement::DeleteDomains(ids))))
}

/// 1076: a domain id past 32 bits.
fn domain_too_big(id: &str) -> crate::error::ServerError {
    crate::error::ServerError::new(
        crate::binlog::delete_domain::CODE,
        "HY000",
        format!(
            "The value of gtid domain being deleted ('{id}') exceeds its maximum size of 32 bit \
             unsigned integer"
        ),
    )
}

/// `LIMIT n`, `LIMIT m, n` or `LIMIT n OFFSET m` of SHOW WARNINGS.
fn warnings_limit(piece: &Piece<'_>, errors_only: bool, rest: &[&str]) -> ServerResult<Extra> {
    let joined = rest.join(" ").replace(',', " , ");
    let numbers: Vec<&str> = joined.split_whitespace().collect();
    let number = |s: &str| s.parse::<usize>().ok();
    let (offset, count) = match numbers.as_slice() {
        [n] => (Some(0), number(n)),
        [m, ",", n] => (number(m), number(n)),
        [n, "OFFSET", m] => (number(m), number(n)),
        _ => (None, None),
    };
    match (offset, count) {
        (Some(offset), Some(count)) => Ok(Extra::ShowWarningsLimit {
            errors_only,
            offset,
            count,
        }),
        _ => Err(super::syntax_error::near(
            piece.text.split_once(rest[0]).map_or("", |(_, r)| r),
            1,
        )),
    }
}

/// DO's expression list, read by sqlparser's expression parser.
fn do_statement(piece: &Piece<'_>) -> ServerResult<Extra> {
    let syntax = |e: ParserError| super::syntax_error::from_parser(piece, &e);
    let dialect = MySqlDialect {};
    let mut parser = Parser::new(&dialect)
        .try_with_sql(piece.text)
        .map_err(syntax)?;
    parser.next_token();
    let exprs = parser
        .parse_comma_separated(Parser::parse_expr)
        .map_err(syntax)?;
    parser.expect_token(&Token::EOF).map_err(syntax)?;
    Ok(Extra::Do(exprs))
}

/// OPTIMIZE's or ANALYZE's table list, read by sqlparser's name parser.
fn table_admin(piece: &Piece<'_>, op: TableAdminOp) -> ServerResult<Extra> {
    let syntax = |e: ParserError| super::syntax_error::from_parser(piece, &e);
    let dialect = MySqlDialect {};
    let mut parser = Parser::new(&dialect)
        .try_with_sql(piece.text)
        .map_err(syntax)?;
    parser.next_token();
    let local = parser.parse_one_of_keywords(&[Keyword::NO_WRITE_TO_BINLOG, Keyword::LOCAL]);
    parser
        .expect_one_of_keywords(&[Keyword::TABLE, Keyword::TABLES])
        .map_err(syntax)?;
    let tables = parser
        .parse_comma_separated(|p| p.parse_object_name(false))
        .map_err(syntax)?;
    // `PERSISTENT FOR ALL | COLUMNS (…) INDEXES (…)` only adds statistics.
    let persistent = op == TableAdminOp::Analyze
        && matches!(parser.peek_token().token, Token::Word(ref w) if w.value.eq_ignore_ascii_case("PERSISTENT"));
    if !persistent {
        parser.expect_token(&Token::EOF).map_err(syntax)?;
    }
    Ok(Extra::TableAdmin {
        op,
        tables,
        local: local.is_some(),
        persistent,
    })
}

/// `ALTER TABLE t ENGINE=e`; `rest` is the upper-cased words after the name.
fn alter_engine(piece: &Piece<'_>, rest: &[&str]) -> Option<Extra> {
    let table = piece.text.split_whitespace().nth(2)?;
    let engine = match rest {
        [one] => one.strip_prefix("ENGINE=")?,
        ["ENGINE", "=", e] | ["ENGINE=", e] => e,
        ["ENGINE", e] => e.strip_prefix('=').unwrap_or(e),
        _ => return None,
    };
    let original = piece.text.split_whitespace().last()?;
    let engine = &original[original.len() - engine.len()..];
    Some(Extra::AlterEngine {
        table: table
            .split('.')
            .map(|p| p.trim_matches('`').to_string())
            .collect(),
        engine: engine.to_string(),
    })
}

/// SIGNAL read with sqlparser's tokenizer and expression parser.
fn signal(piece: &Piece<'_>) -> ServerResult<Extra> {
    let syntax = |e: ParserError| super::syntax_error::from_parser(piece, &e);
    let dialect = MySqlDialect {};
    let mut parser = Parser::new(&dialect)
        .try_with_sql(piece.text)
        .map_err(syntax)?;
    let state = (|| {
        parser.next_token();
        parser.expect_keyword(Keyword::SQLSTATE)?;
        let _ = parser.parse_keyword(Keyword::VALUE);
        let sqlstate = parser.parse_literal_string()?;
        let (mut errno, mut message) = (None, None);
        if parser.parse_keyword(Keyword::SET) {
            loop {
                let item = parser.parse_identifier()?.value.to_ascii_uppercase();
                parser.expect_token(&Token::Eq)?;
                match item.as_str() {
                    "MYSQL_ERRNO" => errno = parser.parse_literal_uint()?.try_into().ok(),
                    "MESSAGE_TEXT" => message = Some(parser.parse_literal_string()?),
                    _ => {
                        parser.parse_expr()?;
                    }
                }
                if !parser.consume_token(&Token::Comma) {
                    break;
                }
            }
        }
        parser.expect_token(&Token::EOF)?;
        Ok(Extra::Signal {
            sqlstate,
            errno,
            message,
        })
    })();
    state.map_err(syntax)
}

/// `SHOW BINLOG EVENTS [IN 'file'] [FROM pos] [LIMIT [offset,] count]`.
fn binlog_events(text: &str) -> Option<Extra> {
    let spaced = text.replace(',', " , ");
    let words: Vec<&str> = spaced.split_whitespace().skip(3).collect();
    let (mut file, mut from, mut offset, mut count) = (None, 4, 0, None);
    let mut i = 0;
    while i < words.len() {
        match words[i].to_ascii_uppercase().as_str() {
            "IN" => file = Some(words.get(i + 1)?.trim_matches(['\'', '"']).to_string()),
            "FROM" => from = words.get(i + 1)?.parse().ok()?,
            "LIMIT" => {
                let first: usize = words.get(i + 1)?.parse().ok()?;
                if words.get(i + 2) == Some(&",") {
                    offset = first;
                    count = Some(words.get(i + 3)?.parse().ok()?);
                    i += 2;
                } else {
                    count = Some(first);
                }
            }
            _ => return None,
        }
        i += 2;
    }
    Some(Extra::Binlog(BinlogStatement::ShowEvents {
        file,
        from,
        offset,
        count,
    }))
}

/// The first quoted string of a statement.
fn quoted(text: &str) -> Option<String> {
    let start = text.find(['\'', '"'])?;
    let quote = text[start..].chars().next()?;
    let rest = &text[start + 1..];
    rest.find(quote).map(|end| rest[..end].to_string())
}

fn show_create_database(piece: &Piece<'_>, rest: &[&str]) -> Option<Extra> {
    let if_not_exists = rest.starts_with(&["IF", "NOT", "EXISTS"]);
    let original = piece.text.split_whitespace().last()?;
    (rest.len() == if if_not_exists { 4 } else { 1 }).then(|| Extra::ShowCreateDatabase {
        name: original.trim_matches('`').to_string(),
        if_not_exists,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extra(text: &str) -> Option<Extra> {
        parse(&Piece { text, line: 1 }).unwrap()
    }

    #[test]
    fn reads_show_create_database_and_warning_counts() {
        assert_eq!(
            extra("show create database `Db1`"),
            Some(Extra::ShowCreateDatabase {
                name: "Db1".into(),
                if_not_exists: false
            })
        );
        assert_eq!(
            extra("SHOW CREATE SCHEMA IF NOT EXISTS d"),
            Some(Extra::ShowCreateDatabase {
                name: "d".into(),
                if_not_exists: true
            })
        );
        assert_eq!(
            extra("SHOW COUNT(*) ERRORS"),
            Some(Extra::ShowWarningCount { errors_only: true })
        );
        assert_eq!(extra("SHOW CREATE TABLE t"), None);
        assert_eq!(
            extra("SHOW WARNINGS LIMIT 1"),
            Some(Extra::ShowWarningsLimit {
                errors_only: false,
                offset: 0,
                count: 1
            })
        );
        assert_eq!(
            extra("show errors limit 2,3"),
            Some(Extra::ShowWarningsLimit {
                errors_only: true,
                offset: 2,
                count: 3
            })
        );
    }

    #[test]
    fn reads_the_domains_flush_binary_logs_deletes() {
        let delete = |ids: Vec<u32>| Some(Extra::Binlog(BinlogStatement::DeleteDomains(ids)));
        assert_eq!(
            extra("FLUSH BINARY LOGS DELETE_DOMAIN_ID=(11)"),
            delete(vec![11])
        );
        assert_eq!(
            extra("flush binary logs delete_domain_id = ( 1 , 2 )"),
            delete(vec![1, 2])
        );
        assert_eq!(
            extra("FLUSH BINARY LOGS DELETE_DOMAIN_ID=()"),
            delete(vec![])
        );
        assert_eq!(extra("FLUSH BINARY LOGS DELETE_DOMAIN_ID=(x)"), None);
        assert_eq!(extra("FLUSH LOGS DELETE_DOMAIN_ID=(1)"), None);
        let too_big = parse(&Piece {
            text: "FLUSH BINARY LOGS DELETE_DOMAIN_ID=(4294967296)",
            line: 1,
        });
        assert_eq!(too_big.unwrap_err().code, 1076);
    }

    #[test]
    fn reads_signal_with_its_items() {
        assert_eq!(
            extra("SIGNAL SQLSTATE '22012' SET MYSQL_ERRNO = 1365, MESSAGE_TEXT = 'it\\'s'"),
            Some(Extra::Signal {
                sqlstate: "22012".into(),
                errno: Some(1365),
                message: Some("it's".into())
            })
        );
        assert_eq!(
            extra("signal sqlstate value '45000'"),
            Some(Extra::Signal {
                sqlstate: "45000".into(),
                errno: None,
                message: None
            })
        );
        assert_eq!(
            parse(&Piece {
                text: "SIGNAL 1",
                line: 1
            })
            .unwrap_err()
            .code,
            1064
        );
    }
}
