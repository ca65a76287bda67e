//! GeoJSON in: a fast reader for the common shapes, the strict reader
//! (RFC 7946, the reference) behind it, a streaming reader for large files,
//! and the feature finishing they share.

mod fast;
mod scan;
pub mod stream;
mod strict;

pub use strict::{read_geojson_skipping, read_geojson_strict};

use crate::error::LoadError;
use crate::model::Layer;

/// Reads a GeoJSON document. `source` names the file in messages.
pub fn read_geojson(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    if let Some((features, warnings)) = fast::try_read(bytes) {
        return Ok(Layer {
            source: source.to_string(),
            features,
            warnings,
            ..Default::default()
        });
    }
    read_geojson_strict(source, bytes)
}
