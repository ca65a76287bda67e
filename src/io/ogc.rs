//! OGC API Features, as real servers (pygeoapi, tipg, GeoServer) answer it.
//!
//! - `collections`: the landing page's collections, to pick from;
//! - `read_items`: every page of `/collections/{id}/items`: `limit` asked
//!   for (the server may give fewer: its page size is then what it returns),
//!   `next` links followed whatever their form (offset or an opaque cursor),
//!   and where a page has no `next` but `numberMatched` says more remain (a
//!   known pygeoapi gap with some providers), `offset` paging instead;
//! - `bbox=` (the view) and `datetime=` (incremental polling) as query
//!   parameters, replacing any already in the URL.
//!
//! Every page goes through the hostile-input fetch and the strict reader.

use super::http::{FetchLimits, fetch};
use crate::error::LoadError;
use crate::model::Layer;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicU64};

/// How a page's bytes become a layer (`io::parse_bytes`, passed in by the
/// caller: this module reads pages, the readers live beside it).
pub type Parse = fn(&str, &[u8]) -> Result<Layer, LoadError>;

/// At most this many pages are read (a guard against endless `next` chains).
pub const MAX_PAGES: usize = 1000;

/// Items asked for per page.
pub const PAGE_LIMIT: u32 = 1000;

/// A collection of a server.
#[derive(Clone, Debug, PartialEq)]
pub struct Collection {
    pub id: String,
    pub title: String,
    /// Its items URL (GeoJSON).
    pub items_url: String,
}

fn join(base: &str, href: &str) -> Option<String> {
    reqwest::Url::parse(base)
        .ok()?
        .join(href)
        .ok()
        .map(|u| u.to_string())
}

/// The link of relation `rel` (GeoJSON or JSON first) of a document.
fn link(doc: &Value, rel: &str, base: &str) -> Option<String> {
    let links = doc.get("links")?.as_array()?;
    let of_rel: Vec<&Value> = links
        .iter()
        .filter(|l| l.get("rel").and_then(Value::as_str) == Some(rel))
        .collect();
    let json = of_rel.iter().find(|l| {
        l.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.contains("json"))
    });
    let l = json.or(of_rel.first())?;
    join(base, l.get("href")?.as_str()?)
}

/// The collections of the server at `url` (its landing page, or its
/// `/collections`).
pub fn collections(url: &str, limits: &FetchLimits) -> Result<Vec<Collection>, LoadError> {
    let trimmed = url.trim().trim_end_matches('/');
    let list_url = if trimmed
        .split('?')
        .next()
        .unwrap_or("")
        .ends_with("/collections")
    {
        trimmed.to_string()
    } else {
        format!("{trimmed}/collections")
    };
    let list_url = with_params(&list_url, &[("f", Some("json".into()))]);
    let bytes = fetch(&list_url, limits, None, None)?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| {
        LoadError::invalid(
            &list_url,
            format!("not an OGC API collections document ({e})"),
        )
    })?;
    let Some(list) = doc.get("collections").and_then(Value::as_array) else {
        return Err(LoadError::invalid(
            &list_url,
            "not an OGC API collections document (no \"collections\" list)",
        ));
    };
    let mut out = Vec::new();
    for c in list {
        let Some(id) = c.get("id").and_then(Value::as_str) else {
            continue;
        };
        // Feature collections only (records, coverages and tiles are not layers).
        if c.get("itemType")
            .and_then(Value::as_str)
            .is_some_and(|t| t != "feature")
        {
            continue;
        }
        let items_url = link(c, "items", &list_url).unwrap_or_else(|| {
            let base = list_url.split('?').next().unwrap_or(&list_url);
            format!("{base}/{id}/items")
        });
        out.push(Collection {
            id: id.to_string(),
            title: c
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or(id)
                .to_string(),
            items_url,
        });
    }
    Ok(out)
}

/// `url` with these query parameters set (replacing any of the same name;
/// `None` removes one).
pub fn with_params(url: &str, params: &[(&str, Option<String>)]) -> String {
    let Ok(mut u) = reqwest::Url::parse(url) else {
        return url.to_string();
    };
    let kept: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| !params.iter().any(|(p, _)| p == k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut q = u.query_pairs_mut();
        q.clear();
        for (k, v) in &kept {
            q.append_pair(k, v);
        }
        for (k, v) in params {
            if let Some(v) = v {
                q.append_pair(k, v);
            }
        }
    }
    let s = u.to_string();
    s.strip_suffix('?').map(String::from).unwrap_or(s)
}

/// What to ask an items endpoint for.
#[derive(Clone, Debug, Default)]
pub struct ItemsQuery {
    /// West, south, east, north (degrees).
    pub bbox: Option<[f64; 4]>,
    /// An OGC `datetime` (`2026-03-02T10:00:00Z/..` for "since").
    pub datetime: Option<String>,
    /// Items per page asked for (the server may cap it).
    pub limit: Option<u32>,
}

