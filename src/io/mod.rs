//! Bytes and paths in, model out: GeoJSON, GPX, CSV position reports, KML and
//! KMZ, shapefiles (zipped or not), GeoPackage and FlatGeobuf.

mod ais;
mod ais_sixbit;
mod archive;
pub mod crs;
mod csv;
mod feature;
pub(crate) use feature::finish_feature;
pub mod feed;
mod fgb;
pub(crate) mod fields;
mod geojson;
pub(crate) mod gpkg;
mod gpx;
pub mod http;
pub mod incident_tables;
mod kml;
pub mod ogc;
pub mod postgis;
pub mod route;
mod shp;
pub mod strict_json;
pub mod time;
mod wkt;

pub use self::csv::read_csv;
pub use self::geojson::stream;
pub use self::geojson::{read_geojson, read_geojson_skipping};
pub use self::gpx::read_gpx;

use crate::error::LoadError;
use crate::model::Layer;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The formats we read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Gpx,
    Csv,
    Kml,
    /// A zip: a KMZ, or zipped shapefiles.
    Zip,
    Shapefile,
    GeoPackage,
    FlatGeobuf,
    /// AIS sentences (`!AIVDM`), with tag blocks or `$PGHP` times.
    Nmea,
}

impl Format {
    /// By content where the bytes say it (zip, shapefile, KML's root
    /// element), else by the extension, else by the first non-blank byte.
    pub fn detect(source: &str, bytes: &[u8]) -> Format {
        let ext = Path::new(source.split(['?', '#']).next().unwrap_or(source))
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        if archive::is_zip(bytes) {
            return Format::Zip;
        }
        if bytes.starts_with(&[0x00, 0x00, 0x27, 0x0A]) {
            return Format::Shapefile;
        }
        if bytes.starts_with(gpkg::SQLITE_MAGIC) {
            return Format::GeoPackage;
        }
        if bytes.starts_with(fgb::FGB_MAGIC) {
            return Format::FlatGeobuf;
        }
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let head = &body[..body.len().min(2048)];
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        if ais::is_nmea(head) {
            return Format::Nmea;
        }
        if first == Some(&b'<') && memchr::memmem::find(head, b"<kml").is_some() {
            return Format::Kml;
        }
        match ext.as_deref() {
            Some("gpx") => Format::Gpx,
            Some("csv") => Format::Csv,
            Some("geojson" | "json") => Format::GeoJson,
            Some("kml") => Format::Kml,
            Some("kmz" | "zip") => Format::Zip,
            Some("shp") => Format::Shapefile,
            Some("gpkg") => Format::GeoPackage,
            Some("fgb") => Format::FlatGeobuf,
            Some("nmea" | "ais") => Format::Nmea,
            _ => match first {
                Some(b'<') => Format::Gpx,
                Some(b'{' | b'[') | None => Format::GeoJson,
                _ => Format::Csv,
            },
        }
    }
}

/// Reads a layer from bytes; `source` (a path or URL) names it in messages.
pub fn read_bytes(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    Ok(named(parse_bytes(source, bytes)?, source))
}

/// A layer from bytes, not yet named (see `named`).
pub fn parse_bytes(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(LoadError::invalid(
            source,
            "the file is UTF-16 text; GeoJSON, GPX and CSV are read as UTF-8 (save it as UTF-8)",
        ));
    }
    let layer = match Format::detect(source, bytes) {
        Format::GeoJson => read_geojson(source, bytes)?,
        Format::Gpx => read_gpx(source, bytes)?,
        Format::Csv => match ais::csv_layout(bytes) {
            Some(layout) => ais::read_ais_csv(source, bytes, layout)?,
            None => match incident_tables::layout(bytes) {
                Some(layout) => incident_tables::read(source, bytes, &layout)?,
                None => read_csv(source, bytes)?,
            },
        },
        Format::Nmea => ais::read_nmea(source, bytes)?,
        Format::Kml => kml::read_kml(source, bytes)?,
        Format::Zip => read_zip(source, bytes)?,
        Format::GeoPackage => gpkg::read_gpkg_bytes(source, bytes)?,
        Format::FlatGeobuf => fgb::read_fgb(source, bytes)?,
        // A .shp alone (from a URL): shapes without properties, in lon/lat.
        Format::Shapefile => shp::read_shapefile(
            source,
            shp::Parts {
                shp: bytes.to_vec(),
                ..Default::default()
            },
        )?,
    };
    Ok(layer)
}

