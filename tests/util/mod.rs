//! Helpers for the integration tests: run the binary, read fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_corridor-watch"))
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the bundled scenario (`data/`).
pub fn data(name: &str) -> PathBuf {
    root().join("data").join(name)
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

pub fn run(args: &[&Path], extra: &[&str], sub: &str) -> Output {
    let mut c = bin();
    c.arg(sub);
    for a in args {
        c.arg(a);
    }
    c.args(extra);
    c.output().expect("the binary runs")
}

/// Asserts the exit status, showing `context` and standard error when it differs.
#[allow(dead_code)]
pub fn assert_exit(out: &Output, code: i32, context: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{context} stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// How many deviations `check --format json` reported for convoy `i`.
#[allow(dead_code)]
pub fn deviation_count(out: &Output, i: usize) -> usize {
    stdout_json(out)["convoys"][i]["deviations"]
        .as_array()
        .map_or(0, Vec::len)
}

/// `FEED_LAYERS` written to `dir/layers.geojson`.
#[allow(dead_code)]
pub fn feed_layers(dir: &Path) -> PathBuf {
    let p = dir.join("layers.geojson");
    std::fs::write(&p, FEED_LAYERS).unwrap();
    p
}

pub fn stdout_json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// Relative difference, for figures compared to independent truth.
pub fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-9)
}

/// Distance in metres between two [lon, lat] points (spherical; fine for checking 10-m agreement).
pub fn metres_apart(a: &serde_json::Value, b: &serde_json::Value) -> f64 {
    let (x1, y1, x2, y2) = (
        a[0].as_f64().unwrap(),
        a[1].as_f64().unwrap(),
        b[0].as_f64().unwrap(),
        b[1].as_f64().unwrap(),
    );
    let k = std::f64::consts::PI / 180.0;
    let dx = (x2 - x1) * k * ((y1 + y2) * 0.5 * k).cos();
    let dy = (y2 - y1) * k;
    6_371_000.0 * (dx * dx + dy * dy).sqrt()
}

pub fn seconds_apart(a: &serde_json::Value, b: &serde_json::Value) -> f64 {
    let p = |v: &serde_json::Value| {
        time::OffsetDateTime::parse(
            v.as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
        .unix_timestamp() as f64
    };
    (p(a) - p(b)).abs()
}

/// A one-shot-per-connection HTTP server on 127.0.0.1 that answers every request
/// with `status` and `body`; serves `max_requests` then stops.
#[allow(dead_code)] // used by the UI tests only
pub fn serve(status: u16, body: Vec<u8>, max_requests: usize) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(max_requests) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: application/geo+json\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    format!("http://{addr}")
}

/// A server on 127.0.0.1 that hands each of at most `max_conns` connections
/// (after reading the request) to `handler`; it stops by itself.
#[allow(dead_code)]
pub fn serve_with(
    max_conns: usize,
    handler: impl Fn(std::net::TcpStream) + Send + Sync + 'static,
) -> String {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    let handler = std::sync::Arc::new(handler);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(max_conns) {
            let Ok(mut s) = stream else { continue };
            let h = handler.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                h(s);
            });
        }
    });
    format!("http://{addr}")
}

/// A server on 127.0.0.1 that answers its n-th connection with `script[n]`
/// (status, body); after the script it repeats the last entry.
#[allow(dead_code)]
pub fn serve_script(script: Vec<(u16, Vec<u8>)>) -> String {
    use std::io::Write;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let n = AtomicUsize::new(0);
    serve_with(10_000, move |mut s| {
        let i = n.fetch_add(1, Ordering::SeqCst);
        let (status, body) = &script[i.min(script.len() - 1)];
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: application/geo+json\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(body);
    })
}

/// Corridor C1 along 50 N from 30 to 31 E (1 km each side) and a contact line
/// along 30.8 E (zone from about 30.59 to 31.01 E), as one GeoJSON text.
#[allow(dead_code)]
pub const FEED_LAYERS: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"kind":"corridor","id":"C1","name":"Corridor C1"},
   "geometry":{"type":"LineString","coordinates":[[30,50],[30.5,50],[31,50]]}},
  {"type":"Feature","properties":{"kind":"contact_line","width_km":30},
   "geometry":{"type":"LineString","coordinates":[[30.8,49.5],[30.8,50.5]]}}]}"#;

/// A feed page of K-1 position reports (lon, lat, time), with an optional OGC `next` link.
#[allow(dead_code)]
pub fn feed_page(points: &[(f64, f64, &str)], next: Option<&str>) -> Vec<u8> {
    let links = next
        .map(|h| {
            format!(r#","links":[{{"rel":"next","href":"{h}","type":"application/geo+json"}}]"#)
        })
        .unwrap_or_default();
    corridor_watch::synth::position_reports("K-1", points, &links).into_bytes()
}

/// The scripted feed: two pages on the corridor; a 500; garbage; reports
/// leaving the corridor (one duplicate, out of order); reports entering the zone.
#[allow(dead_code)]
pub fn feed_script() -> Vec<(u16, Vec<u8>)> {
    vec![
        (
            200,
            feed_page(
                &[
                    (30.1, 50.0, "2026-03-02T08:00:00Z"),
                    (30.2, 50.0, "2026-03-02T08:10:00Z"),
                ],
                Some("items?page=2"),
            ),
        ),
        (
            200,
            feed_page(&[(30.3, 50.0, "2026-03-02T08:20:00Z")], None),
        ),
        (500, b"upstream down".to_vec()),
        (
            200,
            b"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":".to_vec(),
        ),
        (
            200,
            feed_page(
                &[
                    (30.4, 50.1, "2026-03-02T08:40:00Z"),
                    (30.35, 50.05, "2026-03-02T08:30:00Z"),
                    (30.3, 50.0, "2026-03-02T08:20:00Z"),
                ],
                None,
            ),
        ),
        (
            200,
            feed_page(
                &[
                    (30.5, 50.0, "2026-03-02T08:50:00Z"),
                    (30.7, 50.0, "2026-03-02T09:10:00Z"),
                ],
                None,
            ),
        ),
    ]
}
