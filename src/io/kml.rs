//! KML and KMZ, as Google Earth, GDAL and UNOSAT write them.
//!
//! Parsed by the `kml` crate (georust; quick-xml underneath: no DTD, no
//! entity but the five XML ones, so no external entities and no "billion
//! laughs"). Every Placemark in any Document or Folder is a feature: its
//! `name` and `description`, and its ExtendedData (`Data`/`value` and
//! `SchemaData`/`SimpleData`) become properties; `TimeStamp/when` gives
//! `time` (and `TimeSpan/begin` when there is no `when`); a `gx:Track` is a
//! LineString with one time per vertex. A KMZ is a zip holding `doc.kml`, or
//! else its first `.kml`.

use super::fields::Collector;
use crate::error::LoadError;
use crate::model::Layer;
use geo::{Coord, Geometry, GeometryCollection, LineString, MultiLineString};
use kml::Kml;
use kml::types::{Element, Placemark};
use serde_json::{Map, Value};

/// Reads a KML document.
pub fn read_kml(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|e| LoadError::invalid(source, format!("KML must be UTF-8 text ({e})")))?;
    let text = tidy_coordinates(text);
    // The kml crate loops for ever on an element left open at the end of the
    // text (its Placemark reader waits for an end tag past the end): refuse
    // such a document first.
    balanced(&text).map_err(|e| LoadError::invalid(source, format!("not readable KML: {e}")))?;
    let doc: Kml<f64> = text.parse().map_err(|e| {
        let at = bad_coordinates(&text).unwrap_or_default();
        LoadError::invalid(source, format!("not readable KML{at}: {e}"))
    })?;
    let mut out = Collector::new(source);
    let mut placemarks = 0usize;
    let mut rows = Vec::new();
    walk(doc, &mut rows, &mut placemarks);
    // Geometries converted and features finished (times read, range checked) in parallel.
    out.push_many(rows, |(what, props, geometry, times)| {
        let geometry = match geometry {
            Pending::Kml(g) => convert(g).map(Some),
            Pending::Done(g) => g,
        };
        (what, props, geometry, times)
    });
    if placemarks == 0 {
        out.warn("no Placemark or geometry in this KML".into());
    }
    Ok(out.finish())
}

/// Reads a KMZ: the zip's `doc.kml`, or else its first `.kml`.
pub fn read_kmz(source: &str, bytes: &[u8]) -> Result<Layer, LoadError> {
    let members =
        super::archive::unzip(source, bytes, |n| n.to_ascii_lowercase().ends_with(".kml"))?;
    let doc = members
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| members.first())
        .ok_or_else(|| LoadError::invalid(source, "this KMZ holds no .kml file"))?;
    read_kml(source, &doc.1)
}

/// Whether every element of an XML text is closed, in order (comments,
/// CDATA, processing instructions and a DOCTYPE skipped; quotes in tags
/// honoured). Not a full XML check: the parser does the rest.
fn balanced(text: &str) -> Result<(), crate::error::Problem> {
    let b = text.as_bytes();
    let mut open: Vec<(&str, usize)> = Vec::new();
    let mut i = 0;
    let skip_to = |from: usize, end: &str| -> Option<usize> {
        text[from..].find(end).map(|k| from + k + end.len())
    };
    while let Some(k) = text[i..].find('<') {
        let at = i + k;
        let rest = &text[at..];
        let next = if rest.starts_with("<!--") {
            skip_to(at, "-->")
        } else if rest.starts_with("<![CDATA[") {
            skip_to(at, "]]>")
        } else if rest.starts_with("<?") {
            skip_to(at, "?>")
        } else if rest.starts_with("<!") {
            // A DOCTYPE, with or without an internal subset.
            match (rest.find('['), rest.find('>')) {
                (Some(a), Some(z)) if a < z => skip_to(at, "]>").or_else(|| skip_to(at, ">")),
                _ => skip_to(at, ">"),
            }
        } else {
            // A tag: to its '>' outside quotes.
            let mut q: Option<u8> = None;
            let mut end = None;
            for (j, &c) in b[at + 1..].iter().enumerate() {
                match (q, c) {
                    (Some(x), c) if c == x => q = None,
                    (Some(_), _) => {}
                    (None, b'"' | b'\'') => q = Some(c),
                    (None, b'>') => {
                        end = Some(at + 1 + j);
                        break;
                    }
                    _ => {}
                }
            }
            let Some(end) = end else {
                return Err(crate::problem!("a tag at byte {at} is not closed"));
            };
            let inner = &text[at + 1..end];
            let name_of = |t: &str| {
                t.split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or("")
                    .to_string()
            };
            if let Some(closing) = inner.strip_prefix('/') {
                let name = name_of(closing);
                match open.pop() {
                    Some((o, _)) if o == name => {}
                    Some((o, pos)) => {
                        return Err(crate::problem!(
                            "<{o}> at byte {pos} is closed by </{name}> at byte {at}"
                        ));
                    }
                    None => return Err(crate::problem!("</{name}> at byte {at} closes nothing")),
                }
            } else if !inner.ends_with('/') {
                let name = inner
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or("");
                open.push((name, at));
            }
            Some(end + 1)
        };
        match next {
            Some(n) => i = n,
            None => {
                return Err(crate::problem!(
                    "a comment, CDATA or declaration at byte {at} is not closed"
                ));
            }
        }
    }
    match open.last() {
        Some((name, at)) => Err(crate::problem!("<{name}> at byte {at} is never closed")),
        None => Ok(()),
    }
}