/// A layer read from `source`, named by its file name (a GeoPackage's
/// `#table` kept), with warnings for reaches it cannot use.
pub(crate) fn named(mut layer: Layer, source: &str) -> Layer {
    layer.name = Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string());
    layer.warn_unusable_reaches();
    layer
}

/// A GeoPackage path, and the table after `#` when one is named
/// (`scenario.gpkg#lines`); `None` for any other file.
fn gpkg_table(path: &Path) -> Option<(std::path::PathBuf, Option<String>)> {
    let text = path.to_str()?;
    let is_gpkg = |p: &Path| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gpkg"))
            || std::fs::File::open(p)
                .and_then(|mut f| {
                    let mut head = [0u8; 16];
                    f.read_exact(&mut head)
                        .map(|()| head == *gpkg::SQLITE_MAGIC)
                })
                .unwrap_or(false)
    };
    if path.is_file() {
        return is_gpkg(path).then(|| (path.to_path_buf(), None));
    }
    // `file.gpkg#table`: the first `#` after which the file is a GeoPackage
    // (a table's name may hold `#` itself).
    text.match_indices('#').find_map(|(at, _)| {
        let (file, table) = (Path::new(&text[..at]), &text[at + 1..]);
        (file.is_file() && is_gpkg(file)).then(|| (file.to_path_buf(), Some(table.to_string())))
    })
}

/// A zip holding a `.kml` is a KMZ; else its shapefiles are read.
fn read_zip(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    let names = archive::names(source, bytes)?;
    if names
        .iter()
        .any(|n| n.to_ascii_lowercase().ends_with(".kml"))
    {
        kml::read_kmz(source, bytes)
    } else if !names
        .iter()
        .any(|n| n.to_ascii_lowercase().ends_with(".shp"))
        && names
            .iter()
            .any(|n| n.to_ascii_lowercase().ends_with(".csv"))
    {
        // A zipped table (ACLED and HDX downloads): its first CSV, read by content.
        let mut csvs = archive::unzip(source, bytes, |n| n.to_ascii_lowercase().ends_with(".csv"))?;
        let (name, data) = csvs.remove(0);
        // Named "archive.zip/member.csv": read as the member it is, and its
        // warnings' line numbers name the member.
        let mut layer = parse_bytes(&format!("{source}/{name}"), &data)?;
        if !csvs.is_empty() {
            layer.warnings.push(crate::note!(
                "the zip holds {} more CSV file(s); only {name} was read",
                csvs.len()
            ));
        }
        Ok(layer)
    } else {
        shp::read_shp_zip(source, bytes)
    }
}

/// Reads a layer from a path or an http(s) URL.
pub fn read_source(source: &str, limits: &http::FetchLimits) -> Result<Layer, LoadError> {
    read_source_in(source, limits, &crate::model::window::Window::default())
}

/// As `read_source`; a PostGIS table sends `window` to the server (only
/// the reports that may fall in it are read). The caller trims every layer
/// to the window (`Layer::keep_reports_in`).
pub fn read_source_in(
    source: &str,
    limits: &http::FetchLimits,
    window: &crate::model::window::Window,
) -> Result<Layer, LoadError> {
    if http::is_url(source) {
        read_url(source, limits, None, None)
    } else if postgis::is_db_url(source) {
        let masked = postgis::url::mask(source);
        let url = postgis::PgUrl::parse(source).map_err(|e| postgis::load_error(&masked, e))?;
        postgis::read_table_in(&url, &postgis::ReadProgress::default(), window)
            .map_err(|e| postgis::load_error(&masked, e))
    } else if source.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    }) {
        Err(LoadError::invalid(
            source,
            "only http://, https:// and postgresql:// URLs can be opened",
        ))
    } else {
        read_path(Path::new(source))
    }
}

/// Reads a layer over http(s): a file, or every page of an OGC API Features
/// items URL (`io::ogc`).
pub fn read_url(
    url: &str,
    limits: &http::FetchLimits,
    done_bytes: Option<&AtomicU64>,
    cancel: Option<&AtomicBool>,
) -> Result<Layer, LoadError> {
    ogc::read_url(url, limits, done_bytes, cancel, parse_bytes).map(|l| named(l, url))
}

/// Reads every page from an OGC API items URL that already carries its query
/// (`ogc::first_page`), unnamed.
pub fn read_ogc_pages(first: &str, limits: &http::FetchLimits) -> Result<Layer, LoadError> {
    ogc::read_pages(first, limits, None, None, parse_bytes)
}

