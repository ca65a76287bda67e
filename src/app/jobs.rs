//! Worker threads: nothing heavy runs on the UI thread.
//!
//! A job runs on its own thread, sends its result over a channel and asks egui
//! for a repaint. A panic inside a job is caught and comes back as an error.

use super::export::ExportKind;
use super::map::basemap::Basemap;
use super::model::{Analysis, LayerStyle, Origin};
use crate::model::{Layer, Role};
use eframe::egui;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

/// What a worker job sends back.
pub enum JobOut {
    Loaded {
        seq: u64,
        origin: Origin,
        saved: Option<(LayerStyle, Role)>,
        result: Result<Layer, crate::error::LoadError>,
    },
    Analysed(Box<Analysis>),
    Basemap(Result<Basemap, String>),
    Places(Result<crate::places::Gazetteer, crate::error::Problem>),
    Picked(Vec<PathBuf>),
    /// Files picked to replay as live.
    ReplayPicked(Vec<PathBuf>),
    /// Recorded tracks read for a replay: (name, layers), or why not.
    ReplayRead(Result<(String, Vec<crate::model::Layer>), String>),
    PickedPmTiles(Option<PathBuf>),
    /// A route planned along the corridors (or why not).
    Planned(Result<crate::analysis::routing::PlannedRoute, String>),
    RouteLoaded(Result<crate::io::route::Route, String>),
    RoutePicked(Option<PathBuf>),
    SavePicked(ExportKind, Option<PathBuf>),
    /// A file written (log text) or why not.
    Wrote(Result<String, String>),
    /// The new movements saved: (the file, how many), or why not.
    MovementsSaved(Result<(PathBuf, usize), String>),
    /// The window's screenshot for File > Export > Map as PNG: (target, image, map rect in pixels).
    Screenshot(PathBuf, std::sync::Arc<egui::ColorImage>, [f32; 4]),
    Error(String),
    /// A layer read again to be edited (Layers tab > Edit).
    ReadForEdit(Box<super::editor::ReadForEdit>),
    /// An edited layer saved (its file), or why not.
    EditsSaved {
        seq: u64,
        /// What was saved (as a message names it), or why not.
        result: Result<String, String>,
    },
    /// An OGC API server's collections.
    Collections(Result<Vec<crate::io::ogc::Collection>, String>),
}

impl JobOut {
    /// A file dialog's answer with nothing picked (cancelled, or never shown).
    pub fn picked_nothing(&self) -> bool {
        match self {
            JobOut::Picked(p) | JobOut::ReplayPicked(p) => p.is_empty(),
            JobOut::PickedPmTiles(p) | JobOut::RoutePicked(p) | JobOut::SavePicked(_, p) => {
                p.is_none()
            }
            _ => false,
        }
    }
}

/// Shared progress of one job: bytes done (for downloads), or rows (for a
/// database table, `rows` set), or steps (`steps` set), and a cancel flag.
#[derive(Default)]
pub struct Progress {
    pub done_bytes: AtomicU64,
    pub total_bytes: AtomicU64,
    pub rows: AtomicBool,
    pub steps: AtomicBool,
    pub cancel: AtomicBool,
}

/// A job's name, and whether the user may cancel it.
pub struct Job {
    pub name: String,
    pub cancellable: bool,
}

impl Job {
    /// A job that watches `Progress::cancel` (loads and downloads): the status bar offers Cancel.
    pub fn cancellable(name: impl Into<String>) -> Job {
        Job {
            name: name.into(),
            cancellable: true,
        }
    }
}

impl<S: Into<String>> From<S> for Job {
    fn from(name: S) -> Job {
        Job {
            name: name.into(),
            cancellable: false,
        }
    }
}

/// A running job, as the status bar shows it.
#[derive(Clone)]
pub struct Running {
    pub id: u64,
    pub name: String,
    /// The user may stop it (loads and downloads check `progress.cancel`).
    pub cancellable: bool,
    pub progress: Arc<Progress>,
}

pub struct Jobs<T> {
    tx: Sender<T>,
    rx: Receiver<T>,
    running: Arc<Mutex<Vec<Running>>>,
    next_id: u64,
    ctx: egui::Context,
}

