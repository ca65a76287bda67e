//! Tracks hundreds of kilometres from every lane (issue 30): their greatest
//! offsets, searched by ranges rather than vertex by vertex, agree with
//! GeographicLib's dense answers (`tests/fixtures/cases/far/make_far.py`) to
//! the documented 0.05 %: a track moving away, one parallel to the lane, one
//! zigzagging, and one leaving from just outside the lane's area.

use crate::util::*;
use serde_json::Value;

#[test]
fn far_offsets_agree_with_geographiclib() {
    let dir = fixture("cases/far");
    let out = run(
        &[&dir.join("layers.geojson"), &dir.join("tracks.geojson")],
        &["--format", "json"],
        "check",
    );
    assert_exit(&out, 1, "far");
    let report = stdout_json(&out);
    let expected: Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let convoys = report["convoys"].as_array().unwrap();
    assert_eq!(convoys.len(), 4);
    for c in convoys {
        let id = c["convoy_id"].as_str().unwrap();
        let d = c["deviations"].as_array().unwrap();
        assert_eq!(d.len(), 1, "{id}: the whole track");
        let got = d[0]["max_offset_m"].as_f64().unwrap();
        let want = expected["convoys"][id]["max_offset_m"].as_f64().unwrap();
        assert!(
            (got - want).abs() <= 0.0005 * want + 0.1,
            "{id}: {got} vs GeographicLib {want}"
        );
    }
}
