//! LENGTH, OCTET_LENGTH, BIT_LENGTH and HEX see a string's bytes in its own
//! character set (a latin1 column's `é` is one byte), while the server holds
//! every character string as UTF-8. The argument expression tells which
//! charset: a column's table charset, `binary` for hex literals and binary
//! columns, else character_set_connection.

use sqlparser::ast::{Expr, Value as Literal};

use crate::sql::eval::context::EvalContext;
use crate::sql::value::{Value, encoding};

/// The functions whose result depends on the argument's bytes.
const BYTE_FUNCTIONS: [&str; 4] = ["length", "octet_length", "bit_length", "hex"];

/// The arguments of `lower`, with a string argument of a byte function
/// re-encoded in the charset of its expression.
pub fn in_own_charset(
    lower: &str,
    exprs: &[&Expr],
    mut args: Vec<Value>,
    ctx: &dyn EvalContext,
) -> Vec<Value> {
    if !BYTE_FUNCTIONS.contains(&lower) || exprs.len() != 1 {
        return args;
    }
    if let Some(Value::Bytes(text)) = args.first() {
        let charset = charset_of(exprs[0], ctx);
        args[0] = Value::Bytes(encoding::encode(text, &charset));
    }
    args
}

/// The character set an expression's string is in.
fn charset_of(expr: &Expr, ctx: &dyn EvalContext) -> String {
    let known = match expr {
        Expr::Nested(inner) => return charset_of(inner, ctx),
        Expr::Identifier(id) if !id.value.starts_with('@') => ctx.column_charset(&[], &id.value),
        Expr::CompoundIdentifier(parts) if !parts[0].value.starts_with('@') => {
            let names: Vec<String> = parts.iter().map(|p| p.value.clone()).collect();
            let (last, qualifier) = names.split_last().expect("compound identifiers have parts");
            ctx.column_charset(qualifier, last)
        }
        Expr::Value(v)
            if matches!(
                v.value,
                Literal::HexStringLiteral(_) | Literal::SingleQuotedByteStringLiteral(_)
            ) =>
        {
            Some("binary".to_string())
        }
        _ => None,
    };
    known.unwrap_or_else(|| ctx.connection_charset())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Condition, ServerResult};
    use crate::sql::eval::VarScope;
    use crate::sql::value::Row;
    use sqlparser::ast::{Function, Query};

    /// A context with no row whose connection charset is given.
    struct Connection(&'static str);

    impl EvalContext for Connection {
        fn column(&mut self, _: &[String], _: &str) -> ServerResult<Value> {
            Ok(Value::Null)
        }
        fn system_variable(&mut self, _: VarScope, _: &str) -> ServerResult<Value> {
            Ok(Value::Null)
        }
        fn user_variable(&mut self, _: &str) -> Value {
            Value::Null
        }
        fn set_user_variable(&mut self, _: &str, _: Value) {}
        fn subquery(&mut self, _: &Query) -> ServerResult<Vec<Row>> {
            Ok(Vec::new())
        }
        fn aggregate(&mut self, _: &Function) -> Option<ServerResult<Value>> {
            None
        }
        fn session_function(&mut self, _: &str, _: &[Value]) -> Option<ServerResult<Value>> {
            None
        }
        fn warn(&mut self, _: Condition) {}
        fn sql_mode(&self) -> &[String] {
            &[]
        }
        fn connection_charset(&self) -> String {
            self.0.to_string()
        }
    }

    #[test]
    fn a_literal_counts_bytes_of_the_connection_charset() {
        // MariaDB, SET NAMES latin1: HEX('café') is 636166E9;
        // SET NAMES utf8mb4: LENGTH('café') is 5 (the UTF-8 bytes stay).
        let literal = Expr::value(Literal::SingleQuotedString("café".into()));
        let args = vec![Value::text("café")];
        let latin1 = in_own_charset("hex", &[&literal], args.clone(), &Connection("latin1"));
        assert_eq!(latin1, [Value::Bytes(b"caf\xE9".to_vec())]);
        let utf8 = in_own_charset("length", &[&literal], args, &Connection("utf8mb4"));
        assert_eq!(utf8, [Value::text("café")]);
    }

    #[test]
    fn hex_literals_keep_their_bytes() {
        let literal = Expr::value(Literal::HexStringLiteral("E9FF".into()));
        let args = vec![Value::Bytes(vec![0xE9, 0xFF])];
        let out = in_own_charset("hex", &[&literal], args.clone(), &Connection("latin1"));
        assert_eq!(out, args);
    }
}
