//! The interpreter: runs a parsed script command by command as mysqltest's
//! main loop does. It keeps a stack of files (`source`), per file a stack of
//! blocks (`if`/`while`, false blocks skipped, loops jumping back), the
//! variables, switches and replacements, and the named connections. Before
//! each command it checks that the lexical state the command was read under
//! (delimiter, quoting of the current session, client charset) is the one in
//! force now, and reads the rest of the file again if not.
//!
//! A [`RunConfig`] and a [`CancelToken`] go in; a [`RunOutcome`] (output text and
//! how the run ended) comes out.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use super::cancel::CancelToken;
use super::expected::ExpectedErrors;
use super::flow::Stop;
use super::format::Shape;
use super::output::Output;
use super::properties::{Prop, Properties};
use super::replace::Replacements;
use super::session::Session;
use super::variables::Variables;
use crate::client::Protocol;
use crate::script::charset::ClientCharset;
use crate::script::{Command, CommandName, Kind, LexState, ParseError, Quoting, parse_tail};

/// Server status flag: the session has NO_BACKSLASH_ESCAPES.
const SERVER_STATUS_NO_BACKSLASH_ESCAPES: u16 = 0x0200;
/// Server status flag (MariaDB): the session has ANSI_QUOTES.
const SERVER_STATUS_ANSI_QUOTES: u16 = 0x8000;
/// Deepest `source` nesting mysqltest allows.
const MAX_FILE_DEPTH: usize = 16;
/// Deepest block nesting mysqltest allows.
const MAX_BLOCK_DEPTH: usize = 31;

/// Everything a test run needs from the harness.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The `.test` file.
    pub test_file: PathBuf,
    /// The mysql-test tree root (mysqltest's `--basedir`).
    pub basedir: PathBuf,
    /// The suite directory (`--suite-dir`).
    pub suite_dir: PathBuf,
    /// Trees searched after `basedir` by `source` (not a mysqltest option):
    /// upstream's mysql-test, whose include files a tree of our own reuses.
    pub fallback_dirs: Vec<PathBuf>,
    /// Environment of the test (mtr's exports included).
    pub env: BTreeMap<String, String>,
    /// Where the default connection goes.
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Vec<u8>,
    pub database: String,
    /// The server's socket, shown where mysqltest shows its default socket.
    pub socket: String,
    /// `--plugin-dir`: where every connection looks for client plugins.
    pub plugin_dir: Option<PathBuf>,
    /// `--compress`: every connection uses the compressed protocol.
    pub compress: bool,
    /// `--protocol`: TCP or socket for every connection.
    pub protocol: Protocol,
    /// `--connect-timeout`: replaces the client's connect timeout.
    pub connect_timeout: Option<Duration>,
    /// Lines of output shown after a failure (`--tail-lines`).
    pub tail_lines: usize,
    /// `--sleep`: overrides `sleep` (not `real_sleep`).
    pub sleep_override: Option<f64>,
    /// Seconds `sync_with_master` waits.
    pub wait_for_pos_timeout: u32,
    /// Attempts to open the default connection.
    pub max_connect_retries: u32,
    /// Name shown for the log file in failure messages.
    pub log_name: String,
    /// Where the standard error of `exec`, `system` and `perl` goes
    /// (mysqltest's own stderr, which mtr keeps in a log); `None` inherits.
    pub child_stderr: Option<PathBuf>,
    /// Statements the harness runs on the default connection before the
    /// script, unlogged and with errors ignored (not a mysqltest option).
    pub setup_queries: Vec<Vec<u8>>,
}

