//! AIS, for vessel tracks on the grain lanes: NMEA files of VDM/VDO sentences
//! from any talker (`!AIVDM`, base stations' `!BSVDM`, `!ABVDM`, `!ANVDM`, …;
//! decoded by the `ais` crate) and position CSVs in the MarineCadastre and
//! Danish Maritime Authority layouts.
//!
//! Each vessel is a `track` with `convoy_id` = its MMSI (decimal) and `name` =
//! its name when a type 5, 19 or 24 message gave one; its positions in time
//! order make one line with a time per vertex (a vessel seen once is a point).
//! Positions come from types 1, 2, 3, 18, 19 and 27; AIS's "not available"
//! (lon 181, lat 91), a receiver's 0,0 and anything outside WGS 84 are
//! dropped, and counted; CSV positions are read as f64. NMEA times come
//! from NMEA 4.10 tag blocks (`\c:<unix seconds>*hh\`) or Gatehouse `$PGHP`
//! lines; a sentence with no time is skipped and counted in a warning.
//! Multi-part messages are reassembled; bad checksums, orphan parts and parts
//! out of order are skipped and counted, never fatal.

use super::fields::Collector;
use crate::error::LoadError;
use crate::model::Layer;
use ais::messages::AisMessage;
use ais::sentence::{AisFragments, AisParser};
use geo::{Coord, Geometry, LineString, Point};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// True when the text looks like AIS NMEA (its first sentence).
pub fn is_nmea(bytes: &[u8]) -> bool {
    bytes
        .split(|&b| b == b'\n')
        .map(|l| l.trim_ascii())
        .find(|l| !l.is_empty() && !l.starts_with(b"#"))
        .is_some_and(|l| {
            let l = match l.strip_prefix(b"\\") {
                Some(rest) => rest.splitn(2, |&b| b == b'\\').nth(1).unwrap_or(b""),
                None => l,
            };
            is_vdm(l) || l.starts_with(b"$PGHP")
        })
}

/// A VDM or VDO sentence of any talker (`!AIVDM`, `!BSVDM`, `!ABVDM`, `!ANVDO`, …).
fn is_vdm(body: &[u8]) -> bool {
    body.len() >= 6
        && body[0] == b'!'
        && body[1].is_ascii_alphabetic()
        && body[2].is_ascii_alphabetic()
        && (&body[3..6] == b"VDM" || &body[3..6] == b"VDO")
}

/// What was heard of one vessel.
#[derive(Default)]
struct Vessel {
    name: Option<String>,
    fixes: Vec<(f64, Coord)>,
}

/// Counts of what was skipped, for one warning each.
#[derive(Default)]
struct Skipped {
    no_time: usize,
    bad_checksum: usize,
    orphan_parts: usize,
    unreadable: usize,
    bad_position: usize,
    /// Sentences of other kinds (`$GPGGA`, `!AIALR`, …): not AIS positions.
    other: usize,
}

