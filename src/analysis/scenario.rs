//! A loaded layer set with its indexes, built once.

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
        let mut allowed = SpatialIndex::build(items(&[Role::Corridor, Role::GrainRoute]));
        let mut zone = SpatialIndex::build(items(&[Role::ContactLine, Role::BufferZone]));
        allowed.prepare_hints();
        zone.prepare_hints();
        let mut ids: HashMap<String, Vec<u32>> = HashMap::new();
        for (si, shape) in allowed.shapes.iter().enumerate() {
            let f = &layers[shape.feature.layer as usize].features[shape.feature.feature as usize];
            if let Some(id) = &f.id {
                ids.entry(id.clone()).or_default().push(si as u32);
            }
        }
        Scenario {
            layers,
            allowed,
            zone,
            ids,
        }
    }

    /// Which allowed shapes a convoy may use; unknown ids go to `warnings`.
    pub fn allowed_mask(
        &self,
        corridor_ids: Option<&[String]>,
        warnings: &mut Vec<String>,
    ) -> Vec<bool> {
        match corridor_ids {
            None => vec![true; self.allowed.shapes.len()],
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
