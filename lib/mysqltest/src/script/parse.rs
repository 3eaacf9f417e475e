//! Turns the raw commands of the [`lexer`](super::lexer) into [`Command`]s:
//! classifies each by its first word, applies mysqltest's result-format-1
//! clean-up of multi-line text, follows `delimiter` and `character_set` so
//! later text splits as it will at run time, reads here-documents, and checks
//! that blocks open and close in the file. Between `disable_parsing` and
//! `enable_parsing` every other command is a comment to mysqltest, so none of
//! that applies there.
//!
//! [`parse_script`] is strict (the first problem is an error); [`parse_tail`]
//! reads from any offset with a given lexical state and hands back what it
//! read before a problem, which is how the interpreter reads again when the
//! session's lexical state differs from the one assumed.

use std::path::Path;

use super::args::split_args;
use super::charset::ClientCharset;
use super::command::{Command, Heredoc, Kind, Script, Style};
use super::error::ParseError;
use super::lexer::{Ending, HeredocError, LexState, Lexer, RawCommand, is_space};
use super::name::CommandName;

/// Longest delimiter or here-document terminator mysqltest accepts.
const MAX_DELIMITER_LENGTH: usize = 16;

/// Parses a whole file; the first problem is an error.
pub fn parse_script(path: &Path, src: &[u8]) -> Result<Script, ParseError> {
    let tail = parse_tail(src, 0, 1, LexState::default(), 0);
    match tail.error {
        Some(err) => Err(err),
        None => Ok(Script {
            path: path.to_path_buf(),
            commands: tail.commands,
        }),
    }
}

/// Commands read from some offset on, and the problem that stopped reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tail {
    pub commands: Vec<Command>,
    pub error: Option<ParseError>,
}

/// Reads commands from `start` (on `line`) with the lexical state `lex`,
/// inside `open_blocks` blocks of the file.
pub fn parse_tail(src: &[u8], start: usize, line: u32, lex: LexState, open_blocks: usize) -> Tail {
    let mut reader = Reader {
        lexer: Lexer::new(src, start, line),
        lex,
        depth: open_blocks,
        commands: Vec::new(),
    };
    let error = reader.run().err();
    Tail {
        commands: reader.commands,
        error,
    }
}

struct Reader<'a> {
    lexer: Lexer<'a>,
    lex: LexState,
    depth: usize,
    commands: Vec<Command>,
}

