//! The names of mysqltest's commands. A line's first word is looked up here
//! (whole word, letter case ignored, as mysqltest does); a word that is not a
//! command name makes the line SQL, or an error when it came after `--`.

/// Declares [`CommandName`] together with the spelling of each command.
macro_rules! command_names {
    ($($variant:ident => $text:literal,)*) => {
        /// Every command of mariadb-test 10.11.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum CommandName { $($variant,)* }

        impl CommandName {
            /// All commands, for lookups and tests.
            pub const ALL: &'static [CommandName] = &[$(CommandName::$variant,)*];

            /// The command as it is written in a script.
            pub fn as_str(self) -> &'static str {
                match self { $(CommandName::$variant => $text,)* }
            }
        }
    };
}

command_names! {
    Connection => "connection",
    Query => "query",
    Connect => "connect",
    Sleep => "sleep",
    RealSleep => "real_sleep",
    Inc => "inc",
    Dec => "dec",
    Source => "source",
    Disconnect => "disconnect",
    Let => "let",
    Echo => "echo",
    While => "while",
    End => "end",
    System => "system",
    Result => "result",
    Require => "require",
    SaveMasterPos => "save_master_pos",
    SyncWithMaster => "sync_with_master",
    SyncSlaveWithMaster => "sync_slave_with_master",
    Error => "error",
    Send => "send",
    Reap => "reap",
    DirtyClose => "dirty_close",
    ReplaceResult => "replace_result",
    ReplaceColumn => "replace_column",
    Ping => "ping",
    Eval => "eval",
    EvalP => "evalp",
    EvalResult => "eval_result",
    EnableQueryLog => "enable_query_log",
    DisableQueryLog => "disable_query_log",
    EnableResultLog => "enable_result_log",
    DisableResultLog => "disable_result_log",
    EnableConnectLog => "enable_connect_log",
    DisableConnectLog => "disable_connect_log",
    WaitForSlaveToStop => "wait_for_slave_to_stop",
    EnableWarnings => "enable_warnings",
    DisableWarnings => "disable_warnings",
    EnableInfo => "enable_info",
    DisableInfo => "disable_info",
    EnableSessionTrackInfo => "enable_session_track_info",
    DisableSessionTrackInfo => "disable_session_track_info",
    EnableMetadata => "enable_metadata",
    DisableMetadata => "disable_metadata",
    EnableColumnNames => "enable_column_names",
    DisableColumnNames => "disable_column_names",
    Exec => "exec",
    Delimiter => "delimiter",
    DisableAbortOnError => "disable_abort_on_error",
    EnableAbortOnError => "enable_abort_on_error",
    VerticalResults => "vertical_results",
    HorizontalResults => "horizontal_results",
    QueryVertical => "query_vertical",
    QueryHorizontal => "query_horizontal",
    SortedResult => "sorted_result",
    LowercaseResult => "lowercase_result",
    StartTimer => "start_timer",
    EndTimer => "end_timer",
    CharacterSet => "character_set",
    DisablePsProtocol => "disable_ps_protocol",
    EnablePsProtocol => "enable_ps_protocol",
    DisablePs2Protocol => "disable_ps2_protocol",
    EnablePs2Protocol => "enable_ps2_protocol",
    DisableViewProtocol => "disable_view_protocol",
    EnableViewProtocol => "enable_view_protocol",
    DisableCursorProtocol => "disable_cursor_protocol",
    EnableCursorProtocol => "enable_cursor_protocol",
    DisableServiceConnection => "disable_service_connection",
    EnableServiceConnection => "enable_service_connection",
    EnableNonBlockingApi => "enable_non_blocking_api",
    DisableNonBlockingApi => "disable_non_blocking_api",
    DisableReconnect => "disable_reconnect",
    EnableReconnect => "enable_reconnect",
    If => "if",
    DisableParsing => "disable_parsing",
    EnableParsing => "enable_parsing",
    ReplaceRegex => "replace_regex",
    RemoveFile => "remove_file",
    FileExists => "file_exists",
    WriteFile => "write_file",
    WriteLine => "write_line",
    CopyFile => "copy_file",
    Perl => "perl",
    Die => "die",
    Exit => "exit",
    Skip => "skip",
    Chmod => "chmod",
    AppendFile => "append_file",
    CatFile => "cat_file",
    DiffFiles => "diff_files",
    SendQuit => "send_quit",
    ChangeUser => "change_user",
    Mkdir => "mkdir",
    Rmdir => "rmdir",
    ListFiles => "list_files",
    ListFilesWriteFile => "list_files_write_file",
    ListFilesAppendFile => "list_files_append_file",
    SendShutdown => "send_shutdown",
    ShutdownServer => "shutdown_server",
    ResultFormat => "result_format",
    MoveFile => "move_file",
    RemoveFilesWildcard => "remove_files_wildcard",
    SendEval => "send_eval",
    EnablePrepareWarnings => "enable_prepare_warnings",
    DisablePrepareWarnings => "disable_prepare_warnings",
    ResetConnection => "reset_connection",
    OptimizerTrace => "optimizer_trace",
    PsPrepare => "PS_prepare",
    PsBind => "PS_bind",
    PsExecute => "PS_execute",
    PsClose => "PS_close",
}

impl CommandName {
    /// Looks a first word up as mysqltest does: whole word, any letter case.
    pub fn lookup(word: &[u8]) -> Option<CommandName> {
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().as_bytes().eq_ignore_ascii_case(word))
    }

    /// Commands whose text continues in a here-document after the command line.
    pub fn takes_heredoc(self) -> bool {
        matches!(
            self,
            CommandName::WriteFile | CommandName::AppendFile | CommandName::Perl
        )
    }

    /// Commands that open a block with `{`.
    pub fn opens_block(self) -> bool {
        matches!(self, CommandName::If | CommandName::While)
    }
}

impl std::fmt::Display for CommandName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for name in CommandName::ALL {
            assert!(seen.insert(name.as_str()), "duplicate {name}");
            assert_eq!(CommandName::lookup(name.as_str().as_bytes()), Some(*name));
        }
        assert_eq!(CommandName::ALL.len(), 111);
    }

    #[test]
    fn lookup_matches_whole_words_in_any_case() {
        assert_eq!(CommandName::lookup(b"ECHO"), Some(CommandName::Echo));
        assert_eq!(CommandName::lookup(b"ech"), None);
        assert_eq!(CommandName::lookup(b"echoes"), None);
        assert_eq!(
            CommandName::lookup(b"ps_prepare"),
            Some(CommandName::PsPrepare)
        );
    }
}
