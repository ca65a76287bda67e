//! corridor-watch: humanitarian corridors, convoy tracks and a 30-km buffer zone,
//! checked exactly in metres on the WGS 84 ellipsoid.
//!
//! The core (everything but `app`) builds without the `gui` feature and never
//! names egui. Coordinates are lon/lat degrees (RFC 7946 order), distances metres,
//! times seconds since the Unix epoch.

pub mod analysis;
pub mod edit;
pub mod error;
pub mod geodesy;
pub mod index;
pub mod io;
pub mod model;
pub mod monitoring;
pub mod output;
pub mod places;
pub mod synth;
pub mod utc;

#[cfg(feature = "gui")]
pub mod app;
