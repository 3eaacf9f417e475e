//! Dispatch from a command name to its implementation, and the commands
//! that fit in a few lines: switches, `echo`, `error`, `delimiter`, the
//! replace commands, `sleep`, `inc`/`dec`, `die`/`skip`/`exit`, `source`,
//! `character_set`, and the query commands (`eval`, `send`, `reap`, …).

use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use super::expected::parse_error_list;
use super::flow::{Stop, show};
use super::interpreter::{Interpreter, errno};
use super::properties::Prop;
use super::query::QueryFlags;
use super::replace::{RegexReplacer, StringReplacer, parse_regex_rules};
use crate::script::args::split_args_full;
use crate::script::charset::ClientCharset;
use crate::script::lexer::is_space;
use crate::script::{Command, CommandName};

impl Interpreter {
    /// Runs a named command; false for the block commands handled by the caller.
    pub(crate) fn dispatch(&mut self, name: CommandName, command: &Command) -> Result<bool, Stop> {
        use CommandName as C;
        if let Some((prop, value)) = toggle(name) {
            self.cmd_toggle(command, prop, value)?;
            return Ok(true);
        }
        match name {
            C::If | C::While | C::End => return Ok(false),
            C::Connection => self.cmd_connection(command)?,
            C::Connect => self.cmd_connect(command)?,
            C::Disconnect => self.cmd_disconnect(command, false)?,
            C::DirtyClose => self.cmd_disconnect(command, true)?,
            C::ChangeUser => self.cmd_change_user(command)?,
            C::ResetConnection => self
                .no_args(command)
                .and_then(|()| self.cmd_reset_connection())?,
            C::SendQuit => self.cmd_send_quit(command)?,
            C::Ping => self.no_args(command).and_then(|()| self.cmd_ping())?,
            C::EnableReconnect => self
                .no_args(command)
                .and_then(|()| self.cmd_reconnect(true))?,
            C::DisableReconnect => self
                .no_args(command)
                .and_then(|()| self.cmd_reconnect(false))?,
            C::Query => self.run_sql_command(command, command.argument())?,
            C::Eval | C::EvalP | C::QueryVertical | C::QueryHorizontal => {
                self.cmd_eval(name, command)?
            }
            C::Send | C::SendEval => self.cmd_send(name, command)?,
            C::Reap => self.cmd_reap(command)?,
            C::Let => self.cmd_let(command)?,
            C::Inc | C::Dec => self.cmd_inc_dec(command, name == C::Inc)?,
            C::Echo => self.cmd_echo(command)?,
            C::Error => {
                self.expected = parse_error_list(
                    &self.expand(command.argument(), true)?,
                    command.argument(),
                    &mut self.vars,
                )?
            }
            C::Delimiter => self.cmd_delimiter(command)?,
            C::Source => self.cmd_source(command)?,
            C::Sleep | C::RealSleep => self.cmd_sleep(command, name == C::RealSleep)?,
            C::ReplaceResult => self.cmd_replace_result(command)?,
            C::ReplaceColumn => self.cmd_replace_column(command)?,
            C::ReplaceRegex => self.cmd_replace_regex(command)?,
            C::SortedResult => self.no_args(command).map(|()| self.rep.sorted = true)?,
            C::LowercaseResult => self.no_args(command).map(|()| self.rep.lowercase = true)?,
            C::VerticalResults => self.no_args(command).map(|()| self.vertical = true)?,
            C::HorizontalResults => self.no_args(command).map(|()| self.vertical = false)?,
            C::EnableColumnNames => self.cmd_column_names(command, false)?,
            C::DisableColumnNames => self.cmd_column_names(command, true)?,
            C::CharacterSet => self.cmd_character_set(command)?,
            C::EnableParsing => self.cmd_parsing(command, false)?,
            C::DisableParsing => self.cmd_parsing(command, true)?,
            C::Die => self.cmd_die(command)?,
            C::Skip => self.cmd_skip(command)?,
            C::Exit => self.no_args(command).map(|()| self.exit = true)?,
            C::Require => self.cmd_require(command)?,
            C::Exec => self.cmd_exec(command)?,
            C::System => self.cmd_system(command)?,
            C::Perl => self.cmd_perl(command)?,
            C::SaveMasterPos => self
                .no_args(command)
                .and_then(|()| self.cmd_save_master_pos())?,
            C::SyncWithMaster => self.cmd_sync_with_master(command)?,
            C::SyncSlaveWithMaster => self.cmd_sync_slave_with_master(command)?,
            C::WaitForSlaveToStop => self.cmd_wait_for_slave_to_stop()?,
            C::ShutdownServer => self.cmd_shutdown_server(command)?,
            C::SendShutdown => self.cmd_send_shutdown()?,
            C::ResultFormat => self.cmd_result_format(command)?,
            C::WriteFile | C::AppendFile => self.cmd_write_file(command, name == C::AppendFile)?,
            C::WriteLine => self.cmd_write_line(command)?,
            C::CatFile => self.cmd_cat_file(command)?,
            C::RemoveFile => self.cmd_remove_file(command)?,
            C::RemoveFilesWildcard => self.cmd_remove_files_wildcard(command)?,
            C::CopyFile => self.cmd_copy_file(command)?,
            C::MoveFile => self.cmd_move_file(command)?,
            C::Chmod => self.cmd_chmod(command)?,
            C::FileExists => self.cmd_file_exists(command)?,
            C::DiffFiles => self.cmd_diff_files(command)?,
            C::Mkdir => self.cmd_mkdir(command)?,
            C::Rmdir => self.cmd_rmdir(command)?,
            C::ListFiles => self.cmd_list_files(command)?,
            C::ListFilesWriteFile => self.cmd_list_files_to_file(command, false)?,
            C::ListFilesAppendFile => self.cmd_list_files_to_file(command, true)?,
            C::Result => return Err(Stop::die("result, deprecated command")),
            C::EvalResult => return Err(Stop::die("'eval_result' command  is deprecated")),
            C::StartTimer | C::EndTimer | C::EnableNonBlockingApi | C::DisableNonBlockingApi => {
                self.no_args(command)?
            }
            C::EnablePrepareWarnings | C::DisablePrepareWarnings => self.no_args(command)?,
            C::OptimizerTrace => self.cmd_optimizer_trace(command)?,
            C::PsPrepare | C::PsBind | C::PsExecute | C::PsClose => {
                // These need the binary protocol (COM_STMT_*), which the client lacks.
                return Err(Stop::die(format!(
                    "'{}' is not supported by rmtr yet",
                    name.as_str()
                )));
            }
            _ => {
                return Err(Stop::die(format!(
                    "internal: unhandled command '{}'",
                    name.as_str()
                )));
            }
        }
        Ok(true)
    }

