use super::*;
use crate::model::Role;
use geo::{Geometry, LineString, Polygon, coord};

pub(super) fn layer(text: &str) -> Layer {
    crate::io::read_geojson("t.geojson", text.as_bytes()).unwrap()
}

pub(super) const CORRIDOR_AND_ZONE: &str = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"kind":"corridor","id":"C1","tolerance_m":1000},
  "geometry":{"type":"LineString","coordinates":[[30,50],[31,50],[32,50]]}},
 {"type":"Feature","properties":{"kind":"buffer_zone","id":"Z"},
  "geometry":{"type":"Polygon","coordinates":[[[36,47],[38,47],[38,49],[36,49],[36,47]]]}}
]}"#;

fn line_of(l: &Layer, i: usize) -> Vec<Coord> {
    match &l.features[i].geometry {
        Some(Geometry::LineString(ls)) => ls.0.clone(),
        other => panic!("{other:?}"),
    }
}

fn ring_of(l: &Layer, i: usize) -> Vec<Coord> {
    match &l.features[i].geometry {
        Some(Geometry::Polygon(p)) => p.exterior().0.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn vertex_edits_apply_and_undo_exactly() {
    let mut l = layer(CORRIDOR_AND_ZONE);
    let before = line_of(&l, 0);
    let mut h = History::default();
    let v1 = VertexAt::new(0, 0, 1);
    h.apply(
        &mut l,
        Op::Move {
            feature: 0,
            at: v1,
            from: coord! {x: 31.0, y: 50.0},
            to: coord! {x: 31.0, y: 50.2},
        },
    )
    .unwrap();
    h.apply(
        &mut l,
        Op::Insert {
            feature: 0,
            at: VertexAt::new(0, 0, 2),
            c: coord! {x: 31.5, y: 50.1},
        },
    )
    .unwrap();
    assert_eq!(line_of(&l, 0).len(), 4);
    assert_eq!(line_of(&l, 0)[1], coord! {x: 31.0, y: 50.2});
    assert!(h.is_dirty());
    h.undo(&mut l).unwrap();
    h.undo(&mut l).unwrap();
    assert_eq!(line_of(&l, 0), before);
    assert!(!h.is_dirty());
    h.redo(&mut l).unwrap();
    assert_eq!(line_of(&l, 0)[1], coord! {x: 31.0, y: 50.2});
    // An op that does not fit is refused and changes nothing.
    let wrong = Op::Move {
        feature: 0,
        at: v1,
        from: coord! {x: 0.0, y: 0.0},
        to: coord! {x: 1.0, y: 1.0},
    };
    assert!(
        h.apply(&mut l, wrong)
            .unwrap_err()
            .to_string()
            .contains("vertex 1 is at")
    );
    let off_globe = Op::Move {
        feature: 0,
        at: v1,
        from: coord! {x: 31.0, y: 50.2},
        to: coord! {x: 181.0, y: 50.0},
    };
    assert!(h.apply(&mut l, off_globe).is_err());
    assert_eq!(line_of(&l, 0)[1], coord! {x: 31.0, y: 50.2});
}

#[test]
fn a_ring_stays_closed_and_keeps_three_vertices() {
    let mut l = layer(CORRIDOR_AND_ZONE);
    let mut h = History::default();
    // Moving the first vertex moves the closing one with it.
    h.apply(
        &mut l,
        Op::Move {
            feature: 1,
            at: VertexAt::new(0, 0, 0),
            from: coord! {x: 36.0, y: 47.0},
            to: coord! {x: 35.5, y: 46.5},
        },
    )
    .unwrap();
    let r = ring_of(&l, 1);
    assert_eq!(r[0], coord! {x: 35.5, y: 46.5});
    assert_eq!(r[r.len() - 1], r[0]);
    // Removing the first vertex: the next becomes first and last.
    h.apply(
        &mut l,
        Op::Remove {
            feature: 1,
            at: VertexAt::new(0, 0, 0),
            c: coord! {x: 35.5, y: 46.5},
        },
    )
    .unwrap();
    let r = ring_of(&l, 1);
    assert_eq!(r.len(), 4);
    assert_eq!(r[0], coord! {x: 38.0, y: 47.0});
    assert_eq!(r[3], r[0]);
    // A triangle keeps its three vertices.
    let e = h
        .apply(
            &mut l,
            Op::Remove {
                feature: 1,
                at: VertexAt::new(0, 0, 1),
                c: r[1],
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("at least 3"), "{e}");
    h.undo(&mut l).unwrap();
    h.undo(&mut l).unwrap();
    assert_eq!(
        ring_of(&l, 1),
        vec![
            coord! {x: 36.0, y: 47.0},
            coord! {x: 38.0, y: 47.0},
            coord! {x: 38.0, y: 49.0},
            coord! {x: 36.0, y: 49.0},
            coord! {x: 36.0, y: 47.0}
        ]
    );
}

#[test]
fn features_added_deleted_and_attributes_read_again() {
    let mut l = layer(CORRIDOR_AND_ZONE);
    let mut h = History::default();
    let inc = new_feature(
        2,
        Role::Incident,
        Geometry::Point(geo::Point::new(37.0, 48.0)),
        serde_json::json!({"id": "INC-1", "time": "2026-12-04T18:22:00Z"})
            .as_object()
            .unwrap()
            .clone(),
    )
    .unwrap();
    assert_eq!(inc.role, Role::Incident);
    assert_eq!(inc.time_span.map(|s| s.0), Some(1_796_408_520.0));
    assert_eq!(
        inc.properties.keys().next().map(String::as_str),
        Some("kind")
    );
    h.apply(
        &mut l,
        Op::Add {
            at: 2,
            feature: Box::new(inc),
        },
    )
    .unwrap();
    assert_eq!(l.features.len(), 3);
    // A tolerance changed: the feature reads it; its id follows its properties.
    let before = l.features[0].properties.clone();
    let mut after = before.clone();
    after.insert("tolerance_m".into(), 250.into());
    after.insert("id".into(), "C1-north".into());
    h.apply(
        &mut l,
        Op::Properties {
            feature: 0,
            before: Box::new(before),
            after: Box::new(after),
        },
    )
    .unwrap();
    assert_eq!(l.features[0].reach_m(Role::Corridor), 250.0);
    assert_eq!(l.features[0].id.as_deref(), Some("C1-north"));
    let zone = l.features[1].clone();
    h.apply(
        &mut l,
        Op::Delete {
            at: 1,
            feature: Box::new(zone),
        },
    )
    .unwrap();
    assert_eq!(l.features.len(), 2);
    for _ in 0..3 {
        h.undo(&mut l).unwrap();
    }
    assert_eq!(l.features.len(), 2);
    assert_eq!(l.features[0].id.as_deref(), Some("C1"));
    assert_eq!(l.features[0].reach_m(Role::Corridor), 1000.0);
    assert_eq!(l.features[1].role, Role::BufferZone);
    assert!(!h.is_dirty());
}

#[test]
fn an_edit_after_undoing_past_the_save_leaves_the_layer_unsaved() {
    let mut l = layer(CORRIDOR_AND_ZONE);
    let mut h = History::default();
    let mv = |from: Coord, to: Coord| Op::Move {
        feature: 0,
        at: VertexAt::new(0, 0, 0),
        from,
        to,
    };
    let (a, b, c) = (
        coord! {x: 30.0, y: 50.0},
        coord! {x: 30.1, y: 50.0},
        coord! {x: 30.2, y: 50.0},
    );
    h.apply(&mut l, mv(a, b)).unwrap();
    h.saved();
    h.undo(&mut l).unwrap();
    assert!(h.is_dirty());
    h.apply(&mut l, mv(a, c)).unwrap();
    // One step from the save either way, but not the saved layer.
    assert!(h.is_dirty());
    h.undo(&mut l).unwrap();
    assert!(h.is_dirty());
}

#[test]
fn a_vertex_move_on_a_long_line_holds_two_positions_not_the_line() {
    let coords: Vec<Coord> = (0..50_000)
        .map(|i| coord! {x: 30.0 + i as f64 * 1e-4, y: 48.0})
        .collect();
    let mut l = Layer {
        features: vec![
            new_feature(
                0,
                Role::ContactLine,
                Geometry::LineString(LineString(coords)),
                Map::new(),
            )
            .unwrap(),
        ],
        ..Default::default()
    };
    let mut h = History::default();
    for k in 0..5_000usize {
        let i = (k * 7) % 50_000;
        let from = line_of(&l, 0)[i];
        h.apply(
            &mut l,
            Op::Move {
                feature: 0,
                at: VertexAt::new(0, 0, i),
                from,
                to: coord! {x: from.x, y: from.y + 1e-3},
            },
        )
        .unwrap();
    }
    // 5,000 moves: well under the 800 KB one copy of the line would take.
    assert!(h.held_bytes() < 5_000 * 128, "{}", h.held_bytes());
    assert!(h.held_bytes() < 50_000 * 16 / 2);
    // And the journal line of a move names the vertex, not the line.
    let line = journal::line(&h.ops()[0]);
    assert!(line.len() < 200, "{line}");
}

#[test]
fn the_undo_list_is_bounded() {
    let mut l = layer(CORRIDOR_AND_ZONE);
    let mut h = History::default();
    let mut at = coord! {x: 30.0, y: 50.0};
    for k in 0..UNDO_DEPTH + 50 {
        let to = coord! {x: 30.0, y: 50.0 + (k + 1) as f64 * 1e-6};
        h.apply(
            &mut l,
            Op::Move {
                feature: 0,
                at: VertexAt::new(0, 0, 0),
                from: at,
                to,
            },
        )
        .unwrap();
        at = to;
    }
    assert_eq!(h.ops().len(), UNDO_DEPTH);
    while h.can_undo() {
        h.undo(&mut l).unwrap();
    }
    // Fifty steps could not be undone: the layer is not its source.
    assert!(h.is_dirty());
    assert_eq!(line_of(&l, 0)[0].y, 50.0 + 50.0 * 1e-6);
}

#[test]
fn a_journal_replays_to_the_same_layer_and_stops_at_a_bad_line() {
    let mut l = layer(CORRIDOR_AND_ZONE);
    let fresh = l.clone();
    let mut h = History::default();
    let mut lines = Vec::new();
    let ops = [
        Op::Move {
            feature: 0,
            at: VertexAt::new(0, 0, 2),
            from: coord! {x: 32.0, y: 50.0},
            to: coord! {x: 32.25, y: 49.75},
        },
        Op::Add {
            at: 2,
            feature: Box::new(
                new_feature(
                    2,
                    Role::Incident,
                    Geometry::Point(geo::Point::new(37.5, 48.5)),
                    serde_json::json!({"id": "INC-9", "time": "2026-12-04"})
                        .as_object()
                        .unwrap()
                        .clone(),
                )
                .unwrap(),
            ),
        },
        Op::Delete {
            at: 1,
            feature: Box::new(l.features[1].clone()),
        },
    ];
    for op in ops {
        lines.push(journal::line(&op));
        h.apply(&mut l, op).unwrap();
    }
    let inv = h.undo(&mut l).unwrap().unwrap();
    lines.push(journal::line(&inv));
    let mut again = fresh.clone();
    let r = journal::replay(&mut again, lines.iter().map(String::as_str));
    assert!(r.stopped.is_none(), "{:?}", r.stopped);
    assert_eq!(r.ops.len(), 4);
    assert_eq!(again.features.len(), l.features.len());
    for (a, b) in again.features.iter().zip(&l.features) {
        assert_eq!(a.geometry, b.geometry);
        assert_eq!(a.properties, b.properties);
        assert_eq!(a.role, b.role);
    }
    // A hostile line stops the replay there, named.
    let mut bad = fresh.clone();
    let mut hostile = lines.clone();
    hostile.insert(
        1,
        r#"{"op":"move","feature":99,"at":[0,0,0],"from":[0,0],"to":[1,1]}"#.into(),
    );
    let r = journal::replay(&mut bad, hostile.iter().map(String::as_str));
    let (line, e) = r.stopped.unwrap();
    assert_eq!(line, 3);
    assert!(e.to_string().contains("no feature at position 99"), "{e}");
    assert_eq!(r.ops.len(), 1);
    for junk in [
        "{",
        "[]",
        r#"{"op":"move"}"#,
        r#"{"op":"add","at":0,"index":1,"feature":{"geometry":{"type":"Point","coordinates":[1e999,0]}}}"#,
    ] {
        let mut l2 = fresh.clone();
        let r = journal::replay(&mut l2, [junk].into_iter());
        assert!(r.stopped.is_some(), "{junk}");
    }
    let h = journal::header("/tmp/x.geojson", "ab12");
    assert_eq!(
        journal::read_header(&h).unwrap(),
        ("/tmp/x.geojson".into(), "ab12".into())
    );
}

#[test]
fn new_ids_follow_the_layers_own() {
    let l = layer(
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"kind":"incident","id":"INC-0041"},"geometry":{"type":"Point","coordinates":[37,48]}},
        {"type":"Feature","properties":{"kind":"incident","id":"INC-0007"},"geometry":{"type":"Point","coordinates":[37,48]}}]}"#,
    );
    assert_eq!(form::next_id(&l, Role::Incident, "INC"), "INC-0042");
    assert_eq!(form::next_id(&l, Role::Corridor, "C"), "C-1");
}

