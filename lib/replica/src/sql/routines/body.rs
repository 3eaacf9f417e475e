//! The compound-statement layer of a stored program's body: BEGIN … END
//! blocks, DECLARE (variables, conditions, handlers, cursors), IF, CASE,
//! WHILE, REPEAT, LOOP with labels, LEAVE, ITERATE, RETURN, OPEN, FETCH,
//! CLOSE and SELECT … INTO. Every other statement is a leaf: its text, up
//! to the `;` that ends it, goes to the server's SQL parser. Tokens come
//! from a [`Cursor`] over the whole CREATE statement, so lines and syntax
//! errors are those of that statement, as in MariaDB.

use sqlparser::ast::Expr;

use super::ast::{CondValue, Declare, Handler, Leaf, Node, Stmt};
use super::cursor::Cursor;
use super::lexer::{Kind, Token};
use crate::error::{ServerError, ServerResult};
use crate::sql::parse::{Piece, parse_expression, parse_statement};

/// Words that end a statement list (and so never start a statement).
const LIST_ENDS: &[&str] = &["END", "ELSE", "ELSEIF", "UNTIL", "WHEN"];

/// Parses a body statement by statement, knowing the labels around it.
pub struct BodyParser<'c, 'a> {
    pub c: &'c mut Cursor<'a>,
    /// Enclosing labels and whether each names a loop.
    labels: Vec<(String, bool)>,
}

impl<'c, 'a> BodyParser<'c, 'a> {
    pub fn new(c: &'c mut Cursor<'a>) -> Self {
        BodyParser {
            c,
            labels: Vec::new(),
        }
    }

    /// One statement (compound or leaf), not its trailing `;`.
    pub fn statement(&mut self) -> ServerResult<Node> {
        let start = self.c.offset();
        let line = self.c.line_of(start);
        let stmt = self.statement_kind()?;
        Ok(Node { line, stmt })
    }

    fn statement_kind(&mut self) -> ServerResult<Stmt> {
        if let Some(label) = self.label()? {
            return self.labelled(Some(label));
        }
        let Some(first) = self.c.peek() else {
            return Err(self.c.error());
        };
        let word = if first.kind == Kind::Word {
            first.text(self.c.source).to_ascii_uppercase()
        } else {
            String::new()
        };
        match word.as_str() {
            "BEGIN" | "LOOP" | "WHILE" | "REPEAT" => self.labelled(None),
            "DECLARE" => self.declare(),
            "IF" => self.if_statement(),
            "CASE" => self.case_statement(),
            "LEAVE" | "ITERATE" => self.jump(&word),
            "RETURN" => {
                self.c.pos += 1;
                Ok(Stmt::Return(self.expr_until(&[";"])?))
            }
            "OPEN" | "CLOSE" => {
                self.c.pos += 1;
                let name = self.c.name()?;
                Ok(if word == "OPEN" {
                    Stmt::Open(name)
                } else {
                    Stmt::Close(name)
                })
            }
            "FETCH" => self.fetch(),
            _ if LIST_ENDS.contains(&word.as_str()) => Err(self.c.error()),
            _ => self.leaf_statement(),
        }
    }

    /// `name:` before BEGIN or a loop.
    fn label(&mut self) -> ServerResult<Option<String>> {
        let (Some(name), Some(colon)) = (self.c.peek(), self.c.peek_at(1)) else {
            return Ok(None);
        };
        if !matches!(name.kind, Kind::Word | Kind::Quoted)
            || !colon.is_symbol(self.c.source, ':')
            || self
                .c
                .peek_at(2)
                .is_some_and(|t| t.is_symbol(self.c.source, '='))
        {
            return Ok(None);
        }
        self.c.pos += 2;
        Ok(Some(name.name(self.c.source)))
    }

