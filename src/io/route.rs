//! Planned routes as GeoJSON: one `kind: "route"` LineString feature.
//!
//! Properties: `name`, `corridor_ids` (the corridors the route uses), `length_m`
//! (geodesic), and `speed_kmh` when a planning speed was set. Coordinates are
//! the waypoints, lon/lat. Any GeoJSON layer with a `route` LineString reads back.

use crate::error::LoadError;
use crate::model::{Layer, Role};
use geo::{Coord, Geometry};

/// A route as the planner edits it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Route {
    pub name: String,
    /// Waypoints, lon/lat degrees.
    pub waypoints: Vec<Coord>,
    /// Corridor and grain-route ids the route uses.
    pub corridor_ids: Vec<String>,
    /// Planning speed, km/h.
    pub speed_kmh: Option<f64>,
}

/// The first `route` LineString of a loaded layer.
pub fn route_from_layer(layer: &Layer) -> Result<Route, LoadError> {
    let f = layer
        .features
        .iter()
        .find(|f| f.role == Role::Route)
        .ok_or_else(|| LoadError::invalid(&layer.source, "no feature with \"kind\": \"route\""))?;
    let Some(Geometry::LineString(line)) = &f.geometry else {
        return Err(LoadError::invalid(
            &layer.source,
            format!("feature {}: a route must be a LineString", f.index),
        ));
    };
    if line.0.len() < 2 {
        return Err(LoadError::invalid(
            &layer.source,
            format!("feature {}: a route needs at least two waypoints", f.index),
        ));
    }
    let corridor_ids = f.id_list("corridor_ids").unwrap_or_default();
    Ok(Route {
        name: f.prop_text("name").unwrap_or_else(|| layer.name.clone()),
        waypoints: line.0.clone(),
        corridor_ids,
        speed_kmh: f.prop_f64("speed_kmh").filter(|v| *v > 0.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_a_route_is_refused_by_name() {
        let text = r#"{"type":"FeatureCollection","features":[]}"#;
        let layer = crate::io::read_bytes("empty.geojson", text.as_bytes()).expect("reads");
        let e = route_from_layer(&layer).expect_err("no route").to_string();
        assert!(
            e.contains("no feature with \"kind\": \"route\"") && e.contains("empty.geojson"),
            "{e}"
        );
    }
}