/// Whether `url` looks like an OGC API Features items endpoint.
pub fn is_items_url(url: &str) -> bool {
    url.split(['?', '#'])
        .next()
        .is_some_and(|p| p.trim_end_matches('/').ends_with("/items"))
}

/// The first page's URL with the query's parameters.
pub fn first_page(url: &str, q: &ItemsQuery) -> String {
    let bbox = q
        .bbox
        .map(|b| format!("{},{},{},{}", b[0], b[1], b[2], b[3]));
    with_params(
        url,
        &[
            ("limit", q.limit.map(|l| l.to_string())),
            ("bbox", bbox),
            ("datetime", q.datetime.clone()),
        ],
    )
}

/// Reads every page from `first` (already carrying the query) into one
/// layer. `done_bytes`/`cancel` follow the whole read.
pub fn read_pages(
    first: &str,
    limits: &FetchLimits,
    done_bytes: Option<&AtomicU64>,
    cancel: Option<&AtomicBool>,
    parse: Parse,
) -> Result<Layer, LoadError> {
    let mut out = Layer {
        name: first.to_string(),
        source: first.to_string(),
        ..Default::default()
    };
    let mut seen = std::collections::HashSet::new();
    let mut page_url = first.to_string();
    let mut matched: Option<u64> = None;
    let mut read: u64 = 0;
    for _ in 0..MAX_PAGES {
        if !seen.insert(page_url.clone()) {
            out.warnings.push(crate::note!(
                "the server's next link returns to {page_url}; stopped there"
            ));
            return Ok(out);
        }
        let bytes = fetch(&page_url, limits, done_bytes, cancel)?;
        let page = parse(&page_url, &bytes)?;
        let doc: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let returned = page.features.len() as u64;
        read += returned;
        if let Some(m) = doc.get("numberMatched").and_then(Value::as_u64) {
            matched = Some(m);
        }
        let base = out.features.len();
        for mut f in page.features {
            f.index += base;
            out.features.push(f);
        }
        out.warnings.extend(page.warnings);
        let next = link(&doc, "next", &page_url).or_else(|| {
            // No next link, but the server says more matched: page by offset.
            (matched.is_some_and(|m| read < m) && returned > 0).then(|| {
                with_params(
                    first,
                    &[
                        ("offset", Some(read.to_string())),
                        ("limit", Some(returned.to_string())),
                    ],
                )
            })
        });
        match next {
            Some(n) => page_url = n,
            None => {
                if let Some(m) = matched.filter(|m| read < *m) {
                    out.warnings.push(crate::note!(
                        "the server matched {m} items but gave {read}; the rest could not be paged to"
                    ));
                }
                return Ok(out);
            }
        }
    }
    out.warnings.push(crate::note!(
        "more than {MAX_PAGES} pages; read the first {MAX_PAGES} ({read} items)"
    ));
    Ok(out)
}

/// An http(s) layer: a plain file's bytes, or every page of an OGC API
/// Features items URL (asking `PAGE_LIMIT` items a page). Not yet named
/// (see `io::read_url`).
pub fn read_url(
    url: &str,
    limits: &FetchLimits,
    done_bytes: Option<&AtomicU64>,
    cancel: Option<&AtomicBool>,
    parse: Parse,
) -> Result<Layer, LoadError> {
    if is_items_url(url) {
        let first = if url.contains("limit=") {
            url.to_string()
        } else {
            first_page(
                url,
                &ItemsQuery {
                    limit: Some(PAGE_LIMIT),
                    ..Default::default()
                },
            )
        };
        let mut layer = read_pages(&first, limits, done_bytes, cancel, parse)?;
        layer.source = url.to_string();
        return Ok(layer);
    }
    let bytes = fetch(url, limits, done_bytes, cancel)?;
    let doc_next = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|d| link(&d, "next", url));
    if doc_next.is_some() {
        // Paged, though not at an `/items` path: follow it too.
        return read_pages(url, limits, done_bytes, cancel, parse);
    }
    parse(url, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_replaced_not_doubled() {
        assert_eq!(
            with_params(
                "http://h/c/items?limit=10&f=json",
                &[
                    ("limit", Some("1000".into())),
                    ("bbox", Some("1,2,3,4".into()))
                ]
            ),
            "http://h/c/items?f=json&limit=1000&bbox=1%2C2%2C3%2C4"
        );
        assert_eq!(with_params("http://h/x?a=1", &[("a", None)]), "http://h/x");
        assert!(is_items_url("http://h/collections/c/items?f=json"));
        assert!(!is_items_url("http://h/collections/c"));
    }

    #[test]
    fn links_prefer_json_and_resolve() {
        let doc: Value = serde_json::from_str(
            r#"{"links":[{"rel":"next","type":"text/html","href":"a.html"},
                         {"rel":"next","type":"application/geo+json","href":"items?cursor=abc"}]}"#,
        )
        .expect("json");
        assert_eq!(
            link(&doc, "next", "http://h/c/items").as_deref(),
            Some("http://h/c/items?cursor=abc")
        );
    }
}
