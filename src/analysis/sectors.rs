//! Sectors of the zone (`docs/layers.md`, "Sectors"): a mission's named
//! `sector` areas, or without them the zone cut by distance along each contact
//! line ("km 0-50", …, from the line's first vertex). An incident's sector is
//! the first named sector holding it, else the stretch of the nearest contact
//! line its foot falls in.

use crate::model::{Layer, Role};
use geo::{Contains, Coord, Geometry, MultiPolygon, Point};

/// The default sector length along a contact line, km.
pub const DEFAULT_SECTOR_KM: f64 = 50.0;

/// How a layer set is cut into sectors.
#[derive(Clone, Debug, Default)]
pub struct Sectors {
    named: Vec<(String, MultiPolygon<f64>)>,
    /// Contact lines (their id when more than one), with their lengths along.
    lines: Vec<(Option<String>, Vec<Coord>, Vec<f64>)>,
    km: f64,
}

impl Sectors {
    /// The sectors of `layers`: named ones if any, else `km`-long stretches
    /// of each contact line.
    pub fn of(layers: &[Layer], km: f64) -> Sectors {
        let mut out = Sectors {
            km: if km.is_finite() && km > 0.0 {
                km
            } else {
                DEFAULT_SECTOR_KM
            },
            ..Default::default()
        };
        let mut lines = Vec::new();
        for f in layers.iter().flat_map(|l| &l.features) {
            match (f.role, &f.geometry) {
                (Role::Sector, Some(Geometry::Polygon(p))) => out.named.push((
                    sector_name(f, out.named.len()),
                    MultiPolygon(vec![p.clone()]),
                )),
                (Role::Sector, Some(Geometry::MultiPolygon(m))) => {
                    out.named.push((sector_name(f, out.named.len()), m.clone()))
                }
                (Role::ContactLine, Some(Geometry::LineString(l))) => {
                    lines.push((f.id.clone(), l.0.clone()))
                }
                (Role::ContactLine, Some(Geometry::MultiLineString(m))) => {
                    lines.extend(m.0.iter().map(|l| (f.id.clone(), l.0.clone())))
                }
                _ => {}
            }
        }
        let many = lines.len() > 1;
        out.lines = lines
            .into_iter()
            .enumerate()
            .filter(|(_, (_, l))| l.len() >= 2)
            .map(|(k, (id, l))| {
                let along = crate::geodesy::measured::along_m(&l);
                let name = many.then(|| id.unwrap_or_else(|| format!("line {}", k + 1)));
                (name, l, along)
            })
            .collect();
        out
    }

    /// Whether the layers give named sectors (else they are cut along the lines).
    pub fn named(&self) -> bool {
        !self.named.is_empty()
    }

    fn bucket(&self, line: &Option<String>, s_m: f64) -> String {
        let step = self.km;
        let k = (s_m / 1000.0 / step).floor().max(0.0);
        let text = format!("km {}-{}", fmt_km(k * step), fmt_km((k + 1.0) * step));
        match line {
            Some(id) => format!("{id} {text}"),
            None => text,
        }
    }

    /// The sector holding `p`.
    pub fn sector_of(&self, p: Coord) -> Option<String> {
        if self.named() {
            return self
                .named
                .iter()
                .find(|(_, m)| m.contains(&Point(p)))
                .map(|(n, _)| n.clone());
        }
        self.lines
            .iter()
            .filter_map(|(id, l, along)| {
                crate::geodesy::measured::locate(l, along, p).map(|(s, off)| (id, s, off))
            })
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(id, s, _)| self.bucket(id, s))
    }

    /// Every sector's name, in order: named ones as given, else each line's
    /// stretches from its start.
    pub fn names(&self) -> Vec<String> {
        if self.named() {
            return self.named.iter().map(|(n, _)| n.clone()).collect();
        }
        let mut out = Vec::new();
        for (id, _, along) in &self.lines {
            let total = along.last().copied().unwrap_or(0.0);
            let n = (total / 1000.0 / self.km).ceil().max(1.0) as usize;
            out.extend((0..n).map(|k| self.bucket(id, k as f64 * self.km * 1000.0)));
        }
        out
    }
}

fn fmt_km(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

fn sector_name(f: &crate::model::Feature, k: usize) -> String {
    f.prop_text("name")
        .or_else(|| f.id.clone())
        .unwrap_or_else(|| format!("sector {}", k + 1))
}

/// Counts of incidents per sector, in `names` order, then any other name met.
pub fn count<'a>(names: &[String], sectors: impl Iterator<Item = &'a str>) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = names.iter().map(|n| (n.clone(), 0)).collect();
    for s in sectors {
        match out.iter_mut().find(|(n, _)| n == s) {
            Some((_, c)) => *c += 1,
            None => out.push((s.to_string(), 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layers(text: &str) -> Vec<Layer> {
        vec![crate::io::read_bytes("s.geojson", text.as_bytes()).unwrap()]
    }

    #[test]
    fn the_zone_is_cut_along_the_contact_line_by_hand() {
        // A contact line along the equator from 0 to 1 degree east: 111.32 km.
        let l = layers(
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"contact_line"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,0]]}}]}"#,
        );
        let s = Sectors::of(&l, 50.0);
        assert_eq!(s.names(), ["km 0-50", "km 50-100", "km 100-150"]);
        // 0.3 degrees east is 33.4 km along; 0.5 is 55.7 km; 0.95 is 105.8 km (off the line by 5 km).
        let at = |x: f64, y: f64| s.sector_of(Coord { x, y }).unwrap();
        assert_eq!(at(0.3, 0.01), "km 0-50");
        assert_eq!(at(0.5, -0.02), "km 50-100");
        assert_eq!(at(0.95, 0.045), "km 100-150");
        let counts = count(&s.names(), ["km 0-50", "km 0-50", "km 100-150"].into_iter());
        assert_eq!(counts[0], ("km 0-50".to_string(), 2));
        assert_eq!(counts[1].1, 0);
    }

    #[test]
    fn named_sectors_win_over_the_line() {
        let l = layers(
            r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"kind":"contact_line"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,0]]}},
{"type":"Feature","properties":{"kind":"sector","name":"West"},"geometry":{"type":"Polygon","coordinates":[[[-1,-1],[0.5,-1],[0.5,1],[-1,1],[-1,-1]]]}},
{"type":"Feature","properties":{"kind":"sector","id":"S-E"},"geometry":{"type":"Polygon","coordinates":[[[0.5,-1],[2,-1],[2,1],[0.5,1],[0.5,-1]]]}}]}"#,
        );
        let s = Sectors::of(&l, 50.0);
        assert_eq!(s.names(), ["West", "S-E"]);
        assert_eq!(
            s.sector_of(Coord { x: 0.2, y: 0.0 }).as_deref(),
            Some("West")
        );
        assert_eq!(
            s.sector_of(Coord { x: 0.7, y: 0.1 }).as_deref(),
            Some("S-E")
        );
        assert_eq!(s.sector_of(Coord { x: 3.0, y: 0.0 }), None);
    }
}