    /// mysqltest's end-of-line check for commands without arguments.
    pub(crate) fn no_args(&self, command: &Command) -> Result<(), Stop> {
        check_eol_junk(command.argument(), &self.delimiter)
    }

    /// `enable_X` / `disable_X`, optionally `ONCE`.
    fn cmd_toggle(&mut self, command: &Command, prop: Prop, value: bool) -> Result<(), Stop> {
        let once = command.argument() == b"ONCE";
        if !once {
            self.no_args(command)?;
        }
        self.props.set(prop, value, once, &mut self.vars);
        Ok(())
    }

    fn cmd_column_names(&mut self, command: &Command, disable: bool) -> Result<(), Stop> {
        self.no_args(command)?;
        self.no_column_names = disable;
        self.vars
            .set_int("ENABLED_COLUMN_NAMES", i32::from(disable));
        Ok(())
    }

    fn cmd_parsing(&mut self, command: &Command, disable: bool) -> Result<(), Stop> {
        self.no_args(command)?;
        if disable == self.parsing_disabled {
            let state = if disable { "disabled" } else { "enabled" };
            return Err(Stop::die(format!("Parsing is already {state}")));
        }
        self.parsing_disabled = disable;
        Ok(())
    }

    /// `echo text`: expanded, never rewritten by the replace commands.
    fn cmd_echo(&mut self, command: &Command) -> Result<(), Stop> {
        let mut text = self.expand(command.argument(), false)?;
        text.push(b'\n');
        self.out.push(&text);
        self.executed += 1;
        Ok(())
    }

    fn cmd_delimiter(&mut self, command: &Command) -> Result<(), Stop> {
        let arg = command.argument();
        let start = arg.iter().take_while(|b| is_space(**b)).count();
        let arg = &arg[start..];
        if arg.is_empty() {
            return Err(Stop::die("Can't set empty delimiter"));
        }
        self.delimiter = arg[..arg.len().min(15)].to_vec();
        Ok(())
    }

