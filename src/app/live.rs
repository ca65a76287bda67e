//! The live feed: start, stop, poll, and alerts.

use super::CorridorApp;
use super::feed::{FeedAlert, FeedMsg, FeedWatch};
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
        self.runtime.feed = Some(FeedWatch::start(url, interval_s, layers, ctx));
        self.settings.tab = Tab::Live;
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
        let msgs = feed.poll();
        let mut grew = false;
        for m in msgs {
            match m {
                FeedMsg::Polled {
                    new_reports,
                    alerts,
                    warnings,
                    ..
                } => {
                    for w in warnings {
                        self.info(format!("{w} (in {url})"));
                    }
                    if !new_reports.is_empty() {
                        grew = true;
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
                        let what = a.alert_type.verb();
                        self.session.warn(format!("ALERT {}: {what}", a.convoy_id));
                        let received_hms = self.session.log.last().map(|e| e.at.clone());
                        self.session.alerts.push(FeedAlert {
                            alert: a,
                            received: std::time::Instant::now(),
                            received_hms: received_hms.unwrap_or_default(),
                            from: None,
                        });
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
