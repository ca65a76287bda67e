//! The core's error types.

use thiserror::Error;

/// Why a file could not be loaded. The message says what is wrong and where
/// (feature index or line), and puts the file last.
#[derive(Debug, Error)]
pub enum LoadError {
    #[error("cannot read the file: {err} (in {path})")]
    Io { path: String, err: std::io::Error },
    #[error("{what} (in {path})")]
    Invalid { path: String, what: String },
    /// The user's own Cancel: not a problem with the file.
    #[error("cancelled (in {path})")]
    Cancelled { path: String },
}

impl LoadError {
    pub fn cancelled(path: &str) -> Self {
        LoadError::Cancelled {
            path: path.to_string(),
        }
    }

    /// Whether this is the user's own Cancel (an info line, not an error).
    pub fn is_cancelled(&self) -> bool {
        matches!(self, LoadError::Cancelled { .. })
    }

    pub fn invalid(path: &str, what: impl Into<String>) -> Self {
        LoadError::Invalid {
            path: path.to_string(),
            what: what.into(),
        }
    }
}
