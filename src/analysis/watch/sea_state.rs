//! What the live sea rules remember of each vessel: its current run of slow
//! fixes (`analysis::events`' definitions), kept short.

use crate::analysis::events::{EventRules, MPS_PER_KN, slow_step};
use geo::Coord;
use std::collections::{HashMap, HashSet};

/// Encounters are looked for at most this often (seconds of feed time): a
/// pair is alerted within this long of reaching the encounter time.
pub(super) const ENCOUNTER_EVERY_S: f64 = 300.0;

/// A vessel's run of fixes all under the slow speed, up to its latest fix.
#[derive(Clone, Debug, Default)]
pub(super) struct SlowRun {
    /// When the run began, and the metres sailed since.
    pub start_s: f64,
    pub metres: f64,
    /// Its fixes, the last `2 x` the encounter time only (for comparing
    /// positions; a run at anchor for days would hold too many).
    pub fixes: Vec<(Coord, f64)>,
    pub loiter_alerted: bool,
}

/// The sea rules' state of a watch.
#[derive(Clone, Debug, Default)]
pub(super) struct SeaState {
    /// `None`: the sea rules are off.
    pub rules: Option<EventRules>,
    /// By convoy index.
    pub runs: HashMap<usize, SlowRun>,
    /// Pairs alerted (convoy indexes, lower first, and the two runs' starts).
    pub met: HashSet<(usize, usize, u64, u64)>,
    /// Feed time encounters were last looked for.
    pub looked_at: Option<f64>,
}

impl SeaState {
    /// A vessel's timed fix, in time order (an older one is not used).
    pub fn fix(&mut self, convoy: usize, at: Coord, t: f64) {
        let Some(rules) = self.rules else { return };
        let slow_mps = rules.slow_kn * MPS_PER_KN;
        let run = self.runs.entry(convoy).or_default();
        match run.fixes.last().copied() {
            Some((_, t0)) if t <= t0 && run.fixes.len() > 1 => {}
            Some((c0, t0)) => {
                let step = slow_step((c0, t0), (at, t), slow_mps).filter(|_| t > t0);
                if let Some(d) = step {
                    run.metres += d;
                    run.fixes.push((at, t));
                    let keep_s = 2.0 * rules.encounter_s.max(0.0);
                    let old = run.fixes.partition_point(|f| f.1 < t - keep_s);
                    if old > 0 && old + 1 < run.fixes.len() {
                        run.fixes.drain(..old);
                    }
                } else if t > t0 {
                    *run = SlowRun {
                        start_s: t,
                        fixes: vec![(at, t)],
                        ..Default::default()
                    };
                }
            }
            None => {
                run.start_s = t;
                run.fixes.push((at, t));
            }
        }
    }
}