/// `<coordinates>` with spaces after the commas (`33.0, 48.0, 0`), as many
/// tools write them and Google Earth reads them: the spaces around commas are
/// dropped so that the tuples read (KML's own grammar has none).
fn tidy_coordinates(text: &str) -> std::borrow::Cow<'_, str> {
    let spaced = |body: &str| body.contains(", ") || body.contains(" ,");
    if !coordinate_bodies(text).any(|(_, body)| spaced(body)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, body) in coordinate_bodies(text) {
        out.push_str(&text[at..start]);
        let mut pieces = body.split(',').map(str::trim).peekable();
        // Keep the whitespace that separates tuples: only the commas' own spaces go.
        while let Some(p) = pieces.next() {
            out.push_str(p);
            if pieces.peek().is_some() {
                out.push(',');
            }
        }
        at = start + body.len();
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

/// The text of every `<coordinates>` element (any namespace prefix), with its offset.
fn coordinate_bodies(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let open = from + text[from..].find("coordinates>")? + "coordinates>".len();
        // An opening tag: `<coordinates>` or `<kml:coordinates>`, not `</coordinates>`.
        let tag_start = text[..open].rfind('<')?;
        if text[tag_start..].starts_with("</") {
            from = open;
            return Some((open, ""));
        }
        let len = text[open..].find('<').unwrap_or(text.len() - open);
        from = open + len;
        Some((open, &text[open..open + len]))
    })
    .filter(|(_, body)| !body.is_empty())
}

/// Which Placemark holds the first `<coordinates>` that do not read as
/// numbers, for the message when the document cannot be parsed.
fn bad_coordinates(text: &str) -> Option<String> {
    let (at, body) = coordinate_bodies(text).find(|(_, body)| {
        body.split_whitespace()
            .flat_map(|t| t.split(','))
            .any(|n| !n.is_empty() && n.parse::<f64>().is_err())
    })?;
    let n = text[..at].matches("<Placemark").count();
    let name = text[..at].rfind("<Placemark").and_then(|p| {
        let rest = &text[p..at];
        let a = rest.find("<name>")? + "<name>".len();
        let b = rest[a..].find("</name>")?;
        Some(format!(" \"{}\"", rest[a..a + b].trim()))
    });
    let shown: String = body.trim().chars().take(60).collect();
    Some(match n {
        0 => format!(" (coordinates \"{shown}\" are not numbers)"),
        n => format!(
            " (placemark {n}{}: coordinates \"{shown}\" are not numbers)",
            name.unwrap_or_default()
        ),
    })
}

/// A feature's geometry as the walk leaves it: KML's, converted later (in
/// parallel), or already made (a gx:Track's).
enum Pending {
    Kml(kml::types::Geometry<f64>),
    Done(Result<Option<Geometry<f64>>, crate::error::Problem>),
}

/// A placemark as the walk finds it, in document order.
type PendingRow = (
    String,
    Map<String, Value>,
    Pending,
    Option<Vec<Vec<Option<f64>>>>,
);

