//! The database URL: where, who, which table, and the password from the URL,
//! `PGPASSWORD` or the password file, never shown.

use super::error::DbError;
use std::time::Duration;

/// Whether `source` is a PostgreSQL URL (`postgresql://` or `postgres://`).
pub fn is_db_url(source: &str) -> bool {
    let s = source.trim_start().as_bytes();
    let starts = |p: &str| s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    starts("postgresql://") || starts("postgres://")
}

/// `SCHEMA.TABLE` (or `TABLE`, found on the search path). Kept as text and
/// always quoted as identifiers: never pasted into SQL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableName {
    pub schema: Option<String>,
    pub table: String,
}

impl TableName {
    pub fn parse(text: &str) -> Result<TableName, DbError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DbError::BadUrl("table= is empty".into()));
        }
        // SQL's quoting: `"with.dot"` or `public."with.dot"` name a table with a dot.
        if let Some(quoted) = text.strip_suffix('"') {
            let (schema, table) = match quoted.rsplit_once(".\"") {
                Some((s, t)) if !s.contains('"') => (Some(s.to_string()), t),
                _ => (None, quoted.strip_prefix('"').unwrap_or(quoted)),
            };
            if !table.is_empty() && !table.contains('"') {
                return Ok(TableName {
                    schema,
                    table: table.to_string(),
                });
            }
        }
        Ok(match text.split_once('.') {
            Some((s, t)) if !s.is_empty() && !t.is_empty() => TableName {
                schema: Some(s.to_string()),
                table: t.to_string(),
            },
            _ => TableName {
                schema: None,
                table: text.to_string(),
            },
        })
    }

    /// `"schema"."table"`, for SQL.
    pub fn quoted(&self) -> String {
        match &self.schema {
            Some(s) => format!("{}.{}", quote_ident(s), quote_ident(&self.table)),
            None => quote_ident(&self.table),
        }
    }
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.table),
            None => write!(f, "{}", self.table),
        }
    }
}

/// A SQL identifier, quoted (an embedded quote doubled; NUL refused by the server).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// How to use TLS (libpq's `sslmode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    /// TLS when the server offers it (libpq's default).
    Prefer,
    /// TLS or nothing; the certificate is not checked (as libpq's `require`).
    Require,
    /// TLS with the certificate checked against the system's roots and the host name.
    VerifyFull,
}

/// A parsed database URL.
#[derive(Clone, Debug)]
pub struct PgUrl {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub dbname: String,
    pub(super) password: Option<String>,
    pub ssl: SslMode,
    pub connect_timeout: Duration,
    pub table: Option<TableName>,
    pub geometry: Option<String>,
    pub kind: Option<String>,
    pub since: Option<String>,
    /// The URL as given, with any password replaced by `***`.
    pub masked: String,
}

const PARAMS: [&str; 9] = [
    "password",
    "table",
    "geometry",
    "kind",
    "since",
    "sslmode",
    "connect_timeout",
    "host",
    "port",
];

