//! Layers over HTTP from a local server that misbehaves on purpose.

use crate::util::*;

// ---- layers over HTTP from a local server that misbehaves on purpose

fn check_url(url: &str, extra: &[&str]) -> (Option<i32>, String, std::time::Duration) {
    let start = std::time::Instant::now();
    let out = crate::util::bin()
        .arg("check")
        .arg(url)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        start.elapsed(),
    )
}

fn reply(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 {status}\r\n{headers}Connection: close\r\n\r\n").into_bytes();
    r.extend_from_slice(body);
    r
}

#[test]
fn check_reads_a_layer_over_http() {
    use std::io::Write;
    let body = std::fs::read(fixture("cases/excursion/tracks.geojson")).unwrap();
    let corr = fixture("cases/excursion/layers.geojson");
    let url = crate::util::serve_with(1, move |mut s| {
        let _ = s.write_all(&reply(
            "200 OK",
            &format!(
                "Content-Length: {}\r\nContent-Type: application/geo+json\r\n",
                body.len()
            ),
            &body,
        ));
    });
    let out = crate::util::bin()
        .arg("check")
        .arg(&corr)
        .arg(format!("{url}/tracks.geojson"))
        .output()
        .unwrap();
    assert_exit(&out, 1, "");
    assert_eq!(deviation_count(&out, 0), 1);
}

#[test]
fn http_faults_are_named_errors() {
    // (case, status line, headers, body, what the error must say)
    #[rustfmt::skip]
    let cases: [(&str, &str, &str, &[u8], &str); 7] = [
        ("404", "404 Not Found", "Content-Length: 0\r\n", b"", "HTTP 404"),
        ("500", "500 Internal Server Error", "Content-Length: 0\r\n", b"", "HTTP 500"),
        ("truncated", "200 OK", "Content-Length: 1000\r\n", br#"{"type":"FeatureCollection","#, "broke off"),
        ("png", "200 OK", "Content-Length: 12\r\nContent-Type: image/png\r\n", b"\x89PNG\r\n\x1a\n\0\0\0\r", "a PNG image, not GeoJSON"),
        ("garbage", "200 OK", "Content-Length: 9\r\n", b"{not json", "not valid JSON"),
        ("html", "200 OK", "Content-Type: text/html\r\nContent-Length: 25\r\n", b"<html><body>hi</body></html>", "HTML page"),
        ("huge", "200 OK", "Content-Length: 2000000000\r\n", b"", "over the"),
    ];
    for (name, status, headers, body, want) in cases {
        let answer = reply(status, headers, body);
        let handler = move |mut s: std::net::TcpStream| {
            use std::io::Write;
            let _ = s.write_all(&answer);
        };
        let url = crate::util::serve_with(1, handler);
        let (code, err, took) = check_url(&format!("{url}/{name}.geojson"), &[]);
        assert_eq!(code, Some(2), "{name}: {err}");
        assert!(
            err.contains(want) && err.contains(&format!("{name}.geojson")),
            "{name}: {err}"
        );
        assert!(
            !err.contains("panicked") && took.as_secs() < 30,
            "{name}: {err}"
        );
    }
}

#[test]
fn endless_stalled_and_dripping_servers_are_cut_off() {
    use std::io::Write;
    // A body with no length that never ends: the size cap stops it.
    let url = crate::util::serve_with(1, |mut s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n[");
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..64 {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let (code, err, _) = check_url(
        &format!("{url}/endless.geojson"),
        &["--max-download-mb", "1"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("over the 1048576-byte limit"), "{err}");
    // A server that never answers, and one that drips a byte a second: the timeout.
    let stalled = crate::util::serve_with(1, |s| {
        std::thread::sleep(std::time::Duration::from_secs(6));
        drop(s);
    });
    let drip = crate::util::serve_with(1, |mut s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
        for _ in 0..8 {
            std::thread::sleep(std::time::Duration::from_millis(700));
            if s.write_all(b" ").is_err() {
                return;
            }
        }
    });
    for url in [
        format!("{stalled}/stalled.geojson"),
        format!("{drip}/drip.geojson"),
    ] {
        let (code, err, took) = check_url(&url, &["--http-timeout-s", "2"]);
        assert_eq!(code, Some(2), "{url}: {err}");
        assert!(
            err.contains("in time") || err.contains("broke off"),
            "{url}: {err}"
        );
        assert!(took.as_secs() < 10, "{url} took {took:?}");
    }
}

#[test]
fn a_redirect_loop_is_refused() {
    use std::io::Write;
    let url = crate::util::serve_with(10, |mut s| {
        let _ = s.write_all(&reply(
            "302 Found",
            "Location: /loop.geojson\r\nContent-Length: 0\r\n",
            b"",
        ));
    });
    let (code, err, _) = check_url(&format!("{url}/loop.geojson"), &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("redirect"), "{err}");
    let (code, err, _) = check_url("ftp://example.invalid/x.geojson", &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("only http://, https:// and postgresql://"),
        "{err}"
    );
}