/// Reads an NMEA file of AIS sentences.
pub fn read_nmea(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    // Valid UTF-8 (nearly always) is borrowed after the fast check.
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => String::from_utf8_lossy(bytes),
    };
    let mut vessels: BTreeMap<u32, Vessel> = BTreeMap::new();
    let mut skipped = Skipped::default();
    let mut parser = AisParser::new();
    // The time for the next sentence (tag block or $PGHP), and the message in progress:
    // (sequence id, next part number, part count, time).
    let mut pending_time: Option<f64> = None;
    let mut in_progress: Option<(Option<u8>, u8, u8, Option<f64>)> = None;
    let mut sentences = 0usize;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (tag_time, body) = split_tag_block(line);
        if let Some(t) = tag_time {
            pending_time = Some(t);
        }
        if body.starts_with("$PGHP") {
            pending_time = gatehouse_time(body).or(pending_time);
            continue;
        }
        if !is_vdm(body.as_bytes()) {
            skipped.other += 1;
            continue;
        }
        sentences += 1;
        // The common sentence (one part of one, a class A position report)
        // read directly, as the crate would read it; the rest through the crate.
        if let Some(p) = super::ais_sixbit::position_report(body.as_bytes()) {
            // A first part: it takes the pending time and ends any message in progress.
            in_progress = None;
            match pending_time.take() {
                None => skipped.no_time += 1,
                Some(t) => match valid(p.lon.map(f64::from), p.lat.map(f64::from)) {
                    Some(c) => vessels.entry(p.mmsi).or_default().fixes.push((t, c)),
                    None => skipped.bad_position += 1,
                },
            }
            continue;
        }
        let Some((count, number, seq)) = fragment_fields(body) else {
            skipped.unreadable += 1;
            continue;
        };
        // Parts must arrive in order, all of one message: anything else is an
        // orphan (the `ais` parser is then started afresh).
        let time = match (&in_progress, number) {
            (_, 1) => pending_time.take(),
            (Some((s, next, c, t)), n) if *s == seq && *next == n && *c == count => *t,
            _ => {
                skipped.orphan_parts += 1;
                in_progress = None;
                parser = AisParser::new();
                continue;
            }
        };
        in_progress = (number < count).then_some((seq, number + 1, count, time));
        let parsed = parser.parse(body.as_bytes(), true);
        let sentence = match parsed {
            Ok(AisFragments::Complete(s)) => s,
            Ok(AisFragments::Incomplete(_)) => continue,
            Err(e) => {
                if matches!(e, ais::errors::Error::Checksum { .. }) {
                    skipped.bad_checksum += 1;
                } else {
                    skipped.unreadable += 1;
                }
                in_progress = None;
                parser = AisParser::new();
                continue;
            }
        };
        let Some(message) = sentence.message else {
            continue;
        };
        let Some(time) = time else {
            if position_of(&message).is_some() {
                skipped.no_time += 1;
            }
            name_of(&message, &mut vessels);
            continue;
        };
        name_of(&message, &mut vessels);
        if let Some((mmsi, lon, lat)) = position_of(&message) {
            match valid(lon, lat) {
                Some(c) => vessels.entry(mmsi).or_default().fixes.push((time, c)),
                None => skipped.bad_position += 1,
            }
        }
    }
    if sentences == 0 {
        return Err(LoadError::invalid(
            source,
            "no AIS sentence (!AIVDM, !AIVDO or another talker's VDM/VDO) in this file",
        ));
    }
    let mut out = vessels_layer(source, vessels);
    out.skipped_reports += skipped.no_time + skipped.bad_position;
    counted(
        &mut out.warnings,
        &[
            (
                skipped.no_time,
                "position report(s) without a time (no tag block or $PGHP before them) skipped",
            ),
            (
                skipped.bad_checksum,
                "sentence(s) with a bad checksum skipped",
            ),
            (
                skipped.orphan_parts,
                "part(s) of multi-part messages out of order or without their first part skipped",
            ),
            (
                skipped.unreadable,
                "sentence(s) that are not readable AIS skipped",
            ),
            (
                skipped.bad_position,
                "position(s) not available (lon 181 / lat 91, or 0,0) or outside WGS 84 dropped",
            ),
            (
                skipped.other,
                "sentence(s) of other kinds (not VDM/VDO, not $PGHP) skipped",
            ),
        ],
    );
    Ok(out)
}

/// One warning per kind of skipped input that happened: "3 sentence(s) … skipped".
fn counted(warnings: &mut Vec<crate::model::Warning>, counts: &[(usize, &str)]) {
    for (n, what) in counts {
        if *n > 0 {
            warnings.push(crate::note!("{n} {what}"));
        }
    }
}

