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
    /// One feature cannot be read (the rest of the file might be).
    #[error("feature {index}: {what} (in {path})")]
    Feature {
        path: String,
        index: usize,
        what: String,
    },
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

    /// Turns an I/O error on `path` into a `LoadError` (for `map_err`).
    pub fn io(path: &str) -> impl Fn(std::io::Error) -> LoadError + Copy + '_ {
        move |err| LoadError::Io {
            path: path.to_string(),
            err,
        }
    }

    /// Whether this is the user's own Cancel (an info line, not an error).
    pub fn is_cancelled(&self) -> bool {
        matches!(self, LoadError::Cancelled { .. })
    }

    /// Feature `index` of `path` cannot be read.
    pub fn feature(path: &str, index: usize, what: impl Into<String>) -> Self {
        LoadError::Feature {
            path: path.to_string(),
            index,
            what: what.into(),
        }
    }

    pub fn invalid(path: &str, what: impl Into<String>) -> Self {
        LoadError::Invalid {
            path: path.to_string(),
            what: what.into(),
        }
    }
}

/// What is wrong with one piece of input (a value, a geometry, a header), said
/// for a reader; the caller adds where it is (the file, the feature). The
/// core's helpers return it rather than bare text, so that a message is never
/// mistaken for a value and `LoadError` is built from it in one place.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct Problem(pub String);

impl From<String> for Problem {
    fn from(s: String) -> Self {
        Problem(s)
    }
}

impl From<&str> for Problem {
    fn from(s: &str) -> Self {
        Problem(s.to_string())
    }
}

/// The message, to read (tests look into it; code decides by type, not text).
impl std::ops::Deref for Problem {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<Problem> for String {
    fn from(p: Problem) -> Self {
        p.0
    }
}

/// A [`Problem`] from `format!` arguments.
#[macro_export]
macro_rules! problem {
    ($($t:tt)*) => {
        $crate::error::Problem(format!($($t)*))
    };
}
