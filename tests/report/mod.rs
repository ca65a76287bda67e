//! `report`: the monitoring report's PDF read back as text (pdftotext, from
//! poppler-utils, which `.ci/run` installs) and its figures compared with
//! `check`'s; periods with nothing in them; paper sizes; HTML.

mod notify;
#[cfg(feature = "gui")]
mod ui;

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn pdftotext(pdf: &Path) -> Option<String> {
    match Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
    {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        _ => {
            assert!(
                std::env::var("CORRIDOR_WATCH_REQUIRE_POPPLER").as_deref() != Ok("1"),
                "pdftotext (poppler-utils) is required"
            );
            eprintln!("note: pdftotext not installed (poppler-utils); report text test skipped");
            None
        }
    }
}

fn bundled() -> Vec<PathBuf> {
    corridor_watch::io::bundled_files()
}

fn report(files: &[PathBuf], extra: &[&str], out: &Path) -> std::process::Output {
    let o = bin()
        .arg("report")
        .args(files)
        .args(extra)
        .arg("-o")
        .arg(out)
        .output()
        .expect("runs");
    assert!(
        o.status.success(),
        "report failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// The value printed right of a key figure's label.
fn figure(text: &str, label: &str) -> String {
    text.lines()
        .find(|l| {
            l.trim_start().starts_with(label)
                && l.split("  ").filter(|s| !s.trim().is_empty()).count() >= 2
        })
        .and_then(|l| l.rsplit("  ").find(|s| !s.trim().is_empty()))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| panic!("no figure {label} in:\n{text}"))
}

#[test]
fn the_pdf_says_what_check_says() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("report.pdf");
    let o = report(&bundled(), &["--title", "Weekly corridor report"], &pdf);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("report: wrote"), "a progress line: {err}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let check = stdout_json(&run(
        &bundled().iter().map(PathBuf::as_path).collect::<Vec<_>>(),
        &[],
        "check",
    ));
    let s = &check["summary"];
    let Some(text) = pdftotext(&pdf) else { return };
    assert!(text.contains("Weekly corridor report"));
    assert!(
        text.contains("ILLUSTRATIVE DATA"),
        "the bundled scenario is said to be illustrative"
    );
    let n = |k: &str| s[k].as_u64().unwrap().to_string();
    // The notified movements, with their state at the period's end.
    assert!(text.contains("Notified movements (their state at the period's end)"));
    let line = text
        .lines()
        .find(|l| l.contains("MOV-002"))
        .unwrap_or_default();
    assert!(
        line.contains("violated") && line.contains("1 stretch off its window"),
        "{line}"
    );
    assert_eq!(figure(&text, "Convoys checked"), n("convoys"));
    assert_eq!(figure(&text, "Convoys flagged"), n("flagged"));
    assert_eq!(figure(&text, "Deviations  "), n("deviations"));
    assert_eq!(
        figure(&text, "Buffer-zone entries"),
        n("buffer_zone_entries")
    );
    assert_eq!(
        figure(&text, "Incidents inside the buffer zone"),
        n("incidents_inside")
    );
    let worst = s["worst_offset_m"].as_f64().unwrap();
    assert_eq!(
        figure(&text, "Worst offset from a corridor"),
        format!("{:.2} km", worst / 1000.0)
    );
    // Every deviation of check's report is a row of the table, with its length.
    for c in check["convoys"].as_array().unwrap() {
        for d in c["deviations"].as_array().unwrap() {
            let len = format!("{:.2} km", d["length_m"].as_f64().unwrap() / 1000.0);
            let start = d["start_time"].as_str().unwrap().replace('T', " ");
            let row = text
                .lines()
                .find(|l| {
                    l.contains(c["convoy_id"].as_str().unwrap())
                        && l.contains(&start[..16])
                        && l.contains("deviation")
                })
                .unwrap_or_else(|| panic!("no row for {} {start}", c["convoy_id"]));
            assert!(row.contains(&len), "{row} lacks {len}");
        }
    }
    // Every source's sha256.
    for f in bundled() {
        let sum = Command::new("sha256sum").arg(&f).output().unwrap();
        let sum = String::from_utf8_lossy(&sum.stdout);
        assert!(
            text.contains(sum.split_whitespace().next().unwrap()),
            "{}",
            f.display()
        );
    }
    for part in [
        "Overview map",
        "Incidents inside the buffer zone per day",
        "Time off-corridor per convoy",
        "Method",
        "geodesic",
    ] {
        assert!(text.contains(part), "{part}");
    }
}

