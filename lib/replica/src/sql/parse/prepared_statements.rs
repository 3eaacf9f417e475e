//! The SQL-level prepared statements: `PREPARE name FROM 'text' | @var`,
//! `EXECUTE name [USING expr, …]` and `{DEALLOCATE | DROP} PREPARE name`,
//! which sqlparser reads in PostgreSQL's sense. The statement's text comes
//! in; a [`PreparedStatement`] (expressions still unevaluated) goes out.

use sqlparser::ast::Expr;
use sqlparser::dialect::MySqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::split::Piece;
use crate::error::ServerResult;

/// A statement about prepared statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreparedStatement {
    /// `PREPARE name FROM source`: the source is a string expression.
    Prepare { name: String, source: Box<Expr> },
    /// `EXECUTE name [USING expr, …]`.
    Execute { name: String, args: Vec<Expr> },
    /// `DEALLOCATE PREPARE name` / `DROP PREPARE name`.
    Deallocate { name: String },
}

/// The prepared-statement statement `piece` is, if it starts like one.
pub fn parse(piece: &Piece<'_>) -> Option<ServerResult<PreparedStatement>> {
    let mut words = piece.text.split_whitespace().map(str::to_ascii_uppercase);
    let first = words.next()?;
    let second = words.next();
    let known = match first.as_str() {
        "PREPARE" | "EXECUTE" => true,
        "DEALLOCATE" | "DROP" => second.as_deref() == Some("PREPARE"),
        _ => false,
    };
    if !known {
        return None;
    }
    Some(read(piece.text).map_err(|e| super::syntax_error::from_parser(piece, &e)))
}

fn read(text: &str) -> Result<PreparedStatement, ParserError> {
    let dialect = MySqlDialect {};
    let mut parser = Parser::new(&dialect).try_with_sql(text)?;
    let word = parser.next_token().token.to_string().to_ascii_uppercase();
    let statement = match word.as_str() {
        "PREPARE" => {
            let name = parser.parse_identifier()?.value;
            parser.expect_keyword(Keyword::FROM)?;
            let source = Box::new(parser.parse_expr()?);
            PreparedStatement::Prepare { name, source }
        }
        "EXECUTE" => {
            let name = parser.parse_identifier()?.value;
            let args = if parser.parse_keyword(Keyword::USING) {
                parser.parse_comma_separated(Parser::parse_expr)?
            } else {
                Vec::new()
            };
            PreparedStatement::Execute { name, args }
        }
        _ => {
            parser.expect_keyword(Keyword::PREPARE)?;
            let name = parser.parse_identifier()?.value;
            PreparedStatement::Deallocate { name }
        }
    };
    parser.expect_token(&Token::EOF)?;
    Ok(statement)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Option<ServerResult<PreparedStatement>> {
        parse(&Piece { text, line: 1 })
    }

    #[test]
    fn reads_the_three_statements() {
        let Some(Ok(PreparedStatement::Prepare { name, .. })) =
            parsed("prepare stmt1 from 'insert into t1 values (?)'")
        else {
            panic!("PREPARE not read");
        };
        assert_eq!(name, "stmt1");
        let Some(Ok(PreparedStatement::Execute { name, args })) = parsed("EXECUTE s USING @a, 5")
        else {
            panic!("EXECUTE not read");
        };
        assert_eq!((name.as_str(), args.len()), ("s", 2));
        assert_eq!(
            parsed("drop prepare s").map(Result::unwrap),
            Some(PreparedStatement::Deallocate { name: "s".into() })
        );
    }

    #[test]
    fn other_statements_are_left_alone_and_bad_ones_are_1064() {
        assert!(parsed("DROP TABLE t").is_none());
        assert!(parsed("SELECT 1").is_none());
        let error = parsed("PREPARE s 'x'").unwrap().unwrap_err();
        assert_eq!(error.code, 1064);
    }
}