impl RunConfig {
    /// A configuration with mysqltest's defaults for the given file and server.
    pub fn new(test_file: impl Into<PathBuf>, basedir: impl Into<PathBuf>, port: u16) -> Self {
        let basedir = basedir.into();
        RunConfig {
            test_file: test_file.into(),
            suite_dir: basedir.clone(),
            fallback_dirs: Vec::new(),
            basedir,
            env: BTreeMap::new(),
            host: "127.0.0.1".into(),
            port,
            user: "root".into(),
            password: Vec::new(),
            database: "test".into(),
            socket: String::new(),
            plugin_dir: None,
            compress: false,
            protocol: Protocol::Default,
            connect_timeout: None,
            tail_lines: 20,
            sleep_override: None,
            wait_for_pos_timeout: 300,
            max_connect_retries: 500,
            log_name: "mysqltest.log".into(),
            child_stderr: None,
            setup_queries: Vec::new(),
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The script ran to its end (or `exit`).
    Completed,
    /// `skip` or an unmet requirement, with the reason.
    Skipped(String),
    /// mysqltest would have died; the full message, tail included.
    Failed(String),
    /// Cancelled by the harness.
    Cancelled,
}

/// The result of running one test file.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub output: Vec<u8>,
    pub end: End,
    /// Commands that count as executed (queries, echo, exec): mysqltest
    /// fails a test that ran none against a non-empty result file.
    pub commands_executed: u32,
}

/// An `if`/`while` in progress.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    is_while: bool,
    ok: bool,
    /// Index of the `while` command, to jump back to.
    start: usize,
    /// Delimiter to restore at the end of a block that did not run.
    saved_delimiter: Option<Vec<u8>>,
}

/// One file being run.
pub(crate) struct Frame {
    pub path: PathBuf,
    src: Rc<Vec<u8>>,
    commands: Vec<Rc<Command>>,
    error: Option<ParseError>,
    pub pc: usize,
    blocks: Vec<Block>,
    /// Files already sourced by the `source` at an index (replayed in loops).
    sourced: HashMap<usize, (PathBuf, Rc<Vec<u8>>)>,
}

impl Frame {
    /// Whether the innermost block of this file runs.
    pub(crate) fn block_ok(&self) -> bool {
        self.blocks.last().is_none_or(|b| b.ok)
    }
}

/// What the current command is, for messages and error matching.
#[derive(Debug, Clone, Default)]
pub(crate) struct CommandContext {
    pub line: u32,
    /// The command's query text as mysqltest names it in messages.
    pub query: Vec<u8>,
    pub expected: ExpectedErrors,
    pub abort_on_error: bool,
    /// Set when the command printed through the replacements or failed.
    pub used_replace: bool,
}

/// The running interpreter.
pub struct Interpreter {
    pub(crate) cfg: RunConfig,
    pub(crate) cancel: CancelToken,
    pub(crate) vars: Variables,
    pub(crate) out: Output,
    pub(crate) props: Properties,
    pub(crate) rep: Replacements,
    pub(crate) vertical: bool,
    pub(crate) no_column_names: bool,
    pub(crate) expected: ExpectedErrors,
    pub(crate) ctx: CommandContext,
    pub(crate) delimiter: Vec<u8>,
    pub(crate) charset: ClientCharset,
    pub(crate) parsing_disabled: bool,
    pub(crate) send_next: bool,
    pub(crate) executed: u32,
    pub(crate) exit: bool,
    /// `optimizer_trace` ran; the next query that succeeds shows its trace.
    pub(crate) optimizer_trace: bool,
    pub(crate) master_pos: Option<(Vec<u8>, u64)>,
    pub(crate) require_file: Option<PathBuf>,
    pub(crate) sessions: Vec<Session>,
    pub(crate) current: Option<usize>,
    pub(crate) frames: Vec<Frame>,
}

/// Runs one test file.
pub fn run_test(cfg: RunConfig, cancel: CancelToken) -> RunOutcome {
    let mut interp = Interpreter::new(cfg, cancel);
    let end = match interp.run() {
        Ok(()) => interp.finish(),
        Err(stop) => interp.stopped(stop),
    };
    let commands_executed = interp.executed;
    interp.close_all();
    RunOutcome {
        output: interp.out.into_log(),
        end,
        commands_executed,
    }
}

impl Interpreter {
    fn new(cfg: RunConfig, cancel: CancelToken) -> Self {
        let mut vars = Variables::new(cfg.env.clone());
        Properties::publish_initial(&mut vars);
        vars.set_str("SYSTEM_PATH_SEPARATOR", "/");
        vars.set_str("MYSQLTEST_FILE", &cfg.test_file.to_string_lossy());
        for name in [
            "PS_PROTOCOL",
            "NON_BLOCKING_API",
            "SP_PROTOCOL",
            "VIEW_PROTOCOL",
            "CURSOR_PROTOCOL",
        ] {
            vars.set_int(name, 0);
        }
        Interpreter {
            cfg,
            cancel,
            vars,
            out: Output::default(),
            props: Properties::default(),
            rep: Replacements::default(),
            vertical: false,
            no_column_names: false,
            expected: ExpectedErrors::default(),
            ctx: CommandContext::default(),
            delimiter: b";".to_vec(),
            charset: ClientCharset::Latin1,
            parsing_disabled: false,
            send_next: false,
            executed: 0,
            exit: false,
            optimizer_trace: false,
            master_pos: None,
            require_file: None,
            sessions: Vec::new(),
            current: None,
            frames: Vec::new(),
        }
    }