    /// `eval`, `evalp`, `query_vertical`, `query_horizontal`.
    fn cmd_eval(&mut self, name: CommandName, command: &Command) -> Result<(), Stop> {
        let mut flags = QueryFlags::FULL;
        if std::mem::take(&mut self.send_next) {
            flags.reap = false;
        }
        flags.eval = matches!(name, CommandName::Eval | CommandName::EvalP);
        flags.print_original = name == CommandName::EvalP;
        let saved = self.vertical;
        self.vertical |= name == CommandName::QueryVertical;
        let result = self.run_query(command, command.argument(), flags);
        self.vertical = saved;
        self.executed += 1;
        result
    }

    /// `send [query]`, `send_eval query`: a bare `send` applies to the next query.
    fn cmd_send(&mut self, name: CommandName, command: &Command) -> Result<(), Stop> {
        if command.argument().is_empty() {
            self.send_next = true;
            return Ok(());
        }
        let flags = QueryFlags {
            reap: false,
            eval: name == CommandName::SendEval,
            ..QueryFlags::FULL
        };
        self.run_query(command, command.argument(), flags)?;
        self.executed += 1;
        Ok(())
    }

    /// `reap`: messages name the query `reap`, as mysqltest does.
    fn cmd_reap(&mut self, command: &Command) -> Result<(), Stop> {
        let flags = QueryFlags {
            send: false,
            ..QueryFlags::FULL
        };
        self.run_query(command, &command.text, flags)?;
        self.executed += 1;
        Ok(())
    }

