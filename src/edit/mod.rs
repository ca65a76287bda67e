//! Editing a layer: each change as an `Op` that can be applied and undone,
//! a bounded undo history per layer (`History`), the attribute checks by role
//! (`form`), saving back to the source (`save`) and the journal that keeps
//! edits across a crash (`journal`).
//!
//! An op names what changed and no more: moving one vertex of a 50,000-vertex
//! contact line keeps two positions, not a copy of the line. Features are
//! addressed by their position in the layer's list, so ops replay in order on
//! the layer as read from its source.

pub mod form;
pub mod gpkg;
pub mod journal;
pub mod postgis;
pub mod save;
pub mod save_as;
mod vertices;

pub use vertices::{VertexAt, edges, split_at, translate, vertex_position, vertices};

use crate::error::Problem;
use crate::model::{Feature, Layer, Role};
use geo::{Coord, Geometry, LineString};
use serde_json::{Map, Value};

/// One change to a layer. Its inverse (`Op::inverse`) undoes it exactly.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A vertex moved from one position to another.
    Move {
        feature: usize,
        at: VertexAt,
        from: Coord,
        to: Coord,
    },
    /// A vertex inserted before `at.index` (at the end when it is the length).
    Insert {
        feature: usize,
        at: VertexAt,
        c: Coord,
    },
    /// The vertex at `at` removed (it was at `c`).
    Remove {
        feature: usize,
        at: VertexAt,
        c: Coord,
    },
    /// A feature inserted at position `at` of the layer.
    Add { at: usize, feature: Box<Feature> },
    /// The feature at position `at` deleted (kept here for undo).
    Delete { at: usize, feature: Box<Feature> },
    /// A feature's properties replaced (its role, id and time read again).
    Properties {
        feature: usize,
        before: Box<Map<String, Value>>,
        after: Box<Map<String, Value>>,
    },
    /// A feature's whole geometry replaced (moved as a whole, a line split).
    Reshape {
        feature: usize,
        before: Box<Option<Geometry<f64>>>,
        after: Box<Option<Geometry<f64>>>,
    },
}

impl Op {
    pub fn inverse(&self) -> Op {
        match self.clone() {
            Op::Move {
                feature,
                at,
                from,
                to,
            } => Op::Move {
                feature,
                at,
                from: to,
                to: from,
            },
            Op::Insert { feature, at, c } => Op::Remove { feature, at, c },
            Op::Remove { feature, at, c } => Op::Insert { feature, at, c },
            Op::Add { at, feature } => Op::Delete { at, feature },
            Op::Delete { at, feature } => Op::Add { at, feature },
            Op::Properties {
                feature,
                before,
                after,
            } => Op::Properties {
                feature,
                before: after,
                after: before,
            },
            Op::Reshape {
                feature,
                before,
                after,
            } => Op::Reshape {
                feature,
                before: after,
                after: before,
            },
        }
    }

    /// The feature (position in the layer) the op changes.
    pub fn feature(&self) -> usize {
        match self {
            Op::Move { feature, .. }
            | Op::Insert { feature, .. }
            | Op::Remove { feature, .. }
            | Op::Properties { feature, .. }
            | Op::Reshape { feature, .. } => *feature,
            Op::Add { at, .. } | Op::Delete { at, .. } => *at,
        }
    }

    /// What the op did, for the Edit section and the log ("moved vertex 3 of HC-01").
    pub fn describe(&self, layer: &Layer) -> String {
        let name = |i: usize| {
            layer
                .features
                .get(i)
                .map(Feature::label)
                .unwrap_or_else(|| format!("feature {i}"))
        };
        match self {
            Op::Move { feature, at, .. } => {
                format!("moved vertex {} of {}", at.index, name(*feature))
            }
            Op::Insert { feature, at, .. } => {
                format!("inserted vertex {} in {}", at.index, name(*feature))
            }
            Op::Remove { feature, at, .. } => {
                format!("deleted vertex {} of {}", at.index, name(*feature))
            }
            Op::Add { feature, .. } => format!("added {}", feature.label()),
            Op::Delete { feature, .. } => format!("deleted {}", feature.label()),
            Op::Properties { feature, .. } => {
                format!("changed the attributes of {}", name(*feature))
            }
            Op::Reshape { feature, .. } => format!("reshaped {}", name(*feature)),
        }
    }
}

