//! The live feed: start, stop, poll, and alerts.

pub mod feed;
pub mod listen;

use self::feed::{FeedMsg, FeedWatch};
use super::CorridorApp;
use super::model::{LoadedLayer, Origin, bbox_of_coords};
use super::settings::Tab;
use crate::model::{Layer, Role};

impl CorridorApp {
    /// Starts watching a feed against the layers loaded now (stops any other).
    pub fn start_feed(&mut self, url: String, interval_s: f64) {
        if !crate::io::http::is_url(&url) {
            self.warn(format!("a feed must be an http:// or https:// URL: {url}"));
            return;
        }
        if let Some(mut f) = self.runtime.feed.take() {
            f.stop();
        }
        let layers = self.session.layers_for_analysis(false);
        self.info(format!("watching feed {url} every {interval_s} s"));
        let ctx = self.runtime.ctx.clone();
        let opts = self.settings.alert_rules;
        self.runtime.feed = Some(FeedWatch::start(url, interval_s, layers, opts, ctx));
        self.settings.tab = Tab::Live;
    }

    /// Replays recorded tracks as a live feed (stops any feed): the loaded
    /// track layers (`recorded` = `None`) or tracks read from files, against
    /// the other layers loaded now, with the Live tab's rules and speed.
    pub fn start_replay_live(&mut self, recorded: Option<(String, Vec<Layer>)>) {
        if let Some(p) = self.settings.alert_rules.problem() {
            self.warn(format!("cannot replay: {p}"));
            return;
        }
        let all = self.session.layers_for_analysis(false);
        let has_tracks = |l: &Layer| l.features.iter().any(|f| f.role == Role::Track);
        let loaded = recorded.is_none();
        let (name, tracks, layers) = match recorded {
            Some((name, tracks)) => (name, tracks, all),
            None => {
                let (tracks, layers): (Vec<Layer>, Vec<Layer>) =
                    all.into_iter().partition(|l| has_tracks(l));
                ("the loaded tracks".to_string(), tracks, layers)
            }
        };
        if !tracks.iter().any(has_tracks) {
            self.warn(format!(
                "cannot replay {name}: no track features (convoy tracks with times) in them"
            ));
            return;
        }
        let timed = |f: &crate::model::Feature| {
            f.role == Role::Track
                && (f.prop_str("time").is_some()
                    || f.times
                        .as_ref()
                        .is_some_and(|parts| parts.iter().flatten().any(Option::is_some)))
        };
        if !tracks.iter().flat_map(|l| &l.features).any(timed) {
            self.warn(format!(
                "cannot replay {name}: its tracks have no times (a replay needs a time per vertex or per report)"
            ));
            return;
        }
        if let Some(mut f) = self.runtime.feed.take() {
            f.stop();
        }
        // Alerts and reports of an earlier replay or feed would mix with these.
        self.session.alerts.clear();
        self.session.selection.alert = None;
        self.info(format!(
            "replaying {name} as live at {}",
            self::feed::speed_text(self.settings.replay_speed)
        ));
        let ctx = self.runtime.ctx.clone();
        self.runtime.feed = Some(FeedWatch::start_replay(
            format!("replay of {name}"),
            tracks,
            layers,
            self.settings.alert_rules,
            self.settings.replay_speed,
            loaded,
            ctx,
        ));
        self.settings.tab = Tab::Live;
    }

    /// Reads recorded tracks (every feature a track) on a worker, then replays them.
    pub fn read_replay_files(&mut self, paths: Vec<std::path::PathBuf>) {
        let name = paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        self.runtime.jobs.spawn(
            super::jobs::Job::cancellable(format!("reading {name} to replay")),
            move |p| {
                let mut layers = Vec::new();
                for path in &paths {
                    match crate::io::read_path_with(
                        path,
                        Some(&p.done_bytes),
                        Some(&p.total_bytes),
                        Some(&p.cancel),
                    ) {
                        Ok(mut l) => {
                            l.assign_role(Role::Track);
                            layers.push(l);
                        }
                        Err(e) => {
                            return super::jobs::JobOut::ReplayRead(Err(format!(
                                "cannot replay: {e}"
                            )));
                        }
                    }
                }
                super::jobs::JobOut::ReplayRead(Ok((name, layers)))
            },
            |msg| super::jobs::JobOut::ReplayRead(Err(msg)),
        );
    }

