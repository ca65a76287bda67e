//! Metric helpers on the WGS 84 ellipsoid.
//!
//! Coordinates are `geo::Coord` with `x` = longitude and `y` = latitude, in degrees.
//! Every distance is in metres along the ellipsoid (geodesic), never in degrees.
//!
//! Exact values come from Karney's algorithm (`geographiclib-rs`, the same code
//! behind `geo::Geodesic`). The fast paths ([`fast_distance_m`], [`LocalFrame`])
//! are checked against it in the tests (`ellipsoid`, `frame`) and stay well inside 0.1 %.

mod ellipsoid;
mod frame;
pub mod measured;
mod segment;

pub use ellipsoid::*;
pub use frame::{LocalFrame, POLAR_LAT_DEG};
pub use segment::{
    closest_on_segment_m, foot_from_sides, planar_closest as planar_closest_pub,
    point_segment_distance_far_from_ends_m, point_segment_distance_far_m, point_segment_distance_m,
};
