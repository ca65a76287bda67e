//! Mutated and truncated copies of real files: every reader answers, none
//! panics, and what loads also goes through the analysis.

use corridor_watch::io::read_bytes;
use corridor_watch::synth::Rng;

#[test]
fn mutated_files_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = [
        ("t.geojson", root.join("data/contact_line.geojson")),
        (
            "t.geojson",
            root.join("tests/fixtures/cases/excursion/tracks.geojson"),
        ),
        (
            "t.gpx",
            root.join("tests/fixtures/gpx/track-with-less-sec-time.gpx"),
        ),
        ("t.csv", root.join("data/position_reports.csv")),
    ];
    let mut rng = Rng::new(42);
    let mut refused = 0;
    for (name, path) in &sources {
        let original = std::fs::read(path).expect("fixture");
        for _ in 0..300 {
            let mut b = original.clone();
            match rng.below(4) {
                0 => b.truncate(rng.below(b.len())),
                1 => {
                    for _ in 0..1 + rng.below(8) {
                        let i = rng.below(b.len());
                        b[i] = b"{}[]\",:0-.e\\\n\x00\xff"[rng.below(15)];
                    }
                }
                2 => {
                    let i = rng.below(b.len());
                    let j = (i + rng.below(200)).min(b.len());
                    b.drain(i..j);
                }
                _ => {
                    let i = rng.below(b.len());
                    let chunk = b[i..(i + rng.below(100)).min(b.len())].to_vec();
                    b.splice(i..i, chunk);
                }
            }
            match read_bytes(name, &b) {
                Err(_) => refused += 1,
                Ok(mut layer) => {
                    layer.assign_role(corridor_watch::model::Role::Track);
                    let convoys =
                        corridor_watch::analysis::assemble_convoys(std::slice::from_ref(&layer));
                    let scn = corridor_watch::analysis::Scenario::new(vec![layer]);
                    let _ = corridor_watch::analysis::check(&scn, &convoys, &Default::default());
                }
            }
        }
    }
    assert!(refused > 0, "some mutations must be refused");
}