    /// BEGIN, LOOP, WHILE or REPEAT, with an optional label.
    fn labelled(&mut self, label: Option<String>) -> ServerResult<Stmt> {
        let is_block = self.c.at("BEGIN");
        if let Some(l) = &label {
            self.labels.push((l.clone(), !is_block));
        }
        let result = self.labelled_body(label.clone(), is_block);
        if label.is_some() {
            self.labels.pop();
        }
        result
    }

    fn labelled_body(&mut self, label: Option<String>, is_block: bool) -> ServerResult<Stmt> {
        let stmt = if is_block {
            self.c.expect("BEGIN")?;
            let _ = self.c.eat_all(&["NOT", "ATOMIC"]);
            let body = self.list()?;
            self.c.expect("END")?;
            Stmt::Block {
                label: label.clone(),
                body,
            }
        } else if self.c.eat("LOOP") {
            let body = self.list()?;
            self.expect_end("LOOP")?;
            Stmt::Loop {
                label: label.clone(),
                body,
            }
        } else if self.c.eat("WHILE") {
            let condition = self.expr_until(&["DO"])?;
            self.c.expect("DO")?;
            let body = self.list()?;
            self.expect_end("WHILE")?;
            Stmt::While {
                label: label.clone(),
                condition,
                body,
            }
        } else if self.c.eat("REPEAT") {
            let body = self.list()?;
            self.c.expect("UNTIL")?;
            let until = self.expr_until(&["END"])?;
            self.expect_end("REPEAT")?;
            Stmt::Repeat {
                label: label.clone(),
                body,
                until,
            }
        } else {
            return Err(self.c.error());
        };
        self.end_label(label.as_deref())?;
        Ok(stmt)
    }

    fn expect_end(&mut self, word: &str) -> ServerResult<()> {
        self.c.expect("END")?;
        self.c.expect(word)
    }

    /// An optional end label, which must repeat the begin label (1310).
    fn end_label(&mut self, label: Option<&str>) -> ServerResult<()> {
        let Some(t) = self.c.peek() else {
            return Ok(());
        };
        if !matches!(t.kind, Kind::Word | Kind::Quoted)
            || LIST_ENDS.iter().any(|w| t.is(self.c.source, w))
        {
            return Ok(());
        }
        let name = t.name(self.c.source);
        match label {
            Some(l) if l.eq_ignore_ascii_case(&name) => {
                self.c.pos += 1;
                Ok(())
            }
            _ => Err(ServerError::new(
                1310,
                "42000",
                format!("End-label {name} without match"),
            )),
        }
    }

    /// Statements each ended by `;`, up to END, ELSE, ELSEIF, UNTIL or WHEN.
    fn list(&mut self) -> ServerResult<Vec<Node>> {
        let mut nodes = Vec::new();
        while !self.c.at_end() && !LIST_ENDS.iter().any(|w| self.c.at(w)) {
            nodes.push(self.statement()?);
            self.c.expect_symbol(';')?;
        }
        Ok(nodes)
    }

    fn jump(&mut self, word: &str) -> ServerResult<Stmt> {
        self.c.pos += 1;
        let label = self.c.name()?;
        let target = self
            .labels
            .iter()
            .rev()
            .find(|(l, _)| l.eq_ignore_ascii_case(&label));
        match target {
            Some((_, is_loop)) if word == "LEAVE" || *is_loop => Ok(if word == "LEAVE" {
                Stmt::Leave(label)
            } else {
                Stmt::Iterate(label)
            }),
            _ => Err(ServerError::new(
                1308,
                "42000",
                format!("{word} with no matching label: {label}"),
            )),
        }
    }

