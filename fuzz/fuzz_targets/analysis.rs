#![no_main]
//! The analysis on fuzzed geometry: a corridor, a contact line and a track
//! built from the input's numbers (any f64, including NaN and huge values, is
//! clamped into lon/lat ranges the way a loader would accept them).
use corridor_watch::analysis::{Scenario, assemble_convoys, check};
use corridor_watch::model::{Feature, Layer, Role};
use geo::{Coord, Geometry, LineString};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, json};

fn coords(data: &[u8]) -> Vec<Coord> {
    data.chunks_exact(4)
        .map(|c| {
            let x = i16::from_le_bytes([c[0], c[1]]) as f64 / 32768.0;
            let y = i16::from_le_bytes([c[2], c[3]]) as f64 / 32768.0;
            Coord { x: 30.0 + x * 2.0, y: 47.0 + y * 1.5 }
        })
        .collect()
}

fn feature(index: usize, role: Role, line: Vec<Coord>, props: serde_json::Value) -> Option<Feature> {
    (line.len() >= 2).then(|| Feature {
        index,
        role,
        geometry: Some(Geometry::LineString(LineString(line))),
        properties: props.as_object().cloned().unwrap_or_else(Map::new),
        id: Some(format!("F{index}")),
        times: None,
    })
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let third = data.len() / 3;
    let (a, rest) = data.split_at(third);
    let (b, c) = rest.split_at(third);
    let tol = (data[0] as f64) * 50.0;
    let features: Vec<Feature> = [
        feature(0, Role::Corridor, coords(a), json!({"kind": "corridor", "tolerance_m": tol})),
        feature(1, Role::ContactLine, coords(b), json!({"kind": "contact_line", "width_km": data[1] as f64 / 4.0})),
        feature(2, Role::Track, coords(c), json!({"kind": "track", "convoy_id": "X"})),
    ]
    .into_iter()
    .flatten()
    .collect();
    let layer = Layer { name: "fuzz".into(), source: "fuzz".into(), features, warnings: Vec::new() };
    let convoys = assemble_convoys(std::slice::from_ref(&layer));
    let scn = Scenario::new(vec![layer]);
    let _ = check(&scn, &convoys, &Default::default());
});
