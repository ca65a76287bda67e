//! What the field's writers really produce (issue 22): other AIS talkers,
//! positions to the 1e-7 degree, KML as Google Earth and GDAL write it, dates
//! for times, and files whose every report is unreadable. Each test fails on
//! the code before the fix; the reference is named in each.

use super::{ais, features_of};
use crate::util::*;
use std::path::Path;

/// An NMEA sentence with its talker id changed and its checksum recomputed
/// (NMEA 0183: XOR of the characters between `!` and `*`).
fn with_talker(line: &str, talker: &str) -> String {
    let Some(at) = line.find("!AIVD") else {
        return line.to_string();
    };
    let (tag, sentence) = line.split_at(at);
    let body = sentence[1..].split('*').next().unwrap();
    let given = sentence.rsplit('*').next().unwrap_or("");
    let was_good = u8::from_str_radix(given, 16).ok() == Some(body.bytes().fold(0u8, |a, b| a ^ b));
    let body = format!("{talker}{}", &body[2..]);
    let sum = body.bytes().fold(0u8, |a, b| a ^ b);
    // A sentence whose checksum was wrong stays wrong.
    let sum = if was_good { sum } else { !sum };
    format!("{tag}!{body}*{sum:02X}")
}

/// Base stations (`!BSVDM`), AIS receivers of other makes (`!ABVDM`,
/// `!ANVDM`): the same sentences as `!AIVDM`, and read alike. Reference: the
/// fixture's pyais-encoded track (vessel.geojson, make_ais.py): the same
/// positions and times whatever the talker.
#[test]
fn every_ais_talker_is_read() {
    let original = std::fs::read_to_string(ais("vessel.nmea")).unwrap();
    let talkers = ["BS", "AB", "AN", "AI"];
    let mut k = 0;
    let rewritten: String = original
        .lines()
        .map(|l| {
            // One message's parts keep one talker.
            let single_or_first =
                l.contains("!AIVD") && (l.contains(",1,1,") || l.contains(",2,1,"));
            if single_or_first {
                k += 1;
            }
            with_talker(l, talkers[k % talkers.len()]) + "\n"
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("talkers.nmea");
    std::fs::write(&p, &rewritten).unwrap();
    assert!(rewritten.contains("!BSVD") && rewritten.contains("!ANVD"));
    let want = features_of(&ais("vessel.nmea"));
    let got = features_of(&p);
    assert_eq!(got.len(), want.len());
    assert_eq!(got[0]["geometry"], want[0]["geometry"], "every fix read");
    // The same times too: the same check, to the byte.
    let check = |file: &Path| {
        let out = run(
            &[&data("grain_routes.geojson"), file],
            &["--format", "json"],
            "check",
        );
        stdout_json(&out)
    };
    assert_eq!(check(&p), check(&ais("vessel.nmea")));
    // Sentences of other kinds are counted, not silently dropped.
    std::fs::write(
        &p,
        format!("{rewritten}$GPGGA,120000,4630.0,N,03040.0,E,1,08,0.9,0,M,,M,,*47\n"),
    )
    .unwrap();
    let out = run(&[&p], &["--bbox", "-180,-90,180,90"], "query");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 sentence(s) of other kinds"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// MarineCadastre positions have 7 decimals; read as f32 they moved by up to
/// 0.8 m past 128 degrees. Reference: the decimal text itself. A 0,0 fix (a
/// receiver without a position) is not a position.
#[test]
fn ais_csv_positions_are_exact_and_zero_zero_is_no_fix() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("mc.csv");
    std::fs::write(
        &p,
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass\n\
         366999001,2026-03-02T10:00:00,58.1234567,-150.1234567,10,0,0,TEST,,,,,,,,,A\n\
         366999001,2026-03-02T10:01:00,58.1234580,-150.1234554,10,0,0,TEST,,,,,,,,,A\n\
         366999001,2026-03-02T10:02:00,0.0,0.0,10,0,0,TEST,,,,,,,,,A\n\
         366999001,2026-03-02T10:03:00,58.1234593,-150.1234541,10,0,0,TEST,,,,,,,,,A\n",
    )
    .unwrap();
    let out = run(&[&p], &["--bbox", "-180,-90,180,90"], "query");
    assert_exit(&out, 0, "mc.csv");
    let f = stdout_json(&out)["features"][0].clone();
    let coords = f["geometry"]["coordinates"].as_array().unwrap();
    assert_eq!(coords.len(), 3, "the 0,0 fix dropped: {coords:?}");
    for (c, (lon, lat)) in coords.iter().zip([
        (-150.1234567, 58.1234567),
        (-150.1234554, 58.1234580),
        (-150.1234541, 58.1234593),
    ]) {
        assert!((c[0].as_f64().unwrap() - lon).abs() < 1e-9, "{c}");
        assert!((c[1].as_f64().unwrap() - lat).abs() < 1e-9, "{c}");
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("0,0"));
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A `gx:MultiTrack` (Google's KML extension 2.2: a track of several
/// `gx:Track`s) was dropped without a word. Reference: the extension's
/// definition, one line part per gx:Track with its own `when`s.
#[test]
fn a_kml_multitrack_is_a_track_of_parts() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "multitrack.kml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2"><Document>
<Placemark><name>MT1</name>
 <ExtendedData><Data name="kind"><value>track</value></Data><Data name="convoy_id"><value>MT1</value></Data></ExtendedData>
 <gx:MultiTrack><altitudeMode>clampToGround</altitudeMode><gx:interpolate>0</gx:interpolate>
  <gx:Track><when>2026-03-02T10:00:00Z</when><when>2026-03-02T10:10:00Z</when><when>2026-03-02T10:20:00Z</when>
   <gx:coord>33.0 48.0 0</gx:coord><gx:coord>33.05 48.02 0</gx:coord><gx:coord>33.1 48.04 0</gx:coord></gx:Track>
  <gx:Track><when>2026-03-02T11:00:00Z</when><when>2026-03-02T11:10:00Z</when><when>2026-03-02T11:20:00Z</when>
   <gx:coord>33.2 48.08 0</gx:coord><gx:coord>33.25 48.1 0</gx:coord><gx:coord>33.3 48.12 0</gx:coord></gx:Track>
 </gx:MultiTrack></Placemark>
</Document></kml>"#,
    );
    let f = features_of(&p);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["geometry"]["type"], "MultiLineString");
    let parts = f[0]["geometry"]["coordinates"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[1][2], serde_json::json!([33.3, 48.12]));
    // Far from the only corridor: each part is a deviation from its first
    // time to its last, so the parts keep their own times.
    let far = write(
        dir.path(),
        "far.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"corridor","id":"F"},
          "geometry":{"type":"LineString","coordinates":[[20,40],[20.1,40]]}}]}"#,
    );
    let out = run(&[&far, &p], &["--format", "json"], "check");
    assert_exit(&out, 1, "multitrack");
    let report = stdout_json(&out);
    let c = &report["convoys"][0];
    assert_eq!(c["convoy_id"], "MT1", "{report}");
    let d = c["deviations"].as_array().unwrap();
    assert_eq!(d.len(), 2, "{report}");
    assert_eq!(d[0]["start_time"], "2026-03-02T10:00:00Z");
    assert_eq!(d[1]["start_time"], "2026-03-02T11:00:00Z");
    assert_eq!(d[1]["end_time"], "2026-03-02T11:20:00Z");
}

