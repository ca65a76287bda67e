//! Bytes and paths in, model out: GeoJSON, GPX and CSV position reports.

mod csv;
mod fast_geojson;
mod geojson;
mod gpx;
pub mod strict_json;
pub mod time;

pub use self::csv::read_csv;
pub use self::geojson::read_geojson;
pub use self::gpx::read_gpx;

use crate::error::LoadError;
use crate::model::Layer;
use std::path::Path;

/// The formats we read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Gpx,
    Csv,
}

impl Format {
    /// From the file extension, else by sniffing the first non-blank byte.
    pub fn detect(source: &str, bytes: &[u8]) -> Format {
        let ext = Path::new(source.split(['?', '#']).next().unwrap_or(source))
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("gpx") => Format::Gpx,
            Some("csv") => Format::Csv,
            Some("geojson" | "json") => Format::GeoJson,
            _ => {
                let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                match body.iter().find(|b| !b.is_ascii_whitespace()) {
                    Some(b'<') => Format::Gpx,
                    Some(b'{' | b'[') | None => Format::GeoJson,
                    _ => Format::Csv,
                }
            }
        }
    }
}

/// Reads a layer from bytes; `source` (a path or URL) names it in messages.
pub fn read_bytes(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    let mut layer = match Format::detect(source, bytes) {
        Format::GeoJson => read_geojson(source, bytes)?,
        Format::Gpx => read_gpx(source, bytes)?,
        Format::Csv => read_csv(source, bytes)?,
    };
    layer.name = Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string());
    Ok(layer)
}

/// Reads a layer from a file.
pub fn read_path(path: &Path) -> Result<Layer, LoadError> {
    let source = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| LoadError::Io {
        path: source.clone(),
        err: e,
    })?;
    read_bytes(&source, &bytes)
}