fn walk(k: Kml<f64>, rows: &mut Vec<PendingRow>, placemarks: &mut usize) {
    match k {
        Kml::KmlDocument(d) => d
            .elements
            .into_iter()
            .for_each(|e| walk(e, rows, placemarks)),
        Kml::Document { elements, .. } => {
            elements.into_iter().for_each(|e| walk(e, rows, placemarks))
        }
        Kml::Folder(f) => f
            .elements
            .into_iter()
            .for_each(|e| walk(e, rows, placemarks)),
        Kml::Placemark(p) => {
            *placemarks += 1;
            rows.push(placemark(p, *placemarks));
        }
        // A geometry outside any Placemark (some tools write a bare one): a feature without properties.
        Kml::Point(_)
        | Kml::LineString(_)
        | Kml::LinearRing(_)
        | Kml::Polygon(_)
        | Kml::MultiGeometry(_) => {
            use kml::types::Geometry as G;
            *placemarks += 1;
            let g = match k {
                Kml::Point(p) => G::Point(p),
                Kml::LineString(l) => G::LineString(l),
                Kml::LinearRing(r) => G::LinearRing(r),
                Kml::Polygon(p) => G::Polygon(p),
                Kml::MultiGeometry(m) => G::MultiGeometry(m),
                _ => return,
            };
            rows.push((
                format!("geometry {placemarks}"),
                Map::new(),
                Pending::Kml(g),
                None,
            ));
        }
        _ => {}
    }
}

fn placemark(p: Placemark<f64>, n: usize) -> PendingRow {
    let mut props = Map::new();
    if let Some(name) = &p.name {
        props.insert("name".into(), Value::String(name.trim().to_string()));
    }
    if let Some(d) = &p.description {
        props.insert("description".into(), Value::String(d.trim().to_string()));
    }
    let mut times = None;
    let mut geometry = match p.geometry {
        Some(g) => Pending::Kml(g),
        None => Pending::Done(Ok(None)),
    };
    let no_geometry = |g: &Pending| matches!(g, Pending::Done(Ok(None)));
    for child in &p.children {
        match local(&child.name) {
            "ExtendedData" => extended_data(child, &mut props),
            "TimeStamp" => {
                if let Some(when) = text_of(child, "when") {
                    props.entry("time").or_insert(Value::String(when));
                }
            }
            "TimeSpan" => {
                for (tag, key) in [("begin", "time_begin"), ("end", "time_end")] {
                    if let Some(t) = text_of(child, tag) {
                        props.insert(key.into(), Value::String(t));
                    }
                }
            }
            "Track" if no_geometry(&geometry) => {
                geometry = Pending::Done(track(child).map(|(line, t)| {
                    times = Some(vec![t]);
                    Some(Geometry::LineString(line))
                }));
            }
            // A track of several parts (a convoy that stopped reporting between them).
            "MultiTrack" if no_geometry(&geometry) => {
                geometry = Pending::Done(multi_track(child).map(|(lines, t)| {
                    times = Some(t);
                    Some(Geometry::MultiLineString(MultiLineString(lines)))
                }));
            }
            _ => {}
        }
    }
    if !props.contains_key("time")
        && let Some(Value::String(b)) = props.get("time_begin")
    {
        props.insert("time".into(), Value::String(b.clone()));
    }
    (format!("placemark {n}"), props, geometry, times)
}

