//! OGC API Features against a real pygeoapi (PyPI, in a venv under
//! `target/pygeoapi-venv`, made by `.ci/run`) started on 127.0.0.1: its
//! GeoJSON provider over the test cases, and its PostgreSQL provider over a
//! PostGIS table when the test cluster is up. The offset fallback (pages
//! with `numberMatched` and no `next`) against a scripted server.

use crate::util::*;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Pygeoapi {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Pygeoapi {
    fn drop(&mut self) {
        // `pygeoapi serve` starts a second process (Flask's): stop its whole group.
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--"])
            .arg(format!("-{}", self.child.id()))
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn venv_bin() -> Option<PathBuf> {
    let p = root().join("target/pygeoapi-venv/bin/pygeoapi");
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var("CORRIDOR_WATCH_REQUIRE_PYGEOAPI").as_deref() != Ok("1"),
        "pygeoapi is required but target/pygeoapi-venv is missing (.ci/run makes it)"
    );
    eprintln!(
        "note: pygeoapi not installed (target/pygeoapi-venv); OGC API test skipped (see README)"
    );
    None
}

/// A GeoJSON provider resource over `file`.
fn geojson_resource(id: &str, file: &Path) -> String {
    format!(
        "    {id}:\n      type: collection\n      title: {id}\n      description: {id}\n      keywords: [test]\n      extents:\n        spatial:\n          bbox: [-180, -90, 180, 90]\n          crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84\n      links: []\n      providers:\n        - type: feature\n          name: GeoJSON\n          data: {}\n          id_field: fid\n",
        file.display()
    )
}

fn start(resources: &str) -> Option<Pygeoapi> {
    let bin = venv_bin()?;
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let cfg = format!(
        "server:\n  bind:\n    host: 127.0.0.1\n    port: {port}\n  url: {url}\n  mimetype: application/json; charset=UTF-8\n  encoding: utf-8\n  languages: [en-US]\n  limits:\n    default_items: 10\n    max_items: 50\n  map:\n    url: https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png\n    attribution: OSM\nlogging:\n  level: ERROR\nmetadata:\n  identification:\n    title: corridor-watch test\n    description: test\n    keywords: [test]\n    keywords_type: theme\n    terms_of_service: https://example.org\n    url: https://example.org\n  license:\n    name: CC-BY 4.0\n    url: https://creativecommons.org/licenses/by/4.0/\n  provider:\n    name: test\n    url: https://example.org\n  contact:\n    name: test\n    position: test\n    address: test\n    city: test\n    stateorprovince: test\n    postalcode: '0'\n    country: test\n    phone: '0'\n    fax: '0'\n    email: test@example.org\n    url: https://example.org\n    hours: always\n    instructions: none\n    role: pointOfContact\nresources:\n{resources}"
    );
    let cfg_path = dir.path().join("config.yml");
    let api_path = dir.path().join("openapi.yml");
    std::fs::write(&cfg_path, cfg).unwrap();
    let gen_out = Command::new(&bin)
        .args(["openapi", "generate"])
        .arg(&cfg_path)
        .arg("--output-file")
        .arg(&api_path)
        .env("PYGEOAPI_CONFIG", &cfg_path)
        .output()
        .expect("pygeoapi runs");
    assert!(
        gen_out.status.success(),
        "pygeoapi openapi: {}",
        String::from_utf8_lossy(&gen_out.stderr)
    );
    let child = Command::new(&bin)
        .process_group(0)
        .arg("serve")
        .env("PYGEOAPI_CONFIG", &cfg_path)
        .env("PYGEOAPI_OPENAPI", &api_path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("pygeoapi serves");
    let p = Pygeoapi {
        child,
        url,
        _dir: dir,
    };
    let t0 = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "pygeoapi did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(p)
}

/// A GeoJSON file with a `fid` on every feature (pygeoapi's id field).
fn with_fids(src: &Path, dir: &Path, name: &str) -> PathBuf {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(src).unwrap()).unwrap();
    for (i, f) in v["features"].as_array_mut().unwrap().iter_mut().enumerate() {
        f["properties"]["fid"] = i.into();
    }
    let p = dir.join(name);
    std::fs::write(&p, v.to_string()).unwrap();
    p
}

/// 120 position reports, to be paged.
fn reports(dir: &Path) -> PathBuf {
    let pts: Vec<String> = (0..120)
        .map(|i| {
            format!(
                r#"{{"type":"Feature","properties":{{"fid":{i},"convoy_id":"P-1","time":"2026-03-02T08:{:02}:{:02}Z"}},"geometry":{{"type":"Point","coordinates":[30.0,{}]}}}}"#,
                i / 60,
                i % 60,
                46.0 + f64::from(i) * 0.001
            )
        })
        .collect();
    let p = dir.join("reports.geojson");
    std::fs::write(
        &p,
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            pts.join(",")
        ),
    )
    .unwrap();
    p
}

#[test]
fn pygeoapi_collections_paging_and_the_same_report() {
    let data = tempfile::tempdir().unwrap();
    let layers = with_fids(
        &fixture("cases/excursion/layers.geojson"),
        data.path(),
        "layers.geojson",
    );
    let tracks = with_fids(
        &fixture("cases/excursion/tracks.geojson"),
        data.path(),
        "tracks.geojson",
    );
    let reps = reports(data.path());
    // The bundled scenario's GeoJSON layers, one collection each.
    let bundled: Vec<PathBuf> = corridor_watch::io::bundled_files()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "geojson"))
        .collect();
    let mut resources = [
        geojson_resource("layers", &layers),
        geojson_resource("tracks", &tracks),
        geojson_resource("reports", &reps),
    ]
    .concat();
    for p in &bundled {
        let stem = p.file_stem().unwrap().to_str().unwrap();
        let served = with_fids(p, data.path(), &format!("bundled_{stem}.geojson"));
        resources.push_str(&geojson_resource(&format!("bundled_{stem}"), &served));
    }
    let Some(server) = start(&resources) else {
        return;
    };
    let limits = corridor_watch::io::http::FetchLimits::default();
    let list = corridor_watch::io::ogc::collections(&server.url, &limits).expect("collections");
    let ids: Vec<&str> = list.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(&ids[..3], ["layers", "tracks", "reports"], "{list:?}");
    assert_eq!(ids.len(), 3 + bundled.len());
    // 1000 asked, the server caps pages at 50: three pages by its next links.
    let items = &list[2].items_url;
    let layer = corridor_watch::io::read_url(items, &limits, None, None).expect("all pages");
    assert_eq!(layer.features.len(), 120, "{:?}", layer.warnings);
    let mut times: Vec<&str> = layer
        .features
        .iter()
        .filter_map(|f| f.properties["time"].as_str())
        .collect();
    times.dedup();
    assert_eq!(times.len(), 120, "no item twice");
    // The report from the server equals the report from the files.
    let from_files = stdout_json(&run(
        &[&fixture("cases/excursion/layers.geojson")],
        &[
            "--tracks",
            fixture("cases/excursion/tracks.geojson").to_str().unwrap(),
        ],
        "check",
    ));
    let out = bin()
        .args(["check", &list[0].items_url, "--tracks", &list[1].items_url])
        .output()
        .unwrap();
    crate::util::assert_exit(&out, 1, "");
    assert_eq!(stdout_json(&out)["convoys"], from_files["convoys"]);
    // The bundled scenario from the server: the same report as from its files.
    let files: Vec<&Path> = bundled.iter().map(PathBuf::as_path).collect();
    let want = stdout_json(&run(&files, &[], "check"));
    let urls: Vec<&str> = list[3..].iter().map(|c| c.items_url.as_str()).collect();
    let got = bin().arg("check").args(&urls).output().unwrap();
    assert_eq!(
        got.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&got.stderr)
    );
    let got = stdout_json(&got);
    assert!(!want["convoys"].as_array().unwrap().is_empty());
    assert_eq!(got["convoys"], want["convoys"]);
    assert_eq!(got["summary"], want["summary"]);
}

