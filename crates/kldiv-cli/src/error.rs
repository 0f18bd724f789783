//! The CLI's error: usage errors exit with 2, data errors with 1.

use crate::input::InputError;

/// An error that ends a `kldiv` command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line is wrong (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// The data are wrong (exit code 1): the message names the file and the place.
    #[error("{0}")]
    Data(String),
    /// Writing the output failed (exit code 1).
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Data(_) | CliError::Io(_) => 1,
        }
    }
}

impl From<InputError> for CliError {
    fn from(e: InputError) -> Self {
        CliError::Data(e.to_string())
    }
}