    fn run(&mut self) -> Result<(), Stop> {
        let path = self.cfg.test_file.clone();
        let src = std::fs::read(&path).map_err(|e| {
            Stop::die(format!(
                "Could not open '{}' for reading, errno: {}",
                path.display(),
                errno(&e)
            ))
        })?;
        self.open_default_connection()?;
        self.set_errno(u32::MAX);
        self.push_frame(path, Rc::new(src))?;
        self.main_loop()?;
        if self.parsing_disabled {
            return Err(Stop::die("Test ended with parsing disabled"));
        }
        Ok(())
    }

    /// The lexical state in force for reading the next command.
    fn lex_state(&self) -> LexState {
        let status = self.current.and_then(|i| {
            self.sessions[i]
                .conn
                .as_ref()
                .map(|_| self.sessions[i].status)
        });
        let quoting = match status {
            Some(s) => Quoting {
                backslash_escapes: s & SERVER_STATUS_NO_BACKSLASH_ESCAPES == 0,
                ansi_quotes: s & SERVER_STATUS_ANSI_QUOTES != 0,
            },
            None => Quoting::default(),
        };
        LexState {
            delimiter: self.delimiter.clone(),
            quoting,
            charset: self.charset,
            parsing_disabled: self.parsing_disabled,
        }
    }

    /// Starts running a file read with the current lexical state.
    pub(crate) fn push_frame(&mut self, path: PathBuf, src: Rc<Vec<u8>>) -> Result<(), Stop> {
        if self.frames.len() >= MAX_FILE_DEPTH {
            return Err(Stop::die("Source directives are nesting too deep"));
        }
        let tail = parse_tail(&src, 0, 1, self.lex_state(), 0);
        self.frames.push(Frame {
            path,
            src,
            commands: tail.commands.into_iter().map(Rc::new).collect(),
            error: tail.error,
            pc: 0,
            blocks: Vec::new(),
            sourced: HashMap::new(),
        });
        Ok(())
    }

    fn main_loop(&mut self) -> Result<(), Stop> {
        while !self.exit {
            if self.cancel.is_cancelled() {
                return Err(Stop::Cancelled);
            }
            let Some(frame) = self.frames.last_mut() else {
                break;
            };
            if frame.pc >= frame.commands.len() {
                if let Some(err) = frame.error.take() {
                    self.ctx.line = err.line;
                    return Err(Stop::Die(err.message));
                }
                self.frames.pop();
                continue;
            }
            let command = Rc::clone(&frame.commands[frame.pc]);
            let wanted = self.lex_state();
            if command.lex != wanted {
                self.reread(wanted);
                continue;
            }
            self.step(&command)?;
            self.out.flush();
        }
        Ok(())
    }

    /// Reads the rest of the current file again from the current command.
    fn reread(&mut self, lex: LexState) {
        let frame = self.frames.last_mut().expect("a frame");
        let command = &frame.commands[frame.pc];
        let open_blocks = frame.blocks.len();
        let tail = parse_tail(
            &frame.src,
            command.span.0,
            command.read_line,
            lex,
            open_blocks,
        );
        frame.commands.truncate(frame.pc);
        frame
            .commands
            .extend(tail.commands.into_iter().map(Rc::new));
        frame.error = tail.error;
    }

