//! ESRI shapefiles: a `.shp` with its `.shx`, `.dbf`, `.prj` and `.cpg`
//! beside it, or any number of them inside a `.zip` (read with the `shapefile`
//! and `dbase` crates).
//!
//! The `.cpg` names the `.dbf`'s code page (UTF-8, cp1251, cp936, …; Windows
//! code page numbers too); without one the dBASE header's language mark is
//! used, else UTF-8 with bad bytes replaced. Field names cut to 10 characters
//! read as the conventions names they cut (`fields::expand_cut_name`). Blank
//! numbers are null, dates are `YYYY-MM-DD`, and the `.prj` moves the
//! coordinates to WGS 84 (`io::crs`); a shapefile with no `.prj` must already
//! be in lon/lat degrees.

use super::crs::Crs;
use super::fields::{Collector, expand_cut_name};
use crate::error::LoadError;
use crate::model::Layer;
use serde_json::{Map, Number, Value};
use shapefile::dbase::{self, FieldValue};
use std::io::Cursor;
use std::path::Path;

/// The files of one shapefile, by extension.
#[derive(Default)]
pub struct Parts {
    pub shp: Vec<u8>,
    pub shx: Option<Vec<u8>>,
    pub dbf: Option<Vec<u8>>,
    pub prj: Option<String>,
    pub cpg: Option<String>,
}

/// Reads `path` (a `.shp`) with the files beside it.
pub fn read_shp_path(path: &Path) -> Result<Layer, LoadError> {
    let source = path.display().to_string();
    let read = |ext: &str| -> Option<Vec<u8>> {
        [ext.to_string(), ext.to_ascii_uppercase()]
            .iter()
            .find_map(|e| std::fs::read(path.with_extension(e)).ok())
    };
    let shp = std::fs::read(path).map_err(LoadError::io(&source))?;
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    let parts = Parts {
        shp,
        shx: read("shx"),
        dbf: read("dbf"),
        prj: read("prj").map(text),
        cpg: read("cpg").map(text),
    };
    read_shapefile(&source, parts)
}

/// Reads every shapefile in a zip (with the files sharing each one's name).
pub fn read_shp_zip(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    const EXTS: [&str; 5] = ["shp", "shx", "dbf", "prj", "cpg"];
    let ext_of = |n: &str| {
        let lower = n.to_ascii_lowercase();
        EXTS.into_iter().find(|e| lower.ends_with(&format!(".{e}")))
    };
    let members = super::archive::unzip(source, bytes, |n| {
        ext_of(n).is_some() && !n.starts_with("__MACOSX/")
    })?;
    let mut stems: Vec<String> = Vec::new();
    let mut by_stem: std::collections::HashMap<String, Parts> = Default::default();
    for (name, data) in members {
        let Some(ext) = ext_of(&name) else { continue };
        let stem = name[..name.len() - ext.len() - 1].to_string();
        if ext == "shp" {
            stems.push(stem.clone());
        }
        let p = by_stem.entry(stem).or_default();
        let text = || String::from_utf8_lossy(&data).into_owned();
        match ext {
            "shp" => p.shp = data,
            "shx" => p.shx = Some(data),
            "dbf" => p.dbf = Some(data),
            "prj" => p.prj = Some(text()),
            _ => p.cpg = Some(text()),
        }
    }
    if stems.is_empty() {
        return Err(LoadError::invalid(source, "this zip holds no .shp file"));
    }
    let mut all = Collector::new(source).finish();
    for stem in stems {
        let Some(parts) = by_stem.remove(&stem) else {
            continue;
        };
        let one = read_shapefile(&format!("{source} ({stem}.shp)"), parts)?;
        let base = all.features.len();
        all.skipped_reports += one.skipped_reports;
        all.features.extend(one.features.into_iter().map(|mut f| {
            f.index += base;
            f
        }));
        all.warnings.extend(
            one.warnings
                .into_iter()
                .map(|w| w.prefixed(&format!("{stem}.shp: "))),
        );
    }
    Ok(all)
}

