//! An analysis after an edit, reusing the last one, is the analysis built
//! from scratch; only what the edit changed is built again.

use super::*;
use crate::edit::{Op, VertexAt, apply};
use std::sync::Arc;

fn bundled() -> Vec<Layer> {
    crate::io::bundled_files()
        .iter()
        .map(|f| crate::io::read_path(f).expect("bundled data loads"))
        .collect()
}

fn layer_named(layers: &[Layer], name: &str) -> usize {
    layers.iter().position(|l| l.name == name).unwrap()
}

fn moved(layers: &mut [Layer], li: usize, fi: usize, at: VertexAt, dy: f64) {
    let from = crate::edit::vertex_position(layers[li].features[fi].geometry.as_ref(), at).unwrap();
    let to = Coord {
        x: from.x,
        y: from.y + dy,
    };
    apply(
        &mut layers[li],
        &Op::Move {
            feature: fi,
            at,
            from,
            to,
        },
    )
    .unwrap();
}

/// The same bands, incidents and convoy reports.
fn same(a: &Analysis, b: &Analysis) {
    assert_eq!(a.bands.len(), b.bands.len());
    for (x, y) in a.bands.iter().zip(&b.bands) {
        assert_eq!((x.layer, x.role, x.bbox), (y.layer, y.role, y.bbox));
        assert_eq!(x.triangles, y.triangles);
        assert_eq!(x.outline, y.outline);
    }
    assert_eq!(format!("{:?}", a.incidents), format!("{:?}", b.incidents));
    assert_eq!(a.sectors, b.sectors);
    let reports = |a: &Analysis| {
        a.results
            .iter()
            .map(|r| format!("{:?}", r.report))
            .collect::<Vec<_>>()
    };
    assert_eq!(reports(a), reports(b));
}

#[test]
fn a_corridor_edit_rebuilds_its_band_alone_and_keeps_the_incidents() {
    let mut layers = bundled();
    let before = analyse(1, layers.clone());
    let li = layer_named(&layers, "corridors.geojson");
    moved(&mut layers, li, 0, VertexAt::new(0, 0, 100), 0.05);
    let reuse = before.reuse(&layers, li);
    assert!(
        reuse.incidents.is_some(),
        "a corridor edit keeps the incidents"
    );
    let after = analyse_reusing(2, layers.clone(), reuse);
    same(&after, &analyse(3, layers.clone()));
    let kept = after
        .bands
        .iter()
        .filter(|b| before.bands.iter().any(|o| Arc::ptr_eq(o, b)))
        .count();
    assert_eq!(
        kept,
        after.bands.len() - 1,
        "only HC-01's band is built again"
    );
}

#[test]
fn an_edit_to_what_incidents_are_made_from_builds_them_again() {
    let mut layers = bundled();
    let before = analyse(1, layers.clone());
    // The contact line moved: its zone band and the incidents are built again.
    let li = layers
        .iter()
        .position(|l| l.features.iter().any(|f| f.role == Role::ContactLine))
        .unwrap();
    let fi = layers[li]
        .features
        .iter()
        .position(|f| f.role == Role::ContactLine)
        .unwrap();
    moved(&mut layers, li, fi, VertexAt::new(0, 0, 3), 0.2);
    let reuse = before.reuse(&layers, li);
    assert!(reuse.incidents.is_none());
    let after = analyse_reusing(2, layers.clone(), reuse);
    same(&after, &analyse(3, layers.clone()));
    assert!(
        after
            .bands
            .iter()
            .any(|b| !before.bands.iter().any(|o| Arc::ptr_eq(o, b)))
    );
    // An incident moved: the incidents are built again, every band kept.
    let li = layer_named(&layers, "incidents.geojson");
    let before = after;
    let fi = 0;
    let at = VertexAt::new(0, 0, 0);
    moved(&mut layers, li, fi, at, 0.5);
    let reuse = before.reuse(&layers, li);
    assert!(reuse.incidents.is_none());
    let after = analyse_reusing(4, layers.clone(), reuse);
    same(&after, &analyse(5, layers.clone()));
    assert!(
        after
            .bands
            .iter()
            .all(|b| before.bands.iter().any(|o| Arc::ptr_eq(o, b)))
    );
}