/// `33.0, 48.0, 0` (spaces after the commas) is how many tools write KML
/// coordinates, and Google Earth and GDAL read them. Reference: the numbers
/// as written. A coordinate that is no number names its placemark.
#[test]
fn kml_coordinates_with_spaces_after_commas_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let kml = |coords: &str| {
        format!(
            r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>Fine</name><Point><coordinates>30,46</coordinates></Point></Placemark>
<Placemark><name>Spaced LineString</name>
 <ExtendedData><Data name="kind"><value>corridor</value></Data><Data name="id"><value>CS</value></Data></ExtendedData>
 <LineString><coordinates>{coords}</coordinates></LineString></Placemark></Document></kml>"#
        )
    };
    let p = write(
        dir.path(),
        "spaced.kml",
        &kml("33.0, 48.0, 0  33.1, 48.05, 0\n 33.2 ,48.1,0"),
    );
    let f = features_of(&p);
    assert_eq!(
        f[1]["geometry"]["coordinates"],
        serde_json::json!([[33.0, 48.0], [33.1, 48.05], [33.2, 48.1]])
    );
    let p = write(dir.path(), "bad.kml", &kml("33.0,48.0 33.1,forty-eight"));
    let out = run(&[&p], &["--bbox", "-180,-90,180,90"], "query");
    assert_exit(&out, 2, "bad.kml");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("placemark 2") && err.contains("Spaced LineString") && err.contains("bad.kml"),
        "{err}"
    );
}

/// KML's `TimeStamp/when` may be a date (`2026-03-02`), a year and month
/// (`2026-03`) or a year (XML Schema's date, gYearMonth, gYear: KML 2.2,
/// 9.15); such an incident was skipped. It is the whole day or month: an
/// incident dated 2026-03-02 is inside a period from 2026-03-02T12:00Z.
#[test]
fn kml_dates_are_whole_days_and_months() {
    let dir = tempfile::tempdir().unwrap();
    let placemark = |id: &str, when: &str| {
        format!(
            r#"<Placemark><ExtendedData><Data name="kind"><value>incident</value></Data><Data name="id"><value>{id}</value></Data><Data name="category"><value>shelling</value></Data></ExtendedData>
<TimeStamp><when>{when}</when></TimeStamp><Point><coordinates>37.8,48.0</coordinates></Point></Placemark>"#
        )
    };
    let p = write(
        dir.path(),
        "dates.kml",
        &format!(
            r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{}{}{}</Document></kml>"#,
            placemark("I1", "2026-03-02"),
            placemark("I2", "2026-03"),
            placemark("I3", "2026-03-02T10:00:00Z")
        ),
    );
    let f = features_of(&p);
    let ids: Vec<&str> = f
        .iter()
        .map(|f| f["properties"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["I1", "I2", "I3"]);
}

/// A file whose every track was skipped (here: gx:Tracks whose `when`s do
/// not pair with their positions) must not pass as clean: `check` exits 2
/// and says why.
#[test]
fn a_file_whose_every_report_is_skipped_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "unpaired.kml",
        r#"<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2"><Document>
<Placemark><ExtendedData><Data name="kind"><value>track</value></Data><Data name="convoy_id"><value>U1</value></Data></ExtendedData>
<gx:Track><when>2026-03-02T08:00:00Z</when><gx:coord>30 50</gx:coord><gx:coord>31 50</gx:coord></gx:Track></Placemark>
</Document></kml>"#,
    );
    let out = run(
        &[&data("corridors.geojson"), &p],
        &["--format", "json"],
        "check",
    );
    assert_exit(&out, 2, "unpaired.kml");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("every track or position report") && err.contains("unpaired.kml"),
        "{err}"
    );
}

