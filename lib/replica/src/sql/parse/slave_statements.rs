//! The slave's statements, read by hand: CHANGE MASTER, START/STOP SLAVE
//! (with UNTIL), RESET SLAVE [ALL], SHOW SLAVE [name] STATUS, SHOW ALL
//! SLAVES STATUS and SHOW RELAYLOG EVENTS. `REPLICA` is read as `SLAVE`.
//! Statement text enters; a [`SlaveStatement`] leaves, or MariaDB's 1064
//! quoting the text from the first token it cannot take, or None when the
//! text is not one of these statements.

use super::syntax_error;
use crate::error::{ServerError, ServerResult};
use crate::replication::slave::change_master::ChangeMaster;

/// Which threads START/STOP SLAVE names; neither means both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Threads {
    pub io: bool,
    pub sql: bool,
}

impl Threads {
    /// Whether the IO thread is meant (named, or no thread named).
    pub fn io(self) -> bool {
        self.io || !self.sql
    }

    /// Whether the SQL thread is meant.
    pub fn sql(self) -> bool {
        self.sql || !self.io
    }
}

/// The `UNTIL` clause as written; START SLAVE checks the combination.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UntilSpec {
    pub master_log_file: Option<String>,
    pub master_log_pos: Option<u64>,
    pub relay_log_file: Option<String>,
    pub relay_log_pos: Option<u64>,
    pub master_gtid_pos: Option<String>,
}

/// A slave statement; `connection` is the master connection name ('' by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlaveStatement {
    ChangeMaster {
        connection: String,
        options: ChangeMaster,
        /// MySQL's MASTER_AUTO_POSITION is not MariaDB syntax: the 1064 the
        /// MariaDB flavor raises for it.
        mysql_only: Option<ServerError>,
    },
    Start {
        connection: String,
        threads: Threads,
        until: Option<UntilSpec>,
    },
    Stop {
        connection: String,
        threads: Threads,
    },
    Reset {
        connection: String,
        all: bool,
    },
    ShowStatus {
        connection: String,
    },
    ShowAllStatus,
    /// `SHOW RELAYLOG ['name'] EVENTS [IN 'file'] [FROM pos] [LIMIT [offset,] count]`.
    ShowRelaylogEvents {
        connection: String,
        file: Option<String>,
        from: u64,
        offset: usize,
        count: Option<usize>,
    },
}

/// The statement `text` is, if it is a slave statement.
pub fn parse(text: &str) -> Option<ServerResult<SlaveStatement>> {
    let tokens = lex(text);
    let mut p = Parser {
        text,
        tokens: &tokens,
        at: 0,
    };
    let head = p.words_ahead(3);
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let statement = match head.as_slice() {
        ["CHANGE", "MASTER", ..] => p.change_master(),
        ["START", "SLAVE" | "REPLICA", ..] => p.start(),
        ["STOP", "SLAVE" | "REPLICA", ..] => p.stop(),
        ["RESET", "SLAVE" | "REPLICA", ..] => p.reset(),
        ["SHOW", "ALL", "SLAVES" | "REPLICAS"] => p.show_all(),
        ["SHOW", "SLAVE" | "REPLICA", w] if *w != "HOSTS" => p.show_status(),
        ["SHOW", "RELAYLOG", ..] => p.relaylog_events(),
        _ => return None,
    };
    Some(statement)
}

/// One token and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// An identifier or keyword, upper-cased.
    Word(String),
    Str(String),
    Number(String),
    Punct(char),
}

fn lex(text: &str) -> Vec<(Token, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'\'' || c == b'"' {
            let (value, end) = quoted(text, i);
            out.push((Token::Str(value), start));
            i = end;
        } else if c == b'`' {
            let end = text[i + 1..].find('`').map_or(text.len(), |e| i + 2 + e);
            let inner = text.get(i + 1..end.saturating_sub(1)).unwrap_or("");
            out.push((Token::Word(inner.to_ascii_uppercase()), start));
            i = end;
        } else if c.is_ascii_digit()
            || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                i += 1;
            }
            out.push((Token::Number(text[start..i].to_string()), start));
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'@' || c >= 0x80 {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
            {
                i += 1;
            }
            i = i.max(start + 1);
            while !text.is_char_boundary(i) {
                i += 1;
            }
            out.push((Token::Word(text[start..i].to_ascii_uppercase()), start));
        } else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push((Token::Punct(ch), start));
            i += ch.len_utf8();
        }
    }
    out
}

