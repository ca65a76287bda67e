//! Benchmarks (criterion) on the large synthetic case, generated in Rust
//! (`corridor_watch::synth`, the recipe of the shared benchmark generator `make_large.py`, outside this repository).
//! See BENCHMARKS.md for what each one measures and the latest figures.
//!
//!     cargo bench                      # all
//!     cargo bench -- geojson_load      # one

use corridor_watch::analysis::{CheckOptions, Scenario, assemble_convoys, check};
use corridor_watch::index::{IndexItem, SpatialIndex};
use corridor_watch::io::read_geojson;
use corridor_watch::model::{FeatureRef, Role};
use corridor_watch::synth::{LargeCase, make_large};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;

// As the program itself (src/main.rs): the allocator is part of what is timed.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn case() -> &'static (String, String) {
    static CASE: OnceLock<(String, String)> = OnceLock::new();
    CASE.get_or_init(|| make_large(&LargeCase::default()))
}

/// The case's corridors and tracks, read.
fn case_layers() -> (corridor_watch::model::Layer, corridor_watch::model::Layer) {
    let (corr, tracks) = case();
    (
        read_geojson("corridors.geojson", corr.as_bytes()).expect("valid"),
        read_geojson("tracks.geojson", tracks.as_bytes()).expect("valid"),
    )
}

/// The bundled grain lanes, read.
fn bundled_lanes() -> corridor_watch::model::Layer {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/grain_routes.geojson");
    let bytes = std::fs::read(path).expect("bundled lanes");
    read_geojson("grain_routes.geojson", &bytes).expect("valid")
}

/// The case on disk, for the end-to-end run of the binary.
fn case_dir() -> &'static std::path::PathBuf {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("corridor-watch-bench-{}", std::process::id()));
        let (c, t) = case();
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("corridors.geojson"), c).expect("write corridors");
        std::fs::write(dir.join("tracks.geojson"), t).expect("write tracks");
        dir
    })
}

fn geojson_load(c: &mut Criterion) {
    let (_, tracks) = case();
    let mut g = c.benchmark_group("geojson_load");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Bytes(tracks.len() as u64));
    g.bench_function("tracks_46MB", |b| {
        // The layer is freed outside the timing, as json.load's peer figure leaves it.
        b.iter_with_large_drop(|| read_geojson("tracks.geojson", tracks.as_bytes()).expect("valid"))
    });
    g.finish();
}

fn deviation_check(c: &mut Criterion) {
    let (cl, tl) = case_layers();
    let convoys = assemble_convoys(&[cl.clone(), tl]);
    let points: usize = convoys
        .iter()
        .flat_map(|c| &c.parts)
        .map(|p| p.coords.len())
        .sum();
    let scn = Scenario::new(vec![cl]);
    let mut g = c.benchmark_group("deviation_check");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    g.throughput(Throughput::Elements(points as u64));
    g.bench_function("1M_points", |b| {
        b.iter(|| black_box(check(&scn, &convoys, &CheckOptions::default())))
    });
    g.finish();
}

fn check_end_to_end(c: &mut Criterion) {
    let dir = case_dir();
    let bin = env!("CARGO_BIN_EXE_corridor-watch");
    let mut g = c.benchmark_group("check_end_to_end");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("large_case", |b| {
        b.iter(|| {
            let out = std::process::Command::new(bin)
                .arg("check")
                .arg(dir.join("corridors.geojson"))
                .arg(dir.join("tracks.geojson"))
                .output()
                .expect("the binary runs");
            assert_eq!(out.status.code(), Some(1), "the large case has deviations");
            black_box(out.stdout.len())
        })
    });
    g.finish();
}