/// Timed tracks that ogr2ogr wrote to a shapefile, their `times` lists cut
/// at dBASE's 254 characters (issue 30): each track is named as cut (not as
/// malformed), and since every track was skipped `check` exits 2.
#[test]
fn times_cut_by_ogr2ogr_are_named_and_not_clean() {
    let shp = fixture("formats/issue30/cut_times.shp");
    let out = run(
        &[&data("corridors.geojson"), &shp],
        &["--format", "json"],
        "check",
    );
    assert_exit(&out, 2, "cut_times.shp");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("is cut at 254 characters").count(), 2, "{err}");
    assert!(err.contains("every track or position report"), "{err}");
    assert!(!err.contains("must be an array"), "{err}");
}

/// `file.gpkg#table` where the table's own name holds a `#` (issue 22, item
/// 20): the file is the part before the first `#` that names a GeoPackage.
#[test]
fn a_geopackage_table_with_a_hash_in_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("scenario.gpkg");
    std::fs::copy(fixture("formats/scenario/scenario_3857.gpkg"), &gpkg).unwrap();
    {
        let db = rusqlite::Connection::open(&gpkg).unwrap();
        db.execute_batch(
            "PRAGMA foreign_keys = OFF;
             ALTER TABLE lines RENAME TO \"lines#2026\";
             UPDATE gpkg_contents SET table_name = 'lines#2026' WHERE table_name = 'lines';
             UPDATE gpkg_geometry_columns SET table_name = 'lines#2026' WHERE table_name = 'lines';",
        )
        .unwrap();
    }
    let source = format!("{}#lines#2026", gpkg.display());
    let out = run(
        &[Path::new(&source)],
        &["--bbox", "-180,-90,180,90"],
        "query",
    );
    assert_exit(&out, 0, &source);
    let n = stdout_json(&out)["features"].as_array().unwrap().len();
    let want = features_of(Path::new(&format!(
        "{}#lines",
        fixture("formats/scenario/scenario_3857.gpkg").display()
    )))
    .len();
    assert_eq!(n, want);
}

/// `route --corridor-ids NOPE` named no id (issue 22, item 20): it names the
/// unknown one and the ids loaded.
#[test]
fn route_names_an_unknown_corridor_id() {
    let out = run(
        &[&data("corridors.geojson")],
        &[
            "--from",
            "30.5,50.4",
            "--to",
            "36.2,50.0",
            "--corridor-ids",
            "HC-01,NOPE",
        ],
        "route",
    );
    assert_exit(&out, 2, "route");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"NOPE\"") && err.contains("HC-01"), "{err}");
}

/// GDAL writes a list property (a corridor's `closures`) to a GeoPackage as
/// JSON text in a TEXT column: the closures were silently ignored, and UN-07's
/// stretch in the closed corridor HC-04 went unflagged when the corridors came
/// as a GeoPackage. Reference: the same check on data/corridors.geojson.
#[test]
fn closures_written_by_gdal_as_json_text_are_read() {
    let gpkg = fixture("formats/issue28/corridors.gpkg");
    let (tracks, movements) = (data("tracks.geojson"), data("movements.geojson"));
    let status = |corridors: &Path| {
        let out = run(
            &[corridors, &tracks, &movements],
            &["--format", "json"],
            "check",
        );
        let v = stdout_json(&out);
        let un07 = v["convoys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["convoy_id"] == "UN-07")
            .unwrap()
            .clone();
        un07["closed_corridor"].clone()
    };
    let from_geojson = status(&data("corridors.geojson"));
    assert!(
        from_geojson.as_array().is_some_and(|a| !a.is_empty()),
        "{from_geojson}"
    );
    assert_eq!(status(&gpkg), from_geojson);
    // Text that is no list is said, not silently dropped.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.geojson");
    std::fs::write(
        &bad,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature",
        "properties":{"kind":"corridor","id":"HC-X","closures":"tomorrow"},
        "geometry":{"type":"LineString","coordinates":[[30,50],[31,50]]}}]}"#,
    )
    .unwrap();
    let out = run(&[&bad, &tracks], &["--format", "json"], "check");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("closures \\\"tomorrow\\\" is not a list")
            || text.contains("closures \"tomorrow\" is not a list"),
        "{text}"
    );
}
