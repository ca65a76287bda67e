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
}

impl LoadError {
    pub fn invalid(path: &str, what: impl Into<String>) -> Self {
        LoadError::Invalid {
            path: path.to_string(),
            what: what.into(),
        }
    }
}
