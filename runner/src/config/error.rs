//! The one error type of the configuration machinery. Every variant names the
//! file (and line, when there is one) whose content was wrong, so a message can
//! be shown to the person who wrote the template without further context.

use std::path::PathBuf;

/// Why a template, `.opt` or `.combinations` file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    /// A line matched none of the forms a template may contain.
    #[error("{}:{line}: unexpected line '{text}'", file.display())]
    UnexpectedLine {
        file: PathBuf,
        line: usize,
        text: String,
    },

    /// An option or magic comment came before the first `[group]`.
    #[error("{}:{line}: '{text}' is outside of any [group]", file.display())]
    OutsideGroup {
        file: PathBuf,
        line: usize,
        text: String,
    },

    /// `!include` named a file found neither beside the including file nor under the test root.
    #[error(
        "{}:{line}: include file '{name}' does not exist (looked beside this file and under {})",
        file.display(),
        testdir.display()
    )]
    MissingInclude {
        file: PathBuf,
        line: usize,
        name: String,
        testdir: PathBuf,
    },

    /// `!include` nested too deep, which in practice means a file includes itself.
    #[error("{}:{line}: !include nested deeper than {limit} files; is there a cycle?", file.display())]
    IncludeTooDeep {
        file: PathBuf,
        line: usize,
        limit: usize,
    },

    /// `[OPT]` holds generated values (`@OPT.port`) and cannot be written in a template.
    #[error("{}:{line}: group [OPT] is reserved for generated values", file.display())]
    ReservedGroup { file: PathBuf, line: usize },

    /// An `@group.option` reference named a group the configuration does not have.
    #[error(
        "{}: no group [{group}] to resolve '@{group}.{option}' in [{in_group}] {in_option}",
        template.display()
    )]
    UnknownGroup {
        template: PathBuf,
        group: String,
        option: String,
        in_group: String,
        in_option: String,
    },

    /// An `@group.option` reference named an option its group does not have.
    #[error(
        "{}: no option '{option}' in [{group}] to resolve '@{group}.{option}' in [{in_group}] {in_option}",
        template.display()
    )]
    UnknownOption {
        template: PathBuf,
        group: String,
        option: String,
        in_group: String,
        in_option: String,
    },

    /// Port numbers ran past 65535 while allocating from the base port.
    #[error("{}: no port left above 65535 for [{group}] (base port too high?)", template.display())]
    PortsExhausted { template: PathBuf, group: String },
}
