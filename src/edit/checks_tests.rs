//! The checks every op passes (the form's, the readers' shapes), whoever
//! made it: the form, the map, or a journal line.

use super::tests::{CORRIDOR_AND_ZONE, layer};
use super::*;
use crate::model::Role;
use geo::{Geometry, LineString, coord};

#[test]
fn the_form_refuses_bad_values_beside_their_fields() {
    use form::*;
    let l = layer(CORRIDOR_AND_ZONE);
    let before = l.features[0].properties.clone();
    let typed = vec![
        ("id", "C1".to_string()),
        ("tolerance_m", "-50".to_string()),
        ("closures", "2026-12-05 06:00, 2026-12-04 18:00".to_string()),
    ];
    let problems = fill(&l, Some(0), Role::Corridor, &before, &typed).unwrap_err();
    let keys: Vec<&str> = problems.iter().map(|p| p.0).collect();
    assert_eq!(keys, ["tolerance_m", "closures"]);
    assert!(problems[0].1.to_string().contains("cannot be negative"));
    assert!(problems[1].1.to_string().contains("ends before it starts"));
    let ok = fill(
        &l,
        Some(0),
        Role::Corridor,
        &before,
        &[
            ("tolerance_m", "1 500 m".into()),
            ("closures", "2026-12-04 18:00, 2026-12-05 06:00".into()),
            ("name", "".into()),
        ],
    )
    .unwrap();
    assert_eq!(ok["tolerance_m"], 1500);
    assert_eq!(
        ok["closures"],
        serde_json::json!([["2026-12-04T18:00:00Z", "2026-12-05T06:00:00Z"]])
    );
    assert!(!ok.contains_key("name"));
    // An id another corridor holds is refused; the zone's id is another role's.
    let mut two = l.clone();
    let mut c2 = two.features[0].clone();
    c2.id = Some("C2".into());
    two.features.push(c2);
    let e = fill(
        &two,
        Some(0),
        Role::Corridor,
        &before,
        &[("id", "C2".into())],
    )
    .unwrap_err();
    assert!(e[0].1.to_string().contains("already used"), "{}", e[0].1);
    assert!(
        fill(
            &two,
            Some(0),
            Role::Corridor,
            &before,
            &[("id", "Z".into())]
        )
        .is_ok()
    );
    // Times: UTC without an offset, a date kept as a day.
    assert_eq!(
        time_text("2026-12-04 18:22").unwrap(),
        "2026-12-04T18:22:00Z"
    );
    assert_eq!(
        time_text("2026-12-04T20:22:00+02:00").unwrap(),
        "2026-12-04T18:22:00Z"
    );
    assert_eq!(time_text("2026-12-04").unwrap(), "2026-12-04");
    assert!(time_text("yesterday").is_err());
    assert!(time_text("2026-02-30 10:00").is_err());
    let f = fields(Role::ContactLine)[2];
    assert!(
        check(&f, "40000")
            .unwrap_err()
            .to_string()
            .contains("half the Earth")
    );
    assert_eq!(check(&f, "30").unwrap(), Some(serde_json::json!(30)));
    assert!(check(&fields(Role::Incident)[1], " ").is_err());
}