/// Reads one shapefile from its parts; `source` names it in messages.
pub fn read_shapefile(source: &str, parts: Parts) -> Result<Layer, LoadError> {
    let bad = |what: String| LoadError::invalid(source, what);
    let crs = match &parts.prj {
        Some(wkt) => Crs::from_wkt(wkt).map_err(|e| bad(format!(".prj: {e}")))?,
        None => Crs::Wgs84,
    };
    check_record_sizes(&parts.shp).map_err(|e| bad(format!("not a readable .shp ({e})")))?;
    let shapes = match &parts.shx {
        Some(shx) => shapefile::ShapeReader::with_shx(Cursor::new(&parts.shp), Cursor::new(shx)),
        None => shapefile::ShapeReader::new(Cursor::new(&parts.shp)),
    }
    .map_err(|e| bad(format!("not a readable .shp ({e})")))?;
    let mut out = Collector::new(source);
    let Some(dbf) = &parts.dbf else {
        out.warn("no .dbf beside the .shp: the features have no properties".into());
        return read_shapes_only(shapes, &crs, out);
    };
    let encoding = encoding_of(parts.cpg.as_deref(), dbf);
    // Read byte for byte (x-user-defined maps each byte to one character),
    // then decoded here, where text that does not read can be named.
    let table = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::EncodingRs::from(
            encoding_rs::X_USER_DEFINED,
        ))
        .build(Cursor::new(dbf.as_slice()))
        .map_err(|e| bad(format!("not a readable .dbf ({e})")))?;
    let records = table.header().num_records as usize;
    let fields: Vec<String> = table
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let mut reader = shapefile::Reader::new(shapes, table);
    let count = reader
        .shape_count()
        .map_err(|e| bad(format!("not a readable .shx ({e})")))?;
    if count != records {
        return Err(bad(format!(
            "the .shp has {count} shapes but the .dbf has {records} records; the files do not belong together"
        )));
    }
    let mut bad_fields: Vec<String> = Vec::new();
    let mut bad_seen = 0;
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) = item.map_err(|e| bad(format!("record {i} cannot be read ({e})")))?;
        let mut record = record
            .into_iter()
            .collect::<std::collections::HashMap<_, _>>();
        let mut props = Map::new();
        for name in &fields {
            if let Some(v) = record.remove(name) {
                let v = match v {
                    FieldValue::Character(Some(t)) => {
                        let (t, was_bad) = decode_text(encoding, &raw_bytes(&t));
                        if was_bad {
                            bad_seen += 1;
                            if !bad_fields.contains(name) {
                                bad_fields.push(name.clone());
                            }
                        }
                        FieldValue::Character(Some(t))
                    }
                    FieldValue::Memo(t) => {
                        FieldValue::Memo(decode_text(encoding, &raw_bytes(&t)).0)
                    }
                    other => other,
                };
                props.insert(expand_cut_name(name), value(v));
            }
        }
        out.push(&format!("record {i}"), props, geometry(shape, &crs), None);
    }
    if bad_seen > 0 {
        let how = if parts.cpg.is_some() {
            "the .cpg's code page"
        } else {
            "no .cpg beside the .dbf; the code page is the dBASE header's language mark, or UTF-8 without one"
        };
        out.warn(format!(
            "{bad_seen} text value(s) of field(s) {} are not valid {} ({how}): the bytes that do not read are shown as \\xNN, so that values that differ stay different; give the shapefile a .cpg naming its code page (for example 1251)",
            bad_fields.join(", "),
            encoding.name()
        ));
    }
    Ok(out.finish())
}