/// Reads a layer from a PostGIS table (`postgresql://…?table=SCHEMA.TABLE`);
/// messages show the URL with its password masked.
pub fn read_database(source: &str, progress: &postgis::ReadProgress) -> Result<Layer, LoadError> {
    let masked = postgis::url::mask(source);
    let url = postgis::PgUrl::parse(source).map_err(|e| postgis::load_error(&masked, e))?;
    postgis::read_table(&url, progress).map_err(|e| postgis::load_error(&masked, e))
}

/// Reads a layer from a file.
pub fn read_path(path: &Path) -> Result<Layer, LoadError> {
    read_path_with(path, None, None, None)
}

/// Reads a layer from a file, reporting the bytes read (and the file's size)
/// and stopping when `cancel` is set. A GeoJSON file over
/// [`stream::STREAM_ABOVE_BYTES`] is streamed: its text is never held whole.
pub fn read_path_with(
    path: &Path,
    done_bytes: Option<&AtomicU64>,
    total_bytes: Option<&AtomicU64>,
    cancel: Option<&AtomicBool>,
) -> Result<Layer, LoadError> {
    let source = path.display().to_string();
    if let Some((file, table)) = gpkg_table(path) {
        // A GeoPackage is read by SQLite from the file itself; `file.gpkg#table` picks a table.
        return Ok(named(
            gpkg::read_gpkg_path(&file, table.as_deref())?,
            &source,
        ));
    }
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("shp"))
    {
        // A shapefile is several files: read the ones beside it too.
        return Ok(named(shp::read_shp_path(path)?, &source));
    }
    let io_err = LoadError::io(&source);
    let mut file = std::fs::File::open(path).map_err(io_err)?;
    let len = file.metadata().map_err(io_err)?.len();
    if let Some(t) = total_bytes {
        t.store(len, Ordering::Relaxed);
    }
    let mut head = [0u8; 4096];
    let n = file.read(&mut head).map_err(io_err)?;
    if len > stream::STREAM_ABOVE_BYTES
        && Format::detect(&source, &head[..n]) == Format::GeoJson
        && !head.starts_with(&[0xFF, 0xFE])
        && !head.starts_with(&[0xFE, 0xFF])
    {
        let reader = std::io::Cursor::new(head[..n].to_vec()).chain(file);
        let layer = stream::read_geojson_stream(
            &source,
            std::io::BufReader::new(reader),
            stream::CHUNK_BYTES,
            done_bytes,
            cancel,
        )?;
        return Ok(named(layer, &source));
    }
    let bytes = read_rest(&source, file, len, &head[..n], done_bytes, cancel)?;
    read_bytes(&source, &bytes)
}

/// Bytes read per step of a whole file's read, between progress and cancel.
const READ_STEP: usize = 8 << 20;