#[test]
fn an_empty_period_gives_a_report_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("empty.pdf");
    report(
        &bundled(),
        &[
            "--from",
            "2031-01-01T00:00:00Z",
            "--to",
            "2031-01-08T00:00:00Z",
            "--paper",
            "letter",
        ],
        &pdf,
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        String::from_utf8_lossy(&bytes).contains("/MediaBox[0 0 612 792]"),
        "US Letter"
    );
    let Some(text) = pdftotext(&pdf) else { return };
    assert_eq!(figure(&text, "Convoys checked"), "0");
    assert!(text.contains("No convoy reported a position in this period"));
    assert!(text.contains("No incident inside the zone in the period"));
    assert!(text.contains("None in the period."));
    // No zone and no incidents: still a report.
    let pdf = dir.path().join("nozone.pdf");
    let files = [data("corridors.geojson"), data("tracks.geojson")];
    report(&files, &[], &pdf);
    let text = pdftotext(&pdf).unwrap_or_default();
    assert!(
        text.contains("no contact line"),
        "the method says there is no zone"
    );
    assert_eq!(figure(&text, "Incidents inside the buffer zone"), "0");
}

#[test]
fn html_and_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    report(&bundled(), &["--format", "html"], &html);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<svg") && page.contains("Key figures") && page.contains("UN-07"));
    let o = bin()
        .arg("report")
        .args(bundled())
        .args(["--from", "yesterday", "-o"])
        .arg(dir.path().join("x.pdf"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--from"));
    assert!(!dir.path().join("x.pdf").exists(), "nothing written");
}

/// Issue 22, items 18-19, read back with pdftotext: a title mixing
/// Cyrillic, Arabic and Hebrew keeps each script in its own order (it was
/// reversed whole, and Arabic and Hebrew were empty boxes); an axis of one
/// incident reads 0, 1 (not 1, 1, 0, 0, 0); hours are "0.6 h", never
/// "0.6000000000000001 h"; ids that differ at their end stay different in
/// the tables (they were cut to their first 10 characters).
#[test]
fn scripts_axes_and_ids_read_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let track = |id: &str, lat0: f64| {
        // 10 min on the corridor, 20 min 5 km north of it, 10 min back on it.
        let pts = [
            (30.10, lat0, 0),
            (30.12, lat0, 10),
            (30.13, lat0 + 0.045, 15),
            (30.15, lat0 + 0.045, 35),
            (30.16, lat0, 40),
            (30.18, lat0, 50),
        ];
        let coords: Vec<String> = pts.iter().map(|(x, y, _)| format!("[{x},{y}]")).collect();
        let times: Vec<String> = pts
            .iter()
            .map(|(_, _, m)| format!("\"2026-03-02T10:{m:02}:00Z\""))
            .collect();
        format!(
            r#"{{"type":"Feature","properties":{{"kind":"track","convoy_id":"{id}","coordinateProperties":{{"times":[{}]}}}},"geometry":{{"type":"LineString","coordinates":[{}]}}}}"#,
            times.join(","),
            coords.join(",")
        )
    };
    let layers = format!(
        r#"{{"type":"FeatureCollection","features":[
 {{"type":"Feature","properties":{{"kind":"corridor","id":"C"}},"geometry":{{"type":"LineString","coordinates":[[30,50],[31,50]]}}}},
 {{"type":"Feature","properties":{{"kind":"contact_line","width_km":10}},"geometry":{{"type":"LineString","coordinates":[[31.5,49],[31.5,51]]}}}},
 {{"type":"Feature","properties":{{"kind":"incident","id":"I1","category":"shelling","time":"2026-03-02T09:00:00Z"}},"geometry":{{"type":"Point","coordinates":[31.5,50]}}}},
 {},{}]}}"#,
        track("UN-CONVOY-LONG-NAME-017", 50.0),
        track("UN-CONVOY-LONG-NAME-018", 50.001)
    );
    let input = dir.path().join("case.geojson");
    std::fs::write(&input, layers).unwrap();
    let pdf = dir.path().join("r.pdf");
    report(
        &[input],
        &["--title", "Звіт: Київ — قافلة UN-07 בדיקה שיירה"],
        &pdf,
    );
    let Some(text) = pdftotext(&pdf) else { return };
    assert!(text.contains("Звіт: Київ"), "{text}");
    assert!(text.contains("בדיקה שיירה"), "Hebrew in its order:\n{text}");
    assert!(
        text.contains("قافلة"),
        "Arabic drawn and in its order:\n{text}"
    );
    assert!(!text.contains("0000000"), "float noise on an axis:\n{text}");
    let hours: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_end().ends_with(" h"))
        .collect();
    assert!(text.contains("0.6 h"), "{hours:?}");
    let chart: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("per day"))
        .take_while(|l| !l.contains("2026-03-02"))
        .map(str::trim)
        .filter(|l| l.parse::<u32>().is_ok())
        .collect();
    assert_eq!(chart, ["1", "0"], "count axis:\n{text}");
    assert!(
        text.contains("-017") && text.contains("-018"),
        "ids told apart:\n{text}"
    );
}