/// Runs `f` on the vertices of one part or ring of `g` (`closed`: a polygon's
/// ring, whose last vertex repeats the first). A polygon's rings are taken out
/// and put back (moved, not copied).
fn with_path<R>(
    g: &mut Geometry<f64>,
    at: VertexAt,
    f: impl FnOnce(&mut Vec<Coord>, bool) -> Result<R, Problem>,
) -> Result<R, Problem> {
    let no_part = || crate::problem!("it has no part {} ring {}", at.part, at.ring);
    let polygon = |p: &mut geo::Polygon<f64>,
                   f: &mut dyn FnMut(&mut Vec<Coord>) -> Result<R, Problem>| {
        let empty = geo::Polygon::new(LineString(Vec::new()), Vec::new());
        let (mut ext, mut ints) = std::mem::replace(p, empty).into_inner();
        let result = match at.ring {
            0 => f(&mut ext.0),
            r => match ints.get_mut(r - 1) {
                Some(ring) => f(&mut ring.0),
                None => Err(no_part()),
            },
        };
        *p = geo::Polygon::new(ext, ints);
        result
    };
    let mut f = Some(f);
    let mut call = |v: &mut Vec<Coord>, closed: bool| match f.take() {
        Some(f) => f(v, closed),
        None => Err(no_part()),
    };
    // A point as a list of one vertex, which must stay one.
    let mut point = |p: &mut geo::Point<f64>| {
        let mut v = vec![p.0];
        let r = call(&mut v, false)?;
        match v[..] {
            [c] => p.0 = c,
            _ => return Err(crate::problem!("a point has one vertex")),
        }
        Ok(r)
    };
    match g {
        Geometry::Point(p) if at.part == 0 && at.ring == 0 => point(p),
        Geometry::MultiPoint(m) if at.ring == 0 => point(m.0.get_mut(at.part).ok_or_else(no_part)?),
        Geometry::LineString(l) if at.part == 0 && at.ring == 0 => call(&mut l.0, false),
        Geometry::MultiLineString(m) if at.ring == 0 => {
            call(&mut m.0.get_mut(at.part).ok_or_else(no_part)?.0, false)
        }
        Geometry::Polygon(p) if at.part == 0 => polygon(p, &mut |v| call(v, true)),
        Geometry::MultiPolygon(m) => {
            let p = m.0.get_mut(at.part).ok_or_else(no_part)?;
            polygon(p, &mut |v| call(v, true))
        }
        _ => Err(no_part()),
    }
}

/// The smallest a part may become: a line keeps 2 vertices, a ring 3 (4 with the closing one).
fn min_len(closed: bool) -> usize {
    if closed { 4 } else { 2 }
}

/// Whether the vertex at `i` is `c`: an op that does not fit (a journal of
/// another version of the file) is refused rather than applied elsewhere.
fn expect_at(v: &[Coord], i: usize, c: Coord) -> Result<(), Problem> {
    match v.get(i) {
        Some(x) if *x == c => Ok(()),
        Some(x) => Err(crate::problem!(
            "vertex {i} is at {:.6}, {:.6}, not {:.6}, {:.6}",
            x.x,
            x.y,
            c.x,
            c.y
        )),
        None => Err(crate::problem!("it has no vertex {i}")),
    }
}

fn check_position(c: Coord) -> Result<(), Problem> {
    if c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0 {
        Ok(())
    } else {
        Err(crate::problem!(
            "{}, {} is outside longitude -180..180 / latitude -90..90",
            c.x,
            c.y
        ))
    }
}

fn feature_mut(layer: &mut Layer, i: usize) -> Result<&mut Feature, Problem> {
    let n = layer.features.len();
    layer
        .features
        .get_mut(i)
        .ok_or_else(|| crate::problem!("the layer has no feature at position {i} ({n} features)"))
}

/// Whether a feature is a track (times of its own at its vertices): its
/// geometry is not edited. A point's time is its `time` property (an
/// incident's, a report's): it moves with the point.
fn is_track(f: &Feature) -> bool {
    f.role == crate::model::Role::Track
        || (f.times.is_some() && !matches!(f.geometry, Some(Geometry::Point(_))))
}

/// A feature's geometry to edit: tracks (times at their vertices) are not edited.
fn geometry_mut(f: &mut Feature) -> Result<&mut Geometry<f64>, Problem> {
    if is_track(f) {
        return Err(crate::problem!(
            "{} is a track with times at its vertices; tracks are not edited",
            f.label()
        ));
    }
    let index = f.index;
    f.geometry
        .as_mut()
        .ok_or_else(|| crate::problem!("feature {index} has no geometry"))
}

/// A whole geometry as a reader would take it: every position on the globe,
/// a line of 2 positions or more, a ring of 4 or more (closed).
fn check_shape(g: &Geometry<f64>) -> Result<(), Problem> {
    use geo::CoordsIter;
    g.coords_iter().try_for_each(check_position)?;
    let line = |l: &LineString<f64>| {
        if l.0.len() < 2 {
            Err(crate::problem!("a line needs 2 or more positions"))
        } else {
            Ok(())
        }
    };
    let ring = |r: &LineString<f64>| {
        if r.0.len() < 4 || r.0.first() != r.0.last() {
            Err(crate::problem!(
                "a ring needs 4 or more positions, the last the first"
            ))
        } else {
            Ok(())
        }
    };
    let polygon = |p: &geo::Polygon<f64>| {
        ring(p.exterior())?;
        p.interiors().iter().try_for_each(ring)
    };
    match g {
        Geometry::LineString(l) => line(l),
        Geometry::MultiLineString(m) => m.0.iter().try_for_each(line),
        Geometry::Polygon(p) => polygon(p),
        Geometry::MultiPolygon(m) => m.0.iter().try_for_each(polygon),
        _ => Ok(()),
    }
}

