//! What the analysis found, presented and written: the check report (JSON and
//! text), figures as text, CSV, GeoJSON, KML, GPX, GeoPackage and FlatGeobuf
//! files, planned routes, the PostGIS sink, and the atomic writes they all go
//! through. Reading is `io`'s; nothing here decides what is flagged.

pub mod export;
pub(crate) mod field;
pub mod palette;
pub mod postgis_sink;
pub mod report;
pub mod route;
pub mod text;
pub mod write;
