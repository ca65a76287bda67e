//! A loaded layer set with its indexes, built once.

use super::notified::{Movement, Notifications};
use crate::index::{IndexItem, SpatialIndex};
use crate::model::{FeatureRef, Layer, Role};
use std::collections::HashMap;

/// Layers and the two analysis indexes: allowed areas (corridors and grain
/// routes) and buffer zones (contact lines and buffer-zone polygons).
pub struct Scenario {
    pub layers: Vec<Layer>,
    pub allowed: SpatialIndex,
    pub zone: SpatialIndex,
    /// Corridor / grain route `id` to its shapes in `allowed`.
    pub ids: HashMap<String, Vec<u32>>,
    /// Notified movements (their routes are in `allowed` too) and closures.
    pub notified: Notifications,
}

impl Scenario {
    pub fn new(layers: Vec<Layer>) -> Scenario {
        let items = |roles: &'static [Role]| {
            let layers = &layers;
            layers.iter().enumerate().flat_map(move |(li, l)| {
                l.features.iter().enumerate().filter_map(move |(fi, f)| {
                    let g = f.geometry.as_ref()?;
                    roles.contains(&f.role).then(|| IndexItem {
                        feature: FeatureRef {
                            layer: li as u32,
                            feature: fi as u32,
                        },
                        role: f.role,
                        reach_m: f.reach_m(f.role),
                        geometry: g,
                    })
                })
            })
        };
        let mut allowed =
            SpatialIndex::build(items(&[Role::Corridor, Role::GrainRoute, Role::Movement]));
        let mut zone = SpatialIndex::build(items(&[Role::ContactLine, Role::BufferZone]));
        allowed.prepare_hints();
        zone.prepare_hints();
        let mut ids: HashMap<String, Vec<u32>> = HashMap::new();
        for (si, shape) in allowed.shapes.iter().enumerate() {
            let f = &layers[shape.feature.layer as usize].features[shape.feature.feature as usize];
            if shape.role == Role::Movement {
                continue;
            }
            if let Some(id) = &f.id {
                ids.entry(id.clone()).or_default().push(si as u32);
            }
        }
        let mut notified = super::notified::read(&layers, &allowed);
        // Each movement's corridors as shapes, once (not per convoy checked).
        for m in &mut notified.movements {
            for id in &m.corridor_ids {
                match ids.get(id) {
                    Some(shapes) => m.shapes.extend(shapes),
                    None => m.problems.push(format!(
                        "movement {}: corridor id \"{id}\" names no loaded corridor or grain route; ignored",
                        m.id
                    )),
                }
            }
        }
        Scenario {
            layers,
            allowed,
            zone,
            ids,
            notified,
        }
    }

    /// Which allowed shapes a convoy may use: its movements' routes and
    /// corridors when it has movements (which give any), else its own
    /// `corridor_ids`; unknown ids go to `warnings`.
    pub fn convoy_mask(
        &self,
        convoy: &crate::model::Convoy,
        warnings: &mut Vec<String>,
    ) -> Vec<bool> {
        self.mask_for(&convoy.convoy_id, convoy.corridor_ids.as_deref(), warnings)
    }

    /// [`Scenario::convoy_mask`] by the convoy's id and own `corridor_ids`.
    pub fn mask_for(
        &self,
        convoy_id: &str,
        own: Option<&[String]>,
        warnings: &mut Vec<String>,
    ) -> Vec<bool> {
        let Some(list) = self.notified.by_convoy.get(convoy_id) else {
            return self.allowed_mask(own, warnings);
        };
        let movements: Vec<&Movement> = list.iter().map(|&k| &self.notified.movements[k]).collect();
        if movements
            .iter()
            .all(|m| m.shapes.is_empty() && m.corridor_ids.is_empty())
        {
            // Notified without a route or corridors: the track's own approval holds.
            return self.allowed_mask(own, warnings);
        }
        let mut mask = vec![false; self.allowed.shapes.len()];
        for m in &movements {
            m.shapes.iter().for_each(|&s| mask[s as usize] = true);
        }
        if let Some(own) = own {
            let ids: Vec<String> = movements
                .iter()
                .flat_map(|m| m.corridor_ids.clone())
                .collect();
            let mut theirs = ids.clone();
            theirs.sort();
            theirs.dedup();
            let mut mine = own.to_vec();
            mine.sort();
            mine.dedup();
            if mine != theirs {
                warnings.push(format!(
                    "the track's corridor_ids {own:?} are ignored: its movements approve {}",
                    if ids.is_empty() {
                        "their routes".to_string()
                    } else {
                        format!("{ids:?} and their routes")
                    }
                ));
            }
        }
        mask
    }

    /// Which allowed shapes a convoy may use; unknown ids go to `warnings`.
    pub fn allowed_mask(
        &self,
        corridor_ids: Option<&[String]>,
        warnings: &mut Vec<String>,
    ) -> Vec<bool> {
        match corridor_ids {
            // Every corridor and lane; a movement's route approves only its convoy.
            None => self
                .allowed
                .shapes
                .iter()
                .map(|s| s.role != Role::Movement)
                .collect(),
            Some(list) => {
                let mut mask = vec![false; self.allowed.shapes.len()];
                for id in list {
                    match self.ids.get(id) {
                        Some(shapes) => shapes.iter().for_each(|&s| mask[s as usize] = true),
                        None => warnings.push(format!(
                            "corridor id \"{id}\" names no loaded corridor or grain route; ignored"
                        )),
                    }
                }
                mask
            }
        }
    }
}
