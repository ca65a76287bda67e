//! Implausible fixes, live: `analysis::fixes`' rule on a feed. A report that
//! no vehicle could reach from the convoy's last kept report at its maximum
//! speed is held back until the next one: if that one is reachable from the
//! last kept report, the held report was a jump out and back, and is dropped
//! and alerted (`implausible_jump`); if not, both are a real move and go in
//! the track in order. A held report is thus one report late, as it would
//! have to be: only the next report tells a jump from a move.

use crate::analysis::fixes::{SpeedLimit, too_far};
use geo::Coord;

/// A report a guard judges: where and when.
pub(super) trait Fix: Clone {
    fn at(&self) -> Coord;
    fn time(&self) -> Option<f64>;
}

/// A convoy's report held back as a possible jump.
#[derive(Clone, Debug)]
pub(super) struct JumpGuard<R> {
    /// The report, and how far it lies from the last kept one (metres).
    pub held: Option<(R, f64)>,
    /// A vessel: judged at 50 knots by default.
    pub vessel: bool,
}

impl<R> Default for JumpGuard<R> {
    fn default() -> Self {
        JumpGuard {
            held: None,
            vessel: false,
        }
    }
}

/// What to do with a report.
pub(super) enum Verdict<R> {
    /// Into the track as usual.
    Take,
    /// Held back until the next report.
    Hold,
    /// The same as the report held back (a repeat).
    Duplicate,
    /// The held report was a jump (dropped: an alert) and this one goes in.
    DropHeld(R, f64),
    /// The held report was a real move: it goes in first, then this one is
    /// judged again.
    Release(R),
}

impl<R: Fix> JumpGuard<R> {
    /// Judges `r` against the last kept report `last` (position, time).
    pub(super) fn judge(
        &mut self,
        last: Option<(Coord, f64)>,
        r: &R,
        limit: SpeedLimit,
    ) -> Verdict<R> {
        let (Some(max_mps), Some((at0, t0)), Some(t)) =
            (limit.max_mps(self.vessel), last, r.time())
        else {
            return match self.held.take() {
                Some((h, _)) => Verdict::Release(h),
                None => Verdict::Take,
            };
        };
        if t <= t0 {
            // Older than the track's end: in order as usual (the held one waits).
            return Verdict::Take;
        }
        if let Some((h, d)) = self.held.take() {
            if h.time() == r.time() && h.at() == r.at() {
                self.held = Some((h, d));
                return Verdict::Duplicate;
            }
            return if too_far(at0, r.at(), t - t0, max_mps).is_none() {
                Verdict::DropHeld(h, d)
            } else {
                Verdict::Release(h)
            };
        }
        match too_far(at0, r.at(), t - t0, max_mps) {
            Some(d) => {
                self.held = Some((r.clone(), d));
                Verdict::Hold
            }
            None => Verdict::Take,
        }
    }
}
