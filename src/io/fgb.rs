//! FlatGeobuf (the `flatgeobuf` crate, geometry and properties through
//! geozero). Its header's CRS (an EPSG code, else WKT) moves the coordinates
//! to WGS 84.

use super::crs::Crs;
use super::fields::Collector;
use crate::error::LoadError;
use crate::model::Layer;
use fallible_streaming_iterator::FallibleStreamingIterator;
use flatgeobuf::FgbReader;
use geozero::{ColumnValue, FeatureProperties, PropertyProcessor, ToGeo};
use serde_json::{Map, Number, Value};
use std::io::Cursor;

/// The first bytes of a FlatGeobuf file ("fgb", version 3).
pub const FGB_MAGIC: &[u8] = b"fgb\x03";

pub fn read_fgb(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    let bad = |what: String| LoadError::invalid(source, what);
    let reader = FgbReader::open(Cursor::new(bytes))
        .map_err(|e| bad(format!("not a readable FlatGeobuf ({e})")))?;
    // A hostile header claiming billions of features makes the reader size its
    // index skip by them: refuse counts the file cannot hold (a feature takes
    // more than 8 bytes).
    let claimed = reader.header().features_count();
    if claimed > (bytes.len() / 8) as u64 {
        return Err(bad(format!(
            "the header claims {claimed} features in {} bytes",
            bytes.len()
        )));
    }
    check_feature_sizes(bytes, claimed, reader.header().index_node_size())
        .map_err(|e| bad(format!("not a readable FlatGeobuf ({e})")))?;
    let crs = match reader.header().crs() {
        None => Crs::Wgs84,
        Some(c) if c.code() > 0 => {
            Crs::from_epsg(c.code() as u32).map_err(|e| bad(e.to_string()))?
        }
        Some(c) => match c.wkt() {
            Some(wkt) => Crs::from_wkt(wkt).map_err(|e| bad(e.to_string()))?,
            None => Crs::Wgs84,
        },
    };
    let mut features = reader
        .select_all_seq()
        .map_err(|e| bad(format!("not a readable FlatGeobuf ({e})")))?;
    let mut out = Collector::new(source);
    let mut n = 0usize;
    // Features are finished (times read, range checked) in parallel, a batch at a time.
    let mut batch: Vec<super::fields::Row> = Vec::with_capacity(BATCH_FEATURES);
    while let Some(f) = features
        .next()
        .map_err(|e| bad(format!("feature {n} cannot be read ({e})")))?
    {
        let mut props = Props(Map::new());
        let read = f
            .process_properties(&mut props)
            .map_err(|e| crate::problem!("its properties cannot be read ({e})"));
        let geometry = read.and_then(|_| match f.to_geo() {
            Ok(mut g) => crs.to_wgs84(&mut g).map(|()| Some(g)),
            Err(e) => Err(crate::problem!("geometry cannot be decoded ({e})")),
        });
        batch.push((format!("feature {n}"), props.0, geometry, None));
        if batch.len() == BATCH_FEATURES {
            out.push_many(std::mem::take(&mut batch), |r| r);
        }
        n += 1;
    }
    out.push_many(batch, |r| r);
    Ok(out.finish())
}

/// Features read before they are finished together (in parallel).
const BATCH_FEATURES: usize = 512;

/// Walks the length-prefixed features after the header and the index and
/// checks that each fits in the file, before the reader sizes a buffer by a
/// (possibly hostile) length.
fn check_feature_sizes(
    bytes: &[u8],
    features: u64,
    node_size: u16,
) -> Result<(), crate::error::Problem> {
    let u32_at = |at: usize| -> Option<usize> {
        let w: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(u32::from_le_bytes(w) as usize)
    };
    let header = u32_at(8).ok_or("no header")?;
    let index = if node_size > 0 && features > 0 {
        flatgeobuf::packed_r_tree::PackedRTree::index_size(features as usize, node_size)
    } else {
        0
    };
    let mut at = 12usize.saturating_add(header).saturating_add(index);
    let mut n = 0u64;
    // A header may leave the count unknown (0, as a streamed file does): then
    // every feature to the end of the file is checked.
    while at < bytes.len() && (features == 0 || n < features) {
        let size = u32_at(at).ok_or_else(|| crate::problem!("feature {n} is cut short"))?;
        at = at.saturating_add(4).saturating_add(size);
        if at > bytes.len() {
            return Err(crate::problem!(
                "feature {n} claims {size} bytes past the end of the file"
            ));
        }
        n += 1;
    }
    Ok(())
}

/// Collects a feature's columns as JSON values.
struct Props(Map<String, Value>);

impl PropertyProcessor for Props {
    fn property(
        &mut self,
        _idx: usize,
        name: &str,
        v: &ColumnValue,
    ) -> geozero::error::Result<bool> {
        let num = |x: f64| Number::from_f64(x).map_or(Value::Null, Value::Number);
        let value = match v {
            ColumnValue::Byte(x) => Value::from(*x),
            ColumnValue::UByte(x) => Value::from(*x),
            ColumnValue::Bool(x) => Value::from(*x),
            ColumnValue::Short(x) => Value::from(*x),
            ColumnValue::UShort(x) => Value::from(*x),
            ColumnValue::Int(x) => Value::from(*x),
            ColumnValue::UInt(x) => Value::from(*x),
            ColumnValue::Long(x) => Value::from(*x),
            ColumnValue::ULong(x) => Value::from(*x),
            ColumnValue::Float(x) => num(*x as f64),
            ColumnValue::Double(x) => num(*x),
            ColumnValue::String(s) | ColumnValue::DateTime(s) => Value::from(*s),
            ColumnValue::Json(s) => serde_json::from_str(s).unwrap_or_else(|_| Value::from(*s)),
            ColumnValue::Binary(_) => Value::Null,
        };
        self.0.insert(name.to_string(), value);
        Ok(false)
    }
}