impl PgUrl {
    pub fn parse(text: &str) -> Result<PgUrl, DbError> {
        let text = text.trim();
        let masked = mask(text);
        if !is_db_url(text) {
            return Err(DbError::BadUrl(format!(
                "{masked} does not start with postgresql:// or postgres://"
            )));
        }
        let u = ::url::Url::parse(text).map_err(|e| DbError::BadUrl(format!("{masked}: {e}")))?;
        let m2 = masked.clone();
        let decode = move |s: &str| {
            percent_decode(s).ok_or_else(|| DbError::BadUrl(format!("{m2}: bad %-escape")))
        };
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let mut p = PgUrl {
            host: u
                .host_str()
                .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_string())
                .filter(|h| !h.is_empty())
                .or_else(|| env("PGHOST"))
                .unwrap_or_else(|| "localhost".into()),
            port: u
                .port()
                .or_else(|| env("PGPORT").and_then(|p| p.parse().ok()))
                .unwrap_or(5432),
            user: match u.username() {
                "" => env("PGUSER")
                    .or_else(|| env("USER"))
                    .unwrap_or_else(|| "postgres".into()),
                name => decode(name)?,
            },
            dbname: String::new(),
            password: u.password().map(&decode).transpose()?,
            ssl: SslMode::Prefer,
            connect_timeout: Duration::from_secs(10),
            table: None,
            geometry: None,
            kind: None,
            since: None,
            masked,
        };
        p.dbname = match decode(u.path().trim_start_matches('/'))? {
            d if d.is_empty() => env("PGDATABASE").unwrap_or_else(|| p.user.clone()),
            d => d,
        };
        for (k, v) in u.query_pairs() {
            let v = v.into_owned();
            match k.as_ref() {
                "table" => p.table = Some(TableName::parse(&v)?),
                "geometry" => p.geometry = Some(v),
                "kind" => p.kind = Some(v),
                "since" => p.since = Some(v),
                "host" => p.host = v,
                // libpq takes the password as a parameter too.
                "password" => p.password = Some(v),
                "port" => {
                    p.port = v
                        .parse()
                        .map_err(|_| DbError::BadUrl(format!("port={v} is not a port number")))?
                }
                "sslmode" => {
                    p.ssl = match v.as_str() {
                        "disable" => SslMode::Disable,
                        "allow" | "prefer" => SslMode::Prefer,
                        "require" => SslMode::Require,
                        "verify-ca" | "verify-full" => SslMode::VerifyFull,
                        _ => {
                            return Err(DbError::BadUrl(format!(
                                "sslmode={v}: use disable, prefer, require or verify-full"
                            )));
                        }
                    }
                }
                "connect_timeout" => {
                    let s: f64 = v
                        .parse()
                        .ok()
                        .filter(|s: &f64| s.is_finite() && *s > 0.0)
                        .ok_or_else(|| {
                            DbError::BadUrl(format!(
                                "connect_timeout={v} is not a number of seconds"
                            ))
                        })?;
                    p.connect_timeout = Duration::from_secs_f64(s.min(3600.0));
                }
                other => {
                    return Err(DbError::BadUrl(format!(
                        "unknown parameter \"{other}\" in {} (known: {})",
                        p.masked,
                        PARAMS.join(", ")
                    )));
                }
            }
        }
        if p.password.is_none() {
            p.password = env("PGPASSWORD").or_else(|| pgpass_lookup(&p));
        }
        Ok(p)
    }

    /// `host:port`, for messages.
    pub fn at(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// The table, or a clear error when the URL names none.
    pub fn table(&self) -> Result<&TableName, DbError> {
        self.table.as_ref().ok_or_else(|| {
            DbError::BadUrl(format!(
                "{} names no table: add ?table=SCHEMA.TABLE",
                self.masked
            ))
        })
    }

    /// The same server and database with another table (for a sink beside a source).
    pub fn with_table(&self, table: TableName) -> PgUrl {
        PgUrl {
            table: Some(table),
            ..self.clone()
        }
    }
}

/// The URL with the password (if any) replaced by `***`, parsed or not: the
/// user-info's password (which may hold unescaped `/`, `#`, `?`, `:` or `@`:
/// it runs to the last `@` before the query, or else the last `@`) and any
/// `password=` parameter, as libpq takes it. Text that is not a URL comes back
/// unchanged.
pub fn mask(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_string();
    };
    let query_at = rest.find('?').unwrap_or(rest.len());
    let at = rest[..query_at].rfind('@').or_else(|| rest.rfind('@'));
    let (userinfo, after) = match at {
        Some(k) => (Some(&rest[..k]), &rest[k..]),
        None => (None, rest),
    };
    let mut out = format!("{scheme}://");
    if let Some(u) = userinfo {
        match u.split_once(':') {
            Some((user, _)) => {
                out.push_str(user);
                out.push_str(":***");
            }
            None => out.push_str(u),
        }
    }
    out.push_str(&mask_password_param(after));
    out
}

/// `password=…` in a query string (any case, up to `&` or `#`) as `password=***`.
fn mask_password_param(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    while let Some(k) = lower[from..].find("password=") {
        let start = from + k;
        let boundary = start == 0 || matches!(text.as_bytes()[start - 1], b'?' | b'&');
        let value_at = start + "password=".len();
        if !boundary {
            out.push_str(&text[from..value_at]);
            from = value_at;
            continue;
        }
        let end = text[value_at..]
            .find(['&', '#'])
            .map_or(text.len(), |e| value_at + e);
        out.push_str(&text[from..value_at]);
        out.push_str("***");
        from = end;
    }
    out.push_str(&text[from..]);
    out
}

/// The URL with its password left out (for saving); a URL that does not
/// parse is saved masked, never with its password.
pub fn without_password(text: &str) -> String {
    match ::url::Url::parse(text) {
        Ok(mut u) if is_db_url(text) => {
            let _ = u.set_password(None);
            let pairs: Vec<(String, String)> = u
                .query_pairs()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("password"))
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            if pairs.is_empty() {
                u.set_query(None);
            } else {
                u.query_pairs_mut().clear().extend_pairs(pairs);
            }
            u.to_string()
        }
        Ok(u) if u.password().is_none() => text.to_string(),
        _ => mask(text),
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The password for this host, port, database and user from the password
/// file (`PGPASSFILE`, else `~/.pgpass`): `host:port:db:user:password` lines,
/// `*` matching anything, `\:` and `\\` escaped, the first match wins.
fn pgpass_lookup(p: &PgUrl) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".pgpass")))?;
    let text = std::fs::read_to_string(path).ok()?;
    pgpass_match(&text, &p.host, p.port, &p.dbname, &p.user)
}