    fn if_statement(&mut self) -> ServerResult<Stmt> {
        self.c.expect("IF")?;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let condition = self.expr_until(&["THEN"])?;
            self.c.expect("THEN")?;
            branches.push((condition, self.list()?));
            if self.c.eat("ELSEIF") {
                continue;
            }
            if self.c.eat("ELSE") {
                otherwise = Some(self.list()?);
            }
            break;
        }
        self.expect_end("IF")?;
        Ok(Stmt::If {
            branches,
            otherwise,
        })
    }

    fn case_statement(&mut self) -> ServerResult<Stmt> {
        self.c.expect("CASE")?;
        let operand = if self.c.at("WHEN") {
            None
        } else {
            Some(self.expr_until(&["WHEN"])?)
        };
        let mut branches = Vec::new();
        while self.c.eat("WHEN") {
            let value = self.expr_until(&["THEN"])?;
            self.c.expect("THEN")?;
            branches.push((value, self.list()?));
        }
        if branches.is_empty() {
            return Err(self.c.error());
        }
        let otherwise = if self.c.eat("ELSE") {
            Some(self.list()?)
        } else {
            None
        };
        self.expect_end("CASE")?;
        Ok(Stmt::Case {
            operand,
            branches,
            otherwise,
        })
    }

    fn declare(&mut self) -> ServerResult<Stmt> {
        self.c.expect("DECLARE")?;
        if self.c.at("CONTINUE") || self.c.at("EXIT") || self.c.at("UNDO") {
            return self.handler();
        }
        let name = self.c.name()?;
        if self.c.eat("CONDITION") {
            self.c.expect("FOR")?;
            return Ok(Stmt::Condition {
                name,
                value: self.condition_value()?,
            });
        }
        if self.c.eat("CURSOR") {
            self.c.expect("FOR")?;
            let query = self.leaf()?;
            return Ok(Stmt::Cursor { name, query });
        }
        let mut names = vec![name];
        while self.c.eat_symbol(',') {
            names.push(self.c.name()?);
        }
        let ty = self.data_type(&["DEFAULT", ";"])?;
        let default = if self.c.eat("DEFAULT") {
            Some(self.expr_until(&[";"])?)
        } else {
            None
        };
        Ok(Stmt::Declare(Declare { names, ty, default }))
    }

    fn handler(&mut self) -> ServerResult<Stmt> {
        let exit = !self.c.eat("CONTINUE");
        if exit && !self.c.eat("EXIT") {
            return Err(self.c.error());
        }
        self.c.expect("HANDLER")?;
        self.c.expect("FOR")?;
        let mut conditions = vec![self.condition_value()?];
        while self.c.eat_symbol(',') {
            conditions.push(self.condition_value()?);
        }
        let body = Box::new(self.statement()?);
        Ok(Stmt::Handler(Handler {
            exit,
            conditions,
            body,
        }))
    }

    fn condition_value(&mut self) -> ServerResult<CondValue> {
        if self.c.eat("SQLSTATE") {
            let _ = self.c.eat("VALUE");
            let state = self.c.string()?;
            if state.len() != 5 || state.starts_with("00") {
                return Err(ServerError::new(
                    1407,
                    "42000",
                    format!("Bad SQLSTATE: '{state}'"),
                ));
            }
            return Ok(CondValue::SqlState(state));
        }
        if self.c.eat("SQLWARNING") {
            return Ok(CondValue::SqlWarning);
        }
        if self.c.eat("SQLEXCEPTION") {
            return Ok(CondValue::SqlException);
        }
        if self.c.eat_all(&["NOT", "FOUND"]) {
            return Ok(CondValue::NotFound);
        }
        let token = self.c.peek().ok_or_else(|| self.c.error())?;
        let text = token.text(self.c.source);
        if let Ok(code) = text.parse::<u16>() {
            self.c.pos += 1;
            return Ok(CondValue::Code(code));
        }
        Ok(CondValue::Named(self.c.name()?))
    }

    fn fetch(&mut self) -> ServerResult<Stmt> {
        self.c.expect("FETCH")?;
        if !self.c.eat("NEXT") {
            let _ = self.c.eat("FROM");
        } else {
            self.c.expect("FROM")?;
        }
        let cursor = self.c.name()?;
        self.c.expect("INTO")?;
        let mut into = vec![self.c.name()?];
        while self.c.eat_symbol(',') {
            into.push(self.c.name()?);
        }
        Ok(Stmt::Fetch { cursor, into })
    }

    /// A column type up to one of `stops` (a word, or ";" for the end).
    pub fn data_type(&mut self, stops: &[&str]) -> ServerResult<crate::sql::types::SqlType> {
        let start = self.c.offset();
        let end = self.span_until(stops);
        let text = &self.c.source[start..end];
        crate::sql::exec::parse_type(text).ok_or_else(|| self.c.error_at(start))
    }

    /// An expression up to one of `stops` at the top level.
    fn expr_until(&mut self, stops: &[&str]) -> ServerResult<Expr> {
        let start = self.c.offset();
        let end = self.span_until(stops);
        if end <= start {
            return Err(self.c.error_at(start));
        }
        parse_expression(&self.c.source[start..end]).map_err(|_| self.c.error_at(start))
    }

    /// Moves past the tokens before one of `stops` (words, or ";", ",",
    /// ")") outside parentheses and CASE … END; the end offset of the span.
    pub fn span_until(&mut self, stops: &[&str]) -> usize {
        let (mut depth, mut cases) = (0usize, 0usize);
        let start = self.c.offset();
        let mut end = start;
        while let Some(t) = self.c.peek() {
            let text = t.text(self.c.source);
            if depth == 0 && cases == 0 && is_stop(t, text, stops) {
                break;
            }
            match text {
                "(" => depth += 1,
                ")" if depth > 0 => depth -= 1,
                _ if t.is(self.c.source, "CASE") => cases += 1,
                _ if t.is(self.c.source, "END") && cases > 0 => cases -= 1,
                _ => {}
            }
            end = t.end;
            self.c.pos += 1;
        }
        end
    }

    /// A leaf, or SELECT … INTO.
    fn leaf_statement(&mut self) -> ServerResult<Stmt> {
        let start = self.c.pos;
        let into = self.select_into_targets();
        self.c.pos = start;
        match into {
            Some((into_token, after)) => self.select_into(into_token, after),
            None => Ok(Stmt::Leaf(self.leaf()?)),
        }
    }

    /// For `SELECT … INTO a, b …`: the INTO token's index and the index
    /// after the last target.
    fn select_into_targets(&mut self) -> Option<(usize, usize)> {
        if !self.c.at("SELECT") {
            return None;
        }
        let mut depth = 0usize;
        let mut i = self.c.pos;
        while let Some(t) = self.c.tokens.get(i) {
            let text = t.text(self.c.source);
            match text {
                ";" if depth == 0 => return None,
                "(" => depth += 1,
                ")" => depth = depth.saturating_sub(1),
                _ if depth == 0 && t.is(self.c.source, "INTO") => break,
                _ => {}
            }
            i += 1;
        }
        let into = i;
        let mut j = into + 1;
        loop {
            let t = self.c.tokens.get(j)?;
            if !matches!(t.kind, Kind::Word | Kind::Quoted)
                || t.is(self.c.source, "OUTFILE")
                || t.is(self.c.source, "DUMPFILE")
            {
                return None;
            }
            j += 1;
            if !self
                .c
                .tokens
                .get(j)
                .is_some_and(|t| t.is_symbol(self.c.source, ','))
            {
                return Some((into, j));
            }
            j += 1;
        }
    }

    fn select_into(&mut self, into: usize, after: usize) -> ServerResult<Stmt> {
        let source = self.c.source;
        let targets = self.c.tokens[into + 1..after]
            .iter()
            .step_by(2)
            .map(|t| t.name(source))
            .collect();
        let start = self.c.offset();
        let into_start = self.c.tokens[into].start;
        let resume = self.c.tokens.get(after).map_or(source.len(), |t| t.start);
        self.c.pos = after;
        let end = self.span_until(&[";"]);
        let text = format!(
            "{} {}",
            source[start..into_start].trim_end(),
            &source[resume..end.max(resume)]
        );
        let statement = parse_statement(&Piece {
            text: text.trim(),
            line: 1,
        })
        .map_err(|_| self.c.error_at(start))?;
        Ok(Stmt::SelectInto {
            query: Leaf {
                text: text.trim().to_string(),
                statement,
            },
            targets,
        })
    }

    /// An ordinary statement up to `;` (or the end of the text).
    fn leaf(&mut self) -> ServerResult<Leaf> {
        let start = self.c.offset();
        let end = self.span_until(&[";"]);
        if end <= start {
            return Err(self.c.error_at(start));
        }
        let text = &self.c.source[start..end];
        let statement =
            parse_statement(&Piece { text, line: 1 }).map_err(|e| self.relocate(e, start, text))?;
        Ok(Leaf {
            text: text.to_string(),
            statement,
        })
    }

    /// A leaf's 1064 quoted from the whole statement, with its line there.
    fn relocate(&self, e: ServerError, start: usize, text: &str) -> ServerError {
        if e.code != 1064 {
            return e;
        }
        let near = e
            .message
            .split_once("near '")
            .and_then(|(_, rest)| rest.rsplit_once("' at line "))
            .map(|(near, _)| near);
        let Some(near) = near else { return e };
        let offset = if near.chars().count() < 80 {
            text.len().saturating_sub(near.len())
        } else {
            text.find(near).unwrap_or(0)
        };
        self.c.error_at(start + offset)
    }
}