    /// `source file`: read once at this point, replayed from memory in loops.
    fn cmd_source(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["filename"], 1)?;
        let (path, src) = match self.cached_source() {
            Some(cached) => cached,
            None => {
                let path = self.resolve_source(&args[0]).ok_or_else(|| {
                    Stop::die(format!(
                        "Could not open '{}' for reading, errno: 2",
                        show(&args[0])
                    ))
                })?;
                let src = std::fs::read(&path).map_err(|e| {
                    Stop::die(format!(
                        "Could not open '{}' for reading, errno: {}",
                        path.display(),
                        errno(&e)
                    ))
                })?;
                let src = Rc::new(src);
                self.remember_source(path.clone(), Rc::clone(&src));
                (path, src)
            }
        };
        self.push_frame(path, src)
    }

    /// `sleep n` / `real_sleep n`.
    fn cmd_sleep(&mut self, command: &Command, real: bool) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["sleep_delay"], 1)?;
        let text = show(&args[0]);
        let text = text.trim_start();
        let word = command.first_word();
        if text.is_empty() {
            return Err(Stop::die(format!("Missing argument to {}", show(word))));
        }
        if !text.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(Stop::die(format!(
                "Invalid argument to {} \"{}\"",
                show(word),
                text
            )));
        }
        let number_len = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E'))
            .unwrap_or(text.len());
        let seconds: f64 = text[..number_len]
            .parse()
            .map_err(|_| Stop::die(format!("Invalid argument to {} \"{}\"", show(word), text)))?;
        check_eol_junk(&text.as_bytes()[number_len..], &self.delimiter)?;
        let seconds = match (real, self.cfg.sleep_override) {
            (false, Some(forced)) => forced,
            _ => seconds,
        };
        if seconds > 0.0 {
            self.sleep(Duration::from_secs_f64(seconds))?;
        }
        Ok(())
    }

    /// `inc $var` / `dec $var`.
    fn cmd_inc_dec(&mut self, command: &Command, up: bool) -> Result<(), Stop> {
        let arg = command.argument();
        let word = show(command.first_word());
        if arg.is_empty() {
            return Err(Stop::die(format!("Missing argument to {word}")));
        }
        if arg[0] != b'$' {
            return Err(Stop::die(format!(
                "The argument to {word} must be a variable (start with $)"
            )));
        }
        let (name, end) = super::eval::variable_at(arg, 0)?;
        let value = self.vars.get(name);
        let Some(n) = value.int() else {
            return Err(Stop::die("Cannot perform inc/dec on a non-numeric value"));
        };
        let n = if up {
            n.wrapping_add(1)
        } else {
            n.wrapping_sub(1)
        };
        let name = name.to_vec();
        check_eol_junk(&arg[end..], &self.delimiter)?;
        self.vars
            .set(&name, super::variables::Value::from_int(n), false);
        Ok(())
    }

    /// `replace_result from to [from to …]`.
    fn cmd_replace_result(&mut self, command: &Command) -> Result<(), Stop> {
        let strings = self.get_strings(command)?;
        if strings.is_empty() {
            return Err(Stop::die(format!(
                "Missing argument in {}",
                show(&command.text)
            )));
        }
        if strings.len() % 2 != 0 {
            return Err(Stop::die(format!(
                "Wrong number of arguments to replace_result in '{}'",
                show(&command.text)
            )));
        }
        let pairs = strings
            .chunks(2)
            .map(|p| (p[0].clone(), p[1].clone()))
            .collect();
        self.rep.result = Some(StringReplacer::new(pairs));
        Ok(())
    }

    /// `replace_column n text [n text …]`.
    fn cmd_replace_column(&mut self, command: &Command) -> Result<(), Stop> {
        let strings = self.get_strings(command)?;
        if strings.is_empty() {
            return Err(Stop::die(format!(
                "Missing argument in {}",
                show(&command.text)
            )));
        }
        let mut columns: Vec<Option<Vec<u8>>> = Vec::new();
        for pair in strings.chunks(2) {
            let number: usize = show(&pair[0]).trim().parse().unwrap_or(0);
            if number == 0 || number > 256 {
                return Err(Stop::die(format!(
                    "Wrong column number to replace_column in '{}'",
                    show(&command.text)
                )));
            }
            let Some(text) = pair.get(1) else {
                return Err(Stop::die(format!(
                    "Wrong number of arguments to replace_column in '{}'",
                    show(&command.text)
                )));
            };
            if columns.len() < number {
                columns.resize(number, None);
            }
            columns[number - 1] = Some(text.clone());
        }
        self.rep.columns = columns;
        Ok(())
    }

    /// `replace_regex /from/to/[i] …` (no expansion but a whole-list `$var`).
    fn cmd_replace_regex(&mut self, command: &Command) -> Result<(), Stop> {
        let text = command.argument();
        if text.is_empty() {
            self.rep.regex = None;
            return Ok(());
        }
        let vars = &mut self.vars;
        let rules = parse_regex_rules(text, &mut |name| {
            Ok(Some(vars.get(name).as_bytes().to_vec()))
        })?;
        self.rep.regex = (!rules.is_empty()).then(|| RegexReplacer::new(rules));
        Ok(())
    }

    /// mysqltest's `get_string` list: quoted or blank-separated strings with
    /// `\n`-style escapes; a string that is exactly a `$var` is its value.
    fn get_strings(&mut self, command: &Command) -> Result<Vec<Vec<u8>>, Stop> {
        let mut from = command.argument();
        let mut strings = Vec::new();
        while !from.is_empty() {
            let (string, rest) = get_string(from, command)?;
            strings.push(self.variable_or_text(string));
            from = rest;
        }
        Ok(strings)
    }

    fn variable_or_text(&mut self, string: Vec<u8>) -> Vec<u8> {
        if string.first() == Some(&b'$') {
            let len = string[1..]
                .iter()
                .take_while(|b| super::variables::is_var_char(**b))
                .count();
            let is_digit = string.get(1).is_some_and(u8::is_ascii_digit);
            let whole = if is_digit {
                string.len() == 2
            } else {
                len > 0 && len + 1 == string.len()
            };
            if whole {
                return self.vars.get(&string[1..]).as_bytes().to_vec();
            }
        }
        string
    }

    fn cmd_character_set(&mut self, command: &Command) -> Result<(), Stop> {
        let name = command
            .argument()
            .split(|b| is_space(*b))
            .next()
            .unwrap_or(b"");
        if name.is_empty() {
            return Err(Stop::die("Missing charset name in 'character_set'"));
        }
        let charset = ClientCharset::by_name(&show(name))
            .ok_or_else(|| Stop::Skip(format!("Test requires charset '{}'", show(name))))?;
        self.charset = charset;
        Ok(())
    }

    fn cmd_die(&mut self, command: &Command) -> Result<(), Stop> {
        if command.argument().is_empty() {
            return Err(Stop::die("Explicit --die command executed"));
        }
        let message = self.expand(command.argument(), false)?;
        Err(Stop::die(show(&message[..message.len().min(159)])))
    }

    fn cmd_skip(&mut self, command: &Command) -> Result<(), Stop> {
        self.out.discard_pending();
        let reason = self.expand(command.argument(), false)?;
        Err(Stop::Skip(show(&reason)))
    }

    /// `require file`: the next query's output must equal the file.
    fn cmd_require(&mut self, command: &Command) -> Result<(), Stop> {
        let name = command
            .argument()
            .split(|b| is_space(*b))
            .next()
            .unwrap_or(b"");
        if name.is_empty() {
            return Err(Stop::die("Missing file name argument"));
        }
        let path = PathBuf::from(show(name));
        let path = if path.is_absolute() {
            path
        } else {
            self.cfg.basedir.join(path)
        };
        self.require_file = Some(path);
        Ok(())
    }

    fn cmd_result_format(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b',', &["version"], 1)?;
        match show(&args[0]).trim() {
            "1" => {}
            v => {
                return Err(Stop::die(format!(
                    "result_format {v} is not supported by rmtr yet"
                )));
            }
        }
        let mut line = b"result_format: ".to_vec();
        line.extend_from_slice(&args[0]);
        line.push(b'\n');
        self.out.push(&line);
        Ok(())
    }

    /// Splits and expands arguments like `check_command_args`; names listed
    /// in `required` must not come out empty.
    pub(crate) fn string_args(
        &mut self,
        command: &Command,
        sep: u8,
        required: &[&str],
        count: usize,
    ) -> Result<Vec<Vec<u8>>, Stop> {
        let split = split_args_full(command.argument(), sep, count);
        let mut values = Vec::with_capacity(count);
        for value in &split.values {
            values.push(self.expand(value, false)?);
        }
        for (i, name) in required.iter().enumerate() {
            if values[i].is_empty() {
                return Err(Stop::die(format!(
                    "Missing required argument '{name}' to command '{}'",
                    show(command.first_word())
                )));
            }
        }
        if let Some(extra) = split.extra() {
            return Err(Stop::die(format!(
                "Extra argument '{}' passed to '{}'",
                show(extra),
                show(command.first_word())
            )));
        }
        Ok(values)
    }

    /// mysqltest's `handle_command_error` for file and process commands:
    /// `error` is 0 on success; `--error` may expect the failure.
    pub(crate) fn command_result(&mut self, error: u32, sys_errno: i32) -> Result<(), Stop> {
        self.vars.set_int("sys_errno", sys_errno);
        self.vars.set_int("errno", error as i32);
        if error != 0 {
            if self.ctx.abort_on_error {
                return Err(Stop::die(format!(
                    "command \"{}\" failed with error: {}  my_errno: {}  errno: {}",
                    show(self.command_word()),
                    error,
                    sys_errno,
                    sys_errno
                )));
            }
            if self.ctx.expected.find(error, None)?.is_some() {
                self.props.revert(&mut self.vars);
                return Ok(());
            }
            if !self.ctx.expected.is_empty() {
                return Err(Stop::die(format!(
                    "command \"{}\" failed with wrong error: {}  my_errno: {}  errno: {}",
                    show(self.command_word()),
                    error,
                    sys_errno,
                    sys_errno
                )));
            }
        } else if let Some(super::expected::Expected::Code(want)) = self.ctx.expected.first() {
            if *want != 0 {
                return Err(Stop::die(format!(
                    "command \"{}\" succeeded - should have failed with errno {}...",
                    show(self.command_word()),
                    want
                )));
            }
        }
        self.props.revert(&mut self.vars);
        Ok(())
    }

    /// The first word of the current command text.
    fn command_word(&self) -> &[u8] {
        let end = self
            .ctx
            .query
            .iter()
            .position(|b| is_space(*b) || *b == b'(')
            .unwrap_or(self.ctx.query.len());
        &self.ctx.query[..end]
    }
}