fn identify(c: &mut Criterion) {
    let (_, tracks) = case();
    let tl = read_geojson("tracks.geojson", tracks.as_bytes()).expect("valid");
    let idx = SpatialIndex::build(tl.features.iter().enumerate().filter_map(|(fi, f)| {
        Some(IndexItem {
            feature: FeatureRef {
                layer: 0,
                feature: fi as u32,
            },
            role: Role::Track,
            reach_m: 0.0,
            geometry: f.geometry.as_ref()?,
        })
    }));
    let mut g = c.benchmark_group("identify");
    g.bench_function(format!("at_point_{}_segments", idx.pieces.len()), |b| {
        let mut k = 0usize;
        b.iter(|| {
            // Walk over track vertices so that each query hits something.
            k = (k + 7919) % idx.pieces.len();
            let p = idx.pieces[k].a;
            black_box(idx.at(p, 50.0))
        })
    });
    g.finish();
}

#[cfg(feature = "gui")]
fn frame_shapes(c: &mut Criterion) {
    use corridor_watch::app::map::draw::{Highlight, LayersPlugin};
    use corridor_watch::app::model::{LoadedLayer, Origin};
    use eframe::egui;
    let (_, tracks) = case();
    let tl = read_geojson("tracks.geojson", tracks.as_bytes()).expect("valid");
    let vertices: usize = tl.features.len() * (1_000_000 / 5000);
    let layers = vec![LoadedLayer::new(tl, Origin::Path("tracks.geojson".into()))];
    let mut memory = walkers::MapMemory::default();
    memory.center_at(walkers::lon_lat(31.5, 48.8));
    let _ = memory.set_zoom(6.5);
    let rect = egui::Rect::from_min_size(egui::pos2(380.0, 48.0), egui::vec2(1020.0, 680.0));
    let projector = walkers::Projector::new(
        rect,
        &walkers::MercatorProjection,
        &memory,
        walkers::lon_lat(31.5, 48.8),
    );
    let highlight = Highlight::default();
    let mut g = c.benchmark_group("frame_shapes");
    g.sample_size(20);
    g.throughput(Throughput::Elements(vertices as u64));
    g.bench_function("1M_track_vertices_in_view", |b| {
        b.iter(|| {
            let plugin = LayersPlugin {
                hide_tracks: false,
                hidden: Default::default(),
                layers: &layers,
                analysis: None,
                highlight: &highlight,
                tool: None,
            };
            black_box(plugin.shapes(&projector).len())
        })
    });
    g.finish();
}

/// `zone` on a 50,000-vertex contact line (issue 16: was quadratic, 89 s at
/// 16k vertices and out of memory at 50k; target < 5 s and < 1 GB).
fn zone(c: &mut Criterion) {
    use geo::{Geometry, LineString};
    let line = Geometry::LineString(LineString(corridor_watch::synth::contact_line(50_000, 1)));
    let idx = SpatialIndex::build([IndexItem {
        feature: FeatureRef {
            layer: 0,
            feature: 0,
        },
        role: Role::ContactLine,
        reach_m: 15_000.0,
        geometry: &line,
    }]);
    let mut g = c.benchmark_group("zone");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("50k_vertex_contact_line", |b| {
        b.iter(|| {
            black_box(
                corridor_watch::analysis::zone::zone_outline(&idx, 0)
                    .0
                    .len(),
            )
        })
    });
    g.finish();
}

#[cfg(feature = "gui")]
fn startup(c: &mut Criterion) {
    use corridor_watch::app::map::basemap::Basemap;
    use corridor_watch::app::model::analyse;
    let files = corridor_watch::io::bundled_files();
    let mut g = c.benchmark_group("startup");
    g.sample_size(10);
    // What the worker threads do before the first frame with everything drawn.
    g.bench_function("bundled_data_loaded_and_analysed", |b| {
        b.iter(|| {
            let layers: Vec<_> = files
                .iter()
                .map(|f| corridor_watch::io::read_path(f).expect("bundled data loads"))
                .collect();
            black_box(analyse(1, layers).results.len())
        })
    });
    g.bench_function("basemap_parsed_and_triangulated", |b| {
        b.iter(|| black_box(Basemap::load_bundled().is_ok()))
    });
    g.finish();
}