/// A tag block's `c:` time (Unix seconds; milliseconds when it is that large), and the rest of the line.
fn split_tag_block(line: &str) -> (Option<f64>, &str) {
    let Some(rest) = line.strip_prefix('\\') else {
        return (None, line);
    };
    let Some((block, body)) = rest.split_once('\\') else {
        return (None, line);
    };
    let fields = block.split('*').next().unwrap_or("");
    let c = fields
        .split(',')
        .find_map(|f| f.strip_prefix("c:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0)
        .map(|v| if v > 1e11 { v / 1000.0 } else { v });
    (c, body)
}

/// `$PGHP,1,YYYY,MM,DD,hh,mm,ss,ms,...`: the time of the next sentence.
fn gatehouse_time(line: &str) -> Option<f64> {
    let f: Vec<&str> = line.split(',').collect();
    if f.len() < 9 || f[1] != "1" {
        return None;
    }
    let n = |i: usize| f[i].trim().parse::<u32>().ok();
    let text = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        n(2)?,
        n(3)?,
        n(4)?,
        n(5)?,
        n(6)?,
        n(7)?,
        n(8)?.min(999)
    );
    super::time::parse_rfc3339(&text).ok()
}

/// (part count, part number, sequence id) of a VDM sentence.
fn fragment_fields(body: &str) -> Option<(u8, u8, Option<u8>)> {
    let mut f = body.split(',');
    f.next()?;
    let count: u8 = f.next()?.parse().ok()?;
    let number: u8 = f.next()?.parse().ok()?;
    let seq = f.next()?;
    let seq = if seq.is_empty() {
        None
    } else {
        Some(seq.parse().ok()?)
    };
    (count >= 1 && number >= 1 && number <= count).then_some((count, number, seq))
}

fn position_of(m: &AisMessage) -> Option<(u32, Option<f64>, Option<f64>)> {
    let (mmsi, lon, lat) = match m {
        AisMessage::PositionReport(p) => (p.mmsi, p.longitude, p.latitude),
        AisMessage::StandardClassBPositionReport(p) => (p.mmsi, p.longitude, p.latitude),
        AisMessage::ExtendedClassBPositionReport(p) => (p.mmsi, p.longitude, p.latitude),
        AisMessage::LongRangeAisBroadcastMessage(p) => (p.mmsi, p.longitude, p.latitude),
        _ => return None,
    };
    Some((mmsi, lon.map(f64::from), lat.map(f64::from)))
}

fn name_of(m: &AisMessage, vessels: &mut BTreeMap<u32, Vessel>) {
    use ais::messages::static_data_report::MessagePart;
    let (mmsi, name) = match m {
        AisMessage::StaticAndVoyageRelatedData(s) => (s.mmsi, s.vessel_name.to_string()),
        AisMessage::ExtendedClassBPositionReport(s) => (s.mmsi, s.name.to_string()),
        AisMessage::StaticDataReport(s) => match &s.message_part {
            MessagePart::PartA { vessel_name } => (s.mmsi, vessel_name.to_string()),
            _ => return,
        },
        _ => return,
    };
    let name = name.trim_end_matches(['@', ' ']).trim().to_string();
    if !name.is_empty() {
        vessels.entry(mmsi).or_default().name = Some(name);
    }
}

/// A position in WGS 84 ranges. AIS sends lon 181 / lat 91 for "not
/// available", and a receiver without a fix sends 0,0: neither is a position.
fn valid(lon: Option<f64>, lat: Option<f64>) -> Option<Coord> {
    let (lon, lat) = (lon?, lat?);
    (lon.is_finite()
        && lat.is_finite()
        && lon.abs() <= 180.0
        && lat.abs() <= 90.0
        && !(lon == 0.0 && lat == 0.0))
        .then_some(Coord { x: lon, y: lat })
}

/// One `track` per vessel: its fixes in time order as a timed line (a point when seen once).
fn vessels_layer(source: &str, vessels: BTreeMap<u32, Vessel>) -> Layer {
    let mut out = Collector::new(source);
    for (mmsi, mut v) in vessels {
        if v.fixes.is_empty() {
            continue;
        }
        v.fixes.sort_by(|a, b| a.0.total_cmp(&b.0));
        v.fixes.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        let mut props = Map::new();
        props.insert("kind".into(), Value::from("track"));
        props.insert("convoy_id".into(), Value::from(mmsi.to_string()));
        props.insert("mmsi".into(), Value::from(mmsi));
        if let Some(n) = v.name {
            props.insert("name".into(), Value::from(n));
        }
        let what = format!("MMSI {mmsi}");
        if v.fixes.len() == 1 {
            let (t, c) = v.fixes[0];
            if let Some(text) = crate::utc::format_rfc3339_ms(t) {
                props.insert("time".into(), Value::from(text));
            }
            out.push(&what, props, Ok(Some(Geometry::Point(Point(c)))), None);
        } else {
            let times = vec![v.fixes.iter().map(|f| Some(f.0)).collect()];
            let line = LineString(v.fixes.iter().map(|f| f.1).collect());
            out.push(
                &what,
                props,
                Ok(Some(Geometry::LineString(line))),
                Some(times),
            );
        }
    }
    out.finish()
}

/// The CSV layouts of AIS positions, by their header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvLayout {
    /// `MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,…` (times ISO, UTC).
    MarineCadastre,
    /// `# Timestamp,Type of mobile,MMSI,Latitude,Longitude,…,Name,…` (times `dd/mm/yyyy hh:mm:ss`, UTC).
    Dma,
}

/// The AIS layout of a CSV, from its header line.
pub fn csv_layout(bytes: &[u8]) -> Option<CsvLayout> {
    let head = bytes.split(|&b| b == b'\n').next()?;
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let cols: Vec<&str> = head
        .split(',')
        .map(|c| c.trim().trim_start_matches('\u{feff}'))
        .collect();
    if cols.contains(&"mmsi") && cols.contains(&"basedatetime") {
        Some(CsvLayout::MarineCadastre)
    } else if cols.contains(&"mmsi")
        && cols
            .first()
            .is_some_and(|c| c.trim_start_matches('#').trim() == "timestamp")
    {
        Some(CsvLayout::Dma)
    } else {
        None
    }
}

