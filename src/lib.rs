//! corridor-watch: humanitarian corridors, convoy tracks and a 30-km buffer zone,
//! checked exactly in metres on the WGS 84 ellipsoid.
//!
//! The core (everything but `app`) builds without the `gui` feature and never
//! names egui. Coordinates are lon/lat degrees (RFC 7946 order), distances metres,
//! times seconds since the Unix epoch.

pub mod analysis;
pub mod error;
pub mod export;
pub mod geodesy;
pub mod index;
pub mod io;
pub mod model;
pub mod monitoring;
pub mod places;
pub mod report;
pub mod synth;
pub mod text;

#[cfg(feature = "gui")]
pub mod app;
