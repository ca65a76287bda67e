//! Hand-computed events: vessels placed with GeographicLib's direct problem.

use super::*;
use crate::model::{Convoy, TrackPart};
use geographiclib_rs::{DirectGeodesic, Geodesic};

const KN: f64 = 1852.0 / 3600.0;

/// A vessel sailing north from (lon, lat): `legs` of (knots, minutes), one
/// fix every 10 minutes, from time 0; `east_m` shifts the whole track east.
fn vessel(id: &str, lon: f64, lat: f64, east_m: f64, legs: &[(f64, f64)]) -> Convoy {
    let g = Geodesic::wgs84();
    let (lat, lon, _): (f64, f64, f64) = g.direct(lat, lon, 90.0, east_m);
    let (mut t, mut north) = (0.0, 0.0);
    let mut part = TrackPart::default();
    let mut push = |north: f64, t: f64| {
        let (y, x, _): (f64, f64, f64) = g.direct(lat, lon, 0.0, north);
        part.coords.push(Coord { x, y });
        part.times.push(Some(t));
    };
    push(0.0, 0.0);
    for &(kn, minutes) in legs {
        for _ in 0..(minutes / 10.0).round() as usize {
            t += 600.0;
            north += kn * KN * 600.0;
            push(north, t);
        }
    }
    Convoy {
        convoy_id: id.into(),
        parts: vec![part],
        vessel: true,
        ..Default::default()
    }
}

fn pair(east_m: f64, slow_min: f64, kn: f64) -> Vec<Event> {
    let legs = [(10.0, 30.0), (kn, slow_min), (10.0, 30.0)];
    let convoys = [
        vessel("A", 31.0, 45.0, 0.0, &legs),
        vessel("B", 31.0, 45.0, east_m, &legs),
    ];
    let found = encounters(&convoys, &EventRules::default());
    // Always both vessels, each naming the other.
    assert_eq!(found.len() % 2, 0);
    for (i, e) in &found {
        let EventKind::Encounter { other, .. } = &e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(other, if *i == 0 { "B" } else { "A" });
    }
    found
        .into_iter()
        .filter(|(i, _)| *i == 0)
        .map(|(_, e)| e)
        .collect()
}

/// Side by side 300 m apart, both at 1 knot for 2.5 h: one encounter of
/// 2.5 h (within one fix interval), closest 300 m.
#[test]
fn an_encounter_of_two_and_a_half_hours_at_300_m_is_found() {
    let found = pair(300.0, 150.0, 1.0);
    assert_eq!(found.len(), 1, "{found:?}");
    let e = &found[0];
    assert!(
        (e.duration_s() - 9000.0).abs() <= 600.0,
        "{}",
        e.duration_s()
    );
    let EventKind::Encounter { min_distance_m, .. } = e.kind else {
        unreachable!()
    };
    assert!((min_distance_m - 300.0).abs() < 1.0, "{min_distance_m}");
    // Between the two tracks, at 31.0019 E (150 m east of 31 E at 45 N).
    assert!((e.position.x - 31.0019).abs() < 2e-4, "{:?}", e.position);
}

#[test]
fn too_short_too_far_or_too_fast_is_no_encounter() {
    assert!(pair(300.0, 90.0, 1.0).is_empty(), "1.5 h");
    assert!(pair(800.0, 150.0, 1.0).is_empty(), "800 m");
    assert!(pair(300.0, 150.0, 3.0).is_empty(), "3 knots");
}

/// Two vessels moving at 1 knot, one 1 knot ahead of the other by a
/// hand-counted 2 km: never within 500 m.
#[test]
fn a_vessel_far_behind_is_no_encounter() {
    let a = vessel("A", 31.0, 45.0, 0.0, &[(1.0, 180.0)]);
    let mut b = vessel("B", 31.0, 45.0, 0.0, &[(1.0, 180.0)]);
    for c in &mut b.parts[0].coords {
        c.y += 2000.0 / 111_150.0;
    }
    assert!(encounters(&[a, b], &EventRules::default()).is_empty());
}

/// Three hours at 1 knot after an hour at 10: one loitering event of 3 h,
/// mean speed 1 knot; a land convoy's slow hours are not loitering.
#[test]
fn three_hours_at_one_knot_is_loitering() {
    let v = vessel(
        "L",
        30.8,
        46.2,
        0.0,
        &[(10.0, 60.0), (1.0, 180.0), (10.0, 60.0)],
    );
    let events = of_convoy(&v, &EventRules::default());
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!((e.start_s, e.end_s), (3600.0, 3600.0 + 10_800.0));
    let EventKind::Loitering { mean_speed_kn } = e.kind else {
        panic!("{e:?}")
    };
    assert!((mean_speed_kn - 1.0).abs() < 1e-3, "{mean_speed_kn}");
    let land = Convoy { vessel: false, ..v };
    assert!(of_convoy(&land, &EventRules::default()).is_empty());
    let short = vessel(
        "S",
        30.8,
        46.2,
        0.0,
        &[(10.0, 60.0), (1.0, 50.0), (10.0, 60.0)],
    );
    assert!(of_convoy(&short, &EventRules::default()).is_empty());
}

/// One vessel fast: A drifts north at 1 knot; B stays within 400 m of it for
/// 2.5 h, but its fixes alternate 400 m north and south of A (800 m in ten
/// minutes: 2.6 knots, over the slow speed): no encounter.
#[test]
fn one_vessel_fast_beside_a_slow_one_is_no_encounter() {
    let a = vessel("A", 31.0, 45.0, 0.0, &[(1.0, 150.0)]);
    let mut b = a.clone();
    b.convoy_id = "B".into();
    for (k, c) in b.parts[0].coords.iter_mut().enumerate() {
        c.y += if k % 2 == 0 { 400.0 } else { -400.0 } / 111_150.0;
    }
    assert!(encounters(&[a, b], &EventRules::default()).is_empty());
}
