#![no_main]
//! GeoJSON reader (fast path and strict reader) and, on success, the analysis.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut layer) = corridor_watch::io::read_geojson("fuzz.geojson", data) {
        layer.assign_role(corridor_watch::model::Role::Track);
        let convoys = corridor_watch::analysis::assemble_convoys(std::slice::from_ref(&layer));
        let scn = corridor_watch::analysis::Scenario::new(vec![layer]);
        let _ = corridor_watch::analysis::check(&scn, &convoys, &Default::default());
    }
});