/// A quoted string starting at `at`: its value (with `\x` and doubled
/// quotes undone) and the offset after the closing quote.
fn quoted(text: &str, at: usize) -> (String, usize) {
    let quote = text.as_bytes()[at] as char;
    let mut value = String::new();
    let mut chars = text[at + 1..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            if let Some((_, next)) = chars.next() {
                value.push(next);
            }
        } else if c == quote {
            if chars.peek().is_some_and(|&(_, n)| n == quote) {
                chars.next();
                value.push(quote);
            } else {
                return (value, at + 1 + i + 1);
            }
        } else {
            value.push(c);
        }
    }
    (value, text.len())
}

struct Parser<'a> {
    text: &'a str,
    tokens: &'a [(Token, usize)],
    at: usize,
}

impl Parser<'_> {
    fn words_ahead(&self, n: usize) -> Vec<String> {
        self.tokens
            .iter()
            .take(n)
            .map(|(t, _)| match t {
                Token::Word(w) => w.clone(),
                _ => String::new(),
            })
            .collect()
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(t, _)| t)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.peek().cloned();
        self.at += 1;
        t
    }

    /// 1064 quoting the text from the current token on.
    fn error(&self) -> ServerError {
        self.error_at(self.at)
    }

    fn error_at(&self, index: usize) -> ServerError {
        let offset = self.tokens.get(index).map_or(self.text.len(), |t| t.1);
        let line = self.text[..offset].matches('\n').count() + 1;
        let line = if offset == self.text.len() {
            self.text.lines().count().max(1)
        } else {
            line
        };
        syntax_error::near(&self.text[offset..], line)
    }

    fn word(&mut self, expected: &[&str]) -> ServerResult<String> {
        match self.peek() {
            Some(Token::Word(w)) if expected.contains(&w.as_str()) => {
                let w = w.clone();
                self.at += 1;
                Ok(w)
            }
            _ => Err(self.error()),
        }
    }

    fn try_word(&mut self, expected: &[&str]) -> Option<String> {
        self.word(expected).ok()
    }

    fn punct(&mut self, c: char) -> ServerResult<()> {
        match self.peek() {
            Some(Token::Punct(p)) if *p == c => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.error()),
        }
    }

    fn try_punct(&mut self, c: char) -> bool {
        self.punct(c).is_ok()
    }

    fn end(&self) -> ServerResult<()> {
        match self.peek() {
            None => Ok(()),
            Some(Token::Punct(';')) if self.at + 1 == self.tokens.len() => Ok(()),
            _ => Err(self.error()),
        }
    }

    fn string(&mut self) -> ServerResult<String> {
        match self.peek() {
            Some(Token::Str(s)) => {
                let s = s.clone();
                self.at += 1;
                Ok(s)
            }
            _ => Err(self.error()),
        }
    }

    fn number<T: std::str::FromStr>(&mut self) -> ServerResult<T> {
        match self.peek() {
            Some(Token::Number(n)) => {
                let n = n.parse().map_err(|_| self.error())?;
                self.at += 1;
                Ok(n)
            }
            _ => Err(self.error()),
        }
    }

    /// A decimal like `0.5` or `10`, in thousandths.
    fn millis(&mut self) -> ServerResult<u64> {
        let Some(Token::Number(n)) = self.peek() else {
            return Err(self.error());
        };
        let (whole, fraction) = n.split_once('.').unwrap_or((n, ""));
        let digits: String = format!("{fraction}000").chars().take(3).collect();
        let whole: u64 = if whole.is_empty() {
            Ok(0)
        } else {
            whole.parse()
        }
        .map_err(|_| self.error())?;
        let fraction: u64 = digits.parse().map_err(|_| self.error())?;
        self.at += 1;
        Ok(whole * 1000 + fraction)
    }

    /// The optional connection name after SLAVE / MASTER.
    fn connection(&mut self) -> String {
        match self.peek() {
            Some(Token::Str(s)) => {
                let s = s.clone();
                self.at += 1;
                s
            }
            _ => String::new(),
        }
    }

    fn change_master(&mut self) -> ServerResult<SlaveStatement> {
        self.at = 2;
        let connection = self.connection();
        self.word(&["TO"])?;
        let mut options = ChangeMaster::default();
        let mut mysql_only = None;
        loop {
            if self.peek() == Some(&Token::Word("MASTER_AUTO_POSITION".into())) {
                mysql_only.get_or_insert_with(|| self.error());
            }
            self.change_master_option(&mut options)?;
            if !self.try_punct(',') {
                break;
            }
        }
        self.end()?;
        Ok(SlaveStatement::ChangeMaster {
            connection,
            options,
            mysql_only,
        })
    }

    fn change_master_option(&mut self, o: &mut ChangeMaster) -> ServerResult<()> {
        let name = match self.next() {
            Some(Token::Word(w)) => w,
            _ => return Err(self.error_at(self.at - 1)),
        };
        let start = self.at - 1;
        self.punct('=')?;
        match name.as_str() {
            "MASTER_HOST" => o.host = Some(self.string()?),
            "MASTER_USER" => o.user = Some(self.string()?),
            "MASTER_PASSWORD" => o.password = Some(self.string()?),
            "MASTER_PORT" => o.port = Some(self.number()?),
            "MASTER_CONNECT_RETRY" => o.connect_retry = Some(self.number()?),
            "MASTER_LOG_FILE" => o.log_file = Some(self.string()?),
            "MASTER_LOG_POS" => o.log_pos = Some(self.number()?),
            "RELAY_LOG_FILE" => o.relay_log_file = Some(self.string()?),
            "RELAY_LOG_POS" => o.relay_log_pos = Some(self.number()?),
            "MASTER_DELAY" => o.delay = Some(self.number()?),
            "MASTER_HEARTBEAT_PERIOD" => o.heartbeat_millis = Some(self.millis()?),
            "MASTER_USE_GTID" => o.use_gtid = Some(self.use_gtid()?),
            "MASTER_AUTO_POSITION" => o.auto_position = Some(self.number::<u8>()? != 0),
            "MASTER_SSL" | "MASTER_SSL_VERIFY_SERVER_CERT" => {
                let on: u8 = self.number()?;
                if name == "MASTER_SSL" {
                    o.ssl = Some(on != 0);
                }
            }
            "MASTER_SSL_CA" | "MASTER_SSL_CAPATH" | "MASTER_SSL_CERT" | "MASTER_SSL_CIPHER"
            | "MASTER_SSL_KEY" | "MASTER_SSL_CRL" | "MASTER_SSL_CRLPATH" => {
                self.string()?;
            }
            "IGNORE_SERVER_IDS" => o.ignore_server_ids = Some(self.id_list()?),
            "DO_DOMAIN_IDS" | "IGNORE_DOMAIN_IDS" => {
                self.id_list()?;
            }
            _ => return Err(self.error_at(start)),
        }
        Ok(())
    }

    fn use_gtid(&mut self) -> ServerResult<crate::replication::channel::UseGtid> {
        use crate::replication::channel::UseGtid;
        let w = self.word(&["NO", "CURRENT_POS", "SLAVE_POS"])?;
        Ok(match w.as_str() {
            "NO" => UseGtid::No,
            "CURRENT_POS" => UseGtid::CurrentPos,
            _ => UseGtid::SlavePos,
        })
    }

    /// `(n, n, …)` or `()`.
    fn id_list(&mut self) -> ServerResult<Vec<u32>> {
        self.punct('(')?;
        let mut ids = Vec::new();
        if self.try_punct(')') {
            return Ok(ids);
        }
        loop {
            ids.push(self.number()?);
            if !self.try_punct(',') {
                break;
            }
        }
        self.punct(')')?;
        Ok(ids)
    }

    /// `[IO_THREAD | SQL_THREAD] [, …]`.
    fn threads(&mut self) -> ServerResult<Threads> {
        let mut threads = Threads::default();
        while let Some(w) = self.try_word(&["IO_THREAD", "SQL_THREAD"]) {
            if w == "IO_THREAD" {
                threads.io = true;
            } else {
                threads.sql = true;
            }
            if !self.try_punct(',') {
                break;
            }
            if !matches!(self.peek(), Some(Token::Word(w)) if w == "IO_THREAD" || w == "SQL_THREAD")
            {
                return Err(self.error());
            }
        }
        Ok(threads)
    }

    fn start(&mut self) -> ServerResult<SlaveStatement> {
        self.at = 2;
        let connection = self.connection();
        let threads = self.threads()?;
        let until = if self.try_word(&["UNTIL"]).is_some() {
            Some(self.until()?)
        } else {
            None
        };
        self.end()?;
        Ok(SlaveStatement::Start {
            connection,
            threads,
            until,
        })
    }

    fn until(&mut self) -> ServerResult<UntilSpec> {
        let mut until = UntilSpec::default();
        loop {
            let name = self.word(&[
                "MASTER_LOG_FILE",
                "MASTER_LOG_POS",
                "RELAY_LOG_FILE",
                "RELAY_LOG_POS",
                "MASTER_GTID_POS",
            ])?;
            self.punct('=')?;
            match name.as_str() {
                "MASTER_LOG_FILE" => until.master_log_file = Some(self.string()?),
                "MASTER_LOG_POS" => until.master_log_pos = Some(self.number()?),
                "RELAY_LOG_FILE" => until.relay_log_file = Some(self.string()?),
                "RELAY_LOG_POS" => until.relay_log_pos = Some(self.number()?),
                _ => until.master_gtid_pos = Some(self.string()?),
            }
            if !self.try_punct(',') {
                break;
            }
        }
        Ok(until)
    }

    fn stop(&mut self) -> ServerResult<SlaveStatement> {
        self.at = 2;
        let connection = self.connection();
        let threads = self.threads()?;
        self.end()?;
        Ok(SlaveStatement::Stop {
            connection,
            threads,
        })
    }

    fn reset(&mut self) -> ServerResult<SlaveStatement> {
        self.at = 2;
        let connection = self.connection();
        let all = self.try_word(&["ALL"]).is_some();
        self.end()?;
        Ok(SlaveStatement::Reset { connection, all })
    }

    fn show_all(&mut self) -> ServerResult<SlaveStatement> {
        self.at = 3;
        self.word(&["STATUS"])?;
        self.end()?;
        Ok(SlaveStatement::ShowAllStatus)
    }

    fn show_status(&mut self) -> ServerResult<SlaveStatement> {
        self.at = 2;
        let connection = self.connection();
        self.word(&["STATUS"])?;
        self.end()?;
        Ok(SlaveStatement::ShowStatus { connection })
    }

    fn relaylog_events(&mut self) -> ServerResult<SlaveStatement> {
        self.at = 2;
        let connection = self.connection();
        self.word(&["EVENTS"])?;
        let (mut file, mut from, mut offset, mut count) = (None, 4, 0, None);
        if self.try_word(&["IN"]).is_some() {
            file = Some(self.string()?);
        }
        if self.try_word(&["FROM"]).is_some() {
            from = self.number()?;
        }
        if self.try_word(&["LIMIT"]).is_some() {
            let first: usize = self.number()?;
            if self.try_punct(',') {
                offset = first;
                count = Some(self.number()?);
            } else {
                count = Some(first);
            }
        }
        self.end()?;
        Ok(SlaveStatement::ShowRelaylogEvents {
            connection,
            file,
            from,
            offset,
            count,
        })
    }
}

#[cfg(test)]
#[path = "slave_statements_tests.rs"]
mod tests;