    /// One turn of mysqltest's main loop.
    fn step(&mut self, command: &Command) -> Result<(), Stop> {
        let depth = self.frames.len() - 1;
        let kind = match command.kind {
            Kind::Command(CommandName::EnableParsing | CommandName::DisableParsing) => command.kind,
            _ if self.parsing_disabled => Kind::Comment,
            kind => kind,
        };
        let name = match kind {
            Kind::Command(name) => Some(name),
            _ => None,
        };
        let block_ok = self.frame().block_ok();
        let ok_to_do = block_ok || matches!(name, Some(CommandName::Delimiter | CommandName::Perl));
        self.ctx = CommandContext {
            line: command.line,
            query: command.text.clone(),
            expected: self.expected.clone(),
            abort_on_error: self.expected.is_empty() && self.props.get(Prop::AbortOnError),
            used_replace: false,
        };
        let executed_before = self.executed;
        let mut processed = false;
        if ok_to_do {
            processed = self.execute(command, kind)?;
        }
        let mut advance = true;
        if !processed {
            match kind {
                Kind::Command(CommandName::If) => {
                    advance = false;
                    self.do_block(command, false)?;
                }
                Kind::Command(CommandName::While) => {
                    advance = false;
                    self.do_block(command, true)?;
                }
                Kind::EndBlock => {
                    advance = false;
                    self.do_end_block()?;
                }
                _ => {}
            }
        }
        if !matches!(kind, Kind::Command(CommandName::Error) | Kind::Comment) {
            self.expected = ExpectedErrors::default();
        }
        if self.executed != executed_before || self.ctx.used_replace {
            self.rep = Replacements::default();
        }
        if advance {
            // A `source` pushed a file above this one; the command itself is done.
            self.frames[depth].pc += 1;
        }
        Ok(())
    }

    pub(crate) fn frame(&self) -> &Frame {
        self.frames.last().expect("a frame")
    }

    pub(crate) fn frame_mut(&mut self) -> &mut Frame {
        self.frames.last_mut().expect("a frame")
    }

    /// Runs a command in a block that executes; false when the command is
    /// left to the block handling (`if`, `while`, `}`).
    fn execute(&mut self, command: &Command, kind: Kind) -> Result<bool, Stop> {
        match kind {
            Kind::Comment | Kind::EmptyLine => Ok(true),
            Kind::EndBlock => Ok(false),
            Kind::Sql => {
                self.run_sql_command(command, &command.text)?;
                Ok(true)
            }
            Kind::Command(name) => self.dispatch(name, command),
        }
    }

    /// A query sent with both halves unless a bare `send` came before.
    pub(crate) fn run_sql_command(&mut self, command: &Command, text: &[u8]) -> Result<(), Stop> {
        let mut flags = super::query::QueryFlags::FULL;
        if std::mem::take(&mut self.send_next) {
            flags.reap = false;
        }
        self.run_query(command, text, flags)?;
        self.executed += 1;
        Ok(())
    }

    /// `if (…) {` / `while (…) {`.
    fn do_block(&mut self, command: &Command, is_while: bool) -> Result<(), Stop> {
        let pc = self.frame().pc;
        if self.frame().blocks.len() >= MAX_BLOCK_DEPTH {
            return Err(Stop::die("Nesting too deeply"));
        }
        let enclosing_ok = self.frame().blocks.last().is_none_or(|b| b.ok);
        let ok = if enclosing_ok {
            self.evaluate_condition(command, is_while)?
        } else {
            false
        };
        let saved_delimiter = (!ok && enclosing_ok).then(|| self.delimiter.clone());
        let frame = self.frame_mut();
        frame.blocks.push(Block {
            is_while,
            ok,
            start: pc,
            saved_delimiter,
        });
        frame.pc += 1;
        Ok(())
    }

    /// `}`: loop back to a running `while`, else leave the block.
    fn do_end_block(&mut self) -> Result<(), Stop> {
        let Some(block) = self.frame_mut().blocks.pop() else {
            return Err(Stop::die("Stray '}' - end of block before beginning"));
        };
        if block.ok && block.is_while {
            self.frame_mut().pc = block.start;
            return Ok(());
        }
        if let Some(delimiter) = block.saved_delimiter {
            self.delimiter = delimiter;
        }
        self.frame_mut().pc += 1;
        Ok(())
    }

    /// The output switches for result sets.
    pub(crate) fn shape(&self) -> Shape {
        Shape {
            vertical: self.vertical,
            no_column_names: self.no_column_names,
            metadata: self.props.get(Prop::Metadata),
            charset: self.charset,
        }
    }

    /// Expands variables.
    pub(crate) fn expand(&mut self, text: &[u8], pass_escapes: bool) -> Result<Vec<u8>, Stop> {
        super::eval::expand(&mut self.vars, text, pass_escapes)
    }

    /// The end of a run that reached the end of the script.
    fn finish(&mut self) -> End {
        End::Completed
    }

