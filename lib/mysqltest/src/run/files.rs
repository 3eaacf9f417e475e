//! File commands: `write_file`/`append_file` (here-documents), `write_line`,
//! `cat_file`, `remove_file`, `remove_files_wildcard`, `copy_file`,
//! `move_file`, `chmod`, `file_exists`, `diff_files`, `mkdir`, `rmdir`,
//! `list_files` and its `_write_file`/`_append_file` forms. Commands that
//! change files only work under `$MYSQLTEST_VARDIR` or `$MYSQL_TMP_DIR`;
//! failures are reported through `--error` like mysqltest's (error 1, with
//! the OS errno in `$sys_errno`).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::flow::{Stop, show};
use super::interpreter::{Interpreter, errno};
use crate::script::Command;

impl Interpreter {
    /// The path of a file argument (relative paths are taken from the tree root).
    fn file_path(&self, arg: &[u8]) -> PathBuf {
        let path = PathBuf::from(show(arg));
        if path.is_absolute() {
            path
        } else {
            self.cfg.basedir.join(path)
        }
    }

    /// mysqltest's sandbox: changes only under the var or tmp directory.
    fn check_sandbox(&self, arg: &[u8]) -> Result<(), Stop> {
        let path = show(arg);
        let vardir = self.vars.env_var("MYSQLTEST_VARDIR").unwrap_or("");
        let tmpdir = self.vars.env_var("MYSQL_TMP_DIR").unwrap_or("");
        if is_sub_path(&path, vardir) || is_sub_path(&path, tmpdir) {
            return Ok(());
        }
        Err(Stop::die(format!(
            "Path '{path}' is not a subdirectory of MYSQLTEST_VARDIR '{vardir}'or MYSQL_TMP_DIR '{tmpdir}'"
        )))
    }

