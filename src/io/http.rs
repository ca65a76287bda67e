//! Layers over HTTP(S), treating every response as hostile: only http and
//! https, connect and total timeouts (a stalled or dripping server ends there), at most 5 redirects, a size cap
//! checked before and while reading, non-2xx answers named, HTML pages
//! recognised, and cancel between chunks.

use crate::error::LoadError;
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Limits of one download.
#[derive(Clone, Debug)]
pub struct FetchLimits {
    pub max_bytes: u64,
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
    pub max_redirects: usize,
}

impl Default for FetchLimits {
    fn default() -> Self {
        Self {
            max_bytes: 512 * 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(300),
            max_redirects: 5,
        }
    }
}

/// Whether `source` names an http(s) URL rather than a file.
pub fn is_url(source: &str) -> bool {
    let lower = source.get(..8).unwrap_or(source).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Downloads `url` within `limits`; `done_bytes` follows progress, `cancel` stops it.
pub fn fetch(
    url: &str,
    limits: &FetchLimits,
    done_bytes: Option<&AtomicU64>,
    cancel: Option<&AtomicBool>,
) -> Result<Vec<u8>, LoadError> {
    let err = |what: String| LoadError::invalid(url, what);
    if !is_url(url) {
        return Err(err("only http:// and https:// URLs can be opened".into()));
    }
    let client = reqwest::blocking::Client::builder()
        .user_agent(concat!("corridor-watch/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(limits.connect_timeout)
        .timeout(limits.total_timeout)
        .redirect(reqwest::redirect::Policy::limited(limits.max_redirects))
        .build()
        .map_err(|e| err(format!("cannot start an HTTP client: {e}")))?;
    let describe = |e: reqwest::Error| -> String {
        if e.is_timeout() {
            format!("the server did not answer in time ({e})")
        } else if e.is_redirect() {
            format!(
                "too many redirects (more than {}), or a redirect loop",
                limits.max_redirects
            )
        } else if e.is_connect() {
            format!("cannot connect ({e})")
        } else {
            e.to_string()
        }
    };
    let mut resp = client.get(url).send().map_err(|e| err(describe(e)))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(err(format!("the server answered HTTP {status}")));
    }
    if let Some(n) = resp.content_length()
        && n > limits.max_bytes
    {
        return Err(err(format!(
            "the file is {n} bytes, over the {}-byte limit",
            limits.max_bytes
        )));
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let mut body = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(LoadError::cancelled(url));
        }
        let n = resp.read(&mut buf).map_err(|e| {
            err(format!(
                "the download broke off after {} bytes: {e}",
                body.len()
            ))
        })?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
        if let Some(d) = done_bytes {
            d.store(body.len() as u64, Ordering::Relaxed);
        }
        if body.len() as u64 > limits.max_bytes {
            return Err(err(format!(
                "the file is over the {}-byte limit",
                limits.max_bytes
            )));
        }
    }
    sniff(&body, &content_type).map_err(|p| err(p.0))?;
    Ok(body)
}

/// What a body is, when it is plainly not GeoJSON, GPX or CSV: judged by its
/// first bytes (HTML, images, PDF, archives, compressed or binary data) and by
/// the Content-Type the server gave.
pub fn sniff(body: &[u8], content_type: &str) -> Result<(), crate::error::Problem> {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &body[i..])
        .unwrap_or(&[]);
    let looks_html = start.len() >= 5
        && (start[..5].eq_ignore_ascii_case(b"<!doc") || start[..5].eq_ignore_ascii_case(b"<html"));
    if looks_html || (content_type.contains("text/html") && start.first() == Some(&b'<')) {
        return Err("the server sent an HTML page, not GeoJSON, GPX or CSV".into());
    }
    let magic: [(&[u8], &str); 8] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (
            b"PK\x03\x04",
            "a ZIP archive (a KMZ or zipped shapefile? unzip it first)",
        ),
        (b"\x1F\x8B", "gzip-compressed data (decompress it first)"),
        (b"\xFD7zXZ", "xz-compressed data (decompress it first)"),
        (
            b"PMTiles",
            "a PMTiles basemap (open it from the Basemap menu)",
        ),
    ];
    if let Some((_, what)) = magic.iter().find(|(m, _)| body.starts_with(m)) {
        return Err(crate::problem!(
            "the server sent {what}, not GeoJSON, GPX or CSV"
        ));
    }
    let declared_binary = [
        "image/",
        "audio/",
        "video/",
        "application/pdf",
        "application/zip",
        "font/",
    ]
    .iter()
    .any(|t| content_type.starts_with(t));
    let binary = body.iter().take(4096).any(|&b| b == 0);
    if declared_binary || binary {
        let what = if content_type.is_empty() {
            "binary data".to_string()
        } else {
            format!("{content_type} data")
        };
        return Err(crate::problem!(
            "the server sent {what}, not GeoJSON, GPX or CSV"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn bodies_that_are_plainly_something_else_are_named() {
        assert!(sniff(b"{\"type\":\"FeatureCollection\"}", "application/geo+json").is_ok());
        assert!(sniff(b"<?xml version=\"1.0\"?><gpx/>", "application/gpx+xml").is_ok());
        assert!(sniff(b"convoy_id,time,lat,lon\n", "text/csv").is_ok());
        // A server that calls everything octet-stream still serves good GeoJSON.
        assert!(
            sniff(
                b"{\"type\":\"FeatureCollection\"}",
                "application/octet-stream"
            )
            .is_ok()
        );
        for (body, ct, want) in [
            (&b"\x89PNG\r\n\x1a\n...."[..], "image/png", "a PNG image"),
            (
                b"PK\x03\x04....",
                "application/vnd.google-earth.kmz",
                "ZIP archive",
            ),
            (b"\x1F\x8B\x08....", "application/json", "gzip"),
            (b"%PDF-1.7", "application/pdf", "PDF"),
            (b"<!DOCTYPE html><p>login</p>", "text/html", "HTML page"),
            (b"{ almost json", "image/svg+xml", "image/svg+xml data"),
            (b"ab\x00cd", "", "binary data"),
        ] {
            let e = sniff(body, ct).expect_err(want);
            assert!(e.contains(want), "{e}");
        }
    }
}