    /// Changes the running replay's speed (and the next one's).
    pub fn set_replay_speed(&mut self, speed: f64) {
        self.settings.replay_speed = speed;
        if let Some(r) = self.runtime.feed.as_ref().and_then(|f| f.replay.as_ref()) {
            r.set_speed(speed);
        }
    }

    pub fn stop_feed(&mut self) {
        if let Some(f) = &mut self.runtime.feed {
            f.stop();
            let text = format!("stopped watching {}", f.url);
            self.info(text);
        }
    }

    pub(super) fn poll_feed(&mut self) {
        let Some(feed) = &mut self.runtime.feed else {
            return;
        };
        let url = feed.url.clone();
        let replay = feed.replay.as_ref().map(|r| r.loaded);
        let msgs = feed.poll();
        let mut grew = false;
        for m in msgs {
            match m {
                FeedMsg::Finished => {
                    self.info(format!("{url}: finished"));
                    // A replay of files analyses its grown layer once, at the end.
                    grew |= replay == Some(false);
                }
                FeedMsg::Polled {
                    new_reports,
                    alerts,
                    warnings,
                    progress,
                    ..
                } => {
                    for w in warnings {
                        self.info(format!("{w} (in {url})"));
                    }
                    let clock = progress.map(|p| p.recorded_t);
                    if let Some(t) = clock {
                        // The time slider's overlay shows the convoys at the replay's time.
                        let r = &mut self.session.timeline;
                        (r.enabled, r.playing, r.t) = (true, false, t);
                    }
                    if !new_reports.is_empty() && replay != Some(true) {
                        // A feed's tracks are re-analysed as they grow; a replay's at its end.
                        grew |= replay.is_none();
                        let origin = Origin::Feed(url.clone());
                        let layers = &mut self.session.layers;
                        match layers.iter_mut().find(|l| l.origin == origin) {
                            Some(l) => l.extend(new_reports),
                            None => {
                                let mut l = LoadedLayer::new(
                                    Layer {
                                        name: format!("Live feed ({})", url),
                                        source: url.clone(),
                                        ..Default::default()
                                    },
                                    origin,
                                );
                                let c = super::map::style::role_colour(Role::Track);
                                l.style.rgb = [c.r(), c.g(), c.b()];
                                l.style.width = 2.5;
                                l.extend(new_reports);
                                self.runtime.open_seq += 1;
                                l.seq = self.runtime.open_seq;
                                layers.push(l);
                            }
                        }
                    }
                    for a in alerts {
                        if a.event.is_start() {
                            let what = a.alert_type.verb();
                            self.session.alert(format!("ALERT {}: {what}", a.convoy_id));
                        }
                        // In a replay, when it was raised in recorded time.
                        let received_hms = match clock {
                            Some(t) => crate::utc::format_rfc3339(t)
                                .map(|s| format!("{} recorded", s.get(11..19).unwrap_or(&s))),
                            None => self.session.log.last().map(|e| e.at.clone()),
                        };
                        self::feed::take_alert(
                            &mut self.session.alerts,
                            a,
                            received_hms.unwrap_or_default(),
                            None,
                        );
                    }
                }
                FeedMsg::Failed {
                    error,
                    attempt,
                    retry_in_s,
                } => {
                    self.info(format!(
                        "feed {url}: {error}; attempt {attempt} failed, retrying in {retry_in_s:.0} s"
                    ));
                }
            }
        }
        if grew {
            self.reanalyse();
        }
    }

    /// Selects an alert: zoom to its stretch and highlight it.
    pub fn select_alert(&mut self, i: usize) {
        let Some(a) = self.session.alerts.get(i) else {
            return;
        };
        let path = a.alert.path.clone();
        self.session.selection.alert = Some(i);
        if let Some(b) = bbox_of_coords(&path) {
            let pad = 0.05;
            self.runtime
                .map
                .zoom_to([b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]);
        }
        self.session.highlight.path = Some(path);
    }
}