/// A whole file whose first bytes, `head`, are already read: straight into
/// one buffer (no copy through a chunk), 8 MB at a time for progress and
/// cancel. A large file on Unix (16 MB to 4 GB: beyond, the buffer is not
/// made whole up front) is read in two halves at once, each half's pages of
/// the buffer made by its own core.
fn read_rest(
    source: &str,
    mut file: std::fs::File,
    len: u64,
    head: &[u8],
    done_bytes: Option<&AtomicU64>,
    cancel: Option<&AtomicBool>,
) -> Result<Vec<u8>, LoadError> {
    let io_err = LoadError::io(source);
    #[cfg(unix)]
    if let Ok(n) = usize::try_from(len)
        && n >= 2 * READ_STEP
        && len <= 1 << 32
        && head.len() < n
    {
        use std::os::unix::fs::FileExt;
        let mut bytes = vec![0u8; n];
        bytes[..head.len()].copy_from_slice(head);
        if let Some(d) = done_bytes {
            d.store(head.len() as u64, Ordering::Relaxed);
        }
        let (a, b) = bytes[head.len()..].split_at_mut((n - head.len()) / 2);
        let b_at = (n - b.len()) as u64;
        let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
        // How much of `part` was read from `at` on (short when the file shrank).
        let half = |part: &mut [u8], at: u64| -> std::io::Result<usize> {
            let mut got = 0;
            while got < part.len() && !cancelled() {
                let end = (got + READ_STEP).min(part.len());
                match file.read_at(&mut part[got..end], at + got as u64) {
                    Ok(0) => break,
                    Ok(k) => {
                        got += k;
                        if let Some(d) = done_bytes {
                            d.fetch_add(k as u64, Ordering::Relaxed);
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(got)
        };
        let (a_len, b_len) = (a.len(), b.len());
        let (ga, gb) = rayon::join(|| half(a, head.len() as u64), || half(b, b_at));
        let (ga, gb) = (ga.map_err(io_err)?, gb.map_err(io_err)?);
        if cancelled() {
            return Err(LoadError::cancelled(source));
        }
        if ga == a_len && gb == b_len {
            // Anything written past the length seen at the start, too.
            use std::io::Seek;
            file.seek(std::io::SeekFrom::Start(n as u64))
                .map_err(io_err)?;
            file.read_to_end(&mut bytes).map_err(io_err)?;
            if let Some(d) = done_bytes {
                d.store(bytes.len() as u64, Ordering::Relaxed);
            }
            return Ok(bytes);
        }
        // The file shrank while it was read: read it again, in order.
        use std::io::Seek;
        file.rewind().map_err(io_err)?;
        return read_in_order(source, file, &[], done_bytes, cancel);
    }
    read_in_order(source, file, head, done_bytes, cancel)
}

/// `head`, then the rest of `file` from where it stands, in order.
fn read_in_order(
    source: &str,
    file: std::fs::File,
    head: &[u8],
    done_bytes: Option<&AtomicU64>,
    cancel: Option<&AtomicBool>,
) -> Result<Vec<u8>, LoadError> {
    let io_err = LoadError::io(source);
    let len = file.metadata().map_err(io_err)?.len();
    let mut bytes = Vec::with_capacity(len.min(1 << 32) as usize + head.len() + 1);
    bytes.extend_from_slice(head);
    let mut reader = file;
    loop {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(LoadError::cancelled(source));
        }
        let k = (&mut reader)
            .take(READ_STEP as u64)
            .read_to_end(&mut bytes)
            .map_err(io_err)?;
        if k == 0 {
            break;
        }
        if let Some(d) = done_bytes {
            d.store(bytes.len() as u64, Ordering::Relaxed);
        }
    }
    Ok(bytes)
}

/// The bundled scenario's files, found beside the working directory or the crate.
pub fn bundled_files() -> Vec<std::path::PathBuf> {
    let dirs = [
        std::path::PathBuf::from("data"),
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"),
    ];
    let Some(dir) = dirs
        .into_iter()
        .find(|d| d.join("corridors.geojson").exists())
    else {
        return Vec::new();
    };
    [
        "corridors.geojson",
        "grain_routes.geojson",
        "contact_line.geojson",
        "incidents.geojson",
        "tracks.geojson",
        "position_reports.csv",
        "movements.geojson",
    ]
    .iter()
    .map(|f| dir.join(f))
    .filter(|p| p.exists())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of `n` bytes that differ from place to place, and its head.
    fn file_of(n: usize) -> (tempfile::NamedTempFile, Vec<u8>) {
        let bytes: Vec<u8> = (0..n).map(|i| (i * 7 + i / 4096) as u8).collect();
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, &bytes).unwrap();
        (f, bytes)
    }

    fn read_with_len(f: &tempfile::NamedTempFile, len: u64) -> Vec<u8> {
        let mut file = std::fs::File::open(f.path()).unwrap();
        let mut head = [0u8; 4096];
        let n = file.read(&mut head).unwrap();
        let done = AtomicU64::new(0);
        let bytes = read_rest("t", file, len, &head[..n], Some(&done), None).unwrap();
        assert_eq!(done.load(Ordering::Relaxed), bytes.len() as u64);
        bytes
    }

    #[test]
    fn a_large_file_is_read_whole_in_two_halves() {
        let (f, bytes) = file_of(2 * READ_STEP + 12_345);
        assert!(read_with_len(&f, bytes.len() as u64) == bytes);
    }

    #[test]
    fn a_file_that_grew_or_shrank_since_its_length_was_seen_is_read_as_it_is() {
        let (f, bytes) = file_of(2 * READ_STEP + 12_345);
        // Grown by 5,000 bytes since: the rest is read too.
        assert!(read_with_len(&f, bytes.len() as u64 - 5_000) == bytes);
        // Shrunk by 5,000 bytes since: read again, in order, as it now is.
        assert!(read_with_len(&f, bytes.len() as u64 + 5_000) == bytes);
    }

    #[test]
    fn a_cancelled_large_read_says_so() {
        let (f, bytes) = file_of(2 * READ_STEP + 1);
        let file = std::fs::File::open(f.path()).unwrap();
        let cancel = AtomicBool::new(true);
        let r = read_rest("t", file, bytes.len() as u64, &[], None, Some(&cancel));
        assert!(r.is_err_and(|e| e.is_cancelled()));
    }
}