/// Walks the `.shp` record headers and checks that every record's part and
/// point counts fit in its own length, before the decoder sizes anything by
/// them (a hostile count would otherwise ask for gigabytes).
fn check_record_sizes(shp: &[u8]) -> Result<(), crate::error::Problem> {
    let be = |at: usize| -> Option<usize> {
        shp.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let le = |at: usize| -> Option<usize> {
        shp.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    // Every shape in a file is of the header's type, or null (ESRI's specification).
    let file_type = le(32).ok_or("no file header")?;
    let mut at = 100;
    let mut n = 0usize;
    while at + 8 <= shp.len() {
        let len = be(at + 4)
            .ok_or("truncated record header")?
            .saturating_mul(2);
        let body = at + 8;
        if body.saturating_add(len) > shp.len() {
            return Err(crate::problem!("record {n} runs past the end of the file"));
        }
        // Every record holds at least its shape type: a shorter one would put
        // the decoder's reading out of step with this walk.
        if len < 4 {
            return Err(crate::problem!(
                "record {n} is {len} bytes long, too short for its shape type"
            ));
        }
        let shape_type = le(body).unwrap_or(0);
        if shape_type != 0 && shape_type != file_type {
            return Err(crate::problem!(
                "record {n} is of shape type {shape_type} in a file of type {file_type}"
            ));
        }
        // PolyLine, Polygon, MultiPatch (+Z/M): bbox, parts, points; MultiPoint (+Z/M): bbox, points.
        let (parts, points) = match shape_type {
            3 | 5 | 13 | 15 | 23 | 25 | 31 => {
                (le(body + 36).unwrap_or(0), le(body + 40).unwrap_or(0))
            }
            8 | 18 | 28 => (0, le(body + 36).unwrap_or(0)),
            _ => (0, 0),
        };
        if parts
            .saturating_mul(4)
            .saturating_add(points.saturating_mul(16))
            > len
        {
            return Err(crate::problem!(
                "record {n} claims {parts} parts and {points} points in {len} bytes"
            ));
        }
        // Each part starts at a point of the record, in order (the decoder sizes parts by them).
        let mut last = 0;
        for k in 0..parts {
            let start = le(body + 44 + 4 * k).unwrap_or(usize::MAX);
            if start >= points.max(1) || start < last {
                return Err(crate::problem!(
                    "record {n}: part {k} starts at point {start} of {points}"
                ));
            }
            last = start;
        }
        at = body + len;
        n += 1;
    }
    Ok(())
}

fn read_shapes_only(
    mut shapes: shapefile::ShapeReader<Cursor<&Vec<u8>>>,
    crs: &Crs,
    mut out: Collector,
) -> Result<Layer, LoadError> {
    let source = out.layer.source.clone();
    for (i, s) in shapes.iter_shapes().enumerate() {
        let s =
            s.map_err(|e| LoadError::invalid(&source, format!("shape {i} cannot be read ({e})")))?;
        out.push(&format!("record {i}"), Map::new(), geometry(s, crs), None);
    }
    Ok(out.finish())
}

fn geometry(
    shape: shapefile::Shape,
    crs: &Crs,
) -> Result<Option<geo::Geometry<f64>>, crate::error::Problem> {
    if matches!(shape, shapefile::Shape::NullShape) {
        return Ok(None);
    }
    let mut g: geo::Geometry<f64> = shape
        .try_into()
        .map_err(|e| crate::problem!("shape cannot be read ({e:?})"))?;
    crs.to_wgs84(&mut g)?;
    Ok(Some(g))
}

/// A dBASE value as JSON: blank is null, dates `YYYY-MM-DD`.
fn value(v: FieldValue) -> Value {
    let num = |x: f64| Number::from_f64(x).map_or(Value::Null, Value::Number);
    match v {
        FieldValue::Character(Some(s)) => Value::String(s.trim_end().to_string()),
        FieldValue::Numeric(Some(x)) | FieldValue::Double(x) | FieldValue::Currency(x) => {
            if x.fract() == 0.0 && x.abs() < 9e15 {
                Value::Number((x as i64).into())
            } else {
                num(x)
            }
        }
        FieldValue::Float(Some(x)) => num(x as f64),
        FieldValue::Integer(x) => Value::Number(x.into()),
        FieldValue::Logical(Some(b)) => Value::Bool(b),
        FieldValue::Date(Some(d)) => {
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
        FieldValue::DateTime(dt) => {
            let d = dt.date();
            let t = dt.time();
            Value::String(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                d.year(),
                d.month(),
                d.day(),
                t.hours(),
                t.minutes(),
                t.seconds()
            ))
        }
        FieldValue::Memo(s) => Value::String(s),
        _ => Value::Null,
    }
}

/// The bytes of a text read with `x-user-defined` (which maps every byte to
/// its own character: ASCII as itself, 0x80-0xFF to U+F780-U+F7FF).
fn raw_bytes(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c as u32 {
            n @ 0..=0x7F => n as u8,
            n @ 0xF780..=0xF7FF => (n - 0xF700) as u8,
            _ => b'?',
        })
        .collect()
}

/// Text of the `.dbf` in its code page; `None` for the bad flag when it reads.
/// Text that is not valid in the code page keeps each bad byte as `\xNN`
/// (never one replacement character for all: two different ids stay two).
fn decode_text(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> (String, bool) {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(t) => (t.into_owned(), false),
        None => (escaped(encoding, bytes), true),
    }
}

/// `bytes` decoded with every byte that does not read as `\xNN`: UTF-8 and
/// single-byte code pages byte by byte; any other code page, every byte.
fn escaped(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    let esc = |out: &mut String, b: &u8| {
        let _ = write!(out, "\\x{b:02X}");
    };
    if encoding == encoding_rs::UTF_8 {
        let mut rest = bytes;
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(t) => {
                    out.push_str(t);
                    break;
                }
                Err(e) => {
                    let (good, after) = rest.split_at(e.valid_up_to());
                    out.push_str(std::str::from_utf8(good).unwrap_or_default());
                    let n = e.error_len().unwrap_or(after.len()).max(1);
                    after[..n].iter().for_each(|b| esc(&mut out, b));
                    rest = &after[n..];
                }
            }
        }
    } else if encoding.is_single_byte() {
        for b in bytes {
            match encoding.decode_without_bom_handling_and_without_replacement(&[*b]) {
                Some(t) => out.push_str(&t),
                None => esc(&mut out, b),
            }
        }
    } else {
        bytes.iter().for_each(|b| esc(&mut out, b));
    }
    out
}

