//! Watching a live feed: position reports accumulate into tracks, and each
//! deviation or buffer-zone entry not seen before becomes an alert.
//!
//! A stretch is known by its convoy, its type and where it starts (its start
//! time, or its start position to ~1 m when the track has no times), so a
//! stretch that grows as reports arrive is alerted once. Duplicate reports
//! (same convoy, time and position) are dropped; reports out of order are put
//! in time order (see `assemble_convoys`). Stretches already in the tracks
//! the watch starts with (from files) are known, not alerted: alerts are for
//! what the feed brings.

use super::{CheckOptions, Scenario, assemble_convoys, check_convoy_with_paths};
use crate::model::{Feature, Layer, Role};
use crate::report::Stretch;
use geo::Coord;
use serde::Serialize;
use std::collections::HashSet;

/// What an alert is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertType {
    Deviation,
    BufferZoneEntry,
}

/// A new deviation or zone entry, as `watch` prints it (one JSON line).
#[derive(Clone, Debug, Serialize)]
pub struct Alert {
    pub convoy_id: String,
    #[serde(rename = "type")]
    pub alert_type: AlertType,
    #[serde(flatten)]
    pub stretch: Stretch,
    /// Lon/lat path of the stretch (for the map; not printed).
    #[serde(skip)]
    pub path: Vec<Coord>,
}

/// How a batch of reports was taken in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ingested {
    pub new: usize,
    pub duplicates: usize,
    /// Features that are not track reports (ignored).
    pub ignored: usize,
}

/// The accumulating state of a watch.
pub struct Watcher {
    scn: Scenario,
    /// Static tracks (from the files) followed by every report taken in.
    tracks: Layer,
    report_keys: HashSet<(String, u64, u64, u64)>,
    changed: HashSet<String>,
    known: HashSet<(String, AlertType, String)>,
    first: bool,
}

/// What identifies a stretch as it grows: its start time, or its start
/// position to ~1 m when the track has no times (also the database sink's key).
pub fn stretch_key(s: &Stretch) -> String {
    s.start_time
        .clone()
        .unwrap_or_else(|| format!("{:.5},{:.5}", s.start[0], s.start[1]))
}

impl Watcher {
    /// A watcher over the corridor, zone and track layers of `layers`.
    pub fn new(layers: Vec<Layer>) -> Watcher {
        let mut tracks = Layer {
            name: "tracks".into(),
            ..Default::default()
        };
        for l in &layers {
            tracks
                .features
                .extend(l.features.iter().filter(|f| f.role == Role::Track).cloned());
        }
        let mut w = Watcher {
            scn: Scenario::new(layers),
            tracks,
            report_keys: HashSet::new(),
            changed: HashSet::new(),
            known: HashSet::new(),
            first: true,
        };
        // What the files already show is known, not news.
        let _ = w.check();
        w
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scn
    }

    /// Every track feature held (static tracks and reports so far).
    pub fn tracks(&self) -> &Layer {
        &self.tracks
    }

    /// Takes in a batch of position reports (a feed page set).
    pub fn ingest(&mut self, feed: &Layer) -> Ingested {
        let mut n = Ingested::default();
        for f in &feed.features {
            let Some(key) = report_key(f) else {
                n.ignored += 1;
                continue;
            };
            if !self.report_keys.insert(key.clone()) {
                n.duplicates += 1;
                continue;
            }
            n.new += 1;
            self.changed.insert(key.0);
            let mut f = f.clone();
            f.index = self.tracks.features.len();
            self.tracks.features.push(f);
        }
        n
    }

    /// Re-checks the convoys that changed and returns the stretches not seen before.
    pub fn check(&mut self) -> Vec<Alert> {
        let convoys = assemble_convoys(std::slice::from_ref(&self.tracks));
        let opts = CheckOptions::default();
        let mut out = Vec::new();
        for c in convoys
            .iter()
            .filter(|c| self.first || self.changed.contains(&c.convoy_id))
        {
            let r = check_convoy_with_paths(&self.scn, c, &opts);
            let lists = [
                (
                    AlertType::Deviation,
                    &r.report.deviations,
                    &r.deviation_paths,
                ),
                (
                    AlertType::BufferZoneEntry,
                    &r.report.buffer_zone_entries,
                    &r.zone_paths,
                ),
            ];
            for (t, stretches, paths) in lists {
                for (s, p) in stretches.iter().zip(paths) {
                    if self.known.insert((c.convoy_id.clone(), t, stretch_key(s))) {
                        out.push(Alert {
                            convoy_id: c.convoy_id.clone(),
                            alert_type: t,
                            stretch: s.clone(),
                            path: p.clone(),
                        });
                    }
                }
            }
        }
        self.first = false;
        self.changed.clear();
        out
    }
}