fn pgpass_match(text: &str, host: &str, port: u16, db: &str, user: &str) -> Option<String> {
    let port = port.to_string();
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut cur = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => cur.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut cur)),
                c => cur.push(c),
            }
        }
        fields.push(cur);
        if fields.len() != 5 {
            continue;
        }
        let ok = |f: &str, v: &str| f == "*" || f == v;
        let host_ok = ok(&fields[0], host)
            || (fields[0] == "localhost" && (host == "127.0.0.1" || host == "::1"));
        if host_ok && ok(&fields[1], &port) && ok(&fields[2], db) && ok(&fields[3], user) {
            return Some(fields[4].clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_and_passwords_are_masked() {
        let p = PgUrl::parse(
            "postgresql://ops:s%3Acret@127.0.0.1:6543/mission?table=public.c01_tracks&kind=track",
        )
        .expect("parses");
        assert_eq!(
            (p.host.as_str(), p.port, p.user.as_str(), p.dbname.as_str()),
            ("127.0.0.1", 6543, "ops", "mission")
        );
        assert_eq!(p.password.as_deref(), Some("s:cret"));
        assert_eq!(
            p.table.as_ref().map(|t| t.to_string()).as_deref(),
            Some("public.c01_tracks")
        );
        assert_eq!(p.kind.as_deref(), Some("track"));
        assert!(!p.masked.contains("cret"), "{}", p.masked);
        assert_eq!(
            p.masked,
            "postgresql://ops:***@127.0.0.1:6543/mission?table=public.c01_tracks&kind=track"
        );
        assert!(PgUrl::parse("postgres://u@h/db?table=t").is_ok());
        let bad = PgUrl::parse("postgresql://u:pw@h/db?tabel=t").expect_err("typo");
        assert!(
            bad.to_string().contains("unknown parameter \"tabel\""),
            "{bad}"
        );
        assert!(!bad.to_string().contains("pw@"), "{bad}");
        assert!(matches!(
            PgUrl::parse("postgresql://u@h/db?sslmode=maybe"),
            Err(DbError::BadUrl(_))
        ));
        assert_eq!(mask("http://x/y"), "http://x/y");
        // Issue 22, item 14: passwords that break URL parsing, and libpq's
        // `password=` parameter, are masked whole.
        for (url, secret) in [
            (
                "postgresql://user:secret/with/slash@host/db?table=t",
                "secret",
            ),
            ("postgresql://user:pa#ss@host/db", "pa#ss"),
            ("postgresql://user:p@ss@host/db?table=t", "p@ss"),
            ("postgresql://user:p:ss@host/db", "p:ss"),
            ("postgresql://user:p?ss@host/db", "p?ss"),
            (
                "postgresql://user@host/db?password=hunter2&table=t",
                "hunter2",
            ),
            (
                "postgresql://user@host/db?table=t&PASSWORD=hunter2",
                "hunter2",
            ),
        ] {
            let m = mask(url);
            assert!(!m.contains(secret), "{url} -> {m}");
            assert!(m.contains("***") && m.contains("host"), "{url} -> {m}");
            let e = PgUrl::parse(url)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(!e.contains(secret), "{url} -> {e}");
            assert!(!without_password(url).contains(secret), "{url}");
        }
        let p = PgUrl::parse("postgresql://u@h/db?password=hunter2&table=t").unwrap();
        assert_eq!(p.password.as_deref(), Some("hunter2"));
        assert!(!p.masked.contains("hunter2"), "{}", p.masked);
        assert_eq!(
            mask("postgresql://a:b@c/d?e=f:g@h"),
            "postgresql://a:***@c/d?e=f:g@h"
        );
    }

    #[test]
    fn table_names_are_quoted_identifiers() {
        let t = TableName::parse("public.x; DROP TABLE y").expect("parses");
        assert_eq!(t.quoted(), "\"public\".\"x; DROP TABLE y\"");
        let t = TableName::parse("\"with.dot\"").expect("parses");
        assert_eq!((t.schema, t.table.as_str()), (None, "with.dot"));
        let t = TableName::parse("public.\"with.dot\"").expect("parses");
        assert_eq!(
            (t.schema.as_deref(), t.table.as_str()),
            (Some("public"), "with.dot")
        );
        let t = TableName::parse("we\"ird").expect("parses");
        assert_eq!(t.quoted(), "\"we\"\"ird\"");
        assert!(TableName::parse(" ").is_err());
    }

    #[test]
    fn password_file_lines_match_like_libpq() {
        let text = "# comment\nother:5432:*:ops:no\n127.0.0.1:*:mission:ops:pa\\:ss\n*:*:*:*:any\n";
        assert_eq!(
            pgpass_match(text, "127.0.0.1", 6543, "mission", "ops").as_deref(),
            Some("pa:ss")
        );
        assert_eq!(pgpass_match(text, "h", 1, "d", "u").as_deref(), Some("any"));
        assert_eq!(pgpass_match("h:1:d:u:p\n", "h", 2, "d", "u"), None);
    }
}