impl Reader<'_> {
    fn run(&mut self) -> Result<(), ParseError> {
        loop {
            let raw = match self.lexer.next_raw(&self.lex) {
                Ok(Some(raw)) => raw,
                Ok(None) => return self.at_end(),
                Err(trailing) => return Err(trailing_error(&trailing.text, trailing.line)),
            };
            let command = self.classify(raw)?;
            if !command.lex.parsing_disabled {
                self.track_blocks(&command)?;
            }
            self.commands.push(command);
        }
    }

    fn at_end(&self) -> Result<(), ParseError> {
        if self.depth > 0 {
            return Err(ParseError::new(self.lexer.line(), "Missing end of block"));
        }
        Ok(())
    }

    /// Builds a command from a raw one, following grammar-changing commands.
    fn classify(&mut self, raw: RawCommand) -> Result<Command, ParseError> {
        let lex = self.lex.clone();
        let text = convert_to_format_v1(&raw.text);
        let span = (raw.read_start, raw.read_end);
        let simple = |kind, text: Vec<u8>| Command {
            kind,
            style: Style::Delimited,
            arg_offset: text.len(),
            text,
            heredoc: None,
            line: raw.line,
            span,
            read_line: raw.read_line,
            lex: lex.clone(),
        };
        if raw.ending == Ending::EmptyLine {
            return Ok(simple(Kind::EmptyLine, b"\n".to_vec()));
        }
        if text.first() == Some(&b'#') {
            return Ok(simple(Kind::Comment, text));
        }
        let (style, body) = match text.strip_prefix(b"--") {
            Some(rest) => (Style::Dashes, rest),
            None => (Style::Delimited, &text[..]),
        };
        let query = skip_spaces(body).to_vec();
        let mut command = Command {
            style,
            ..simple(Kind::Sql, query)
        };
        self.set_kind(&mut command, raw.line)?;
        match parsing_switch(&command) {
            Some(disabled) => self.lex.parsing_disabled = disabled,
            None if lex.parsing_disabled => return Ok(command),
            None => {}
        }
        self.apply_grammar_change(&command, raw.line)?;
        if command.name().is_some_and(CommandName::takes_heredoc) {
            command.heredoc = Some(self.read_heredoc(&command, raw.line)?);
            command.span.1 = self.lexer.position();
        }
        Ok(command)
    }

    /// Decides the kind from the first word and records where arguments start.
    fn set_kind(&self, command: &mut Command, line: u32) -> Result<(), ParseError> {
        let text = &command.text;
        if text.first() == Some(&b'}') {
            command.kind = Kind::EndBlock;
            command.arg_offset = text.len();
            return Ok(());
        }
        let word_end = first_word_end(text, &self.lex.delimiter);
        let arg_start = word_end
            + text[word_end..]
                .iter()
                .take_while(|b| is_space(**b))
                .count();
        command.arg_offset = arg_start;
        command.kind = match CommandName::lookup(&text[..word_end]) {
            Some(CommandName::End) => Kind::EndBlock,
            Some(name) => Kind::Command(name),
            None if command.style == Style::Dashes => {
                return Err(ParseError::new(
                    line,
                    "Found line beginning with --  that didn't contain a valid mysqltest command, \
                     check your syntax or use # if you intended to write a comment",
                ));
            }
            None => {
                command.arg_offset = 0;
                Kind::Sql
            }
        };
        Ok(())
    }

    /// `delimiter` and `character_set` change how the following text splits.
    fn apply_grammar_change(&mut self, command: &Command, line: u32) -> Result<(), ParseError> {
        match command.name() {
            Some(CommandName::Delimiter) => {
                self.lex.delimiter = new_delimiter(command.argument(), line)?;
            }
            Some(CommandName::CharacterSet) => {
                let name = command
                    .argument()
                    .split(|b| is_space(*b))
                    .next()
                    .unwrap_or(b"");
                if let Some(charset) = std::str::from_utf8(name)
                    .ok()
                    .and_then(ClientCharset::by_name)
                {
                    self.lex.charset = charset;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn read_heredoc(&mut self, command: &Command, line: u32) -> Result<Heredoc, ParseError> {
        let position = usize::from(command.name() != Some(CommandName::Perl));
        let args = split_args(command.argument(), b' ', position + 1);
        let terminator = args
            .get(position)
            .filter(|t| !t.is_empty())
            .map(|t| t.to_vec());
        if let Some(t) = &terminator {
            if t.contains(&b'$') {
                return Err(ParseError::new(
                    line,
                    "a here-document terminator given by a variable is not supported",
                ));
            }
            if t.len() > MAX_DELIMITER_LENGTH {
                return Err(ParseError::new(
                    line,
                    format!("Max delimiter length({MAX_DELIMITER_LENGTH}) exceeded"),
                ));
            }
        }
        let end: Vec<u8> = terminator.clone().unwrap_or_else(|| b"EOF".to_vec());
        match self.lexer.heredoc(&end, line) {
            Ok(body) => Ok(Heredoc { terminator, body }),
            Err(HeredocError::TrailingCharacters) => Err(ParseError::new(
                line,
                "Trailing characters found after command",
            )),
            // mysqltest reads the here-document when it runs the command.
            Err(HeredocError::MissingTerminator) => Err(ParseError::new(
                line,
                format!(
                    "End of file encountered before '{}' delimiter was found",
                    String::from_utf8_lossy(&end)
                ),
            )),
        }
    }

    /// Blocks must open and close within one file.
    fn track_blocks(&mut self, command: &Command) -> Result<(), ParseError> {
        match command.kind {
            Kind::Command(name) if name.opens_block() => self.depth += 1,
            Kind::EndBlock if self.depth == 0 => {
                return Err(ParseError::new(
                    command.line,
                    "Stray '}' - end of block before beginning",
                ));
            }
            Kind::EndBlock => self.depth -= 1,
            _ => {}
        }
        Ok(())
    }
}

/// The parsing state a command leaves behind, if it is `disable_parsing` or
/// `enable_parsing`.
fn parsing_switch(command: &Command) -> Option<bool> {
    match command.name() {
        Some(CommandName::DisableParsing) => Some(true),
        Some(CommandName::EnableParsing) => Some(false),
        _ => None,
    }
}

/// The delimiter set by `delimiter X`: the rest of the argument, at most 15 bytes.
fn new_delimiter(argument: &[u8], line: u32) -> Result<Vec<u8>, ParseError> {
    let arg = skip_spaces(argument);
    if arg.is_empty() {
        return Err(ParseError::new(line, "Can't set empty delimiter"));
    }
    Ok(arg[..arg.len().min(MAX_DELIMITER_LENGTH - 1)].to_vec())
}

/// mysqltest's message for text left without a delimiter at the end of a file.
fn trailing_error(text: &[u8], line: u32) -> ParseError {
    let rest = skip_spaces(text);
    if rest.first() == Some(&b'\n') {
        return ParseError::new(line, "Missing delimiter");
    }
    ParseError::new(
        line,
        format!(
            "End of line junk detected: \"{}\"",
            String::from_utf8_lossy(rest)
        ),
    )
}

/// End of the first word: a blank, `(` or the delimiter ends it.
fn first_word_end(text: &[u8], delimiter: &[u8]) -> usize {
    text.iter()
        .enumerate()
        .position(|(i, &b)| {
            is_space(b) || b == b'(' || (!delimiter.is_empty() && text[i..].starts_with(delimiter))
        })
        .unwrap_or(text.len())
}

fn skip_spaces(text: &[u8]) -> &[u8] {
    let n = text.iter().take_while(|b| is_space(**b)).count();
    &text[n..]
}

/// mysqltest's result format 1: after a newline that does not follow a
/// closing quote, leading blanks of the next line are dropped.
pub fn convert_to_format_v1(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    let mut after_quote = false;
    while i < text.len() {
        let c = text[i];
        if c == b'\n' && !after_quote {
            out.push(c);
            i += 1;
            while i < text.len() && is_space(text[i]) {
                i += 1;
            }
            after_quote = false;
        } else if matches!(c, b'\'' | b'"' | b'`') {
            out.push(c);
            i += 1;
            while i < text.len() && text[i] != c {
                out.push(text[i]);
                i += 1;
            }
            if i < text.len() {
                out.push(text[i]);
                i += 1;
            }
            after_quote = true;
        } else {
            out.push(c);
            i += 1;
            after_quote = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Script {
        parse_script(Path::new("t.test"), src.as_bytes()).expect("parses")
    }

    fn kinds(script: &Script) -> Vec<Kind> {
        script.commands.iter().map(|c| c.kind).collect()
    }

    #[test]
    fn classifies_by_first_word() {
        let s = parse("--echo hi\nSELECT 1;\nlet $a= 1;\n# c\n\n\nif ($a) {\n}\nquery SELECT 2;\n");
        assert_eq!(
            kinds(&s),
            [
                Kind::Command(CommandName::Echo),
                Kind::Sql,
                Kind::Command(CommandName::Let),
                Kind::Comment,
                Kind::EmptyLine,
                Kind::Command(CommandName::If),
                Kind::EndBlock,
                Kind::Command(CommandName::Query),
            ]
        );
        assert_eq!(s.commands[0].argument(), b"hi");
        assert_eq!(s.commands[2].argument(), b"$a= 1");
        assert_eq!(s.commands[2].first_word(), b"let");
    }

    #[test]
    fn connect_word_ends_at_parenthesis() {
        let s = parse("connect(con1,localhost,root,,);\n");
        assert_eq!(s.commands[0].kind, Kind::Command(CommandName::Connect));
        assert_eq!(s.commands[0].argument(), b"(con1,localhost,root,,)");
    }

    #[test]
    fn delimiter_changes_later_splitting() {
        let s = parse("delimiter //;\nSELECT 1; SELECT 2//\ndelimiter ;//\nSELECT 3;\n");
        let texts: Vec<_> = s.commands.iter().map(|c| c.text.clone()).collect();
        assert_eq!(texts[1], b"SELECT 1; SELECT 2");
        assert_eq!(texts[3], b"SELECT 3");
        assert_eq!(s.commands[1].lex.delimiter, b"//");
    }

    #[test]
    fn unknown_dash_command_is_an_error() {
        let err = parse_script(Path::new("t"), b"--SELECT 1\n").unwrap_err();
        assert!(err.message.starts_with("Found line beginning with --"));
        assert_eq!(err.line, 1);
    }

    #[test]
    fn heredocs_are_read() {
        let s = parse(
            "--write_file $MYSQLTEST_VARDIR/tmp/f END\nline\nEND\nperl;\nprint 1;\nEOF\nSELECT 1;\n",
        );
        let h = s.commands[0].heredoc.as_ref().unwrap();
        assert_eq!(h.body, b"line\n");
        assert_eq!(h.terminator.as_deref(), Some(&b"END"[..]));
        assert_eq!(s.commands[1].heredoc.as_ref().unwrap().body, b"print 1;\n");
        assert_eq!(s.commands[2].kind, Kind::Sql);
    }

    #[test]
    fn blocks_must_balance() {
        let err = parse_script(Path::new("t"), b"if ($a) {\necho x;\n").unwrap_err();
        assert_eq!(err.message, "Missing end of block");
        let err = parse_script(Path::new("t"), b"echo x;\n}\n").unwrap_err();
        assert_eq!(err.message, "Stray '}' - end of block before beginning");
    }

    #[test]
    fn missing_delimiter_at_end() {
        let err = parse_script(Path::new("t"), b"SELECT 1;\nSELECT 2").unwrap_err();
        assert_eq!(err.message, "End of line junk detected: \"SELECT 2\"");
    }

    #[test]
    fn format_v1_drops_indentation_after_newlines() {
        assert_eq!(
            convert_to_format_v1(b"SELECT a,\n       b"),
            b"SELECT a,\nb"
        );
        assert_eq!(
            convert_to_format_v1(b"SELECT 'x'\n   FROM t"),
            b"SELECT 'x'\n   FROM t"
        );
        assert_eq!(
            convert_to_format_v1(b"SELECT 'a\n   b'"),
            b"SELECT 'a\n   b'"
        );
    }

    #[test]
    fn parse_tail_reports_what_it_read_before_an_error() {
        let tail = parse_tail(
            b"SELECT 1;\n--bogus\nSELECT 2;\n",
            0,
            1,
            LexState::default(),
            0,
        );
        assert_eq!(tail.commands.len(), 1);
        assert_eq!(tail.error.unwrap().line, 2);
    }

    /// main.information_schema: under `disable_parsing` the `delimiter` does
    /// not apply, so `end;//` reads as `end`, which is only a comment there.
    #[test]
    fn disabled_parsing_ignores_delimiter_and_blocks() {
        let s = parse(
            "--disable_parsing # until fixed\nif ($a) {\ndelimiter //;\ncreate procedure p()\n\
             begin\nselect 1;\nend;//\ncall p()//\ndelimiter ;//\nselect 3;\n--enable_parsing\n\
             SELECT 2;\n",
        );
        let texts: Vec<_> = s.commands.iter().map(|c| c.text.clone()).collect();
        assert_eq!(texts[4], b"end");
        assert_eq!(s.commands[4].kind, Kind::EndBlock);
        assert!(s.commands[4].lex.parsing_disabled);
        assert_eq!(s.commands[3].lex.delimiter, b";");
        let last = s.commands.last().unwrap();
        assert_eq!(last.text, b"SELECT 2");
        assert!(!last.lex.parsing_disabled);
    }

    #[test]
    fn disabled_parsing_reads_no_heredoc() {
        let s = parse("--disable_parsing\n--write_file f\nx;\nEOF;\n--enable_parsing\n");
        assert!(s.commands[1].heredoc.is_none());
        assert_eq!(s.commands[2].text, b"x");
    }

    #[test]
    fn reading_again_inside_a_block_may_close_it() {
        let tail = parse_tail(b"SELECT 1;\n}\n", 0, 1, LexState::default(), 1);
        assert!(tail.error.is_none());
        assert_eq!(tail.commands[1].kind, Kind::EndBlock);
    }

    #[test]
    fn a_missing_terminator_is_reported_at_the_command() {
        let err = parse_script(Path::new("t"), b"echo x;\nperl;\nprint 1;\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(
            err.message,
            "End of file encountered before 'EOF' delimiter was found"
        );
    }
}
