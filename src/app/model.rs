//! The app's data: loaded layers with their styles, and the analysis built from
//! them on a worker thread.

pub use crate::analysis::incidents::IncidentInfo;
use crate::analysis::{ConvoyResult, Overview, OverviewOptions, Scenario, zone::zone_outline};
use crate::index::{PieceKind, SpatialIndex};
use crate::model::{Convoy, Layer, Role};
use eframe::egui::Color32;
use geo::{BoundingRect, Coord, Geometry, TriangulateEarcut};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Where a layer came from (saved between runs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Origin {
    Path(PathBuf),
    Url(String),
    /// Reports received from a live feed (not reopened on the next start).
    Feed(String),
    /// Features made in the app (Notify movement…), not yet saved.
    Drawn(String),
}

impl Origin {
    pub fn label(&self) -> String {
        match self {
            Origin::Path(p) => p.display().to_string(),
            Origin::Url(u) => crate::io::postgis::url::mask(u),
            Origin::Feed(u) => format!("live feed {}", crate::io::postgis::url::mask(u)),
            Origin::Drawn(name) => format!("{name} (made in the app, not saved)"),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct LayerStyle {
    pub visible: bool,
    pub rgb: [u8; 3],
    pub width: f32,
}

impl Default for LayerStyle {
    fn default() -> Self {
        Self {
            visible: true,
            rgb: [90, 90, 90],
            width: 2.0,
        }
    }
}

impl LayerStyle {
    pub fn colour(&self) -> Color32 {
        Color32::from_rgb(self.rgb[0], self.rgb[1], self.rgb[2])
    }
}

pub struct LoadedLayer {
    pub layer: Layer,
    pub origin: Origin,
    pub style: LayerStyle,
    /// The role picked for features without `kind`.
    pub role_pick: Role,
    /// Order in which it was asked for.
    pub seq: u64,
    /// One of the bundled scenario's (invented) files: the map says so.
    pub illustrative: bool,
    /// Lines in Mercator units, made on first draw (see `projection::ScreenMap`).
    mercator: std::sync::OnceLock<Vec<Vec<Vec<[f64; 2]>>>>,
}

impl LoadedLayer {
    pub fn new(layer: Layer, origin: Origin) -> Self {
        let role = dominant_role(&layer);
        let c = super::map::style::role_colour(role);
        let width = if role == Role::Track { 2.5 } else { 2.0 };
        let illustrative = match &origin {
            Origin::Path(p) => crate::monitoring::is_bundled(p),
            _ => false,
        };
        Self {
            illustrative,
            layer,
            origin,
            style: LayerStyle {
                visible: true,
                rgb: [c.r(), c.g(), c.b()],
                width,
            },
            role_pick: Role::Unassigned,
            seq: 0,
            mercator: std::sync::OnceLock::new(),
        }
    }

    /// Adds features (e.g. reports from a live feed) and drops the drawing cache.
    pub fn extend(&mut self, features: Vec<crate::model::Feature>) {
        let base = self.layer.features.len();
        self.layer
            .features
            .extend(features.into_iter().enumerate().map(|(i, mut f)| {
                f.index = base + i;
                f
            }));
        self.mercator = std::sync::OnceLock::new();
    }

    /// The layer's data to change (an edit): the drawing cache goes.
    pub fn layer_mut(&mut self) -> &mut Layer {
        self.mercator = std::sync::OnceLock::new();
        &mut self.layer
    }

    /// Per feature, its lines in Mercator units (cached).
    pub fn mercator(&self) -> &Vec<Vec<Vec<[f64; 2]>>> {
        self.mercator
            .get_or_init(|| super::map::projection::mercator_lines(&self.layer))
    }

    pub fn effective_role(&self, role: Role) -> Role {
        if role == Role::Unassigned {
            self.role_pick
        } else {
            role
        }
    }

    pub fn unassigned(&self) -> usize {
        self.layer
            .features
            .iter()
            .filter(|f| f.role == Role::Unassigned)
            .count()
    }

    /// The layer as the analysis sees it (picked role applied).
    pub fn for_analysis(&self) -> Layer {
        let mut l = self.layer.clone();
        if self.role_pick != Role::Unassigned {
            l.assign_role(self.role_pick);
        }
        l
    }

    pub fn bbox(&self) -> Option<[f64; 4]> {
        bbox_of_features(
            self.layer
                .features
                .iter()
                .filter_map(|f| f.geometry.as_ref()),
        )
    }
}

/// Lon/lat box [west, south, east, north] of some points.
pub fn bbox_of_coords(coords: &[Coord]) -> Option<[f64; 4]> {
    let first = coords.first()?;
    Some(
        coords
            .iter()
            .fold([first.x, first.y, first.x, first.y], |b, c| {
                [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)]
            }),
    )
}

pub fn bbox_of_features<'a>(geoms: impl Iterator<Item = &'a Geometry<f64>>) -> Option<[f64; 4]> {
    geoms
        .filter_map(|g| g.bounding_rect())
        .fold(None, |acc, r| {
            let b = [r.min().x, r.min().y, r.max().x, r.max().y];
            Some(match acc {
                None => b,
                Some(a) => [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ],
            })
        })
}

/// The most common role in a layer (for its default colour).
pub fn dominant_role(layer: &Layer) -> Role {
    let mut counts: Vec<(Role, usize)> = Vec::new();
    for f in &layer.features {
        match counts.iter_mut().find(|(r, _)| *r == f.role) {
            Some((_, n)) => *n += 1,
            None => counts.push((f.role, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(r, _)| r)
        .unwrap_or(Role::Unassigned)
}

/// A filled area in lon/lat (corridor band, lane, zone), triangulated for drawing.
pub struct Band {
    pub layer: usize,
    pub role: Role,
    pub triangles: Vec<[Coord; 3]>,
    pub outline: Vec<Vec<Coord>>,
    pub bbox: [f64; 4],
}

pub struct Analysis {
    pub generation: u64,
    pub scn: Scenario,
    /// Every feature of every layer, for identify, queries and drawing.
    pub all: SpatialIndex,
    pub convoys: Vec<Convoy>,
    pub results: Vec<ConvoyResult>,
    pub incidents: Vec<IncidentInfo>,
    /// The zone's sectors, in order.
    pub sectors: Vec<String>,
    /// Each notified movement's plan and its convoy's index (made once here,
    /// not per frame: a plan reads every layer).
    pub plans: Vec<(crate::analysis::movements::Plan, Option<usize>)>,
    pub bands: Vec<Arc<Band>>,
    /// Each band's key (`band_key`), to reuse it when its shape did not change.
    pub band_keys: Vec<u64>,
    /// Track features holding a fix the analysis dropped as a jump, by
    /// (layer, feature): their lines without it (none for a dropped report),
    /// drawn instead of the feature.
    pub cleaned: std::collections::HashMap<(usize, usize), Vec<Vec<Coord>>>,
}

/// The track features holding a dropped fix (matched by position and time,
/// as the convoy took them from the feature), with their lines without it.
fn cleaned_tracks(
    layers: &[Layer],
    convoys: &[Convoy],
) -> std::collections::HashMap<(usize, usize), Vec<Vec<Coord>>> {
    let key = |c: Coord, t: f64| (c.x.to_bits(), c.y.to_bits(), t.to_bits());
    let dropped: std::collections::HashSet<_> = convoys
        .iter()
        .flat_map(|c| &c.dropped)
        .map(|d| key(d.at, d.time_s))
        .collect();
    let mut out = std::collections::HashMap::new();
    if dropped.is_empty() {
        return out;
    }
    for (li, l) in layers.iter().enumerate() {
        for (fi, f) in l.features.iter().enumerate() {
            let (Some(g), Some(times)) = (&f.geometry, &f.times) else {
                continue;
            };
            if f.role != Role::Track {
                continue;
            }
            let lines: Vec<&[Coord]> = match g {
                Geometry::LineString(l) => vec![&l.0[..]],
                Geometry::MultiLineString(m) => m.0.iter().map(|l| &l.0[..]).collect(),
                Geometry::Point(p) => vec![std::slice::from_ref(&p.0)],
                _ => continue,
            };
            let gone = |k: usize, i: usize, c: &Coord| {
                let t = times.get(k).and_then(|t| t.get(i)).copied().flatten();
                t.is_some_and(|t| dropped.contains(&key(*c, t)))
            };
            let any = lines
                .iter()
                .enumerate()
                .any(|(k, l)| l.iter().enumerate().any(|(i, c)| gone(k, i, c)));
            if any {
                let kept = lines
                    .iter()
                    .enumerate()
                    .map(|(k, l)| {
                        let mut i = 0..;
                        l.iter()
                            .filter(|c| !gone(k, i.next().unwrap_or(0), c))
                            .copied()
                            .collect()
                    })
                    .filter(|l: &Vec<Coord>| l.len() > 1)
                    .collect();
                out.insert((li, fi), kept);
            }
        }
    }
    out
}

/// What a band is drawn from: its layer, role and reach, and its shape's
/// pieces and polygons, hashed. Equal keys: the same band.
fn band_key(idx: &SpatialIndex, si: usize) -> u64 {
    use std::hash::{Hash, Hasher};
    let shape = &idx.shapes[si];
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (shape.feature.layer, shape.role, shape.reach_m.to_bits()).hash(&mut h);
    for p in &idx.pieces[shape.pieces.clone()] {
        (
            p.kind as u8,
            p.a.x.to_bits(),
            p.a.y.to_bits(),
            p.b.x.to_bits(),
            p.b.y.to_bits(),
        )
            .hash(&mut h);
    }
    for poly in &shape.polygons {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            ring.0.len().hash(&mut h);
            for c in &ring.0 {
                (c.x.to_bits(), c.y.to_bits()).hash(&mut h);
            }
        }
    }
    h.finish()
}

/// The bands of an index's shapes: taken from `earlier` when the shape did
/// not change (an edit redraws only the band it changed), else triangulated.
fn bands_of(
    idx: &SpatialIndex,
    earlier: &HashMap<u64, Arc<Band>>,
    out: &mut Vec<Arc<Band>>,
    keys: &mut Vec<u64>,
) {
    for (si, shape) in idx.shapes.iter().enumerate() {
        let key = band_key(idx, si);
        keys.push(key);
        if let Some(b) = earlier.get(&key) {
            out.push(b.clone());
            continue;
        }
        let has_lines = idx.pieces[shape.pieces.clone()]
            .iter()
            .any(|p| p.kind == PieceKind::Line);
        let mp = if has_lines && shape.reach_m > 0.0 {
            zone_outline(idx, si as u32)
        } else {
            geo::MultiPolygon(shape.polygons.clone())
        };
        let mut triangles = Vec::new();
        let mut outline = Vec::new();
        for p in &mp.0 {
            triangles.extend(
                p.earcut_triangles()
                    .into_iter()
                    .map(|t| [t.v1(), t.v2(), t.v3()]),
            );
            outline.push(p.exterior().0.clone());
            outline.extend(p.interiors().iter().map(|r| r.0.clone()));
        }
        let Some(r) = mp.bounding_rect() else {
            keys.pop();
            continue;
        };
        out.push(Arc::new(Band {
            layer: shape.feature.layer as usize,
            role: shape.role,
            triangles,
            outline,
            bbox: [r.min().x, r.min().y, r.max().x, r.max().y],
        }));
    }
}

/// What an analysis after an edit takes from the one before it: the bands of
/// the shapes the edit did not change, and the incidents and sectors when the
/// edited layer holds nothing they are made from.
#[derive(Default)]
pub struct Reuse {
    pub bands: HashMap<u64, Arc<Band>>,
    pub incidents: Option<(Vec<IncidentInfo>, Vec<String>)>,
}

/// The roles the incidents and the zone's sectors are made from.
const INCIDENT_INPUTS: [Role; 4] = [
    Role::Incident,
    Role::ContactLine,
    Role::BufferZone,
    Role::Sector,
];

impl Analysis {
    /// What an analysis of `layers` (these layers with layer `edited`
    /// changed) can take from this one.
    pub fn reuse(&self, layers: &[Layer], edited: usize) -> Reuse {
        let bands = self
            .band_keys
            .iter()
            .copied()
            .zip(self.bands.iter().cloned())
            .collect();
        let feeds = |l: Option<&Layer>| {
            l.is_none_or(|l| l.features.iter().any(|f| INCIDENT_INPUTS.contains(&f.role)))
        };
        let same_layers = layers.len() == self.scn.layers.len();
        let incidents =
            (same_layers && !feeds(self.scn.layers.get(edited)) && !feeds(layers.get(edited)))
                .then(|| (self.incidents.clone(), self.sectors.clone()));
        Reuse { bands, incidents }
    }
}

/// Builds everything the panels and the map need (runs on a worker thread).
pub fn analyse(generation: u64, layers: Vec<Layer>) -> Analysis {
    analyse_reusing(generation, layers, Reuse::default())
}

/// As `analyse`, taking what `reuse` holds instead of building it again.
pub fn analyse_reusing(generation: u64, layers: Vec<Layer>, reuse: Reuse) -> Analysis {
    let Overview {
        scn,
        convoys,
        results,
        incidents,
        sectors,
    } = Overview::build(
        layers,
        &OverviewOptions {
            paths: true,
            incidents: reuse.incidents.is_none(),
            ..Default::default()
        },
    );
    let (incidents, sectors) = reuse.incidents.unwrap_or((incidents, sectors));
    let all = SpatialIndex::of_layers(&scn.layers);
    let cleaned = cleaned_tracks(&scn.layers, &convoys);
    let by_id: std::collections::HashMap<&str, usize> = convoys
        .iter()
        .enumerate()
        .map(|(k, c)| (c.convoy_id.as_str(), k))
        .collect();
    let plans = scn
        .notified
        .movements
        .iter()
        .map(|m| {
            (
                crate::analysis::movements::plan(&scn, m),
                by_id.get(m.convoy_id.as_str()).copied(),
            )
        })
        .collect();
    let (mut bands, mut band_keys) = (Vec::new(), Vec::new());
    bands_of(&scn.allowed, &reuse.bands, &mut bands, &mut band_keys);
    bands_of(&scn.zone, &reuse.bands, &mut bands, &mut band_keys);
    Analysis {
        generation,
        scn,
        all,
        convoys,
        results,
        incidents,
        sectors,
        plans,
        bands,
        band_keys,
        cleaned,
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
