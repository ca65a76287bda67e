//! Planned routes written as GeoJSON: one `kind: "route"` LineString feature
//! (the layout `io::route` reads back).
//!
//! Properties: `name`, `corridor_ids` (the corridors the route uses), `length_m`
//! (geodesic), and `speed_kmh` when a planning speed was set. Coordinates are
//! the waypoints, lon/lat.

use crate::io::route::Route;
use serde_json::{Value, json};

/// Positions as GeoJSON coordinates, rounded as every output rounds degrees.
fn coords_json(cs: &[geo::Coord]) -> Vec<Value> {
    cs.iter()
        .map(|c| {
            json!([
                crate::output::report::round_deg(c.x),
                crate::output::report::round_deg(c.y)
            ])
        })
        .collect()
}

/// The route as a GeoJSON FeatureCollection (text).
pub fn route_to_geojson(route: &Route) -> String {
    route_geojson_with(route, None)
}

/// An incident near a route as `incidents_near` lists it.
pub fn near_json(n: &crate::analysis::exposure::NearIncident) -> Value {
    json!({
        "id": n.id,
        "category": n.category,
        "time": n.time,
        "distance_m": crate::output::report::round_m(n.distance_m),
        "fatalities": n.fatalities,
        "leg": n.leg + 1,
    })
}

/// The route as GeoJSON, with `incidents_near` (nearest first) when given.
pub fn route_geojson_with(
    route: &Route,
    near: Option<&[crate::analysis::exposure::NearIncident]>,
) -> String {
    let coords = coords_json(&route.waypoints);
    let length_m = crate::output::report::round_m(crate::geodesy::line_length_m(&route.waypoints));
    let mut props = json!({
        "kind": "route",
        "name": route.name,
        "corridor_ids": route.corridor_ids,
        "length_m": length_m,
    });
    if let (Some(v), Some(map)) = (route.speed_kmh, props.as_object_mut()) {
        map.insert("speed_kmh".into(), json!(v));
    }
    if let (Some(near), Some(map)) = (near, props.as_object_mut()) {
        let list: Vec<Value> = near.iter().map(near_json).collect();
        map.insert("incidents_near".into(), Value::Array(list));
    }
    let fc = super::write::feature_collection(vec![json!({
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "LineString", "coordinates": coords},
    })]);
    serde_json::to_string_pretty(&fc).unwrap_or_default()
}

/// What a notification says besides its route (`docs/layers.md`, "Notified
/// movements"); times as RFC 3339 text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MovementText {
    pub id: String,
    pub convoy_id: String,
    pub window_start: String,
    pub window_end: String,
    pub vehicles: String,
    pub contact: String,
    pub notes: String,
}

/// A `movement` feature for a planned route: its waypoints as the notified
/// route, its corridors, its speed; empty optional texts are left out.
pub fn movement_feature(route: &Route, m: &MovementText) -> Value {
    let coords = coords_json(&route.waypoints);
    let mut props = serde_json::Map::new();
    for (k, v) in [
        ("kind", "movement"),
        ("id", &m.id),
        ("convoy_id", &m.convoy_id),
        ("window_start", &m.window_start),
        ("window_end", &m.window_end),
        ("vehicles", &m.vehicles),
        ("contact", &m.contact),
        ("notes", &m.notes),
    ] {
        if !v.trim().is_empty() {
            props.insert(k.into(), json!(v.trim()));
        }
    }
    if !route.corridor_ids.is_empty() {
        props.insert("corridor_ids".into(), json!(route.corridor_ids));
    }
    if let Some(v) = route.speed_kmh {
        props.insert("speed_kmh".into(), json!(v));
    }
    json!({
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "LineString", "coordinates": coords},
    })
}

/// Features as a GeoJSON FeatureCollection (text).
pub fn features_geojson(features: Vec<Value>) -> String {
    serde_json::to_string_pretty(&super::write::feature_collection(features)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::route::route_from_layer;
    use geo::Coord;

    #[test]
    fn a_route_round_trips_through_geojson() {
        let r = Route {
            name: "Kharkiv run".into(),
            waypoints: vec![
                Coord {
                    x: 36.2304,
                    y: 49.9935,
                },
                Coord {
                    x: 35.0462,
                    y: 48.4647,
                },
            ],
            corridor_ids: vec!["M03".into(), "H-08".into()],
            speed_kmh: Some(45.0),
        };
        let text = route_to_geojson(&r);
        let layer = crate::io::read_bytes("r.geojson", text.as_bytes()).expect("reads");
        assert_eq!(route_from_layer(&layer).expect("a route"), r);
        assert!(text.contains("\"kind\": \"route\""));
    }
}