impl<T: Send + 'static> Jobs<T> {
    pub fn new(ctx: egui::Context) -> Self {
        let (tx, rx) = channel();
        Self {
            tx,
            rx,
            running: Arc::default(),
            next_id: 0,
            ctx,
        }
    }

    /// A sender for results that arrive outside a job (e.g. a screenshot callback).
    pub fn sender(&self) -> Sender<T> {
        self.tx.clone()
    }

    /// Runs `work` on a new thread; `on_panic` turns a panic message into a result.
    /// A job named by text alone cannot be cancelled (see [`Job::cancellable`]).
    pub fn spawn(
        &mut self,
        job: impl Into<Job>,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
        on_panic: impl FnOnce(String) -> T + Send + 'static,
    ) -> Arc<Progress> {
        let Job { name, cancellable } = job.into();
        let id = self.next_id;
        self.next_id += 1;
        let progress = Arc::new(Progress::default());
        if let Ok(mut r) = self.running.lock() {
            r.push(Running {
                id,
                name: name.clone(),
                cancellable,
                progress: progress.clone(),
            });
        }
        let (tx, ctx, running, p) = (
            self.tx.clone(),
            self.ctx.clone(),
            self.running.clone(),
            progress.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name(format!("job: {name}"))
            .spawn(move || {
                let out = match catch_unwind(AssertUnwindSafe(|| work(&p))) {
                    Ok(out) => out,
                    Err(panic) => {
                        let msg = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "unknown panic".into());
                        on_panic(format!("{name} failed unexpectedly: {msg}"))
                    }
                };
                if let Ok(mut r) = running.lock() {
                    r.retain(|j| j.id != id);
                }
                let _ = tx.send(out);
                ctx.request_repaint();
            });
        if spawned.is_err()
            && let Ok(mut r) = self.running.lock()
        {
            r.retain(|j| j.id != id);
        }
        progress
    }

    /// Results that have arrived since the last call.
    pub fn poll(&self) -> Vec<T> {
        self.rx.try_iter().collect()
    }

    /// The jobs still running.
    pub fn running(&self) -> Vec<Running> {
        self.running.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Asks a cancellable job to stop (it reports `LoadError::Cancelled`).
    pub fn cancel(&self, id: u64) {
        if let Ok(r) = self.running.lock()
            && let Some(j) = r.iter().find(|j| j.id == id && j.cancellable)
        {
            j.progress
                .cancel
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// True when no job is running.
    pub fn is_idle(&self) -> bool {
        self.running.lock().map(|r| r.is_empty()).unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_job_comes_back_as_an_error() {
        let mut jobs: Jobs<Result<u32, String>> = Jobs::new(egui::Context::default());
        jobs.spawn("exploding job", |_| panic!("boom at feature 7"), Err);
        jobs.spawn("good job", |_| Ok(42), Err);
        let start = std::time::Instant::now();
        let mut out = Vec::new();
        while out.len() < 2 && start.elapsed() < std::time::Duration::from_secs(10) {
            out.extend(jobs.poll());
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(out.contains(&Ok(42)));
        let err = out
            .iter()
            .find_map(|r| r.clone().err())
            .expect("the panic is reported");
        assert!(
            err.contains("exploding job failed unexpectedly") && err.contains("boom at feature 7"),
            "{err}"
        );
        assert!(jobs.is_idle());
    }

    #[test]
    fn only_a_cancellable_job_can_be_cancelled() {
        let mut jobs: Jobs<bool> = Jobs::new(egui::Context::default());
        let wait = |p: &Progress| {
            let start = std::time::Instant::now();
            while !p.cancel.load(std::sync::atomic::Ordering::Relaxed)
                && start.elapsed() < std::time::Duration::from_millis(300)
            {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            p.cancel.load(std::sync::atomic::Ordering::Relaxed)
        };
        jobs.spawn("analysing", wait, |_| false);
        jobs.spawn(Job::cancellable("loading x"), wait, |_| false);
        let running = jobs.running();
        assert_eq!(running.len(), 2);
        for j in &running {
            assert_eq!(j.cancellable, j.name == "loading x");
            jobs.cancel(j.id);
        }
        let start = std::time::Instant::now();
        let mut out = Vec::new();
        while out.len() < 2 && start.elapsed() < std::time::Duration::from_secs(10) {
            out.extend(jobs.poll());
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        out.sort();
        assert_eq!(out, vec![false, true], "only the load saw its cancel flag");
    }
}
