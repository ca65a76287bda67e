//! The command line's database helpers: opening a sink table.

use anyhow::{Result, anyhow};
use corridor_watch::io::postgis::{self, PgUrl, Session};

/// Parses and connects to a `--to-db` URL (which must name a table); errors
/// show the URL with its password masked.
pub fn open_sink(text: &str) -> Result<Session> {
    let masked = postgis::url::mask(text);
    let url = PgUrl::parse(text).map_err(|e| anyhow!("--to-db: {e}"))?;
    url.table().map_err(|e| anyhow!("--to-db: {e}"))?;
    postgis::connect(&url).map_err(|e| anyhow!("--to-db: {e} (in {masked})"))
}