/// Reads an AIS position CSV in either layout.
pub fn read_ais_csv(source: &str, bytes: &[u8], layout: CsvLayout) -> Result<Layer, LoadError> {
    let bad = |what: String| LoadError::invalid(source, what);
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header: Vec<String> = r
        .headers()
        .map_err(|e| bad(format!("the header cannot be read ({e})")))?
        .iter()
        .map(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .trim_start_matches('#')
                .trim()
                .to_ascii_lowercase()
        })
        .collect();
    let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let (mmsi, time, lat, lon, name) = match layout {
        CsvLayout::MarineCadastre => (
            col(&["mmsi"]),
            col(&["basedatetime"]),
            col(&["lat"]),
            col(&["lon"]),
            col(&["vesselname"]),
        ),
        CsvLayout::Dma => (
            col(&["mmsi"]),
            col(&["timestamp"]),
            col(&["latitude"]),
            col(&["longitude"]),
            col(&["name"]),
        ),
    };
    let (Some(mmsi), Some(time), Some(lat), Some(lon)) = (mmsi, time, lat, lon) else {
        return Err(bad(
            "an AIS CSV needs MMSI, time, latitude and longitude columns".into(),
        ));
    };
    let mut vessels: BTreeMap<u32, Vessel> = BTreeMap::new();
    let mut skipped = Skipped::default();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| bad(format!("line {}: {e}", i + 2)))?;
        let get = |k: usize| rec.get(k).map(str::trim).unwrap_or("");
        let Ok(id) = get(mmsi).parse::<u32>() else {
            skipped.unreadable += 1;
            continue;
        };
        let t = match layout {
            CsvLayout::MarineCadastre => {
                let t = get(time);
                let t = if t.ends_with('Z') || t.contains('+') {
                    t.to_string()
                } else {
                    format!("{t}Z")
                };
                super::time::parse_rfc3339(&t).ok()
            }
            CsvLayout::Dma => dma_time(get(time)),
        };
        let Some(t) = t else {
            skipped.no_time += 1;
            continue;
        };
        let c = valid(get(lon).parse().ok(), get(lat).parse().ok());
        let Some(c) = c else {
            skipped.bad_position += 1;
            continue;
        };
        let v = vessels.entry(id).or_default();
        v.fixes.push((t, c));
        if let Some(n) = name.map(get).filter(|n| !n.is_empty()) {
            v.name = Some(n.to_string());
        }
    }
    let mut out = vessels_layer(source, vessels);
    out.skipped_reports += skipped.no_time + skipped.bad_position;
    counted(
        &mut out.warnings,
        &[
            (skipped.no_time, "row(s) without a readable time skipped"),
            (skipped.unreadable, "row(s) without a numeric MMSI skipped"),
            (
                skipped.bad_position,
                "position(s) not available (lon 181 / lat 91, or 0,0) or outside WGS 84 dropped",
            ),
        ],
    );
    Ok(out)
}

/// `dd/mm/yyyy hh:mm:ss` (DMA), UTC.
fn dma_time(s: &str) -> Option<f64> {
    let (date, clock) = s.split_once(' ')?;
    let mut d = date.split('/');
    let (dd, mm, yyyy) = (d.next()?, d.next()?, d.next()?);
    super::time::parse_rfc3339(&format!("{yyyy}-{mm:0>2}-{dd:0>2}T{}Z", clock.trim())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_blocks_and_gatehouse_give_times() {
        let (t, body) = split_tag_block("\\s:2573345,c:1696241893*00\\!AIVDM,1,1,,A,x,0*00");
        assert_eq!(t, Some(1_696_241_893.0));
        assert!(body.starts_with("!AIVDM"));
        let (t, _) = split_tag_block("\\c:1696241893000*00\\!AIVDM");
        assert_eq!(t, Some(1_696_241_893.0));
        let g = gatehouse_time("$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17").unwrap();
        assert_eq!(
            crate::utc::format_rfc3339_ms(g).unwrap(),
            "2008-05-09T00:00:00.01Z"
        );
        assert_eq!(
            dma_time("01/03/2024 00:00:05").unwrap(),
            super::super::time::parse_rfc3339("2024-03-01T00:00:05Z").unwrap()
        );
    }

    #[test]
    fn fragments_must_be_sane() {
        assert_eq!(
            fragment_fields("!AIVDM,2,1,3,B,xx,0*00"),
            Some((2, 1, Some(3)))
        );
        assert_eq!(fragment_fields("!AIVDM,1,1,,A,xx,0*00"), Some((1, 1, None)));
        assert_eq!(fragment_fields("!AIVDM,2,3,,A,xx,0*00"), None);
        assert_eq!(fragment_fields("!AIVDM,10000,1,,A,xx,0*00"), None);
        assert_eq!(fragment_fields("!AIVDM,0,0,,A,xx,0*00"), None);
    }

    #[test]
    fn not_available_positions_are_dropped() {
        assert!(valid(Some(181.0), Some(91.0)).is_none());
        assert!(valid(Some(0.0), Some(0.0)).is_none());
        assert!(valid(None, Some(45.0)).is_none());
        assert!(valid(Some(30.5), Some(46.4)).is_some());
    }
}
