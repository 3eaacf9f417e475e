//! The parsed form of a script: a flat list of [`Command`]s, each with its
//! kind, its text as mysqltest sees it (`command->query`), where its argument
//! starts, an optional here-document, its line and byte span, and the lexical
//! state it was read under. Blocks stay flat (`if … {` … `}`), as in
//! mysqltest, so that loops can jump back by index.

use std::path::PathBuf;

use super::lexer::LexState;
use super::name::CommandName;

/// What a command is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A `#` line.
    Comment,
    /// A blank line that followed another newline.
    EmptyLine,
    /// `}` or `end`.
    EndBlock,
    /// Text sent to the server.
    Sql,
    /// A mysqltest command.
    Command(CommandName),
}

/// How the command was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `--name args` up to the end of the line.
    Dashes,
    /// `name args` up to the delimiter (or `{`, or a lone `}`).
    Delimited,
}

/// The body of `perl`, `write_file` and `append_file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The terminator as written, when it was not the default `EOF`.
    pub terminator: Option<Vec<u8>>,
    pub body: Vec<u8>,
}

impl Heredoc {
    /// The terminator in effect.
    pub fn end_marker(&self) -> &[u8] {
        self.terminator.as_deref().unwrap_or(b"EOF")
    }
}

/// One command of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub kind: Kind,
    pub style: Style,
    /// The command text after the reader's clean-up; for SQL the query.
    pub text: Vec<u8>,
    /// Where the first argument starts in `text` (after the first word and blanks).
    pub arg_offset: usize,
    pub heredoc: Option<Heredoc>,
    /// Line where the command starts.
    pub line: u32,
    /// Byte offsets in the file: where reading started and where it ended.
    pub span: (usize, usize),
    /// Line on which reading started (at `span.0`).
    pub read_line: u32,
    /// The lexical state the command was read under.
    pub lex: LexState,
}

impl Command {
    /// The argument text (after the command word), or the whole SQL text.
    pub fn argument(&self) -> &[u8] {
        &self.text[self.arg_offset..]
    }

    /// The first word as written (the command name for commands).
    pub fn first_word(&self) -> &[u8] {
        let end = self.text[..self.arg_offset]
            .iter()
            .rposition(|b| !super::lexer::is_space(*b))
            .map_or(0, |i| i + 1);
        &self.text[..end]
    }

    /// The command name, if this is a mysqltest command.
    pub fn name(&self) -> Option<CommandName> {
        match self.kind {
            Kind::Command(name) => Some(name),
            _ => None,
        }
    }
}

/// A whole file, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub path: PathBuf,
    pub commands: Vec<Command>,
}
