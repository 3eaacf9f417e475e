//! Splits script text into raw commands the way mysqltest's line reader does.
//!
//! Text enters as bytes plus a starting offset and a [`LexState`] (current
//! delimiter, quoting rules of the server session, client character set);
//! each call to [`Lexer::next_raw`] returns one [`RawCommand`]: a comment
//! line, a `--` line, an empty line, a `}`, or text up to the delimiter (or up
//! to `{` for `if`/`while`). Offsets are kept so that the interpreter can read
//! again from any command when the session's lexical state turns out to differ
//! from the one assumed here.

use super::charset::ClientCharset;

/// How backslashes and double quotes behave inside SQL text, which depends on
/// the server session's `sql_mode` (NO_BACKSLASH_ESCAPES, ANSI_QUOTES).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quoting {
    pub backslash_escapes: bool,
    pub ansi_quotes: bool,
}

impl Default for Quoting {
    fn default() -> Self {
        Quoting {
            backslash_escapes: true,
            ansi_quotes: false,
        }
    }
}

impl Quoting {
    /// Whether `c` escapes the next character inside a string opened by `quote`.
    fn is_escape(self, c: u8, quote: u8) -> bool {
        if c != b'\\' || quote == b'`' || !self.backslash_escapes {
            return false;
        }
        !(self.ansi_quotes && quote == b'"')
    }
}

/// Everything the splitting of the next command depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexState {
    pub delimiter: Vec<u8>,
    pub quoting: Quoting,
    pub charset: ClientCharset,
    /// Under `disable_parsing`, `delimiter` and here-documents do not apply.
    pub parsing_disabled: bool,
}

impl Default for LexState {
    fn default() -> Self {
        LexState {
            delimiter: b";".to_vec(),
            quoting: Quoting::default(),
            charset: ClientCharset::Latin1,
            parsing_disabled: false,
        }
    }
}

/// What ended a raw command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The current delimiter (not part of the text).
    Delimiter,
    /// The end of a `#` or `--` line.
    Newline,
    /// A `{` after `if`/`while` (kept in the text).
    OpenBrace,
    /// A `}` at the start of a line (the whole text).
    CloseBrace,
    /// A blank line after a newline.
    EmptyLine,
    /// The end of the file (only for a final comment without newline).
    EndOfFile,
}

/// One command as read, before its first word is looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCommand {
    /// The text with leading blanks skipped and CR/LF turned into LF.
    pub text: Vec<u8>,
    /// Line where the command starts (1-based).
    pub line: u32,
    /// Offset where reading started (before skipped blanks).
    pub read_start: usize,
    /// Line of `read_start`.
    pub read_line: u32,
    /// Offset just after what was consumed (delimiter or newline included).
    pub read_end: usize,
    pub ending: Ending,
}

/// Input left over at the end of a file that does not form a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailingText {
    pub text: Vec<u8>,
    pub line: u32,
}

/// Reader over one file's bytes.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    line: u32,
    /// Line where the current read began.
    read_line: u32,
}

/// States of the reader, as in mysqltest.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    LineStart,
    Normal,
    Quoted,
    EscapedInQuote,
    Comment,
}