/// Issue 24, the report: "ILLUSTRATIVE DATA" on every page of a report on the
/// bundled scenario; counts with their own nouns (no "(s)", "(ies)"), no
/// literal backticks; an open period says the data's dates; each stretch and
/// incident located by MGRS and the nearest named place; the charts and the
/// map in the app's colours (the one palette), by category.
#[test]
fn every_page_says_illustrative_and_the_words_read_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("r.pdf");
    report(&bundled(), &[], &pdf);
    let Some(text) = pdftotext(&pdf) else { return };
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 5, "{} pages", pages.len());
    for (k, p) in pages.iter().enumerate() {
        assert!(
            p.contains("ILLUSTRATIVE DATA"),
            "page {} says nothing:\n{p}",
            k + 1
        );
    }
    for bad in ["(s)", "(ies)", "`"] {
        assert!(!text.contains(bad), "{bad:?} in:\n{text}");
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("6 deviations and 1 zone entry"), "{flat}");
    assert!(flat.contains("the 10 incidents inside the zone"), "{flat}");
    assert!(
        flat.contains("2026-03-01T08:01:56Z to 2026-03-04T21:00:16Z (all the data)"),
        "{flat}"
    );
    assert!(!flat.contains("all times in the data"));
    // The overview map names the places and the convoys that strayed; its
    // legend sits under it and names the categories' colours.
    let map_page = pages
        .iter()
        .find(|p| p.contains("Overview map"))
        .expect("a map page");
    for name in ["Kharkiv", "Odesa", "Dnipro", "UN-07", "MV-SEA-2"] {
        assert!(
            map_page.contains(name),
            "{name} not on the map:\n{map_page}"
        );
    }
    assert!(map_page.contains("incident inside the zone, by category"));
    // UN-07's deviation starts 2 km S of Slovyansk (the bundled places).
    assert!(
        flat.contains("37U CQ 97083 10028 2 km S of Slovyansk"),
        "{flat}"
    );
    // The HTML report's charts and map: shelling in the palette's wine, not
    // the old magenta; the zone entry in the palette's yellow.
    let html = dir.path().join("r.html");
    report(&bundled(), &["--format", "html"], &html);
    let h = std::fs::read_to_string(&html).unwrap().to_lowercase();
    let hex = |c: [u8; 3]| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
    let pal = corridor_watch::output::palette::category_colour;
    for cat in ["shelling", "checkpoint", "humanitarian_access"] {
        assert!(h.contains(&hex(pal(cat))), "{cat} {}", hex(pal(cat)));
    }
    assert!(h.contains(&hex(corridor_watch::output::palette::ZONE_ENTRY)));
    assert!(!h.contains("#96006e"), "the old shelling colour");
}

/// Issue 26: a maritime section (an inset map, then the table) with the
/// encounter once per pair, the loitering and the figures on page one; the
/// HTML has the same table. The bundled scenario has none and no such page.
#[test]
fn the_maritime_section_lists_encounters_and_loitering() {
    let dir = tempfile::tempdir().unwrap();
    let files = vec![
        data("grain_routes.geojson"),
        fixture("formats/ais/events.nmea"),
    ];
    let pdf = dir.path().join("sea.pdf");
    report(&files, &[], &pdf);
    let html = dir.path().join("sea.html");
    report(&files, &["--format", "html"], &html);
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.contains("<h2>Maritime: encounters, loitering and AIS gaps in the lanes</h2>"));
    assert!(html.contains("272000001 and 272000002"), "the pair, once");
    assert_eq!(html.matches(">encounter<").count(), 1);
    assert_eq!(html.matches(">loitering<").count(), 3);
    let Some(text) = pdftotext(&pdf) else { return };
    assert!(text.contains("Maritime: encounters, loitering and AIS gaps in the lanes"));
    assert!(text.contains("Maritime events"));
    assert_eq!(figure(&text, "Encounters between vessels"), "1");
    assert_eq!(figure(&text, "Vessels loitering"), "3");
    let row = text
        .lines()
        .find(|l| l.contains("272000001 and 272000002"))
        .expect("the encounter's row");
    assert!(
        row.contains("encounter") && row.contains("2 h 30 min") && row.contains("closest 0.30 km"),
        "{row}"
    );
    let out = dir.path().join("bundled.pdf");
    report(&bundled(), &[], &out);
    if let Some(t) = pdftotext(&out) {
        assert!(
            !t.contains("Maritime"),
            "no maritime page without vessel events"
        );
    }
}
