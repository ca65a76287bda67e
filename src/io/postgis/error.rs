//! The named database faults, and how a driver error maps to one.

use thiserror::Error;

/// What went wrong with a database: each fault has its own name, so that a
/// planner reads "table missing" rather than a driver's code.
#[derive(Debug, Error)]
pub enum DbError {
    #[error("bad database URL: {0}")]
    BadUrl(String),
    #[error("cannot reach the database server at {at} ({why})")]
    ServerDown { at: String, why: String },
    #[error("the server refused user \"{user}\": wrong password or no access ({why})")]
    Auth { user: String, why: String },
    #[error("table {0} does not exist (or this user cannot see it)")]
    TableMissing(String),
    #[error("table {0} has no geometry or geography column")]
    NoGeometry(String),
    #[error("the connection to the server was lost {during} ({why}); nothing was kept from it")]
    ConnectionLost { during: String, why: String },
    #[error("the server cancelled the query: statement timeout ({0})")]
    StatementTimeout(String),
    #[error("cancelled")]
    Cancelled,
    #[error("{0}")]
    Other(String),
}

impl DbError {
    /// Names a driver error by what it means; `during` says what was going on
    /// ("while reading table x").
    pub fn from_pg(e: &postgres::Error, during: &str) -> DbError {
        use postgres::error::SqlState;
        let why = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_else(|| e.to_string());
        match e.code() {
            Some(c) if *c == SqlState::QUERY_CANCELED => DbError::StatementTimeout(why),
            Some(c)
                if *c == SqlState::ADMIN_SHUTDOWN
                    || *c == SqlState::CRASH_SHUTDOWN
                    || *c == SqlState::CANNOT_CONNECT_NOW =>
            {
                DbError::ConnectionLost {
                    during: during.to_string(),
                    why,
                }
            }
            Some(c) if *c == SqlState::UNDEFINED_TABLE => DbError::Other(format!("{why} {during}")),
            Some(_) => DbError::Other(format!("the server refused a statement {during}: {why}")),
            None if e.is_closed() || source_is_io(e) => DbError::ConnectionLost {
                during: during.to_string(),
                why,
            },
            None => DbError::Other(format!("{why} {during}")),
        }
    }
}

fn source_is_io(e: &postgres::Error) -> bool {
    let mut s: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(x) = s {
        if x.is::<std::io::Error>() {
            return true;
        }
        s = x.source();
    }
    e.to_string().contains("connection closed") || e.to_string().contains("unexpected EOF")
}

/// A database error as a load error naming the (masked) source.
pub fn load_error(masked: &str, e: DbError) -> crate::error::LoadError {
    match e {
        DbError::Cancelled => crate::error::LoadError::cancelled(masked),
        other => crate::error::LoadError::invalid(masked, other.to_string()),
    }
}