#[test]
fn polygons_with_holes_and_multi_parts_address_their_rings() {
    let p = Polygon::new(
        LineString(vec![
            coord! {x: 0.0, y: 0.0},
            coord! {x: 4.0, y: 0.0},
            coord! {x: 4.0, y: 4.0},
            coord! {x: 0.0, y: 0.0},
        ]),
        vec![LineString(vec![
            coord! {x: 1.0, y: 1.0},
            coord! {x: 2.0, y: 1.0},
            coord! {x: 2.0, y: 2.0},
            coord! {x: 1.0, y: 1.0},
        ])],
    );
    let mut l = Layer {
        features: vec![
            new_feature(
                0,
                Role::BufferZone,
                Geometry::MultiPolygon(geo::MultiPolygon(vec![p])),
                Map::new(),
            )
            .unwrap(),
        ],
        ..Default::default()
    };
    apply(
        &mut l,
        &Op::Insert {
            feature: 0,
            at: VertexAt::new(0, 1, 1),
            c: coord! {x: 1.5, y: 0.8},
        },
    )
    .unwrap();
    let Some(Geometry::MultiPolygon(m)) = &l.features[0].geometry else {
        panic!()
    };
    assert_eq!(m.0[0].interiors()[0].0.len(), 5);
    assert_eq!(m.0[0].interiors()[0].0[1], coord! {x: 1.5, y: 0.8});
    for at in [
        VertexAt::new(1, 0, 0),
        VertexAt::new(0, 2, 0),
        VertexAt::new(0, 0, 9),
    ] {
        assert!(
            apply(
                &mut l,
                &Op::Move {
                    feature: 0,
                    at,
                    from: coord! {x: 0.0, y: 0.0},
                    to: coord! {x: 0.5, y: 0.5}
                }
            )
            .is_err(),
            "{at:?}"
        );
    }
}