/// The tag without its namespace prefix (`gx:Track` -> `Track`).
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn text_of(e: &Element, tag: &str) -> Option<String> {
    e.children
        .iter()
        .find(|c| local(&c.name) == tag)
        .and_then(|c| c.content.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// `<Data name="k"><value>v</value></Data>` and `<SchemaData><SimpleData name="k">v</SimpleData>`.
fn extended_data(e: &Element, props: &mut Map<String, Value>) {
    for c in &e.children {
        match local(&c.name) {
            "Data" => {
                if let Some(k) = c.attrs.get("name") {
                    let v = text_of(c, "value").unwrap_or_default();
                    props.insert(k.clone(), Value::String(v));
                }
            }
            "SchemaData" => {
                for s in c.children.iter().filter(|s| local(&s.name) == "SimpleData") {
                    if let Some(k) = s.attrs.get("name") {
                        let v = s.content.as_deref().unwrap_or("").trim().to_string();
                        props.insert(k.clone(), Value::String(v));
                    }
                }
            }
            _ => {}
        }
    }
}

/// A `gx:Track`: `when` and `gx:coord` ("lon lat [alt]") in pairs.
fn track(e: &Element) -> Result<(LineString<f64>, Vec<Option<f64>>), crate::error::Problem> {
    let whens: Vec<&Element> = e
        .children
        .iter()
        .filter(|c| local(&c.name) == "when")
        .collect();
    let coords: Vec<&Element> = e
        .children
        .iter()
        .filter(|c| local(&c.name) == "coord")
        .collect();
    if whens.len() != coords.len() {
        return Err(crate::problem!(
            "gx:Track has {} <when> and {} <gx:coord>; they must pair up",
            whens.len(),
            coords.len()
        ));
    }
    let mut line = Vec::with_capacity(coords.len());
    let mut times = Vec::with_capacity(coords.len());
    for (k, (w, c)) in whens.iter().zip(&coords).enumerate() {
        let text = c.content.as_deref().unwrap_or("");
        let v: Vec<f64> = text
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|_| crate::problem!("gx:coord {k} \"{text}\" is not \"lon lat [alt]\""))?;
        if v.len() < 2 {
            return Err(crate::problem!(
                "gx:coord {k} \"{text}\" is not \"lon lat [alt]\""
            ));
        }
        line.push(Coord { x: v[0], y: v[1] });
        let when = w.content.as_deref().unwrap_or("").trim();
        times.push(Some(
            super::time::parse_rfc3339(when)
                .map_err(|e| crate::problem!("gx:Track when {k}: {e}"))?,
        ));
    }
    if line.len() < 2 {
        return Err("gx:Track has fewer than 2 positions".into());
    }
    Ok((LineString(line), times))
}

/// A `gx:MultiTrack`: its `gx:Track`s as the parts of one timed line.
type Parts = (Vec<LineString<f64>>, Vec<Vec<Option<f64>>>);
fn multi_track(e: &Element) -> Result<Parts, crate::error::Problem> {
    let mut lines = Vec::new();
    let mut times = Vec::new();
    for (k, t) in e
        .children
        .iter()
        .filter(|c| local(&c.name) == "Track")
        .enumerate()
    {
        let (line, t) = track(t).map_err(|e| crate::problem!("gx:MultiTrack part {k}: {e}"))?;
        lines.push(line);
        times.push(t);
    }
    if lines.is_empty() {
        return Err("gx:MultiTrack holds no gx:Track".into());
    }
    Ok((lines, times))
}

/// A KML geometry as a geo one; a MultiGeometry of one kind as its Multi*.
fn convert(g: kml::types::Geometry<f64>) -> Result<Geometry<f64>, crate::error::Problem> {
    let g: Geometry<f64> = g
        .try_into()
        .map_err(|e| crate::problem!("geometry cannot be read ({e})"))?;
    Ok(match g {
        Geometry::GeometryCollection(c) => simplify(c),
        other => other,
    })
}

fn simplify(c: GeometryCollection<f64>) -> Geometry<f64> {
    /// All members as one kind, or `None`.
    fn all<T>(c: &[Geometry<f64>], pick: fn(&Geometry<f64>) -> Option<&T>) -> Option<Vec<T>>
    where
        T: Clone,
    {
        (!c.is_empty()).then(|| c.iter().map(|g| pick(g).cloned()).collect())?
    }
    let g = &c.0;
    if let Some(l) = all(g, |g| {
        if let Geometry::LineString(l) = g {
            Some(l)
        } else {
            None
        }
    }) {
        Geometry::MultiLineString(MultiLineString(l))
    } else if let Some(p) = all(g, |g| {
        if let Geometry::Polygon(p) = g {
            Some(p)
        } else {
            None
        }
    }) {
        Geometry::MultiPolygon(p.into())
    } else if let Some(p) = all(g, |g| {
        if let Geometry::Point(p) = g {
            Some(p)
        } else {
            None
        }
    }) {
        Geometry::MultiPoint(p.into())
    } else {
        Geometry::GeometryCollection(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::fields::only_feature;
    use crate::model::Role;

    #[test]
    fn extended_data_name_time_and_holes() {
        let kml = r##"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>f</name><Folder>
<Placemark><name>Zone A</name>
 <ExtendedData><Data name="kind"><value>buffer_zone</value></Data>
  <SchemaData schemaUrl="#s"><SimpleData name="id">BZ-1</SimpleData></SchemaData></ExtendedData>
 <TimeSpan><begin>2026-03-01T00:00:00Z</begin><end>2026-03-31T00:00:00Z</end></TimeSpan>
 <Polygon><outerBoundaryIs><LinearRing><coordinates>30,46 31,46 31,47 30,47 30,46</coordinates></LinearRing></outerBoundaryIs>
 <innerBoundaryIs><LinearRing><coordinates>30.4,46.4 30.6,46.4 30.6,46.6 30.4,46.4</coordinates></LinearRing></innerBoundaryIs></Polygon>
</Placemark></Folder></Folder></Document></kml>"##;
        let layer = read_kml("z.kml", kml.as_bytes()).unwrap();
        let f = only_feature(&layer);
        assert_eq!(f.role, Role::BufferZone);
        assert_eq!(f.id.as_deref(), Some("BZ-1"));
        assert_eq!(f.prop_str("name"), Some("Zone A"));
        assert_eq!(f.prop_str("time"), Some("2026-03-01T00:00:00Z"));
        match &f.geometry {
            Some(Geometry::Polygon(p)) => assert_eq!(p.interiors().len(), 1),
            g => panic!("{g:?}"),
        }
    }

    #[test]
    fn a_gx_track_is_a_timed_line() {
        let kml = r##"<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2"><Document>
<Placemark><name>UN-07</name><ExtendedData><Data name="kind"><value>track</value></Data><Data name="convoy_id"><value>UN-07</value></Data></ExtendedData>
<gx:Track><when>2026-03-02T08:00:00Z</when><when>2026/03/02 08:10:00+00</when>
<gx:coord>30.0 50.0 0</gx:coord><gx:coord>30.1 50.0 0</gx:coord></gx:Track></Placemark>
<Placemark><name>bad</name><gx:Track><when>2026-03-02T08:00:00Z</when><gx:coord>30 50</gx:coord><gx:coord>31 50</gx:coord></gx:Track></Placemark>
</Document></kml>"##;
        let layer = read_kml("t.kml", kml.as_bytes()).unwrap();
        let f = &layer.features[0];
        assert_eq!(f.role, Role::Track);
        let t = f.times.as_ref().unwrap();
        assert_eq!(t[0][1].unwrap() - t[0][0].unwrap(), 600.0);
        assert_eq!(layer.features.len(), 1);
        assert!(
            layer
                .warnings
                .iter()
                .any(|w| w.contains("placemark 2") && w.contains("pair up")),
            "{:?}",
            layer.warnings
        );
    }

    /// A Placemark left open at the end of the file made the kml crate loop
    /// for ever (found by the fuzzer, session 21): refused, naming it.
    #[test]
    fn an_element_left_open_is_refused_not_looped_on() {
        let text = "<kml><Document><Placemark><name>x</name>\n<LineStrin\n</Document:\n</kml>";
        let e = read_kml("open.kml", text.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("open.kml") && e.contains("not"), "{e}");
        let e = read_kml("open2.kml", b"<kml><Document><Placemark><name>x</name>")
            .unwrap_err()
            .to_string();
        assert!(e.contains("never closed"), "{e}");
        assert!(
            balanced("<?xml version=\"1.0\"?><!-- <a> --><kml a=\"x>y\"><b/><![CDATA[<c>]]></kml>")
                .is_ok()
        );
    }

    #[test]
    fn entities_are_not_expanded_and_bad_xml_is_named() {
        let bomb = r##"<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<kml><Placemark><name>&b;</name><Point><coordinates>30,50</coordinates></Point></Placemark></kml>"##;
        let e = read_kml("bomb.kml", bomb.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("bomb.kml"), "{e}");
        let external = r##"<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<kml><Placemark><name>&x;</name><Point><coordinates>30,50</coordinates></Point></Placemark></kml>"##;
        let e = read_kml("ext.kml", external.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("ext.kml") && !e.contains("root:"), "{e}");
        let e = read_kml("cut.kml", b"<kml><Placemark><Point><coordinates>30,").unwrap_err();
        assert!(e.to_string().contains("cut.kml"), "{e}");
    }
}
