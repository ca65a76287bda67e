//! Opening a session: the URL's server, user and password, TLS, and the
//! settings every statement here relies on (`TimeZone` UTC).

use super::error::DbError;
use super::tls;
use super::url::{PgUrl, SslMode};
use postgres::Client;
use std::time::Duration;

/// An open connection and the URL it came from.
pub struct Session {
    pub client: Client,
    pub url: PgUrl,
}

/// Connects to the URL's server and database.
///
/// A dead server answers "cannot reach" within the connect timeout (10 s by
/// default, `connect_timeout=` in the URL); a server that stops answering
/// mid-session is noticed by TCP keepalives and the user timeout (60 s)
/// rather than waited on for ever.
pub fn connect(url: &PgUrl) -> Result<Session, DbError> {
    let mut cfg = postgres::Config::new();
    cfg.host(&url.host)
        .port(url.port)
        .user(&url.user)
        .dbname(&url.dbname)
        .application_name("corridor-watch")
        .connect_timeout(url.connect_timeout)
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(30))
        .keepalives_interval(Duration::from_secs(10))
        .keepalives_retries(3)
        .tcp_user_timeout(Duration::from_secs(60));
    if let Some(pw) = &url.password {
        cfg.password(pw);
    }
    cfg.ssl_mode(match url.ssl {
        SslMode::Disable => postgres::config::SslMode::Disable,
        SslMode::Prefer => postgres::config::SslMode::Prefer,
        SslMode::Require | SslMode::VerifyFull => postgres::config::SslMode::Require,
    });
    let result = match tls::connector(url.ssl)? {
        Some(tls) => cfg.connect(tls),
        None => cfg.connect(postgres::NoTls),
    };
    let mut client = result.map_err(|e| connect_error(url, &e))?;
    client
        .batch_execute("SET TimeZone = 'UTC'")
        .map_err(|e| DbError::from_pg(&e, "while setting up the session"))?;
    Ok(Session {
        client,
        url: url.clone(),
    })
}

fn connect_error(url: &PgUrl, e: &postgres::Error) -> DbError {
    use postgres::error::SqlState;
    let why = e
        .as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| {
            // The driver's own words, with anything after "password" left out.
            let mut s = e.to_string();
            if let Some(inner) = std::error::Error::source(e) {
                s = format!("{s}: {inner}");
            }
            s
        });
    match e.code() {
        Some(c)
            if *c == SqlState::INVALID_PASSWORD
                || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
        {
            DbError::Auth {
                user: url.user.clone(),
                why,
            }
        }
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => DbError::Other(format!(
            "database \"{}\" does not exist on {}",
            url.dbname,
            url.at()
        )),
        Some(c) if *c == SqlState::CANNOT_CONNECT_NOW => DbError::ServerDown { at: url.at(), why },
        Some(_) => DbError::Other(format!(
            "the server at {} refused the connection: {why}",
            url.at()
        )),
        None if why.contains("password missing") => DbError::Auth {
            user: url.user.clone(),
            why: "the server asks for a password: give it in the URL, PGPASSWORD or ~/.pgpass"
                .into(),
        },
        None => DbError::ServerDown { at: url.at(), why },
    }
}
