//! Files as GDAL 3.6 and pyais write them (`tests/fixtures/formats/issue22/`,
//! made by its `make.sh`), checked against the values in its
//! `expected.json`: computed by pyproj 3.7 (PROJ 9.5), GeographicLib 2.1 and
//! pyais 3.3 and read back with GDAL, never by this code (issue 22).

use super::features_of;
use crate::util::*;
use serde_json::Value;
use std::path::PathBuf;

fn f(name: &str) -> PathBuf {
    fixture(&format!("formats/issue22/{name}"))
}

fn expected() -> Value {
    serde_json::from_slice(&std::fs::read(f("expected.json")).unwrap()).unwrap()
}

fn lon_lat(v: &Value) -> (f64, f64) {
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

/// Metres between two lon/lat points (GeographicLib).
fn apart_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    use geographiclib_rs::{Geodesic, InverseGeodesic};
    let s: f64 = Geodesic::wgs84().inverse(a.1, a.0, b.1, b.0);
    s
}

/// Item 1: a `.prj` GDAL wrote for a `+towgs84` CRS names its datum
/// `D_Unknown_based_on_Krassovsky_1942_ellipsoid_using_towgs84_23_92_…`; the
/// old substring test found "wgs84" in it and applied no shift (119.7 m
/// off). The shift is read from the name (the reading that is EPSG:4284's)
/// and lands where pyproj puts the point. A name whose numbers read several
/// ways (Bessel, 326 m off if ignored) is refused, not guessed.
#[test]
fn a_towgs84_datum_written_by_gdal_is_shifted_or_refused() {
    let e = expected();
    let k = &e["towgs84"]["krass_towgs84"];
    let got = features_of(&f("krass_towgs84.shp"));
    let at = lon_lat(&got[0]["geometry"]["coordinates"]);
    let want = lon_lat(&k["wgs84_lonlat_with_towgs84"]);
    let off = apart_m(at, want);
    assert!(off < 0.01, "{off} m from pyproj");
    assert!(k["m_error_if_shift_ignored"].as_f64().unwrap() > 100.0);
    let out = run(
        &[&f("bessel_towgs84.shp")],
        &["--bbox", "-180,-90,180,90"],
        "query",
    );
    assert_exit(&out, 2, "bessel");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("D_Unknown_based_on_Bessel_1841")
            && err.contains("ways")
            && err.contains("bessel_towgs84.shp"),
        "{err}"
    );
}

/// Item 3: Pulkovo 1942(58) (EPSG:3844 as GDAL writes its .prj) took
/// Pulkovo 1942's shift by a name that starts alike (3-6 m off pyproj's
/// "Pulkovo 1942(58) to WGS 84 (19)"). Datums match exactly: it is refused
/// by name.
#[test]
fn pulkovo_1942_58_is_not_pulkovo_1942() {
    let out = run(
        &[&f("pulkovo58.shp")],
        &["--bbox", "-180,-90,180,90"],
        "query",
    );
    assert_exit(&out, 2, "pulkovo58");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("D_Pulkovo_1942_Adj_1958"), "{err}");
}

/// Item 5: ogr2ogr writes a GeoJSON track's `coordinateProperties` as JSON
/// text (GeoPackage, FlatGeobuf, KML; `coordinate` in a shapefile). The
/// track's times are read from it in every format: far from the only
/// corridor, the track is one deviation from its first time to its last.
#[test]
fn per_vertex_times_written_by_gdal_are_read_in_every_format() {
    let e = expected();
    let times = e["track_times"]["times"].as_array().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let far = dir.path().join("far.geojson");
    std::fs::write(
        &far,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"corridor","id":"C1"},
          "geometry":{"type":"LineString","coordinates":[[20,40],[20.1,40]]}}]}"#,
    )
    .unwrap();
    for name in [
        "track_times.gpkg",
        "track_times.fgb",
        "track_times.kml",
        "track_times.shp",
    ] {
        let out = run(&[&far, &f(name)], &["--format", "json"], "check");
        assert_exit(&out, 1, name);
        let d = &stdout_json(&out)["convoys"][0]["deviations"][0];
        assert_eq!(&d["start_time"], &times[0], "{name}: {d}");
        assert_eq!(&d["end_time"], &times[3], "{name}: {d}");
    }
}

/// Item 6: a `time` that ogr2ogr stores as a dBASE Date field (type D) is a
/// date: the incident is kept (it was skipped), its time the whole day.
#[test]
fn a_dbase_date_is_a_date() {
    let got = features_of(&f("incident_date.shp"));
    let times: Vec<&str> = got
        .iter()
        .map(|g| g["properties"]["time"].as_str().unwrap())
        .collect();
    assert_eq!(times, ["2026-03-02", "2026-03-03"]);
    let out = run(&[&f("incident_date.shp")], &["--format", "json"], "check");
    let report = stdout_json(&out);
    assert_eq!(report["incidents"][0]["time"], "2026-03-02", "{report}");
}

/// Item 7: a cp1251 `.dbf` without a `.cpg` (GDAL writes language byte 0)
/// read as UTF-8 turned "АБВ-1" and "ГДЕ-1" into the same replacement
/// characters: two convoys merged. They stay two, the field is named in a
/// warning; with language byte 0xC9 (code page 1251) they read as GDAL reads
/// them.
#[test]
fn a_cp1251_dbase_file_never_merges_convoys() {
    let e = expected();
    let out = run(&[&f("cp1251.shp")], &["--format", "json"], "check");
    let report = stdout_json(&out);
    let ids: Vec<&str> = report["convoys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["convoy_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert_ne!(ids[0], ids[1]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("convoy_id") && err.contains(".cpg"), "{err}");
    let out = run(&[&f("cp1251_ldid.shp")], &["--format", "json"], "check");
    let report = stdout_json(&out);
    let ids: Vec<&Value> = report["convoys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["convoy_id"])
        .collect();
    let want: Vec<&Value> = e["cp1251"]["cp1251_ldid"]["gdal_reads_convoy_id"]
        .as_array()
        .unwrap()
        .iter()
        .step_by(2)
        .collect();
    assert_eq!(ids, want);
}

/// Item 8: pyais-encoded reports alternating `!AIVDM`, `!BSVDM`, `!ABVDM`
/// and `!ANVDM`: all eight fixes, at pyais's positions and times.
#[test]
fn pyais_talkers_are_all_read() {
    let e = expected();
    let want = e["talkers"]["sentences"].as_array().unwrap();
    let got = features_of(&f("talkers.nmea"));
    let coords = got[0]["geometry"]["coordinates"].as_array().unwrap();
    assert_eq!(coords.len(), want.len());
    for (c, w) in coords.iter().zip(want) {
        let (lon, lat) = lon_lat(c);
        assert!(
            (lon - w["lon"].as_f64().unwrap()).abs() < 1e-5,
            "{c} vs {w}"
        );
        assert!(
            (lat - w["lat"].as_f64().unwrap()).abs() < 1e-5,
            "{c} vs {w}"
        );
    }
}
