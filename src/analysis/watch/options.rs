//! What the rules are set to: the watch's options and a convoy's own.

use crate::model::Feature;

/// The rule options of a watch (`watch`'s flags, the Live tab's fields): 0 is off.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Options {
    pub min_duration_s: f64,
    pub silent_after_s: f64,
    pub stuck_after_s: f64,
    pub near_incident_m: f64,
    pub incident_window_h: f64,
    /// Besides a stretch's start, its final figures (`end`): `watch` and the
    /// app ask for them.
    pub stretch_events: bool,
    /// And its figures so far after each batch (`update`): for the app's
    /// display (each costs the measure of what the batch added).
    pub stretch_updates: bool,
    /// A report that would need more than this speed (km/h) to reach and
    /// leave is a jump, dropped and alerted; 0: 150 km/h on land, 50 knots
    /// for a vessel.
    pub max_speed_kmh: f64,
    /// Loitering and encounters (`analysis::events`' definitions): slow under
    /// `slow_kn`; loitering after `loiter_min` minutes, two slow vessels within
    /// `encounter_m` for `encounter_min` minutes; 0 minutes: off.
    pub slow_kn: f64,
    pub loiter_min: f64,
    pub encounter_m: f64,
    pub encounter_min: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            min_duration_s: 0.0,
            silent_after_s: 0.0,
            stuck_after_s: 0.0,
            near_incident_m: 0.0,
            incident_window_h: 24.0,
            stretch_events: false,
            stretch_updates: false,
            max_speed_kmh: 0.0,
            slow_kn: 2.0,
            loiter_min: 60.0,
            encounter_m: 500.0,
            encounter_min: 120.0,
        }
    }
}

impl Options {
    /// The sea rules (`None` when both loitering and encounters are off).
    pub fn sea_rules(&self) -> Option<crate::analysis::events::EventRules> {
        let rules = crate::analysis::events::EventRules {
            slow_kn: self.slow_kn,
            loiter_s: self.loiter_min * 60.0,
            encounter_m: self.encounter_m,
            encounter_s: self.encounter_min * 60.0,
        };
        let on = |v: f64| v.is_finite() && v > 0.0;
        (on(rules.slow_kn)
            && (on(rules.loiter_s) || on(rules.encounter_s) && on(rules.encounter_m)))
        .then_some(rules)
    }

    /// The speed reports are judged by for jumps.
    pub fn speed_limit(&self) -> crate::analysis::fixes::SpeedLimit {
        use crate::analysis::fixes::SpeedLimit;
        if self.max_speed_kmh.is_finite() && self.max_speed_kmh > 0.0 {
            SpeedLimit::Kmh(self.max_speed_kmh)
        } else {
            SpeedLimit::ByKind
        }
    }

    /// What is wrong with these options, as a sentence naming the option.
    pub fn problem(&self) -> Option<String> {
        for (name, v) in [
            ("--min-duration-s", self.min_duration_s),
            ("--silent-after-s", self.silent_after_s),
            ("--stuck-after-s", self.stuck_after_s),
            ("--near-incident-m", self.near_incident_m),
            ("--max-speed-kmh", self.max_speed_kmh),
            ("--slow-kn", self.slow_kn),
            ("--loiter-min", self.loiter_min),
            ("--encounter-m", self.encounter_m),
            ("--encounter-min", self.encounter_min),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Some(format!("{name} must be a number of 0 or more (got {v})"));
            }
        }
        (!(self.incident_window_h.is_finite() && self.incident_window_h > 0.0)).then(|| {
            format!(
                "--incident-window-h must be a number of hours above 0 (got {})",
                self.incident_window_h
            )
        })
    }
}

/// A convoy's own alert rules, from the properties of its reports or track
/// (`docs/layers.md`, "Live alerts"); each comes before the watch's option.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConvoyRules {
    pub min_duration_s: Option<f64>,
    pub silent_after_s: Option<f64>,
    pub stuck_after_s: Option<f64>,
    pub near_incident_m: Option<f64>,
}

/// A report's or track's `report_interval_s` (seconds above 0), if it gives one.
pub fn report_interval_of(f: &Feature) -> Option<f64> {
    f.properties
        .get("report_interval_s")
        .and_then(serde_json::Value::as_f64)
        .filter(|s| s.is_finite() && *s > 0.0)
}

impl ConvoyRules {
    /// The rule properties of a report or track feature (`None` if it has none).
    pub fn of(f: &Feature) -> Option<ConvoyRules> {
        let num = |k: &str| {
            f.properties
                .get(k)
                .and_then(serde_json::Value::as_f64)
                .filter(|v| v.is_finite() && *v >= 0.0)
        };
        let r = ConvoyRules {
            min_duration_s: num("min_duration_s"),
            silent_after_s: num("silent_after_s").filter(|v| *v > 0.0),
            stuck_after_s: num("stuck_after_s").filter(|v| *v > 0.0),
            near_incident_m: num("near_incident_m").filter(|v| *v > 0.0),
        };
        (r != ConvoyRules::default()).then_some(r)
    }

    /// The settings of `other` that are given, over these.
    pub(super) fn update(&mut self, other: &ConvoyRules) {
        let pick = |a: &mut Option<f64>, b: Option<f64>| {
            if b.is_some() {
                *a = b;
            }
        };
        pick(&mut self.min_duration_s, other.min_duration_s);
        pick(&mut self.silent_after_s, other.silent_after_s);
        pick(&mut self.stuck_after_s, other.stuck_after_s);
        pick(&mut self.near_incident_m, other.near_incident_m);
    }
}