/// An edit in the app (issue 28): one vertex of HC-01 moved on the bundled
/// data, and what the app then runs on a worker before the tabs follow: the
/// layers copied for the analysis and the analysis built again, taking from
/// the last one what the edit did not change (`reanalysed`); and, to compare,
/// the whole analysis built from nothing (`whole_rebuild`).
#[cfg(feature = "gui")]
fn editing(c: &mut Criterion) {
    use corridor_watch::app::model::{analyse, analyse_reusing};
    use corridor_watch::edit::{Op, VertexAt, apply};
    let mut layers: Vec<_> = corridor_watch::io::bundled_files()
        .iter()
        .map(|f| corridor_watch::io::read_path(f).expect("bundled data loads"))
        .collect();
    let li = layers
        .iter()
        .position(|l| l.name == "corridors.geojson")
        .expect("the bundled corridors");
    let Some(geo::Geometry::LineString(line)) = &layers[li].features[0].geometry else {
        panic!("HC-01 is a line")
    };
    let from = line.0[100];
    let mut k = 0u32;
    let mut edit = move |layers: &mut Vec<corridor_watch::model::Layer>| {
        k += 1;
        let at = VertexAt::new(0, 0, 100);
        let to = geo::Coord {
            x: from.x,
            y: from.y + f64::from(k % 2) * 0.05,
        };
        let now = match &layers[li].features[0].geometry {
            Some(geo::Geometry::LineString(l)) => l.0[100],
            _ => from,
        };
        apply(
            &mut layers[li],
            &Op::Move {
                feature: 0,
                at,
                from: now,
                to,
            },
        )
        .expect("the move fits");
    };
    let mut g = c.benchmark_group("editing");
    g.sample_size(10);
    let mut last = analyse(0, layers.clone());
    g.bench_function("bundled_vertex_moved_and_reanalysed", |b| {
        b.iter(|| {
            edit(&mut layers);
            let reuse = last.reuse(&layers, li);
            last = analyse_reusing(1, layers.clone(), reuse);
            black_box(last.results.len())
        })
    });
    g.bench_function("bundled_vertex_moved_whole_rebuild", |b| {
        b.iter(|| {
            edit(&mut layers);
            black_box(analyse(1, layers.clone()).results.len())
        })
    });
    g.finish();
}

/// The large case as GDAL writes it (GeoPackage, FlatGeobuf, KML) and as AIS
/// NMEA, made by `benches/field_formats.sh` into `CW_FORMATS_DIR` (default
/// `/tmp/corridor-watch-formats`); skipped with a note when absent. The same
/// script times pyogrio and pyais on the same files.
fn field_formats(c: &mut Criterion) {
    let dir = std::env::var_os("CW_FORMATS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("/tmp/corridor-watch-formats"));
    let mut g = c.benchmark_group("field_formats");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    for name in [
        "tracks.gpkg",
        "tracks.fgb",
        "tracks.shp",
        "tracks.kml",
        "tracks.nmea",
    ] {
        let path = dir.join(name);
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!(
                "field_formats: {} is missing (run benches/field_formats.sh); skipped",
                path.display()
            );
            continue;
        };
        let points: usize = corridor_watch::io::read_path(&path)
            .expect("reads")
            .features
            .iter()
            .filter_map(|f| f.geometry.as_ref())
            .map(geo::CoordsIter::coords_count)
            .sum();
        eprintln!(
            "field_formats/{name}: {} bytes, {points} points",
            bytes.len()
        );
        g.throughput(Throughput::Elements(points as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                black_box(
                    corridor_watch::io::read_path(&path)
                        .expect("reads")
                        .features
                        .len(),
                )
            })
        });
    }
    g.finish();
}

