//! The SQL front end: a query's text becomes statements. `split` cuts a
//! multi-statement query at top-level semicolons; each piece is parsed by
//! sqlparser's MySQL dialect, after `extras` has taken the statements it
//! cannot parse or would lose information on. A syntax error becomes
//! MariaDB's 1064 with its "near '…' at line N" text.

mod account_statements;
mod extras;
mod outfile;
mod prepared_statements;
pub(crate) mod scan;
mod share_mode;
pub mod slave_statements;
mod split;
mod synonyms;
pub(crate) mod syntax_error;

pub use account_statements::{AccountStatement, PasswordSpec, PrivilegeSpec, UserSpec};
pub use extras::{BinlogStatement, Extra, TableAdminOp};
pub use prepared_statements::PreparedStatement;
pub use split::{Piece, split_statements};
pub use syntax_error::near as syntax_error_near;

use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

use crate::error::ServerResult;

/// A parsed statement.
#[derive(Debug, Clone)]
pub enum Statement {
    /// Everything sqlparser parses.
    Sql(Box<sqlparser::ast::Statement>),
    /// Statements parsed by hand.
    Extra(Extra),
}

/// Parses one statement of a query.
pub fn parse_statement(piece: &Piece<'_>) -> ServerResult<Statement> {
    if let Some(extra) = extras::parse(piece)? {
        return Ok(Statement::Extra(extra));
    }
    parse_with_sqlparser(piece.text).map_err(|e| syntax_error::from_parser(piece, &e))
}

fn parse_with_sqlparser(text: &str) -> Result<Statement, sqlparser::parser::ParserError> {
    let dialect = MySqlDialect {};
    let tokens = sqlparser::tokenizer::Tokenizer::new(&dialect, text).tokenize_with_location()?;
    let mut statements = Parser::new(&dialect)
        .with_tokens_with_locations(share_mode::rewrite(synonyms::rewrite(tokens)))
        .parse_statements()?;
    match statements.len() {
        1 => Ok(Statement::Sql(Box::new(statements.remove(0)))),
        _ => Err(sqlparser::parser::ParserError::ParserError(
            "Expected: one statement at Line: 1, Column: 1".to_string(),
        )),
    }
}

/// Parses an expression on its own (e.g. the value of a SET assignment).
pub fn parse_expression(
    text: &str,
) -> Result<sqlparser::ast::Expr, sqlparser::parser::ParserError> {
    let dialect = MySqlDialect {};
    Parser::new(&dialect).try_with_sql(text)?.parse_expr()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Statement text comes from clients: whatever the words, the
        /// front end (hand parser, token rewrite, sqlparser, 1064 text)
        /// gives a statement or an error, never a panic.
        #[test]
        fn any_statement_text_parses_or_errs(
            words in proptest::collection::vec(
                "(SELECT|LOCK|IN|SHARE|MODE|FOR|UPDATE|SHOW|CREATE|DROP|TABLE|KILL|SET|DO|SIGNAL|SQLSTATE|GRANT|USER|FROM|WHERE|t|1|'x|'|`|\\(|\\)|,|;|=|@|@@|\\n|é|0x4|X'E|--|/\\*)",
                0..14,
            ),
        ) {
            let text = words.join(" ");
            let _ = parse_statement(&Piece { text: &text, line: 1 });
        }
    }
}