    /// The end of a run stopped by `die`, `skip` or cancellation.
    fn stopped(&mut self, stop: Stop) -> End {
        match stop {
            Stop::Skip(reason) => End::Skipped(reason),
            Stop::Cancelled => End::Cancelled,
            Stop::Die(message) => End::Failed(self.failure_message(&message)),
        }
    }

    /// mysqltest's failure text: location, include chain, message, tail.
    fn failure_message(&mut self, message: &str) -> String {
        let mut text = String::from("mysqltest: ");
        if self.frames.len() > 1 {
            let innermost = self.frames.last().expect("a frame");
            text.push_str(&format!(
                "In included file \"{}\": \n",
                innermost.path.display()
            ));
            for frame in self.frames[..self.frames.len() - 1].iter().rev() {
                let line = frame.commands.get(frame.pc).map_or(0, |c| c.line);
                text.push_str(&format!(
                    "included from {} at line {}:\n",
                    frame.path.display(),
                    line
                ));
            }
        }
        if self.ctx.line > 0 {
            text.push_str(&format!("At line {}: ", self.ctx.line));
        }
        text.push_str(message);
        text.push('\n');
        text.push_str(
            &self
                .out
                .failure_tail(self.cfg.tail_lines, &self.cfg.log_name),
        );
        if let Some(warnings) = self.warnings_before_error() {
            text.push_str(&warnings);
        }
        text
    }

    /// Where a path given to `source` is found, in mysqltest's order, then in the fallback trees.
    pub(crate) fn resolve_source(&self, name: &[u8]) -> Option<PathBuf> {
        let name = Path::new(std::str::from_utf8(name).ok()?);
        if name.is_absolute() {
            return name.is_file().then(|| name.to_path_buf());
        }
        let current_dir = self
            .frames
            .last()
            .and_then(|f| f.path.parent())
            .map(Path::to_path_buf);
        let candidates = current_dir
            .into_iter()
            .chain([self.cfg.suite_dir.clone(), self.cfg.basedir.clone()])
            .chain(self.cfg.fallback_dirs.iter().cloned())
            .map(|dir| dir.join(name));
        candidates.into_iter().find(|p| p.is_file())
    }

    /// A `source` replayed in a loop reads the file it read the first time.
    pub(crate) fn cached_source(&self) -> Option<(PathBuf, Rc<Vec<u8>>)> {
        let frame = self.frame();
        frame.sourced.get(&frame.pc).cloned()
    }

    pub(crate) fn remember_source(&mut self, path: PathBuf, src: Rc<Vec<u8>>) {
        let frame = self.frame_mut();
        let pc = frame.pc;
        frame.sourced.insert(pc, (path, src));
    }

    /// Sleeps unless cancelled.
    pub(crate) fn sleep(&self, duration: Duration) -> Result<(), Stop> {
        if self.cancel.sleep(duration) {
            Ok(())
        } else {
            Err(Stop::Cancelled)
        }
    }
}

/// The OS error number of an I/O error, as mysqltest prints it.
pub(crate) fn errno(err: &std::io::Error) -> i32 {
    err.raw_os_error().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system's temporary directory.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rmtr-source-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("include")).unwrap();
        dir
    }

    #[test]
    fn source_looks_in_the_fallback_trees_last() {
        let ours = scratch("ours");
        let upstream = scratch("upstream");
        std::fs::write(ours.join("include/both.inc"), "").unwrap();
        std::fs::write(upstream.join("include/both.inc"), "").unwrap();
        std::fs::write(upstream.join("include/only_upstream.inc"), "").unwrap();
        let mut cfg = RunConfig::new(ours.join("t/x.test"), &ours, 3306);
        cfg.fallback_dirs = vec![upstream.clone()];
        let interp = Interpreter::new(cfg, CancelToken::new());
        assert_eq!(
            interp.resolve_source(b"include/both.inc"),
            Some(ours.join("include/both.inc")),
            "the tree itself wins"
        );
        assert_eq!(
            interp.resolve_source(b"include/only_upstream.inc"),
            Some(upstream.join("include/only_upstream.inc"))
        );
        assert_eq!(interp.resolve_source(b"include/nowhere.inc"), None);
        let _ = std::fs::remove_dir_all(&ours);
        let _ = std::fs::remove_dir_all(&upstream);
    }
}