/// One 30-s batch of the large case's replay, at the end of a long replay
/// (after 90 % of its 10,000 batches): what `watch --replay` and a live feed
/// pay per batch once history has piled up.
fn replay_batch(c: &mut Criterion) {
    use corridor_watch::analysis::live::batches_from;
    use corridor_watch::analysis::replay::recorded_reports;
    use corridor_watch::analysis::watch::Watcher;
    let (cl, tl) = case_layers();
    let rec = recorded_reports(&[tl]);
    let plan: Vec<(f64, std::ops::Range<usize>)> = batches_from(&rec.times, rec.times[0], 30.0)
        .into_iter()
        .map(|(_, end_t, r)| (end_t, r))
        .collect();
    let late_start = plan.len() * 9 / 10;
    let fresh = || {
        let mut w = Watcher::new(vec![cl.clone()]);
        for (_, r) in &plan[..late_start] {
            w.ingest_reports(&rec.reports[r.clone()]);
            w.check();
        }
        w
    };
    let mut g = c.benchmark_group("replay");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("batch_after_90_percent_of_the_large_case", |b| {
        let mut w = fresh();
        let mut next = late_start;
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                if next == plan.len() {
                    w = fresh();
                    next = late_start;
                }
                let t0 = std::time::Instant::now();
                w.ingest_reports(&rec.reports[plan[next].1.clone()]);
                black_box(w.check());
                spent += t0.elapsed();
                next += 1;
            }
            spent
        })
    });
    g.finish();
}