/// Apply writes only the fields whose text was changed: a value the form
/// shows differently (a time with fractions of a second, a name with spaces
/// around it, closures with an offset) stays exactly as the source holds it.
#[test]
fn applying_the_form_leaves_the_fields_not_changed_as_they_were() {
    use form::*;
    let before: serde_json::Map<String, serde_json::Value> = serde_json::json!({
        "id": "INC-7", "time": "2026-03-01T10:00:00.4Z", "description": " patrol saw smoke ",
        "category": "shelling"
    })
    .as_object()
    .unwrap()
    .clone();
    let l = layer(CORRIDOR_AND_ZONE);
    let shown: Vec<(&'static str, String)> = fields(Role::Incident)
        .iter()
        .map(|f| (f.key, text_of(&before, f)))
        .collect();
    assert_eq!(
        fill(&l, None, Role::Incident, &before, &shown).unwrap(),
        before
    );
    let mut typed = shown.clone();
    typed.iter_mut().find(|(k, _)| *k == "category").unwrap().1 = "fire".into();
    let after = fill(&l, None, Role::Incident, &before, &typed).unwrap();
    assert_eq!(after["category"], "fire");
    assert_eq!(after["time"], "2026-03-01T10:00:00.4Z");
    assert_eq!(after["description"], " patrol saw smoke ");
    let corridor: serde_json::Map<String, serde_json::Value> = serde_json::json!({
        "id": "C9", "closures": [["2026-03-01T12:00:00+02:00", "2026-03-02T00:00:00+02:00"]]
    })
    .as_object()
    .unwrap()
    .clone();
    let shown: Vec<(&'static str, String)> = fields(Role::Corridor)
        .iter()
        .map(|f| (f.key, text_of(&corridor, f)))
        .collect();
    assert_eq!(
        fill(&l, None, Role::Corridor, &corridor, &shown).unwrap(),
        corridor
    );
}

#[test]
fn ops_from_a_journal_are_held_to_the_forms_checks_and_the_readers_shapes() {
    let mut l = layer(CORRIDOR_AND_ZONE);
    let before = l.features[0].properties.clone();
    let with = |k: &str, v: serde_json::Value| {
        let mut after = before.clone();
        after.insert(k.into(), v);
        Op::Properties {
            feature: 0,
            before: Box::new(before.clone()),
            after: Box::new(after),
        }
    };
    let e = apply(&mut l, &with("tolerance_m", (-5).into())).unwrap_err();
    assert!(e.to_string().contains("tolerance_m"), "{e}");
    let reversed = serde_json::json!([["2026-12-05T10:00:00Z", "2026-12-04T10:00:00Z"]]);
    assert!(apply(&mut l, &with("closures", reversed)).is_err());
    // A value the file already had is not held against an edit of another.
    l.features[0]
        .properties
        .insert("tolerance_m".into(), (-7).into());
    let mut after = l.features[0].properties.clone();
    after.insert("name".into(), "renamed".into());
    let ok = Op::Properties {
        feature: 0,
        before: Box::new(l.features[0].properties.clone()),
        after: Box::new(after),
    };
    apply(&mut l, &ok).unwrap();
    // A line of one position is no line.
    let one = Op::Reshape {
        feature: 0,
        before: Box::new(l.features[0].geometry.clone()),
        after: Box::new(Some(Geometry::LineString(LineString(vec![
            coord! {x: 30.0, y: 50.0},
        ])))),
    };
    let e = apply(&mut l, &one).unwrap_err();
    assert!(e.to_string().contains("2 or more"), "{e}");
}

/// An incident's time is its `time` property: the point moves (drag or
/// whole) and keeps it; a track's vertices, each with its own time, do not move.
#[test]
fn an_incident_with_a_time_moves_and_a_track_does_not() {
    let mut l = layer(
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"kind":"incident","id":"INC-1","time":"2026-03-01T10:00:00Z"},
         "geometry":{"type":"Point","coordinates":[36.0,49.0]}},
        {"type":"Feature","properties":{"kind":"track","convoy_id":"C1",
          "times":["2026-03-01T10:00:00Z","2026-03-01T11:00:00Z"]},
         "geometry":{"type":"LineString","coordinates":[[36.0,49.0],[36.1,49.1]]}}]}"#,
    );
    assert!(
        l.features[0].times.is_some(),
        "a point's time is read as its vertex's"
    );
    let at = VertexAt::new(0, 0, 0);
    let to = coord! { x: 36.2, y: 49.1 };
    apply(
        &mut l,
        &Op::Move {
            feature: 0,
            at,
            from: coord! { x: 36.0, y: 49.0 },
            to,
        },
    )
    .unwrap();
    let f = &l.features[0];
    assert_eq!(f.geometry, Some(Geometry::Point(to.into())));
    assert_eq!(f.time_span.map(|s| s.0), Some(1_772_359_200.0));
    let line = l.features[1].geometry.clone();
    let e = apply(
        &mut l,
        &Op::Move {
            feature: 1,
            at,
            from: coord! { x: 36.0, y: 49.0 },
            to,
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("tracks are not edited"), "{e}");
    let e = apply(
        &mut l,
        &Op::Reshape {
            feature: 1,
            before: Box::new(line.clone()),
            after: Box::new(Some(Geometry::LineString(LineString::from(vec![
                (36.0, 49.0),
                (36.3, 49.3),
            ])))),
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("tracks are not edited"), "{e}");
    assert_eq!(l.features[1].geometry, line);
}
