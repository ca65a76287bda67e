//! A live feed of position reports over HTTP: one GeoJSON FeatureCollection of
//! `track` Points (`convoy_id`, `time`), or an OGC API Features
//! `/collections/{id}/items` response whose `next` links are followed.
//!
//! Every page goes through the same hostile-input fetch and the same strict
//! reader as a layer file; a page that fails fails the whole poll (the caller
//! keeps its last good data).

use super::http::{FetchLimits, fetch};
use crate::error::LoadError;
use crate::model::{Layer, Role};
use serde_json::Value;

/// At most this many pages are read in one poll (a guard against endless `next` chains).
pub const MAX_PAGES: usize = 200;

/// The `next` link of an OGC API Features page, resolved against the page's URL.
fn next_link(page_url: &str, bytes: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    let href = v.get("links")?.as_array()?.iter().find_map(|l| {
        (l.get("rel")?.as_str()? == "next")
            .then(|| l.get("href")?.as_str().map(String::from))
            .flatten()
    })?;
    let base = reqwest::Url::parse(page_url).ok()?;
    base.join(&href).ok().map(|u| u.to_string())
}

/// Reads every page of the feed at `url` into one layer. Features without a
/// `kind` are read as `track` reports.
pub fn fetch_feed(url: &str, limits: &FetchLimits) -> Result<Layer, LoadError> {
    let mut out = Layer {
        name: url.to_string(),
        source: url.to_string(),
        ..Default::default()
    };
    let mut seen = std::collections::HashSet::new();
    let mut page_url = url.to_string();
    for _ in 0..MAX_PAGES {
        if !seen.insert(page_url.clone()) {
            out.warnings.push(format!(
                "the feed's next link returns to {page_url}; stopped there"
            ));
            break;
        }
        let bytes = fetch(&page_url, limits, None, None)?;
        let mut page = super::read_bytes(&page_url, &bytes)?;
        page.assign_role(Role::Track);
        let base = out.features.len();
        for mut f in page.features {
            f.index += base;
            out.features.push(f);
        }
        out.warnings.extend(page.warnings);
        match next_link(&page_url, &bytes) {
            Some(next) => page_url = next,
            None => return Ok(out),
        }
    }
    if seen.len() >= MAX_PAGES {
        out.warnings.push(format!(
            "the feed has more than {MAX_PAGES} pages; read the first {MAX_PAGES}"
        ));
    }
    Ok(out)
}

/// Where a feed's reports come from: a URL polled whole each time, or a
/// PostGIS table polled for rows past the last one seen.
pub enum Feed {
    Http(String),
    Database(Box<super::postgis::feed::PgFeed>),
}

impl Feed {
    /// A feed from what the user typed (`http(s)://…` or `postgresql://…`).
    pub fn open(text: &str) -> Result<Feed, LoadError> {
        let text = text.trim();
        if super::postgis::is_db_url(text) {
            let masked = super::postgis::url::mask(text);
            let url = super::postgis::PgUrl::parse(text)
                .and_then(|u| u.table().map(|_| ()).map(|()| u))
                .map_err(|e| super::postgis::load_error(&masked, e))?;
            Ok(Feed::Database(Box::new(super::postgis::feed::PgFeed::new(
                url,
            ))))
        } else {
            Ok(Feed::Http(text.to_string()))
        }
    }

    /// The feed as messages name it (a database URL's password masked).
    pub fn label(&self) -> &str {
        match self {
            Feed::Http(u) => u,
            Feed::Database(f) => f.masked(),
        }
    }

    /// The reports of one poll.
    pub fn poll(&mut self, limits: &FetchLimits) -> Result<Layer, LoadError> {
        match self {
            Feed::Http(u) => fetch_feed(u, limits),
            Feed::Database(f) => {
                let label = f.masked().to_string();
                f.poll().map_err(|e| super::postgis::load_error(&label, e))
            }
        }
    }
}

/// The poll interval asked for, kept to 0.05 s .. 1 day (30 s when it is not a number).
pub fn poll_interval_s(asked_s: f64) -> f64 {
    if asked_s.is_finite() {
        asked_s.clamp(0.05, 86_400.0)
    } else {
        30.0
    }
}

/// Wait before the next poll: the interval, doubled per failure up to 16 intervals.
pub fn backoff_s(interval_s: f64, failures: u32) -> f64 {
    interval_s * f64::from(1u32 << failures.min(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_resolve_against_the_page() {
        let page = br#"{"type":"FeatureCollection","features":[],
          "links":[{"rel":"self","href":"items"},{"rel":"next","href":"items?offset=10"}]}"#;
        assert_eq!(
            next_link("http://h:1/collections/c/items?offset=0", page).as_deref(),
            Some("http://h:1/collections/c/items?offset=10")
        );
        assert_eq!(next_link("http://h/x", br#"{"links":[]}"#), None);
        assert_eq!(next_link("http://h/x", b"garbage"), None);
    }
}