fn is_stop(t: Token, text: &str, stops: &[&str]) -> bool {
    stops.iter().any(|s| match *s {
        ";" | "," | ")" => text == *s && t.kind == Kind::Symbol,
        word => t.kind == Kind::Word && text.eq_ignore_ascii_case(word),
    })
}

/// Parses a whole body (one statement, compound or not) that must use up
/// the rest of the cursor's tokens.
pub fn parse_body(c: &mut Cursor<'_>) -> ServerResult<Node> {
    let node = BodyParser::new(c).statement()?;
    if !c.at_end() {
        return Err(c.error());
    }
    Ok(node)
}

/// Whether the cursor is at a statement that only ends at its END (a
/// block, IF, CASE or loop), so that `;` inside it does not end the query.
pub fn starts_compound(c: &Cursor<'_>) -> bool {
    let labelled = c.peek_at(1).is_some_and(|t| t.is_symbol(c.source, ':'))
        && !c.peek_at(2).is_some_and(|t| t.is_symbol(c.source, '='));
    labelled
        || ["BEGIN", "IF", "CASE", "WHILE", "REPEAT", "LOOP"]
            .iter()
            .any(|w| c.at(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ServerResult<Node> {
        parse_body(&mut Cursor::new(text))
    }

    fn stmts(node: &Node) -> &[Node] {
        match &node.stmt {
            Stmt::Block { body, .. } => body,
            other => panic!("not a block: {other:?}"),
        }
    }

    #[test]
    fn a_block_holds_declarations_loops_and_leaves_with_their_lines() {
        let node = parse(
            "BEGIN\n  DECLARE i INT DEFAULT 0;\n  WHILE i < n DO\n    INSERT INTO t1 VALUES (i);\n    SET i = i + 1;\n  END WHILE;\nEND",
        )
        .unwrap();
        let list = stmts(&node);
        assert_eq!(list.len(), 2);
        assert!(
            matches!(&list[0].stmt, Stmt::Declare(d) if d.names == ["i"] && d.default.is_some())
        );
        assert_eq!(list[1].line, 3);
        let Stmt::While {
            body, condition, ..
        } = &list[1].stmt
        else {
            panic!("{:?}", list[1].stmt)
        };
        assert_eq!(condition.to_string(), "i < n");
        assert_eq!(body.len(), 2);
        assert!(matches!(&body[0].stmt, Stmt::Leaf(l) if l.text == "INSERT INTO t1 VALUES (i)"));
        assert_eq!(body[1].line, 5);
    }

    #[test]
    fn if_case_and_labelled_loops() {
        let node = parse(
            "l: LOOP IF x <= 0 THEN LEAVE l; ELSEIF x = 1 THEN ITERATE l; ELSE SET x = CASE WHEN x > 5 THEN 5 ELSE x END; END IF; END LOOP l",
        )
        .unwrap();
        let Stmt::Loop { label, body } = &node.stmt else {
            panic!()
        };
        assert_eq!(label.as_deref(), Some("l"));
        let Stmt::If {
            branches,
            otherwise,
        } = &body[0].stmt
        else {
            panic!()
        };
        assert_eq!(branches.len(), 2);
        assert!(matches!(&branches[0].1[0].stmt, Stmt::Leave(l) if l == "l"));
        assert!(
            matches!(&otherwise.as_ref().unwrap()[0].stmt, Stmt::Leaf(l) if l.text.ends_with("ELSE x END"))
        );
        let node = parse("CASE v WHEN 1 THEN SELECT 1; ELSE BEGIN END; END CASE").unwrap();
        assert!(
            matches!(node.stmt, Stmt::Case { operand: Some(_), ref branches, otherwise: Some(_) } if branches.len() == 1)
        );
        let node = parse("REPEAT SET x = x + 1; UNTIL x > 3 END REPEAT").unwrap();
        assert!(matches!(node.stmt, Stmt::Repeat { .. }));
    }

    #[test]
    fn handlers_conditions_cursors_and_select_into() {
        let node = parse(
            "BEGIN DECLARE done INT DEFAULT 0; DECLARE c CURSOR FOR SELECT a FROM t; DECLARE e CONDITION FOR SQLSTATE '45000'; DECLARE CONTINUE HANDLER FOR NOT FOUND, 1146 SET done = 1; OPEN c; FETCH c INTO x; CLOSE c; SELECT a, b INTO x, y FROM t WHERE a = 1; END",
        )
        .unwrap();
        let list = stmts(&node);
        assert!(
            matches!(&list[1].stmt, Stmt::Cursor { name, query } if name == "c" && query.text == "SELECT a FROM t")
        );
        assert!(
            matches!(&list[2].stmt, Stmt::Condition { value: CondValue::SqlState(s), .. } if s == "45000")
        );
        let Stmt::Handler(h) = &list[3].stmt else {
            panic!()
        };
        assert!(!h.exit);
        assert_eq!(h.conditions, [CondValue::NotFound, CondValue::Code(1146)]);
        assert!(
            matches!(&list[5].stmt, Stmt::Fetch { cursor, into } if cursor == "c" && into == &["x"])
        );
        let Stmt::SelectInto { query, targets } = &list[7].stmt else {
            panic!("{:?}", list[7].stmt)
        };
        assert_eq!(targets, &["x", "y"]);
        assert_eq!(query.text, "SELECT a, b FROM t WHERE a = 1");
    }

    #[test]
    fn syntax_errors_quote_the_body_from_the_bad_token() {
        let e = parse("BEGIN\n  SELECT 1;\n  SELEC 2;\nEND").unwrap_err();
        assert_eq!(e.code, 1064);
        assert!(
            e.message.ends_with("near 'SELEC 2;\nEND' at line 3"),
            "{}",
            e.message
        );
        let e = parse("BEGIN SELECT 1 END").unwrap_err();
        assert_eq!(e.code, 1064);
        let e = parse("BEGIN LEAVE nowhere; END").unwrap_err();
        assert_eq!(e.message, "LEAVE with no matching label: nowhere");
        let e = parse("a: BEGIN ITERATE a; END").unwrap_err();
        assert_eq!(e.message, "ITERATE with no matching label: a");
        let e = parse("a: LOOP SELECT 1; END LOOP b").unwrap_err();
        assert_eq!(e.message, "End-label b without match");
    }
}
