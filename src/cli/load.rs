//! Loading the files named on a command line.

use anyhow::Result;
use corridor_watch::io::http::FetchLimits;
use corridor_watch::io::read_source;
use corridor_watch::model::{Layer, Role};
use std::path::PathBuf;

/// Loads every file or http(s) URL; `tracks` files have their unassigned
/// features made tracks, as are `.gpx` and `.csv` files. Warnings go to stderr.
pub fn load_all(files: &[PathBuf], tracks: &[PathBuf], limits: &FetchLimits) -> Result<Vec<Layer>> {
    let mut layers = Vec::new();
    for (path, is_tracks) in files
        .iter()
        .map(|p| (p, false))
        .chain(tracks.iter().map(|p| (p, true)))
    {
        let mut layer = read_source(&path.to_string_lossy(), limits)?;
        if is_tracks {
            layer.assign_role(Role::Track);
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