/// (convoy, time, lon, lat) of a point report; `None` for anything else.
fn report_key(f: &Feature) -> Option<(String, u64, u64, u64)> {
    if f.role != Role::Track {
        return None;
    }
    let Some(geo::Geometry::Point(p)) = &f.geometry else {
        return None;
    };
    let convoy = f.prop_text("convoy_id")?;
    let t = f
        .prop_str("time")
        .and_then(|s| crate::io::time::parse_rfc3339(s).ok())
        .unwrap_or(f64::NAN);
    Some((convoy, t.to_bits(), p.x().to_bits(), p.y().to_bits()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_bytes;

    const CORRIDOR: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"kind":"corridor","id":"C1"},
       "geometry":{"type":"LineString","coordinates":[[30,50],[31,50]]}}]}"#;

    fn reports(points: &[(f64, f64, &str)]) -> Layer {
        let text = crate::synth::position_reports("K-1", points, "");
        read_bytes("feed", text.as_bytes()).expect("reports")
    }

    /// The alert's stretch starts at a time beginning with `prefix`.
    fn assert_starts(a: &Alert, prefix: &str) {
        let t = a.stretch.start_time.as_deref().unwrap_or("");
        assert!(t.starts_with(prefix), "{t}");
    }

    #[test]
    fn stretches_in_the_starting_tracks_are_not_alerted() {
        let with_track = format!(
            "{},{}]}}",
            &CORRIDOR[..CORRIDOR.len() - 2],
            r#"{"type":"Feature","properties":{"kind":"track","convoy_id":"OLD"},
             "geometry":{"type":"LineString","coordinates":[[30.1,50],[30.2,50.2]]}}"#
        );
        let mut w = Watcher::new(vec![
            read_bytes("c.geojson", with_track.as_bytes()).expect("c"),
        ]);
        assert!(w.check().is_empty());
        let batch = reports(&[
            (30.1, 50.0, "2026-03-02T08:00:00Z"),
            (30.1, 50.2, "2026-03-02T08:10:00Z"),
        ]);
        w.ingest(&batch);
        let alerts = w.check();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].convoy_id, "K-1");
    }

    #[test]
    fn a_growing_deviation_is_alerted_once_and_duplicates_are_dropped() {
        let mut w = Watcher::new(vec![
            read_bytes("c.geojson", CORRIDOR.as_bytes()).expect("c"),
        ]);
        let batch1 = reports(&[
            (30.1, 50.0, "2026-03-02T08:00:00Z"),
            (30.2, 50.0, "2026-03-02T08:10:00Z"),
        ]);
        assert_eq!(w.ingest(&batch1).new, 2);
        assert!(w.check().is_empty());
        // Off the corridor 0.1 degree north (about 11 km), reported twice, out of order.
        let batch2 = reports(&[
            (30.3, 50.1, "2026-03-02T08:30:00Z"),
            (30.25, 50.05, "2026-03-02T08:20:00Z"),
            (30.3, 50.1, "2026-03-02T08:30:00Z"),
        ]);
        let n = w.ingest(&batch2);
        assert_eq!((n.new, n.duplicates), (2, 1));
        let alerts = w.check();
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].alert_type, AlertType::Deviation);
        assert_eq!(alerts[0].convoy_id, "K-1");
        assert_starts(&alerts[0], "2026-03-02T08:1");
        // The same deviation grows: no new alert. Re-entering and leaving again: a new one.
        assert!(w.ingest(&batch2).new == 0);
        let batch3 = reports(&[(30.35, 50.12, "2026-03-02T08:40:00Z")]);
        w.ingest(&batch3);
        assert!(w.check().is_empty());
        let batch4 = reports(&[
            (30.4, 50.0, "2026-03-02T09:00:00Z"),
            (30.5, 50.0, "2026-03-02T09:10:00Z"),
            (30.6, 50.1, "2026-03-02T09:20:00Z"),
        ]);
        w.ingest(&batch4);
        let alerts = w.check();
        assert_eq!(alerts.len(), 1);
        assert_starts(&alerts[0], "2026-03-02T09:1");
        let line = serde_json::to_value(&alerts[0]).expect("json");
        assert_eq!(line["type"], "deviation");
        assert!(line["max_offset_m"].as_f64().is_some_and(|m| m > 5_000.0));
    }
}