/// The switch a toggle command sets, and to what.
fn toggle(name: CommandName) -> Option<(Prop, bool)> {
    use CommandName as C;
    Some(match name {
        C::EnableQueryLog => (Prop::QueryLog, false),
        C::DisableQueryLog => (Prop::QueryLog, true),
        C::EnableResultLog => (Prop::ResultLog, false),
        C::DisableResultLog => (Prop::ResultLog, true),
        C::EnableConnectLog => (Prop::ConnectLog, false),
        C::DisableConnectLog => (Prop::ConnectLog, true),
        C::EnableWarnings => (Prop::Warnings, false),
        C::DisableWarnings => (Prop::Warnings, true),
        C::EnableInfo => (Prop::Info, false),
        C::DisableInfo => (Prop::Info, true),
        C::EnableSessionTrackInfo => (Prop::SessionTrack, true),
        C::DisableSessionTrackInfo => (Prop::SessionTrack, false),
        C::EnableMetadata => (Prop::Metadata, true),
        C::DisableMetadata => (Prop::Metadata, false),
        C::EnableAbortOnError => (Prop::AbortOnError, true),
        C::DisableAbortOnError => (Prop::AbortOnError, false),
        C::EnablePsProtocol => (Prop::PsProtocol, false),
        C::DisablePsProtocol => (Prop::PsProtocol, false),
        C::EnablePs2Protocol => (Prop::Ps2Protocol, false),
        C::DisablePs2Protocol => (Prop::Ps2Protocol, false),
        C::EnableViewProtocol => (Prop::ViewProtocol, false),
        C::DisableViewProtocol => (Prop::ViewProtocol, false),
        C::EnableCursorProtocol => (Prop::CursorProtocol, false),
        C::DisableCursorProtocol => (Prop::CursorProtocol, false),
        C::EnableServiceConnection => (Prop::ServiceConnection, false),
        C::DisableServiceConnection => (Prop::ServiceConnection, false),
        _ => return None,
    })
}

