//! The live notification rules (`docs/layers.md`, "Notified movements"): a
//! convoy under way outside every window of its movements alerts
//! `off_window` at the first such report (from the report before it, once
//! until it is back in a window or halts); a convoy in an approved corridor while it is closed (and in no
//! other approved area open then) alerts `closed_corridor` once per closure;
//! a convoy that no movement names, when the layers hold movements, alerts
//! `not_notified` once. Judged report by report, so times are the reports'
//! (`check` interpolates the stretches' ends).

use super::rules::point_alert;
use super::{Alert, AlertType, Watcher};
use crate::analysis::notified::merged;

impl Watcher {
    /// The notification rules' alerts for the reports taken in since the last call.
    pub(super) fn check_notified(&mut self) -> Vec<Alert> {
        let pending = std::mem::take(&mut self.notice.pending);
        let notes = &self.scn.notified;
        if !notes.any() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, at, t) in pending {
            let st = &self.convoys[i];
            let id = st.id.clone();
            let own = st.corridor_ids.clone();
            let n = self.notice.convoys.entry(i).or_default();
            let before = n.last;
            let moved = before.is_some_and(|(c, t0)| c != at && t > t0);
            if before.is_some_and(|(_, t0)| t < t0) {
                continue;
            }
            n.last = Some((at, t));
            let mine = notes.by_convoy.get(id.as_ref());
            if mine.is_none() && !notes.movements.is_empty() && !n.not_notified_alerted {
                n.not_notified_alerted = true;
                out.push(point_alert(&id, AlertType::NotNotified, at, t, Some(t)));
            }
            if let Some(list) = mine {
                let windows = merged(
                    list.iter()
                        .filter_map(|&k| notes.movements[k].window)
                        .collect(),
                );
                let inside = windows.iter().any(|&(a, b)| a <= t && t <= b);
                if moved && !inside {
                    if n.off_since.is_none() {
                        // Under way since the report before: from there to here.
                        let (from, t0) = before.unwrap_or((at, t));
                        n.off_since = Some(t0);
                        let mut a = point_alert(&id, AlertType::OffWindow, from, t0, Some(t));
                        a.stretch.end = at;
                        a.path = vec![from, at];
                        out.push(a);
                    }
                } else {
                    n.off_since = None;
                }
            }
            if notes.closures.is_empty() {
                continue;
            }
            let mask = self.scn.mask_for(&id, own.as_deref(), &mut Vec::new());
            for (&shape, periods) in &notes.closures {
                if !mask.get(shape as usize).copied().unwrap_or(false) {
                    continue;
                }
                for (k, &(c0, c1)) in periods.iter().enumerate() {
                    if t < c0 || t > c1 || n.closed.contains(&(shape, k)) {
                        continue;
                    }
                    if !self.scn.allowed.contains(at, &|s| s == shape) {
                        continue;
                    }
                    let open = |s: u32| notes.open_over(&mask, shape, s, (t, t));
                    if self.scn.allowed.contains(at, &open) {
                        continue;
                    }
                    n.closed.insert((shape, k));
                    let f = self.scn.allowed.shapes[shape as usize].feature;
                    let corridor = self.scn.layers[f.layer as usize].features[f.feature as usize]
                        .id
                        .clone();
                    let mut a = point_alert(&id, AlertType::ClosedCorridor, at, t, Some(t));
                    a.other = corridor;
                    out.push(a);
                }
            }
        }
        out
    }
}
