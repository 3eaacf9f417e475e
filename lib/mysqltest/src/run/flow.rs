//! How a command ends the run early: `die` (an error, worded as mysqltest
//! words it), `skip` (the test is not supported here), or cancellation from
//! outside. Every command returns `Result<(), Stop>`; the interpreter turns
//! a `Stop` into the test's outcome.

/// Why the run stops before the end of the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// A failure; the text is mysqltest's message without location.
    Die(String),
    /// `skip` or a failed requirement; the text is the reason.
    Skip(String),
    /// The harness cancelled the test.
    Cancelled,
}

impl Stop {
    pub fn die(message: impl Into<String>) -> Self {
        Stop::Die(message.into())
    }
}

/// Bytes shown in a message (test text is not always UTF-8).
pub fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
