//! A report into its convoy's track, past the jump guard (`jumps`).

use super::jumps::{Fix, Verdict};
use super::rules::point_alert;
use super::{AlertType, Ingested, PositionReport, Watcher};
use geo::Coord;

impl Fix for PositionReport {
    fn at(&self) -> Coord {
        self.at
    }
    fn time(&self) -> Option<f64> {
        self.time
    }
}

impl Watcher {
    /// A report into its convoy's track, past the jump guard; whether it was new.
    pub(super) fn take(&mut self, r: &PositionReport, n: &mut Ingested) -> bool {
        let i = self.state(&r.convoy_id);
        let limit = self.max_speed;
        let st = &mut self.convoys[i];
        st.jumps.vessel |= r.vessel;
        let last = st.tail.last().and_then(|v| Some((v.at, v.time?)));
        let vessel = st.jumps.vessel;
        match st.jumps.judge(last, r, limit) {
            Verdict::Take => self.accept(i, vessel, r, n),
            Verdict::Hold => {
                n.new += 1;
                true
            }
            Verdict::Duplicate => {
                n.duplicates += 1;
                false
            }
            Verdict::DropHeld(h, d) => {
                let (from, t0) = last.unwrap_or((h.at, h.time.unwrap_or_default()));
                let t = h.time.unwrap_or_default();
                let fix = crate::analysis::fixes::dropped_fix((from, t0), h.at, t, d);
                let mut a = point_alert(&st.id, AlertType::ImplausibleJump, h.at, t, Some(t));
                a.path = vec![from, h.at];
                a.distance_m = Some(d);
                a.speed_kmh = fix.speed_kmh;
                self.jump_alerts.push(a);
                self.accept(i, vessel, r, n)
            }
            Verdict::Release(h) => {
                // Counted when it was held: not again.
                let mut quiet = Ingested::default();
                self.accept(i, vessel, &h, &mut quiet);
                self.take(r, n)
            }
        }
    }

    /// A report into the track as it is, a vessel's into the sea rules, and
    /// (with movements or closures) into the notification rules.
    fn accept(&mut self, i: usize, vessel: bool, r: &PositionReport, n: &mut Ingested) -> bool {
        let new = self.take_now(r, n);
        if new && let Some(t) = r.time {
            if vessel {
                self.sea.fix(i, r.at, t);
            }
            if self.scn.notified.any() {
                self.notice.pending.push((i, r.at, t));
            }
        }
        new
    }

    /// Lets every held report into its track (the feed has ended: nothing
    /// will show them to be jumps).
    pub fn release_held(&mut self) {
        for i in 0..self.convoys.len() {
            if let Some((h, _)) = self.convoys[i].jumps.held.take() {
                let mut quiet = Ingested::default();
                let vessel = self.convoys[i].jumps.vessel;
                self.accept(i, vessel, &h, &mut quiet);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_bytes;

    const CORRIDOR: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"kind":"corridor","id":"C1"},
   "geometry":{"type":"LineString","coordinates":[[30,50],[31,50]]}}]}"#;

    /// A convoy along the corridor at 60 km/h (0.0139 degrees, 1 km, a
    /// minute), with fixes at `off` (minute, degrees north) moved off it.
    fn run(off: &[(usize, f64)]) -> Vec<crate::analysis::watch::Alert> {
        let mut w = Watcher::new(vec![
            read_bytes("c.geojson", CORRIDOR.as_bytes()).expect("c"),
        ]);
        let mut alerts = Vec::new();
        for k in 0..12 {
            let t = format!("2026-03-02T08:{k:02}:00Z");
            let y = off.iter().find(|o| o.0 == k).map_or(50.0, |o| 50.0 + o.1);
            let text = crate::synth::position_reports(
                "K-1",
                &[(30.1 + k as f64 * 0.0139, y, t.as_str())],
                "",
            );
            w.ingest(&read_bytes("feed", text.as_bytes()).expect("reports"));
            alerts.extend(w.check());
        }
        alerts
    }

    /// One fix 40 km off (0.36 degrees north) a minute after the last is a
    /// jump: alerted once as such (2,400 km/h, 40 km), never a deviation.
    #[test]
    fn one_fix_forty_km_off_is_a_jump_not_a_deviation() {
        let a = run(&[(5, 0.36)]);
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0].alert_type, AlertType::ImplausibleJump);
        let d = a[0].distance_m.unwrap_or_default();
        assert!((d - 40_000.0).abs() < 200.0, "{d}");
        let v = a[0].speed_kmh.unwrap_or_default();
        assert!((v - 2400.0).abs() < 15.0, "{v}");
        assert_eq!(a[0].stretch.start.y, 50.36);
    }

    /// Two consecutive far fixes that agree are a detour: a deviation, no jump.
    #[test]
    fn two_consistent_far_fixes_are_a_deviation() {
        let a = run(&[(5, 0.36), (6, 0.36)]);
        let types: Vec<AlertType> = a.iter().map(|a| a.alert_type).collect();
        assert_eq!(types, [AlertType::Deviation], "{a:?}");
    }
}
