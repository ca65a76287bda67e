//! The rules beside deviations and zone entries: a convoy silent, stuck at one
//! position, or near a recent incident (`docs/layers.md`, "Live alerts").

use super::near::NearIncidents;
use super::{Alert, AlertType, Options, Watcher};
use geo::Coord;

impl Watcher {
    /// Alerts `silent` when a convoy under way sends no report for `s`
    /// seconds (or three of its own `report_interval_s`); see `check_silent`.
    pub fn with_silent_after_s(mut self, s: f64) -> Watcher {
        self.silent_after_s = (s.is_finite() && s > 0.0).then_some(s);
        self
    }

    /// Whether the silence rule can fire on the clock alone (without a
    /// report): a replay must then move the clock through empty batches too.
    pub fn watches_silence(&self) -> bool {
        self.silent_after_s.is_some() || self.any_own_silence
    }

    /// Convoys under way whose last report is older than their silence
    /// limit at `now` (Unix seconds: the wall clock, or a replay's recorded
    /// time): one `silent` alert per silence; it clears when reports resume.
    pub fn check_silent(&mut self, now: f64) -> Vec<Alert> {
        let mut out = Vec::new();
        if self.silent_after_s.is_none() && !self.any_own_silence {
            return out;
        }
        let destinations = &self.destinations;
        for st in &mut self.convoys {
            let limit = st
                .rules
                .silent_after_s
                .or(st.report_interval_s.map(|i| 3.0 * i))
                .or(self.silent_after_s);
            let (Some(limit), Some(last)) = (limit, st.tail.last()) else {
                continue;
            };
            let Some(t) = last.time else { continue };
            if !st.moving || now - t <= limit || st.silent_after == Some(t) {
                continue;
            }
            // A finished trip is not a silence: its report says it arrived, or it
            // stopped at the end of one of its corridors, a grain lane or a route.
            if st.arrived
                || super::arrival::at_destination(destinations, last.at, st.corridor_ids.as_deref())
            {
                continue;
            }
            out.push(point_alert(&st.id, AlertType::Silent, last.at, t, None));
            st.silent_after = Some(t);
        }
        out
    }

    /// Alerts `stuck` when a convoy that was under way reports the same
    /// position with advancing time for more than `s` seconds; see `check_stuck`.
    pub fn with_stuck_after_s(mut self, s: f64) -> Watcher {
        self.stuck_after_s = (s.is_finite() && s > 0.0).then_some(s);
        self
    }

    /// Convoys stuck: one position, having arrived there under way, for
    /// longer than the limit by their own report times; once per halt.
    pub fn check_stuck(&mut self) -> Vec<Alert> {
        if self.stuck_after_s.is_none() && !self.any_own_stuck {
            return Vec::new();
        }
        let mut out = Vec::new();
        for st in &mut self.convoys {
            let Some(limit) = st.rules.stuck_after_s.or(self.stuck_after_s) else {
                continue;
            };
            let (Some(since), Some(last)) = (st.still_since, st.tail.last()) else {
                continue;
            };
            let Some(t) = last.time else { continue };
            if t - since <= limit || st.stuck_alerted == Some(since) {
                continue;
            }
            out.push(point_alert(
                &st.id,
                AlertType::Stuck,
                last.at,
                since,
                Some(t),
            ));
            st.stuck_alerted = Some(since);
        }
        out
    }

    /// Alerts `near_incident` when a report puts a convoy within `radius_m`
    /// of an incident reported in the `window_h` hours before it (incident
    /// layers of the watch's own layers); once per convoy and incident.
    /// A convoy's own `near_incident_m` comes first; the window is the watch's
    /// (24 h unless set). A radius of 0 leaves the rule to the convoys' own.
    pub fn with_near_incident(mut self, radius_m: f64, window_h: f64) -> Watcher {
        if window_h.is_finite() && window_h > 0.0 {
            self.near_window_h = window_h;
        }
        self.near_radius_m = (radius_m.is_finite() && radius_m > 0.0).then_some(radius_m);
        if self.near_radius_m.is_some() || self.near.is_some() {
            self.near = Some(NearIncidents::new(
                &self.scenario().layers,
                self.near_window_h,
            ));
        }
        self
    }

    /// Incidents the rule watches (timed ones), and those left out for want of a time.
    pub fn near_incident_counts(&self) -> Option<(usize, usize)> {
        self.near.as_ref().map(|n| (n.len(), n.untimed()))
    }

    /// The reports taken in since the last call, checked against recent incidents.
    pub(super) fn check_near(&mut self) -> Vec<Alert> {
        let pending = std::mem::take(&mut self.near_pending);
        let Some(near) = &self.near else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, at, t) in pending {
            let st = &mut self.convoys[i];
            let Some(radius) = st.rules.near_incident_m.or(self.near_radius_m) else {
                continue;
            };
            for (id, d) in near.near(at, t, radius) {
                if st.near_alerted.insert(id.to_string()) {
                    let mut a = point_alert(&st.id, AlertType::NearIncident, at, t, None);
                    a.incident_id = Some(id.to_string());
                    a.distance_m = Some(d);
                    out.push(a);
                }
            }
        }
        out
    }
}

/// An alert about a convoy at one position (silent, stuck): a zero-length
/// stretch there, from `since` (to `until`).
pub(super) fn point_alert(
    id: &str,
    alert_type: AlertType,
    at: Coord,
    since: f64,
    until: Option<f64>,
) -> Alert {
    Alert {
        convoy_id: id.to_string(),
        alert_type,
        event: super::AlertEvent::Start,
        stretch: crate::analysis::Stretch {
            start: at,
            end: at,
            length_m: 0.0,
            max_offset_m: None,
            start_s: Some(since),
            end_s: until,
            subsecond: true,
        },
        path: vec![at, at],
        incident_id: None,
        distance_m: None,
        speed_kmh: None,
        other: None,
    }
}

impl Watcher {
    /// The watcher with every rule of `o`.
    pub fn with_options(self, o: &Options) -> Watcher {
        self.with_stretch_events(o.stretch_events, o.stretch_updates)
            .with_min_duration_s(o.min_duration_s)
            .with_silent_after_s(o.silent_after_s)
            .with_stuck_after_s(o.stuck_after_s)
            .with_near_incident(o.near_incident_m, o.incident_window_h)
            .with_max_speed(o.speed_limit())
            .with_sea_rules(o.sea_rules())
    }

    /// Every rule's alerts after a batch: new stretches and near incidents,
    /// stuck convoys, and convoys silent at `now` (Unix seconds).
    pub fn check_all(&mut self, now: f64) -> Vec<Alert> {
        let mut alerts = self.check();
        alerts.extend(self.check_stuck());
        alerts.extend(self.check_silent(now));
        alerts.extend(self.check_sea(now));
        alerts.extend(self.check_notified());
        alerts
    }
}