/// The `.dbf`'s text encoding: the `.cpg`, else the header's language mark, else UTF-8.
fn encoding_of(cpg: Option<&str>, dbf: &[u8]) -> &'static encoding_rs::Encoding {
    if let Some(label) = cpg.map(str::trim).filter(|l| !l.is_empty())
        && let Some(e) = code_page(label)
    {
        return e;
    }
    // Byte 29 of a dBASE header: the language driver id.
    match dbf.get(29) {
        Some(0x57) | Some(0x03) => encoding_rs::WINDOWS_1252,
        Some(0xC9) => encoding_rs::WINDOWS_1251,
        Some(0x26) | Some(0x65) => encoding_rs::IBM866,
        Some(0x4D) | Some(0x7A) => encoding_rs::GBK,
        _ => encoding_rs::UTF_8,
    }
}

/// A `.cpg` label: an encoding name, or a Windows code page number ("1251", "CP936", "ANSI 1251").
fn code_page(label: &str) -> Option<&'static encoding_rs::Encoding> {
    let lower = label.to_ascii_lowercase();
    let digits = lower
        .trim_start_matches("ansi")
        .trim_start_matches("windows-")
        .trim_start_matches("cp")
        .trim();
    if let Ok(n) = digits.parse::<u32>() {
        return Some(match n {
            65001 => encoding_rs::UTF_8,
            936 => encoding_rs::GBK,
            866 => encoding_rs::IBM866,
            20866 => encoding_rs::KOI8_R,
            21866 => encoding_rs::KOI8_U,
            28595 => encoding_rs::ISO_8859_5,
            1250..=1258 => encoding_rs::Encoding::for_label(format!("windows-{n}").as_bytes())?,
            _ => return None,
        });
    }
    encoding_rs::Encoding::for_label(lower.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_pages_by_name_and_number() {
        assert_eq!(code_page("UTF-8"), Some(encoding_rs::UTF_8));
        assert_eq!(code_page("cp936"), Some(encoding_rs::GBK));
        assert_eq!(code_page("1251"), Some(encoding_rs::WINDOWS_1251));
        assert_eq!(code_page("ANSI 1251"), Some(encoding_rs::WINDOWS_1251));
        assert_eq!(code_page("CP1252"), Some(encoding_rs::WINDOWS_1252));
        assert_eq!(code_page("koi8-u"), Some(encoding_rs::KOI8_U));
        assert_eq!(code_page("nonsense"), None);
    }

    /// Regression (issue 22, item 7): two Cyrillic ids in cp1251 read as
    /// UTF-8 became the same string of replacement characters.
    #[test]
    fn text_that_does_not_read_keeps_its_bytes_apart() {
        // "АБВ-1" and "ГДЕ-1" in cp1251 (encoding_rs's table, the WHATWG one).
        let (a, b) = (b"\xC0\xC1\xC2-1", b"\xC3\xC4\xC5-1");
        let (ea, eb) = (
            escaped(encoding_rs::UTF_8, a),
            escaped(encoding_rs::UTF_8, b),
        );
        assert_ne!(ea, eb);
        assert_eq!(ea, "\\xC0\\xC1\\xC2-1");
        assert_eq!(escaped(encoding_rs::WINDOWS_1251, a), "АБВ-1");
        assert_eq!(escaped(encoding_rs::UTF_8, "Київ".as_bytes()), "Київ");
    }

    #[test]
    fn blank_numbers_are_null_and_dates_are_dates() {
        assert_eq!(value(FieldValue::Numeric(None)), Value::Null);
        assert_eq!(value(FieldValue::Numeric(Some(2000.0))), Value::from(2000));
        assert_eq!(value(FieldValue::Numeric(Some(2.5))), Value::from(2.5));
        assert_eq!(
            value(FieldValue::Character(Some("HC-01   ".into()))),
            Value::from("HC-01")
        );
    }
}