/// pygeoapi's PostgreSQL provider over a PostGIS table: `bbox=` and
/// `datetime=` answered by the server; the feed polls with `datetime=`.
#[test]
fn pygeoapi_over_postgis_bbox_and_datetime() {
    let Some(pg) = crate::postgis::shared_cluster() else {
        return;
    };
    if venv_bin().is_none() {
        return;
    }
    let table = "ogc_positions";
    pg.sql(
        "postgres",
        &format!(
            "DROP TABLE IF EXISTS {table}; \
             CREATE TABLE {table} (fid serial PRIMARY KEY, convoy_id text, time timestamptz, geom geometry(Point, 4326)); \
             INSERT INTO {table} (convoy_id, time, geom) SELECT 'Q-1', to_timestamp(1772438400 + g * 60), \
               ST_SetSRID(ST_MakePoint(30 + g * 0.01, 46), 4326) FROM generate_series(0, 79) g;"
        ),
    );
    let resource = format!(
        "    positions:\n      type: collection\n      title: positions\n      description: positions\n      keywords: [test]\n      extents:\n        spatial:\n          bbox: [-180, -90, 180, 90]\n          crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84\n      links: []\n      providers:\n        - type: feature\n          name: PostgreSQL\n          data:\n            host: 127.0.0.1\n            port: {}\n            dbname: postgres\n            user: {}\n            password: {}\n            search_path: [public]\n          id_field: fid\n          table: {table}\n          geom_field: geom\n          time_field: time\n",
        pg.port,
        crate::postgis::USER,
        crate::postgis::PASSWORD
    );
    let Some(server) = start(&resource) else {
        return;
    };
    let limits = corridor_watch::io::http::FetchLimits::default();
    let list = corridor_watch::io::ogc::collections(&server.url, &limits).expect("collections");
    let items = &list[0].items_url;
    let all = corridor_watch::io::read_url(items, &limits, None, None).expect("all");
    assert_eq!(all.features.len(), 80, "{:?}", all.warnings);
    use corridor_watch::io::ogc::{ItemsQuery, first_page};
    use corridor_watch::io::read_ogc_pages as read_pages;
    let within = read_pages(
        &first_page(
            items,
            &ItemsQuery {
                bbox: Some([30.095, 45.9, 30.205, 46.1]),
                limit: Some(1000),
                ..Default::default()
            },
        ),
        &limits,
    )
    .expect("bbox");
    assert_eq!(within.features.len(), 11, "30.10 .. 30.20 E");
    let since = read_pages(
        &first_page(
            items,
            &ItemsQuery {
                datetime: Some("2026-03-02T09:00:00Z/..".into()),
                limit: Some(1000),
                ..Default::default()
            },
        ),
        &limits,
    )
    .expect("datetime");
    assert_eq!(since.features.len(), 20, "08:00 + 60..79 min");
    // The feed asks only for what is new after its first poll.
    let mut feed = corridor_watch::io::feed::Feed::open(items).unwrap();
    assert_eq!(feed.poll(&limits).unwrap().features.len(), 80);
    let second = feed.poll(&limits).unwrap();
    assert_eq!(
        second.features.len(),
        1,
        "only the latest again (datetime=latest/..)"
    );
}