    /// `write_file name [terminator]` / `append_file`.
    pub(crate) fn cmd_write_file(&mut self, command: &Command, append: bool) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["filename"], 2)?;
        self.check_sandbox(&args[0])?;
        let path = self.file_path(&args[0]);
        if !append && path.exists() {
            return Err(Stop::die(format!(
                "File already exist: '{}'",
                show(&args[0])
            )));
        }
        let body = command
            .heredoc
            .as_ref()
            .map(|h| h.body.clone())
            .unwrap_or_default();
        write_to(&path, &body, append)
    }

    /// `write_line text file`: replaces the file with one line.
    pub(crate) fn cmd_write_line(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &[], 2)?;
        if args[1].is_empty() {
            return Err(Stop::die(
                "Missing required argument 'filename' to command 'write_line'",
            ));
        }
        self.check_sandbox(&args[1])?;
        let mut line = args[0].clone();
        line.push(b'\n');
        write_to(&self.file_path(&args[1]), &line, false)
    }

    /// `cat_file name`: the file into the output (CR LF read as LF).
    pub(crate) fn cmd_cat_file(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["filename"], 1)?;
        match fs::read(self.file_path(&args[0])) {
            Ok(content) => {
                let mut text = Vec::new();
                for piece in crlf_pieces(&content) {
                    self.rep.append(&mut text, &piece, self.charset);
                }
                self.out.push(&text);
                self.command_result(0, 0)
            }
            Err(e) => self.command_result(1, errno(&e)),
        }
    }

    pub(crate) fn cmd_remove_file(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["filename"], 1)?;
        self.check_sandbox(&args[0])?;
        let result = fs::remove_file(self.file_path(&args[0]));
        self.io_result(result)
    }

    /// `remove_files_wildcard dir [pattern]`: regular files only.
    pub(crate) fn cmd_remove_files_wildcard(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["directory"], 2)?;
        self.check_sandbox(&args[0])?;
        let dir = self.file_path(&args[0]);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => return self.command_result(1, errno(&e)),
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir()
                || (!args[1].is_empty() && !wild_match(name.as_bytes(), &args[1]))
            {
                continue;
            }
            if let Err(e) = fs::remove_file(entry.path()) {
                return self.command_result(1, errno(&e));
            }
        }
        self.command_result(0, 0)
    }

    /// `copy_file from to`: never overwrites.
    pub(crate) fn cmd_copy_file(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["from_file", "to_file"], 2)?;
        self.check_sandbox(&args[1])?;
        let to = self.file_path(&args[1]);
        if to.exists() {
            return self.command_result(1, libc::EEXIST);
        }
        let result = fs::copy(self.file_path(&args[0]), to).map(|_| ());
        self.io_result(result)
    }

    /// `move_file from to`: both in the var directory or both in tmp.
    pub(crate) fn cmd_move_file(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["from_file", "to_file"], 2)?;
        let (from, to) = (show(&args[0]), show(&args[1]));
        let vardir = self
            .vars
            .env_var("MYSQLTEST_VARDIR")
            .unwrap_or("")
            .to_string();
        let tmpdir = self.vars.env_var("MYSQL_TMP_DIR").unwrap_or("").to_string();
        let allowed = (is_sub_path(&from, &vardir) && is_sub_path(&to, &vardir))
            || (is_sub_path(&from, &tmpdir) && is_sub_path(&to, &tmpdir));
        if !allowed {
            return Err(Stop::die(format!(
                "Paths '{from}' and '{to}' are not both under MYSQLTEST_VARDIR '{vardir}' or both under MYSQL_TMP_DIR '{tmpdir}'"
            )));
        }
        let result = fs::rename(self.file_path(&args[0]), self.file_path(&args[1]));
        self.io_result(result)
    }

    /// `chmod 0644 file`.
    pub(crate) fn cmd_chmod(&mut self, command: &Command) -> Result<(), Stop> {
        use std::os::unix::fs::PermissionsExt;
        let args = self.string_args(command, b' ', &["mode", "filename"], 2)?;
        self.check_sandbox(&args[1])?;
        let mode = (args[0].len() == 4)
            .then(|| u32::from_str_radix(&show(&args[0]), 8).ok())
            .flatten()
            .ok_or_else(|| Stop::die("You must write a 4 digit octal number for mode"))?;
        let result =
            fs::set_permissions(self.file_path(&args[1]), fs::Permissions::from_mode(mode));
        self.io_result(result)
    }

    pub(crate) fn cmd_file_exists(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["filename"], 1)?;
        let exists = self.file_path(&args[0]).exists();
        self.command_result(u32::from(!exists), if exists { 0 } else { libc::ENOENT })
    }

    /// `diff_files a b`: 1 when contents differ, 2 when lengths differ; an
    /// unexpected difference prints `diff -u` output.
    pub(crate) fn cmd_diff_files(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["file1", "file2"], 2)?;
        let (a, b) = (self.file_path(&args[0]), self.file_path(&args[1]));
        for (path, arg) in [(&a, &args[0]), (&b, &args[1])] {
            if !path.exists() {
                return Err(Stop::die(format!(
                    "command \"diff_files\" failed, file '{}' does not exist",
                    show(arg)
                )));
            }
        }
        let (left, right) = (
            fs::read(&a).unwrap_or_default(),
            fs::read(&b).unwrap_or_default(),
        );
        let error = if left.len() != right.len() {
            2
        } else {
            u32::from(left != right)
        };
        if error != 0 && self.ctx.expected.find(error, None)?.is_none() {
            let diff = std::process::Command::new("diff")
                .arg("-u")
                .arg(&a)
                .arg(&b)
                .output();
            if let Ok(diff) = diff {
                self.out.push(&diff.stdout);
                self.out.flush();
            }
        }
        self.command_result(error, -1)
    }

    pub(crate) fn cmd_mkdir(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["dirname"], 1)?;
        self.check_sandbox(&args[0])?;
        let result = fs::create_dir(self.file_path(&args[0]));
        self.io_result(result)
    }

    /// `rmdir dir`: removes the whole tree.
    pub(crate) fn cmd_rmdir(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["dirname"], 1)?;
        self.check_sandbox(&args[0])?;
        match fs::remove_dir_all(self.file_path(&args[0])) {
            Ok(()) => Ok(()),
            Err(e) => self.command_result(1, errno(&e)),
        }
    }

    /// `list_files dir [pattern]`: sorted names, through the replacements.
    pub(crate) fn cmd_list_files(&mut self, command: &Command) -> Result<(), Stop> {
        self.ctx.used_replace = true;
        let args = self.string_args(command, b' ', &["dirname"], 2)?;
        match list_dir(&self.file_path(&args[0]), &args[1]) {
            Ok(names) => {
                let mut text = Vec::new();
                for name in names {
                    self.rep.append(&mut text, &name, self.charset);
                    text.push(b'\n');
                }
                self.out.push(&text);
                self.command_result(0, 0)
            }
            Err(e) => self.command_result(1, errno(&e)),
        }
    }

    /// `list_files_write_file file dir [pattern]` and `_append_file`.
    pub(crate) fn cmd_list_files_to_file(
        &mut self,
        command: &Command,
        append: bool,
    ) -> Result<(), Stop> {
        self.ctx.used_replace = true;
        let args = self.string_args(command, b' ', &["filename", "dirname"], 3)?;
        self.check_sandbox(&args[0])?;
        let (content, result) = match list_dir(&self.file_path(&args[1]), &args[2]) {
            Ok(names) => {
                let mut text = Vec::new();
                for name in names {
                    self.rep.append(&mut text, &name, self.charset);
                    text.push(b'\n');
                }
                (text, self.command_result(0, 0))
            }
            Err(e) => (Vec::new(), self.command_result(1, errno(&e))),
        };
        result?;
        write_to(&self.file_path(&args[0]), &content, append)
    }

    /// Success or the OS error through `--error`.
    fn io_result(&mut self, result: std::io::Result<()>) -> Result<(), Stop> {
        match result {
            Ok(()) => self.command_result(0, 0),
            Err(e) => self.command_result(1, errno(&e)),
        }
    }
}