/// mysqltest's check that nothing but blanks or a `#` comment follows.
pub(crate) fn check_eol_junk(rest: &[u8], delimiter: &[u8]) -> Result<(), Stop> {
    let mut p = 0;
    while p < rest.len() && (is_space(rest[p]) || rest[p] == b'#') {
        if rest[p] == b'#' {
            while p < rest.len() && rest[p] != b'\n' {
                p += 1;
            }
        }
        if p < rest.len() {
            p += 1;
        }
    }
    let rest = &rest[p.min(rest.len())..];
    if rest.is_empty() || rest[0] == b'#' {
        return Ok(());
    }
    if !delimiter.is_empty() && rest.starts_with(delimiter) {
        return Err(Stop::die(format!(
            "Extra delimiter \"{}\" found",
            show(delimiter)
        )));
    }
    Err(Stop::die(format!(
        "End of line junk detected: \"{}\"",
        show(rest)
    )))
}

/// One `get_string` value and the text after it.
fn get_string<'a>(from: &'a [u8], command: &Command) -> Result<(Vec<u8>, &'a [u8]), Stop> {
    let (sep, mut i) = match from.first() {
        Some(&q @ (b'"' | b'\'')) => (q, 1),
        _ => (b' ', 0),
    };
    let mut out = Vec::new();
    while i < from.len() {
        let c = from[i];
        if c == b'\\' && i + 1 < from.len() {
            i += 1;
            out.push(match from[i] {
                b'n' => b'\n',
                b't' => b'\t',
                b'r' => b'\r',
                b'b' => 0x08,
                b'Z' => 0x1a,
                other => other,
            });
        } else if c == sep {
            if c == b' ' || from.get(i + 1) != Some(&c) {
                i += usize::from(c != b' ');
                break;
            }
            i += 1;
            out.push(c);
        } else {
            out.push(c);
        }
        i += 1;
    }
    let i = i.min(from.len());
    if i < from.len() && from[i] != b' ' {
        return Err(Stop::die(format!(
            "Wrong string argument in {}",
            show(&command.text)
        )));
    }
    let rest = &from[i..];
    let skip = rest.iter().take_while(|b| is_space(**b)).count();
    Ok((out, &rest[skip..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::parse_script;
    use std::path::Path;

    fn command(src: &str) -> Command {
        parse_script(Path::new("t"), src.as_bytes())
            .unwrap()
            .commands
            .remove(0)
    }

    #[test]
    fn get_string_handles_quotes_and_escapes() {
        let c = command("--replace_result 'a b' \"c\"\"d\" e\\tf g\n");
        let (a, rest) = get_string(c.argument(), &c).unwrap();
        assert_eq!(a, b"a b");
        let (b, rest) = get_string(rest, &c).unwrap();
        assert_eq!(b, b"c\"d");
        let (e, rest) = get_string(rest, &c).unwrap();
        assert_eq!(e, b"e\tf");
        let (g, rest) = get_string(rest, &c).unwrap();
        assert_eq!(g, b"g");
        assert!(rest.is_empty());
    }

    #[test]
    fn junk_after_commands() {
        assert!(check_eol_junk(b"  # fine", b";").is_ok());
        assert!(check_eol_junk(b"", b";").is_ok());
        assert_eq!(
            check_eol_junk(b"junk", b";").unwrap_err(),
            Stop::die("End of line junk detected: \"junk\"")
        );
        assert_eq!(
            check_eol_junk(b";", b";").unwrap_err(),
            Stop::die("Extra delimiter \";\" found")
        );
    }
}
