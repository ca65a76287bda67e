//! Shared sources: OGC API collections to pick from, database and URL layers
//! read again (Refresh), and other operators' alerts heard from a PostGIS
//! table (LISTEN) into the Live tab.

use super::CorridorApp;
use super::jobs::JobOut;
use super::live::listen::{Listener, alert_from_json};
use crate::io::ogc::{Collection, ItemsQuery};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::channel;

impl CorridorApp {
    /// Lists a server's collections on a worker (File > Open OGC API…).
    pub fn list_collections(&mut self, url: String) {
        self.session.ogc_collections = None;
        self.runtime.jobs.spawn(
            format!("listing the collections of {url}"),
            move |_| {
                JobOut::Collections(
                    crate::io::ogc::collections(&url, &Default::default())
                        .map_err(|e| e.to_string()),
                )
            },
            |e| JobOut::Collections(Err(e)),
        );
    }

    pub(super) fn collections_listed(&mut self, result: Result<Vec<Collection>, String>) {
        match &result {
            Ok(c) if c.is_empty() => self.warn("the server lists no feature collection"),
            Ok(c) => self.info(format!("the server has {} feature collection(s)", c.len())),
            Err(e) => self.warn(format!("could not list the collections: {e}")),
        }
        self.session.ogc_collections = Some(result);
    }

    /// Opens a collection's items, all pages, optionally only within the view.
    pub fn open_collection(&mut self, items_url: String, view_only: bool) {
        let bbox = view_only
            .then(|| super::map::projection::viewport_bbox(&self.runtime.map.projector()))
            .filter(|b| b.iter().all(|x| x.is_finite()) && b[0] < b[2] && b[1] < b[3]);
        let url = crate::io::ogc::first_page(
            &items_url,
            &ItemsQuery {
                bbox: bbox.map(|b| b.map(|x| (x * 1e6).round() / 1e6)),
                limit: Some(crate::io::ogc::PAGE_LIMIT),
                ..Default::default()
            },
        );
        self.open_url(url, None);
    }

    /// Reads a URL or database layer again, in place; on failure it keeps its data.
    pub fn refresh_layer(&mut self, i: usize) {
        let Some(l) = self.session.layers.get(i) else {
            return;
        };
        let super::model::Origin::Url(url) = l.origin.clone() else {
            return;
        };
        if self.session.editor.editing(l.seq) {
            return self.warn(format!(
                "{} is being edited: Save or Discard edits (which reads it again) before Refresh",
                l.layer.name
            ));
        }
        let old_seq = l.seq;
        let saved = Some((l.style.clone(), l.role_pick));
        self.open_url(url, saved);
        self.runtime
            .refreshing
            .insert(self.runtime.open_seq, old_seq);
    }

    /// Listens for alerts other operators' `watch --to-db` write to a table.
    pub fn listen_alerts(&mut self, text: String) {
        let masked = crate::io::postgis::url::mask(&text);
        let url = match crate::io::postgis::PgUrl::parse(&text)
            .and_then(|u| u.table().map(|_| u.clone()))
        {
            Ok(u) => u,
            Err(e) => return self.warn(format!("cannot listen: {e}")),
        };
        let (tx, rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let ctx = self.runtime.ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("listen".into())
            .spawn(move || {
                // A lost connection is said, and opened again after a pause.
                while !stop2.load(Ordering::Relaxed) {
                    let r = crate::output::postgis_sink::listen(&url, &stop2, |v| {
                        let msg = alert_from_json(&v)
                            .ok_or_else(|| format!("an alert that cannot be read: {v}"));
                        let _ = tx.send(msg);
                        ctx.request_repaint();
                    });
                    if let Err(e) = r {
                        let _ = tx.send(Err(format!("{e}; listening again in 5 s")));
                        ctx.request_repaint();
                        for _ in 0..50 {
                            if stop2.load(Ordering::Relaxed) {
                                return;
                            }
                            std::thread::sleep(std::time::Duration::from_millis(100));
                        }
                    }
                }
            });
        match spawned {
            Ok(_) => {
                self.info(format!("listening for alerts on {masked}"));
                self.runtime.listener = Some(Listener::new(masked, rx, stop));
            }
            Err(e) => self.warn(format!("cannot start listening: {e}")),
        }
    }

    pub fn stop_listening(&mut self) {
        if let Some(l) = self.runtime.listener.take() {
            self.info(format!("stopped listening on {}", l.url));
        }
    }

    /// Alerts heard since the last frame, into the Live tab.
    pub(super) fn poll_listener(&mut self) {
        let Some(l) = &mut self.runtime.listener else {
            return;
        };
        let msgs = l.take();
        let from = format!("{} (another operator)", l.url);
        l.heard += msgs.iter().filter(|m| m.is_ok()).count();
        for m in msgs {
            match m {
                Ok(a) => {
                    if a.event.is_start() {
                        self.session
                            .alert(format!("ALERT {} from {from}", a.convoy_id));
                    }
                    let received_hms = self.session.log.last().map(|e| e.at.clone());
                    super::live::feed::take_alert(
                        &mut self.session.alerts,
                        a,
                        received_hms.unwrap_or_default(),
                        Some(from.clone()),
                    );
                }
                Err(e) => self.info(format!("alerts table: {e}")),
            }
        }
    }
}
