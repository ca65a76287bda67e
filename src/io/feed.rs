//! A live feed of position reports over HTTP: one GeoJSON FeatureCollection of
//! `track` Points (`convoy_id`, `time`), or an OGC API Features
//! `/collections/{id}/items` response whose `next` links are followed.
//!
//! Every page goes through the same hostile-input fetch and the same strict
//! reader as a layer file; a page that fails fails the whole poll (the caller
//! keeps its last good data).

use super::http::FetchLimits;
use crate::error::LoadError;
use crate::model::{Layer, Role};

/// Reads every page of the feed at `url` into one layer. Features without a
/// `kind` are read as `track` reports.
pub fn fetch_feed(url: &str, limits: &FetchLimits) -> Result<Layer, LoadError> {
    let mut out = super::ogc::read_pages(url, limits, None, None, super::parse_bytes)?;
    out.assign_role(Role::Track);
    Ok(out)
}

/// Where a feed's reports come from: a URL polled whole each time, or a
/// PostGIS table polled for rows past the last one seen.
pub enum Feed {
    /// A URL; for an OGC API items URL, `datetime=` asks only for reports
    /// from the latest time seen on (the watcher drops the repeats).
    Http {
        url: String,
        latest: Option<f64>,
    },
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
            Ok(Feed::Http {
                url: text.to_string(),
                latest: None,
            })
        }
    }

    /// The feed as messages name it (a database URL's password masked).
    pub fn label(&self) -> &str {
        match self {
            Feed::Http { url, .. } => url,
            Feed::Database(f) => f.masked(),
        }
    }

    /// The reports of one poll.
    pub fn poll(&mut self, limits: &FetchLimits) -> Result<Layer, LoadError> {
        match self {
            Feed::Http { url, latest } => {
                let page_url = match latest {
                    Some(t) if super::ogc::is_items_url(url) => super::ogc::with_params(
                        url,
                        &[(
                            "datetime",
                            crate::utc::format_rfc3339(t.floor()).map(|t| format!("{t}/..")),
                        )],
                    ),
                    _ => url.clone(),
                };
                let layer = fetch_feed(&page_url, limits)?;
                let newest = layer
                    .features
                    .iter()
                    .filter_map(|f| f.properties.get("time")?.as_str())
                    .filter_map(|t| super::time::parse_rfc3339(t).ok())
                    .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.max(t))));
                if let Some(n) = newest {
                    *latest = Some(latest.map_or(n, |l| l.max(n)));
                }
                Ok(layer)
            }
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