impl<'a> Lexer<'a> {
    /// A reader at `pos`, which lies on line `line`.
    pub fn new(src: &'a [u8], pos: usize, line: u32) -> Self {
        Lexer {
            src,
            pos,
            line,
            read_line: line,
        }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn line(&self) -> u32 {
        self.line
    }

    /// Reads the next raw command; `Ok(None)` at a clean end of file.
    pub fn next_raw(&mut self, lex: &LexState) -> Result<Option<RawCommand>, TrailingText> {
        let read_start = self.pos;
        self.read_line = self.line;
        let mut start_line = self.line;
        let mut buf: Vec<u8> = Vec::new();
        let mut state = State::LineStart;
        let mut last_quote = 0u8;
        let mut last_char = 0u8;
        let mut have_slash = false;
        loop {
            let Some(&c) = self.src.get(self.pos) else {
                return self.at_end(buf, state, start_line, read_start);
            };
            if c == b'\n' {
                self.line += 1;
                if buf.last() == Some(&b'\r') {
                    buf.pop();
                }
            }
            let mut skip = false;
            match state {
                State::Normal => {
                    if self.delimiter_here(&lex.delimiter) {
                        return Ok(Some(
                            self.finish_delimited(buf, start_line, read_start, lex),
                        ));
                    }
                    if c == b'{' && starts_block(&buf) {
                        buf.push(c);
                        self.pos += 1;
                        return Ok(Some(self.finish(
                            buf,
                            start_line,
                            read_start,
                            Ending::OpenBrace,
                        )));
                    }
                    if matches!(c, b'\'' | b'"' | b'`') && !have_slash {
                        last_quote = c;
                        state = State::Quoted;
                    }
                    have_slash = lex.quoting.is_escape(c, last_quote);
                }
                State::Comment => {
                    if c == b'\n' {
                        self.pos += 1;
                        return Ok(Some(self.finish(
                            buf,
                            start_line,
                            read_start,
                            Ending::Newline,
                        )));
                    }
                }
                State::LineStart => {
                    if c == b'#' || c == b'-' {
                        state = State::Comment;
                    } else if is_space(c) {
                        if c == b'\n' {
                            if last_char == b'\n' {
                                buf.push(c);
                                self.pos += 1;
                                return Ok(Some(self.finish(
                                    buf,
                                    start_line,
                                    read_start,
                                    Ending::EmptyLine,
                                )));
                            }
                            start_line = self.line;
                        }
                        skip = true;
                    } else if self.delimiter_here(&lex.delimiter) {
                        return Ok(Some(
                            self.finish_delimited(buf, start_line, read_start, lex),
                        ));
                    } else if c == b'}' {
                        buf.push(c);
                        self.pos += 1;
                        return Ok(Some(self.finish(
                            buf,
                            start_line,
                            read_start,
                            Ending::CloseBrace,
                        )));
                    } else if matches!(c, b'\'' | b'"' | b'`') {
                        last_quote = c;
                        state = State::Quoted;
                    } else {
                        state = State::Normal;
                    }
                }
                State::Quoted => {
                    if c == last_quote {
                        state = State::Normal;
                    } else if lex.quoting.is_escape(c, last_quote) {
                        state = State::EscapedInQuote;
                    }
                }
                State::EscapedInQuote => state = State::Quoted,
            }
            last_char = c;
            self.pos += 1;
            if !skip {
                buf.push(c);
                self.take_multibyte_tail(&mut buf, lex.charset);
            }
        }
    }

    /// Whether the delimiter starts at the current position.
    fn delimiter_here(&self, delimiter: &[u8]) -> bool {
        !delimiter.is_empty() && self.src[self.pos..].starts_with(delimiter)
    }

    /// Consumes the delimiter and ends the command before it.
    fn finish_delimited(
        &mut self,
        buf: Vec<u8>,
        line: u32,
        read_start: usize,
        lex: &LexState,
    ) -> RawCommand {
        self.pos += lex.delimiter.len();
        self.finish(buf, line, read_start, Ending::Delimiter)
    }

    fn finish(&self, text: Vec<u8>, line: u32, read_start: usize, ending: Ending) -> RawCommand {
        RawCommand {
            text,
            line,
            read_start,
            read_line: self.read_line,
            read_end: self.pos,
            ending,
        }
    }

    /// In a multi-byte client character set, the rest of a character is taken
    /// as is, so its trailing bytes never act as quotes or escapes.
    fn take_multibyte_tail(&mut self, buf: &mut Vec<u8>, charset: ClientCharset) {
        let lead = buf.len() - 1;
        let rest = &self.src[self.pos..];
        if let Some(len) = charset.multibyte_len(buf[lead], rest) {
            let tail = &rest[..len - 1];
            self.line += tail.iter().filter(|&&b| b == b'\n').count() as u32;
            buf.extend_from_slice(tail);
            self.pos += len - 1;
        }
    }

    /// End of input: a final comment is complete; other text is an error.
    fn at_end(
        &mut self,
        buf: Vec<u8>,
        state: State,
        line: u32,
        read_start: usize,
    ) -> Result<Option<RawCommand>, TrailingText> {
        if state == State::Comment {
            let mut buf = buf;
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(Some(self.finish(buf, line, read_start, Ending::EndOfFile)));
        }
        if buf.iter().all(|&b| is_space(b)) {
            return Ok(None);
        }
        Err(TrailingText { text: buf, line })
    }

    /// Reads a here-document body after a `perl`/`write_file` command that
    /// started on `start_line`: the rest of that line must be empty, then
    /// everything up to the first occurrence of `terminator` is the body.
    /// Carriage returns are dropped, as mysqltest does.
    pub fn heredoc(&mut self, terminator: &[u8], start_line: u32) -> Result<Vec<u8>, HeredocError> {
        let mut body = Vec::new();
        loop {
            let Some(&c) = self.src.get(self.pos) else {
                return Err(HeredocError::MissingTerminator);
            };
            if c == b'\r' {
                self.pos += 1;
                continue;
            }
            if c == b'\n' {
                self.line += 1;
                if start_line + 1 == self.line {
                    self.pos += 1;
                    continue;
                }
            } else if start_line == self.line {
                return Err(HeredocError::TrailingCharacters);
            }
            if self.src[self.pos..].starts_with(terminator) {
                self.pos += terminator.len();
                return Ok(body);
            }
            body.push(c);
            self.pos += 1;
        }
    }
}

/// Why a here-document could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeredocError {
    TrailingCharacters,
    MissingTerminator,
}