#[test]
fn a_line_split_at_a_vertex_becomes_two_parts_and_is_undone() {
    let mut l = layer(CORRIDOR_AND_ZONE);
    let g = l.features[0].geometry.clone();
    let after = split_at(g.as_ref().unwrap(), VertexAt::new(0, 0, 1)).unwrap();
    let Geometry::MultiLineString(m) = &after else {
        panic!("{after:?}")
    };
    assert_eq!(m.0.len(), 2);
    assert_eq!(m.0[0].0.last(), m.0[1].0.first());
    let mut h = History::default();
    h.apply(
        &mut l,
        Op::Reshape {
            feature: 0,
            before: Box::new(g.clone()),
            after: Box::new(Some(after)),
        },
    )
    .unwrap();
    // The second part split again.
    let again = split_at(
        l.features[0].geometry.as_ref().unwrap(),
        VertexAt::new(1, 0, 1),
    );
    assert!(again.is_err(), "a two-vertex part has no inner vertex");
    h.undo(&mut l).unwrap();
    assert_eq!(l.features[0].geometry, g);
    for at in [
        VertexAt::new(0, 0, 0),
        VertexAt::new(0, 0, 2),
        VertexAt::new(1, 0, 1),
    ] {
        assert!(split_at(g.as_ref().unwrap(), at).is_err(), "{at:?}");
    }
    assert!(
        split_at(
            l.features[1].geometry.as_ref().unwrap(),
            VertexAt::new(0, 0, 1)
        )
        .is_err()
    );
}

#[test]
fn a_feature_moved_off_the_globe_is_refused() {
    let mut l = layer(CORRIDOR_AND_ZONE);
    let g = l.features[1].geometry.clone();
    let moved = translate(g.clone().unwrap(), coord! {x: 0.0, y: 45.0});
    let e = apply(
        &mut l,
        &Op::Reshape {
            feature: 1,
            before: Box::new(g.clone()),
            after: Box::new(Some(moved)),
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("outside longitude"), "{e}");
    assert_eq!(l.features[1].geometry, g);
}