/// One convoy outside its corridor for its whole trip, replayed as live
/// (`watch --replay`'s path): a batch must cost what it brings, so the time
/// grows with the reports, not with their square (issue 22, item 11: 5k, 10k,
/// 20k, 40k reports took 1.1, 4.7, 18, 73 s).
fn replay_excursion(c: &mut Criterion) {
    use corridor_watch::analysis::replay::replay;
    use corridor_watch::analysis::watch::Options;
    let corridor = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"kind":"corridor","id":"C","tolerance_m":1000},
       "geometry":{"type":"LineString","coordinates":[[30,46],[30,47]]}}]}"#;
    let cl = read_geojson("c.geojson", corridor.as_bytes()).expect("valid");
    let mut g = c.benchmark_group("replay");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for n in [10_000usize, 40_000] {
        // 5 km east of the corridor, 10 s and about 11 m apart, heading north.
        let t0 = 1_772_438_400.0;
        let points: Vec<String> = (0..n)
            .map(|k| {
                let t = corridor_watch::utc::format_rfc3339(t0 + 10.0 * k as f64).expect("time");
                format!("[30.065,{:.7},\"{t}\"]", 46.0 + 1e-4 * k as f64)
            })
            .collect();
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            points
                .iter()
                .map(|p| {
                    let v: serde_json::Value = serde_json::from_str(p).expect("point");
                    format!(
                        r#"{{"type":"Feature","properties":{{"kind":"track","convoy_id":"X","time":{}}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}"#,
                        v[2], v[0], v[1]
                    )
                })
                .collect::<Vec<_>>()
                .join(",")
        );
        let tl = read_geojson("t.geojson", text.as_bytes()).expect("valid");
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(format!("excursion_of_{n}_reports"), |b| {
            // The tracks are the replay's to drop: a copy each run, made outside the timing.
            b.iter_batched(
                || vec![tl.clone()],
                |recorded| {
                    let run = replay(
                        std::slice::from_ref(&cl),
                        recorded,
                        &Options::default(),
                        30.0,
                        1,
                    );
                    black_box(run.batches.len())
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

/// 200 convoys checked against the bundled grain lanes, hundreds of km from
/// every lane, and the same convoys against their own nearby corridors
/// (issue 30: the cost of a check must not grow with distance).
fn far_check(c: &mut Criterion) {
    let case = LargeCase {
        convoys: 200,
        points: 40_000,
        ..LargeCase::default()
    };
    let (corr, tracks) = make_large(&case);
    let near = read_geojson("corridors.geojson", corr.as_bytes()).expect("valid");
    let tracks = read_geojson("tracks.geojson", tracks.as_bytes()).expect("valid");
    let lanes = bundled_lanes();
    let convoys = assemble_convoys(std::slice::from_ref(&tracks));
    let mut g = c.benchmark_group("far_check");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for (name, layer) in [
        ("200_convoys_near_their_corridors", &near),
        ("200_convoys_far_from_every_lane", &lanes),
    ] {
        let scn = Scenario::new(vec![layer.clone()]);
        g.bench_function(name, |b| {
            b.iter(|| black_box(check(&scn, &convoys, &CheckOptions::default()).len()))
        });
    }
    g.finish();
}

/// 5,000 vessels over a day (`synth::vessels`): `check` against the bundled
/// grain lanes without events, and the events alone (loitering per vessel,
/// encounters between all): issue 26 wants the events within 2x the check.
fn vessel_events(c: &mut Criterion) {
    use corridor_watch::analysis::events::{EventRules, encounters, of_convoy};
    let convoys = corridor_watch::synth::vessels(5000, 24.0, 26);
    let lanes = bundled_lanes();
    let scn = Scenario::new(vec![lanes]);
    let mut g = c.benchmark_group("vessel_events");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    let no_events = CheckOptions {
        events: None,
        ..CheckOptions::default()
    };
    g.bench_function("check_5000_vessels_a_day", |b| {
        b.iter(|| black_box(check(&scn, &convoys, &no_events).len()))
    });
    let rules = EventRules::default();
    g.bench_function("events_5000_vessels_a_day", |b| {
        b.iter(|| {
            let per: usize = convoys.iter().map(|v| of_convoy(v, &rules).len()).sum();
            black_box(per + encounters(&convoys, &rules).len())
        })
    });
    g.finish();
}

/// Issue 25: the large case with one notified movement per convoy (its
/// corridors, or every corridor, and a window that opens an hour after its
/// first report, so that every convoy has an off-window stretch) against the
/// same check without movements: the goal is within 1.2x.
fn notified_check(c: &mut Criterion) {
    let (cl, tl) = case_layers();
    let convoys = assemble_convoys(&[cl.clone(), tl]);
    let all_ids: Vec<String> = cl.features.iter().filter_map(|f| f.id.clone()).collect();
    let time = |t: f64| corridor_watch::utc::format_rfc3339(t).unwrap_or_default();
    let features: Vec<String> = convoys
        .iter()
        .filter_map(|c| {
            let times: Vec<f64> = c.parts.iter().flat_map(|p| p.times.iter().flatten().copied()).collect();
            let (t0, t1) = (times.first()?, times.last()?);
            let ids = c.corridor_ids.clone().unwrap_or_else(|| all_ids.clone());
            Some(format!(
                r#"{{"type":"Feature","properties":{{"kind":"movement","id":"N-{}","convoy_id":"{}","window_start":"{}","window_end":"{}","corridor_ids":{}}},"geometry":null}}"#,
                c.convoy_id,
                c.convoy_id,
                time(t0 + 3600.0),
                time(t1 + 3600.0),
                serde_json::to_string(&ids).expect("ids")
            ))
        })
        .collect();
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    );
    let ml = read_geojson("movements.geojson", text.as_bytes()).expect("valid");
    let plain = Scenario::new(vec![cl.clone()]);
    let notified = Scenario::new(vec![cl, ml]);
    let mut g = c.benchmark_group("notified_check");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    g.bench_function("large_case_without_movements", |b| {
        b.iter(|| black_box(check(&plain, &convoys, &CheckOptions::default())))
    });
    g.bench_function("large_case_a_movement_per_convoy", |b| {
        b.iter(|| black_box(check(&notified, &convoys, &CheckOptions::default())))
    });
    g.finish();
}

/// The app's benchmarks need the `gui` feature; without it they are skipped.
#[cfg(not(feature = "gui"))]
fn frame_shapes(_: &mut Criterion) {}
#[cfg(not(feature = "gui"))]
fn startup(_: &mut Criterion) {}
#[cfg(not(feature = "gui"))]
fn editing(_: &mut Criterion) {}

criterion_group!(
    benches,
    geojson_load,
    deviation_check,
    check_end_to_end,
    identify,
    frame_shapes,
    startup,
    editing,
    zone,
    field_formats,
    replay_batch,
    replay_excursion,
    far_check,
    vessel_events,
    notified_check
);
criterion_main!(benches);
