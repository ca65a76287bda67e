//! The live sea rules: a vessel loitering (once per run of slow fixes, when
//! it reaches the loitering time) and two vessels meeting (once per pair and
//! pair of runs, when they have been within the encounter distance for the
//! encounter time), by `check`'s definitions (`analysis::events`).

use super::rules::point_alert;
use super::sea_state::ENCOUNTER_EVERY_S;
use super::{Alert, AlertType, Watcher};
use crate::analysis::events::{EventRules, encounters};
use crate::analysis::result::EventKind;
use crate::model::{Convoy, TrackPart};

impl Watcher {
    /// Looks for loitering and encounters (`rules`; `None`: off).
    pub fn with_sea_rules(mut self, rules: Option<EventRules>) -> Watcher {
        self.sea.rules = rules;
        self
    }

    /// The sea rules' alerts after a batch ending at `now` (feed time).
    pub(super) fn check_sea(&mut self, now: f64) -> Vec<Alert> {
        let Some(rules) = self.sea.rules else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (&i, run) in self.sea.runs.iter_mut() {
            let Some(&(at, t)) = run.fixes.last() else {
                continue;
            };
            let secs = t - run.start_s;
            if run.loiter_alerted || rules.loiter_s <= 0.0 || secs < rules.loiter_s {
                continue;
            }
            run.loiter_alerted = true;
            let mut a = point_alert(
                &self.convoys[i].id,
                AlertType::Loitering,
                at,
                run.start_s,
                Some(t),
            );
            a.speed_kmh = Some(run.metres / secs * 3.6);
            a.distance_m = Some(run.metres);
            out.push(a);
        }
        if rules.encounter_s <= 0.0
            || self
                .sea
                .looked_at
                .is_some_and(|l| now - l < ENCOUNTER_EVERY_S)
        {
            return out;
        }
        self.sea.looked_at = Some(now);
        // Vessels slow long enough to have met, as tracks of their recent fixes.
        let mut who = Vec::new();
        let mut tracks = Vec::new();
        for (&i, run) in &self.sea.runs {
            let long = run
                .fixes
                .last()
                .is_some_and(|f| f.1 - run.start_s >= rules.encounter_s);
            if long && run.fixes.len() > 1 {
                who.push(i);
                tracks.push(Convoy {
                    convoy_id: self.convoys[i].id.to_string(),
                    parts: vec![TrackPart {
                        coords: run.fixes.iter().map(|f| f.0).collect(),
                        times: run.fixes.iter().map(|f| Some(f.1)).collect(),
                    }],
                    vessel: true,
                    ..Default::default()
                });
            }
        }
        if who.len() < 2 {
            return out;
        }
        let index: std::collections::HashMap<&str, usize> = tracks
            .iter()
            .enumerate()
            .map(|(k, c)| (c.convoy_id.as_str(), k))
            .collect();
        let found = encounters(&tracks, &rules);
        let key_of = |k: usize, e: &crate::analysis::result::Event| {
            let EventKind::Encounter { other, .. } = &e.kind else {
                return None;
            };
            let o = *index.get(other.as_str())?;
            let (a, b) = (who[k].min(who[o]), who[k].max(who[o]));
            let start = |i: usize| self.sea.runs.get(&i).map_or(0, |r| r.start_s.to_bits());
            Some((a, b, start(a), start(b)))
        };
        // A pair (with its two runs) is alerted once, on both vessels.
        let new: std::collections::HashSet<_> = found
            .iter()
            .filter_map(|(k, e)| key_of(*k, e))
            .filter(|key| !self.sea.met.contains(key))
            .collect();
        for (k, e) in &found {
            let EventKind::Encounter {
                other,
                min_distance_m,
                ..
            } = &e.kind
            else {
                continue;
            };
            if !key_of(*k, e).is_some_and(|key| new.contains(&key)) {
                continue;
            }
            let id = &tracks[*k].convoy_id;
            let mut alert = point_alert(
                id,
                AlertType::Encounter,
                e.position,
                e.start_s,
                Some(e.end_s),
            );
            alert.other = Some(other.clone());
            alert.distance_m = Some(*min_distance_m);
            out.push(alert);
        }
        self.sea.met.extend(new);
        out
    }
}