/// Applies `op` to `layer`. A feature read again after a change of properties
/// takes its role, id and time from them as a reader would.
pub fn apply(layer: &mut Layer, op: &Op) -> Result<(), Problem> {
    let n = layer.features.len();
    match op {
        Op::Move {
            feature,
            at,
            from,
            to,
        } => {
            check_position(*to)?;
            let g = geometry_mut(feature_mut(layer, *feature)?)?;
            with_path(g, *at, |v, closed| {
                let i = at.index;
                if closed && i + 1 >= v.len() {
                    return Err(crate::problem!("a ring has no vertex {i}"));
                }
                expect_at(v, i, *from)?;
                v[i] = *to;
                if closed && i == 0 {
                    let last = v.len() - 1;
                    v[last] = *to;
                }
                Ok(())
            })
        }
        Op::Insert { feature, at, c } => {
            check_position(*c)?;
            let g = geometry_mut(feature_mut(layer, *feature)?)?;
            if matches!(g, Geometry::Point(_) | Geometry::MultiPoint(_)) {
                return Err(crate::problem!("a point has no vertices to insert between"));
            }
            with_path(g, *at, |v, closed| {
                let i = at.index;
                if i > v.len() || (closed && i + 1 > v.len()) {
                    return Err(crate::problem!(
                        "cannot insert at {i} of {} vertices",
                        v.len()
                    ));
                }
                v.insert(i, *c);
                if closed && i == 0 {
                    let last = v.len() - 1;
                    v[last] = *c;
                }
                Ok(())
            })
        }
        Op::Remove { feature, at, c } => {
            let g = geometry_mut(feature_mut(layer, *feature)?)?;
            with_path(g, *at, |v, closed| {
                let i = at.index;
                if v.len() <= min_len(closed) {
                    return Err(crate::problem!(
                        "{} keeps at least {} vertices",
                        if closed { "a ring" } else { "a line" },
                        min_len(closed) - usize::from(closed)
                    ));
                }
                if closed && i + 1 >= v.len() {
                    return Err(crate::problem!("a ring has no vertex {i}"));
                }
                expect_at(v, i, *c)?;
                v.remove(i);
                if closed && i == 0 {
                    let last = v.len() - 1;
                    v[last] = v[0];
                }
                Ok(())
            })
        }
        Op::Add { at, feature } => {
            if *at > n {
                return Err(crate::problem!(
                    "cannot add at position {at} of {n} features"
                ));
            }
            if let Some(g) = &feature.geometry {
                check_shape(g)?;
            }
            form::check_changed(feature.role, None, &feature.properties)?;
            layer.features.insert(*at, (**feature).clone());
            Ok(())
        }
        Op::Delete { at, feature } => {
            let f = layer
                .features
                .get(*at)
                .ok_or_else(|| crate::problem!("the layer has no feature at position {at}"))?;
            if f.index != feature.index {
                return Err(crate::problem!(
                    "position {at} holds feature {}, not {}",
                    f.index,
                    feature.index
                ));
            }
            layer.features.remove(*at);
            Ok(())
        }
        Op::Properties { feature, after, .. } => {
            let f = feature_mut(layer, *feature)?;
            form::check_changed(f.role, Some(&f.properties), after)?;
            *f = reread(f, (**after).clone())?;
            Ok(())
        }
        Op::Reshape { feature, after, .. } => {
            if let Some(g) = after.as_ref() {
                check_shape(g)?;
            }
            let f = feature_mut(layer, *feature)?;
            if is_track(f) || (f.times.is_some() && !matches!(**after, Some(Geometry::Point(_)))) {
                return Err(crate::problem!(
                    "{} is a track with times at its vertices; tracks are not edited",
                    f.label()
                ));
            }
            f.geometry = (**after).clone();
            Ok(())
        }
    }
}

/// A feature with new properties, read as a reader reads one: its `kind`, `id`
/// and `time` taken from them.
pub fn reread(f: &Feature, properties: Map<String, Value>) -> Result<Feature, Problem> {
    let mut warnings = Vec::new();
    let id = match properties.get("id") {
        Some(Value::String(_) | Value::Number(_)) => None,
        _ => f.id.clone(),
    };
    crate::io::finish_feature(
        f.index,
        properties,
        id,
        f.geometry.clone(),
        f.times.clone(),
        &mut warnings,
    )?
    .ok_or_else(|| crate::problem!("feature {} cannot be read with these attributes", f.index))
}