/// mysqltest's notion of white space (latin1 `isspace`).
pub fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// `{` ends a command only after `if` or `while` (compared without case).
fn starts_block(buf: &[u8]) -> bool {
    let starts =
        |word: &[u8]| buf.len() >= word.len() && buf[..word.len()].eq_ignore_ascii_case(word);
    starts(b"while") || starts(b"if")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(src: &str) -> Vec<(String, u32, Ending)> {
        let lex = LexState::default();
        let mut lexer = Lexer::new(src.as_bytes(), 0, 1);
        let mut out = Vec::new();
        while let Some(raw) = lexer.next_raw(&lex).expect("no trailing text") {
            out.push((String::from_utf8(raw.text).unwrap(), raw.line, raw.ending));
        }
        out
    }

    #[test]
    fn splits_statements_comments_and_dash_lines() {
        let got = split("SELECT 1;\n# note\n--echo hi;\nSELECT 'a;b' ; SELECT 2;\n");
        let texts: Vec<_> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(
            texts,
            [
                "SELECT 1",
                "# note",
                "--echo hi;",
                "SELECT 'a;b' ",
                "SELECT 2"
            ]
        );
        assert_eq!(got[3].1, 4);
    }

    #[test]
    fn blank_line_after_newline_is_an_empty_command() {
        let got = split("SELECT 1;\n\nSELECT 2;\n");
        assert_eq!(got[1].0, "\n");
        assert_eq!(got[1].2, Ending::EmptyLine);
    }

    #[test]
    fn if_and_while_end_at_the_brace() {
        let got = split("if ($a)\n{\n  echo x;\n}\nwhile (`SELECT '{'`) {\n}\n");
        let texts: Vec<_> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(
            texts,
            ["if ($a)\n{", "echo x", "}", "while (`SELECT '{'`) {", "}"]
        );
    }

    #[test]
    fn escaped_quotes_do_not_end_strings() {
        let got = split("SELECT 'it\\'s;' ;\n");
        assert_eq!(got[0].0, "SELECT 'it\\'s;' ");
    }

    #[test]
    fn no_backslash_escapes_changes_splitting() {
        let mut lex = LexState::default();
        lex.quoting.backslash_escapes = false;
        let mut lexer = Lexer::new(b"SELECT 'a\\'; SELECT 2;", 0, 1);
        let first = lexer.next_raw(&lex).unwrap().unwrap();
        assert_eq!(first.text, b"SELECT 'a\\'");
    }

    #[test]
    fn multi_character_delimiter() {
        let lex = LexState {
            delimiter: b"||".to_vec(),
            ..LexState::default()
        };
        let mut lexer = Lexer::new(b"SELECT 1; SELECT 2||echo x||", 0, 1);
        assert_eq!(
            lexer.next_raw(&lex).unwrap().unwrap().text,
            b"SELECT 1; SELECT 2"
        );
        assert_eq!(lexer.next_raw(&lex).unwrap().unwrap().text, b"echo x");
        assert!(lexer.next_raw(&lex).unwrap().is_none());
    }

    #[test]
    fn unterminated_text_at_end_is_reported() {
        let lex = LexState::default();
        let mut lexer = Lexer::new(b"SELECT 1;\nSELECT 2\n", 0, 1);
        lexer.next_raw(&lex).unwrap();
        let err = lexer.next_raw(&lex).unwrap_err();
        assert_eq!(err.text, b"SELECT 2\n");
        assert_eq!(err.line, 2);
    }

    #[test]
    fn crlf_becomes_lf() {
        let got = split("--echo a\r\nSELECT\r\n1;\r\n");
        assert_eq!(got[0].0, "--echo a");
        assert_eq!(got[1].0, "SELECT\n1");
    }

    #[test]
    fn heredoc_reads_to_terminator() {
        let src = b"perl;\nprint \"x\";\nEOF\nSELECT 1;\n";
        let lex = LexState::default();
        let mut lexer = Lexer::new(src, 0, 1);
        let raw = lexer.next_raw(&lex).unwrap().unwrap();
        assert_eq!(raw.text, b"perl");
        assert_eq!(lexer.heredoc(b"EOF", raw.line).unwrap(), b"print \"x\";\n");
        assert_eq!(lexer.next_raw(&lex).unwrap().unwrap().text, b"SELECT 1");
    }

    #[test]
    fn heredoc_rejects_text_after_the_command() {
        let lex = LexState::default();
        let mut lexer = Lexer::new(b"perl; junk\nEOF\n", 0, 1);
        lexer.next_raw(&lex).unwrap();
        assert_eq!(
            lexer.heredoc(b"EOF", 1),
            Err(HeredocError::TrailingCharacters)
        );
    }

    #[test]
    fn dash_heredoc_keeps_an_empty_first_line() {
        let lex = LexState::default();
        let mut lexer = Lexer::new(b"--write_file f\n\nx\nEOF\n", 0, 1);
        let raw = lexer.next_raw(&lex).unwrap().unwrap();
        assert_eq!(lexer.heredoc(b"EOF", raw.line).unwrap(), b"\nx\n");
    }

    #[test]
    fn multibyte_tail_is_not_an_escape() {
        let lex = LexState {
            charset: ClientCharset::Sjis,
            ..LexState::default()
        };
        // 0x95 0x5C is one sjis character whose second byte is a backslash.
        let src = b"SELECT '\x95\x5c';SELECT 2;";
        let mut lexer = Lexer::new(src, 0, 1);
        assert_eq!(
            lexer.next_raw(&lex).unwrap().unwrap().text,
            b"SELECT '\x95\x5c'"
        );
    }
}