/// Writes (or appends) bytes, creating the file.
fn write_to(path: &Path, bytes: &[u8], append: bool) -> Result<(), Stop> {
    let file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .append(append)
        .truncate(!append)
        .open(path);
    let mut file = file.map_err(|e| {
        Stop::die(format!(
            "Could not open '{}' for writing, errno: {}",
            path.display(),
            errno(&e)
        ))
    })?;
    file.write_all(bytes)
        .map_err(|e| Stop::die(format!("write failed, errno: {}", errno(&e))))
}

/// Names in a directory, sorted, matching a `*`/`?` pattern when given.
fn list_dir(dir: &Path, pattern: &[u8]) -> std::io::Result<Vec<Vec<u8>>> {
    use std::os::unix::ffi::OsStrExt;
    let mut names: Vec<Vec<u8>> = fs::read_dir(dir)?
        .flatten()
        .map(|e| e.file_name().as_bytes().to_vec())
        .filter(|name| pattern.is_empty() || wild_match(name, pattern))
        .collect();
    names.sort();
    Ok(names)
}

/// Whether `path` lies inside `sandbox`, as mysqltest checks it.
fn is_sub_path(path: &str, sandbox: &str) -> bool {
    let (p, s) = (path.as_bytes(), sandbox.as_bytes());
    !s.is_empty() && p.len() > s.len() && p[..s.len() - 1] == s[..s.len() - 1] && p[s.len()] == b'/'
}

/// `*` and `?` matching of file names.
pub(crate) fn wild_match(name: &[u8], pattern: &[u8]) -> bool {
    match (pattern.first(), name.first()) {
        (None, None) => true,
        (None, Some(_)) => false,
        (Some(b'*'), _) => (0..=name.len()).any(|i| wild_match(&name[i..], &pattern[1..])),
        (Some(b'?'), Some(_)) => wild_match(&name[1..], &pattern[1..]),
        (Some(p), Some(n)) if p == n => wild_match(&name[1..], &pattern[1..]),
        _ => false,
    }
}

/// `cat_file` text as mysqltest rewrites it: each CR LF becomes LF and ends
/// a piece that the replacements see on its own; the rest is one piece.
fn crlf_pieces(content: &[u8]) -> Vec<Vec<u8>> {
    let mut pieces = Vec::new();
    let mut piece = Vec::new();
    let mut i = 0;
    while i < content.len() {
        if content[i] == b'\r' && content.get(i + 1) == Some(&b'\n') {
            piece.push(b'\n');
            pieces.push(std::mem::take(&mut piece));
            i += 2;
            continue;
        }
        piece.push(content[i]);
        i += 1;
    }
    pieces.push(piece);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wild_match(b"test.log", b"*.log"));
        assert!(wild_match(b"a1", b"a?"));
        assert!(!wild_match(b"a12", b"a?"));
        assert!(wild_match(b"x", b"*"));
        assert!(!wild_match(b"test.txt", b"*.log"));
    }

    #[test]
    fn sandbox_paths() {
        assert!(is_sub_path("/var/x/tmp/f", "/var/x"));
        assert!(!is_sub_path("/var/x", "/var/x"));
        assert!(!is_sub_path("/etc/passwd", "/var/x"));
        assert!(!is_sub_path("/var/xy/f", "/var/x"));
    }

    #[test]
    fn cat_file_pieces_end_at_crlf() {
        assert_eq!(
            crlf_pieces(b"a1\nb2\r\nc3\nd4\n"),
            [&b"a1\nb2\n"[..], b"c3\nd4\n"]
        );
        assert_eq!(crlf_pieces(b"x\r\n"), [&b"x\n"[..], b""]);
        assert_eq!(crlf_pieces(b"lone\r"), [b"lone\r"]);
    }
}
