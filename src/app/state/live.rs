//! The live feed: start, stop, poll, and alerts.

#[allow(unused_imports)]
use super::*;

impl CorridorApp {
    /// Starts watching a feed against the layers loaded now (stops any other).
    pub fn start_feed(&mut self, url: String, interval_s: f64) {
        if !crate::io::http::is_url(&url) {
            self.warn(format!("a feed must be an http:// or https:// URL: {url}"));
            return;
        }
        if let Some(mut f) = self.feed.take() {
            f.stop();
        }
        let layers: Vec<Layer> = self
            .layers
            .iter()
            .filter(|l| !matches!(l.origin, Origin::Feed(_)))
            .map(LoadedLayer::for_analysis)
            .collect();
        self.info(format!("watching feed {url} every {interval_s} s"));
        self.feed = Some(FeedWatch::start(url, interval_s, layers, self.ctx.clone()));
        self.tab = Tab::Live;
    }

    pub fn stop_feed(&mut self) {
        if let Some(f) = &mut self.feed {
            f.stop();
            let text = format!("stopped watching {}", f.url);
            self.info(text);
        }
    }

    pub(super) fn poll_feed(&mut self) {
        let Some(feed) = &mut self.feed else { return };
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
                        match self.layers.iter_mut().find(|l| l.origin == origin) {
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
                                let c = crate::app::style::role_colour(Role::Track);
                                l.style.rgb = [c.r(), c.g(), c.b()];
                                l.style.width = 2.5;
                                l.extend(new_reports);
                                self.open_seq += 1;
                                l.seq = self.open_seq;
                                self.layers.push(l);
                            }
                        }
                    }
                    let hms = now_hms();
                    for a in alerts {
                        let what = match a.alert_type {
                            crate::analysis::watch::AlertType::Deviation => "left its corridors",
                            crate::analysis::watch::AlertType::BufferZoneEntry => {
                                "entered the buffer zone"
                            }
                        };
                        self.log.push(LogEntry {
                            error: true,
                            text: format!("ALERT {}: {what}", a.convoy_id),
                            at: hms.clone(),
                        });
                        self.alerts.push(FeedAlert {
                            alert: a,
                            received: std::time::Instant::now(),
                            received_hms: hms.clone(),
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
        let Some(a) = self.alerts.get(i) else { return };
        let path = a.alert.path.clone();
        self.selected_alert = Some(i);
        self.zoom_to(bbox_of_coords(&path).map(|b| {
            let pad = 0.05;
            [b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]
        }));
        self.highlight.path = Some(path);
    }
}