/// A new feature of a role: its geometry and properties (`kind` set), read as
/// a reader would, numbered `index` (past the file's own features).
pub fn new_feature(
    index: usize,
    role: Role,
    geometry: Geometry<f64>,
    properties: Map<String, Value>,
) -> Result<Feature, Problem> {
    // `kind` first, as the bundled files write it.
    let mut with_kind = Map::new();
    let set = role != Role::Unassigned && role != Role::Other;
    if set {
        with_kind.insert("kind".into(), Value::from(role.as_kind()));
    }
    with_kind.extend(
        properties
            .into_iter()
            .filter(|(k, _)| !(set && k == "kind")),
    );
    let properties = with_kind;
    let mut warnings = Vec::new();
    crate::io::finish_feature(index, properties, None, Some(geometry), None, &mut warnings)?
        .ok_or_else(|| crate::problem!("the new feature cannot be read"))
}

/// Most steps kept for undo per layer (older ones go; the journal and the
/// save still hold them). Each step names what changed, not the layer.
pub const UNDO_DEPTH: usize = 1_000;

/// One layer's edits: what can be undone and redone, and whether the layer
/// still matches its source (as read or last saved).
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Op>,
    redo: Vec<Op>,
    /// Steps from the saved state: + for each op applied or redone, - for each undone.
    from_saved: i64,
    /// The saved state can no longer be reached by undo or redo (an op was
    /// applied after undoing past it, or it fell off the undo list).
    saved_lost: bool,
}

impl History {
    /// Applies `op` and records it (the redo list goes).
    pub fn apply(&mut self, layer: &mut Layer, op: Op) -> Result<(), Problem> {
        apply(layer, &op)?;
        self.push(op);
        Ok(())
    }

    /// Records an op already applied (a vertex dragged live, recorded at the end).
    pub fn push(&mut self, op: Op) {
        if self.from_saved < 0 {
            self.saved_lost = true;
        }
        self.undo.push(op);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
            if self.from_saved > 0 {
                self.saved_lost = true;
            }
        }
        self.redo.clear();
        self.from_saved += 1;
    }

    /// Undoes the last op; returns the op applied to do it (its inverse).
    pub fn undo(&mut self, layer: &mut Layer) -> Result<Option<Op>, Problem> {
        let Some(op) = self.undo.pop() else {
            return Ok(None);
        };
        let inv = op.inverse();
        if let Err(e) = apply(layer, &inv) {
            self.undo.push(op);
            return Err(e);
        }
        self.redo.push(op);
        self.from_saved -= 1;
        Ok(Some(inv))
    }

    /// Redoes the last op undone; returns it.
    pub fn redo(&mut self, layer: &mut Layer) -> Result<Option<Op>, Problem> {
        let Some(op) = self.redo.pop() else {
            return Ok(None);
        };
        if let Err(e) = apply(layer, &op) {
            self.redo.push(op);
            return Err(e);
        }
        self.undo.push(op.clone());
        self.from_saved += 1;
        Ok(Some(op))
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Whether the layer differs from its source (as read or last saved).
    pub fn is_dirty(&self) -> bool {
        self.saved_lost || self.from_saved != 0
    }

    /// The layer was written to its source: what it holds now is saved.
    pub fn saved(&mut self) {
        self.from_saved = 0;
        self.saved_lost = false;
    }

    /// The ops undo can reach, oldest first.
    pub fn ops(&self) -> &[Op] {
        &self.undo
    }

    /// Bytes the undo and redo lists hold beyond their ops' fixed size (the
    /// features and properties kept for undo), to show they stay bounded.
    pub fn held_bytes(&self) -> usize {
        self.undo
            .iter()
            .chain(&self.redo)
            .map(|op| std::mem::size_of::<Op>() + op.held_bytes())
            .sum()
    }
}

impl Op {
    /// Heap bytes the op keeps (approximate: coordinates and property text).
    fn held_bytes(&self) -> usize {
        let geom = |g: &Option<Geometry<f64>>| {
            use geo::CoordsIter;
            g.as_ref().map_or(0, |g| g.coords_count() * 16)
        };
        let props = |m: &Map<String, Value>| Value::Object(m.clone()).to_string().len();
        match self {
            Op::Move { .. } | Op::Insert { .. } | Op::Remove { .. } => 0,
            Op::Add { feature, .. } | Op::Delete { feature, .. } => {
                geom(&feature.geometry) + props(&feature.properties)
            }
            Op::Properties { before, after, .. } => props(before) + props(after),
            Op::Reshape { before, after, .. } => geom(before) + geom(after),
        }
    }
}

#[cfg(test)]
mod checks_tests;
#[cfg(test)]
mod tests;
