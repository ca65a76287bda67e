//! Loading the files named on a command line.

use anyhow::Result;
use corridor_watch::io::http::FetchLimits;
use corridor_watch::io::read_source_in;
use corridor_watch::model::window::Window;
use corridor_watch::model::{Layer, Role};
use std::path::PathBuf;

/// Loads every file or http(s) URL; `tracks` files have their unassigned
/// features made tracks, as are `.gpx` and `.csv` files. Warnings go to stderr.
pub fn load_all(files: &[PathBuf], tracks: &[PathBuf], limits: &FetchLimits) -> Result<Vec<Layer>> {
    load_all_in(files, tracks, limits, &Window::default())
}

/// As `load_all`, keeping only the track positions inside `window` (a
/// PostGIS table is asked for those rows alone).
pub fn load_all_in(
    files: &[PathBuf],
    tracks: &[PathBuf],
    limits: &FetchLimits,
    window: &Window,
) -> Result<Vec<Layer>> {
    let mut layers = Vec::new();
    for (path, is_tracks) in files
        .iter()
        .map(|p| (p, false))
        .chain(tracks.iter().map(|p| (p, true)))
    {
        let mut layer = read_source_in(&path.to_string_lossy(), limits, window)?;
        if is_tracks {
            layer.assign_role(Role::Track);
        }
        let (_, untimed) = layer.keep_reports_in(window);
        if untimed > 0 {
            layer.warnings.push(corridor_watch::note!(
                "{untimed} track(s) without times left out: a period (--from/--to) cannot hold them"
            ));
        }
        let unassigned = layer
            .features
            .iter()
            .filter(|f| f.role == Role::Unassigned)
            .count();
        if unassigned > 0 {
            layer.warnings.push(corridor_watch::note!(
                "{unassigned} feature(s) have no \"kind\" and are not analysed (give the file with --tracks to read them as tracks)"
            ));
        }
        for w in &layer.warnings {
            eprintln!("warning: {w} (in {})", layer.source);
        }

        layers.push(layer);
    }
    Ok(layers)
}