/// A server on 127.0.0.1 answering each request (by its request line) with
/// the GeoJSON `page` gives; returns its items URL.
fn serve_pages(page: impl Fn(&str) -> String + Send + 'static) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in listener.incoming().take(20) {
            let Ok(mut s) = s else { continue };
            let mut line = String::new();
            let _ = BufReader::new(&s).read_line(&mut line);
            let body = page(&line);
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/geo+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}/collections/c/items")
}

/// Pages with `numberMatched` but no `next` link: paged by `offset`.
#[test]
fn offset_paging_where_next_is_missing() {
    let url = serve_pages(move |line: &str| {
        let offset: usize = line
            .split(['?', '&', ' '])
            .find_map(|p| p.strip_prefix("offset="))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let n = 25usize.min(60 - offset.min(60));
        let feats: Vec<String> = (offset..offset + n)
            .map(|i| format!(r#"{{"type":"Feature","properties":{{"convoy_id":"O-1","time":"2026-03-02T08:00:{:02}Z"}},"geometry":{{"type":"Point","coordinates":[30,{}]}}}}"#, i % 60, 46.0 + i as f64 * 0.001))
            .collect();
        format!(
            r#"{{"type":"FeatureCollection","numberMatched":60,"numberReturned":{n},"features":[{}],"links":[]}}"#,
            feats.join(",")
        )
    });
    let layer = corridor_watch::io::read_url(&url, &Default::default(), None, None).expect("pages");
    assert_eq!(layer.features.len(), 60, "{:?}", layer.warnings);
}

/// File > Open OGC API…: the server's collections listed, one opened, seen
/// rendered (snapshot `ogc_collections.png`).
#[cfg(feature = "gui")]
#[test]
fn the_app_lists_a_servers_collections_and_opens_one() {
    use crate::ui::{app_on, click, hide_log, settle, wait_until};
    use egui_kittest::kittest::Queryable;
    let data = tempfile::tempdir().unwrap();
    let mut resources = String::new();
    for name in ["incidents", "grain_routes"] {
        let served = with_fids(
            &crate::util::data(&format!("{name}.geojson")),
            data.path(),
            &format!("{name}.geojson"),
        );
        resources.push_str(&geojson_resource(name, &served));
    }
    let Some(server) = start(&resources) else {
        return;
    };
    let mut h = app_on(vec![crate::util::data("corridors.geojson")]);
    click(&mut h, "File");
    click(&mut h, "Open OGC API…");
    h.state_mut().settings.forms.ogc_url = server.url.clone();
    h.run_steps(2);
    click(&mut h, "List collections");
    let t0 = Instant::now();
    while h.state().session.ogc_collections.is_none() {
        assert!(t0.elapsed() < Duration::from_secs(30), "no collections");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run_steps(3);
    assert_eq!(
        h.get_all_by_label("incidents").count(),
        2,
        "title and id shown"
    );
    assert_eq!(h.get_all_by_label("grain_routes").count(), 2);
    hide_log(&mut h);
    h.snapshot_options(
        "ogc_collections",
        &egui_kittest::SnapshotOptions::new()
            .threshold(1.5)
            .max_failed_pixels(6000),
    );
    h.get_all_by_label("Open")
        .next()
        .expect("an Open button")
        .click();
    h.run_steps(2);
    wait_until(&mut h, |h| h.state().session.layers.len() == 2);
    settle(&mut h);
    let layers = &h.state().session.layers;
    assert_eq!(layers.len(), 2);
    assert_eq!(
        layers[1].layer.features.len(),
        26,
        "every incident, over the server's 50-item pages"
    );
}

/// Cursor-style `next` links (an opaque token, as tipg and GeoServer send)
/// are followed as they are; the `limit` asked for is kept by the server's links.
#[test]
fn cursor_next_links_are_followed() {
    let url = serve_pages(move |line: &str| {
        // Page k of 3: cursor tokens "c1", "c2".
        let k = ["cursor=c1", "cursor=c2"]
            .iter()
            .position(|c| line.contains(c))
            .map_or(0, |i| i + 1);
        let feats: Vec<String> = (0..10)
            .map(|i| format!(r#"{{"type":"Feature","properties":{{"convoy_id":"C-1","time":"2026-03-02T08:{k:02}:{i:02}Z"}},"geometry":{{"type":"Point","coordinates":[30,{}]}}}}"#, 46.0 + (k * 10 + i) as f64 * 0.001))
            .collect();
        let next = if k < 2 {
            format!(
                r#",{{"rel":"next","type":"application/geo+json","href":"/collections/c/items?cursor=c{}"}}"#,
                k + 1
            )
        } else {
            String::new()
        };
        format!(
            r#"{{"type":"FeatureCollection","features":[{}],"links":[{{"rel":"self","href":"x"}}{next}]}}"#,
            feats.join(",")
        )
    });
    let layer = corridor_watch::io::read_url(&url, &Default::default(), None, None).expect("pages");
    assert_eq!(layer.features.len(), 30, "{:?}", layer.warnings);
}
