//! Replays of recorded tracks, checked against the recorded reports.

use super::*;

/// RFC 3339 text as Unix seconds (by the time crate, not the code under test).
pub(crate) fn rfc3339(s: &str) -> Result<f64, time::error::Parse> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)?;
    Ok(t.unix_timestamp_nanos() as f64 / 1e9)
}

#[test]
fn batches_cover_every_report_once_in_order() {
    let times = [0.0, 1.0, 29.9, 30.0, 95.0, 95.5];
    let b = crate::analysis::live::batches_from(&times, 0.0, 30.0);
    assert_eq!(
        b,
        vec![(0, 30.0, 0..3), (1, 60.0, 3..4), (3, 120.0, 4..6)],
        "the empty 60-90 s batch is skipped"
    );
    assert!(crate::analysis::live::batches_from(&[], 0.0, 30.0).is_empty());
}

/// Regression (issue 22, item 10): a lone convoy that falls silent for
/// 30 minutes and then reports again was never alerted, because the replay
/// clock only moved on batches holding reports. With the clock stepping
/// through the empty batches, the silence is alerted once, in the batch
/// where it has passed 10 minutes (the last report at 08:09 + 600 s =
/// 08:19, alerted at the end of the batch holding that time).
#[test]
fn a_lone_convoy_silent_between_reports_is_alerted() {
    let corridor = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"kind":"corridor","id":"C1"},
       "geometry":{"type":"LineString","coordinates":[[30,50],[31,50]]}}]}"#;
    let mut points: Vec<(f64, f64, String)> = (0..10)
        .map(|k| {
            (
                30.1 + 0.005 * f64::from(k),
                50.0,
                format!("2026-03-02T08:{k:02}:00Z"),
            )
        })
        .collect();
    points.extend((0..5).map(|k| {
        (
            30.2 + 0.005 * f64::from(k),
            50.0,
            format!("2026-03-02T08:{:02}:00Z", 40 + k),
        )
    }));
    let refs: Vec<(f64, f64, &str)> = points
        .iter()
        .map(|(x, y, t)| (*x, *y, t.as_str()))
        .collect();
    let tracks = crate::synth::position_reports("LONE", &refs, "");
    let tracks = crate::io::read_geojson("t", tracks.as_bytes()).expect("tracks");
    let corridor = crate::io::read_geojson("c", corridor.as_bytes()).expect("corridor");
    let opts = Options {
        silent_after_s: 600.0,
        ..Options::default()
    };
    let run = replay(
        std::slice::from_ref(&corridor),
        vec![tracks.clone()],
        &opts,
        30.0,
        1,
    );
    let silent: Vec<f64> = run
        .batches
        .iter()
        .filter(|b| b.alerts.iter().any(|a| a.alert_type == AlertType::Silent))
        .map(|b| b.end_t)
        .collect();
    let t = |s: &str| rfc3339(s).unwrap();
    assert_eq!(silent.len(), 1, "{silent:?}");
    assert!(
        silent[0] > t("2026-03-02T08:19:00Z") && silent[0] <= t("2026-03-02T08:19:30Z"),
        "{:?}",
        crate::utc::format_rfc3339(silent[0])
    );
}

/// The streamed source hands out, batch by batch, exactly the reports the
/// held one does (same order, same batches), holding none ahead.
#[test]
fn a_streamed_replay_gives_the_recorded_reports_batch_by_batch() {
    let (_, t) = crate::synth::make_large(&crate::synth::LargeCase::small());
    let tracks = crate::io::read_geojson("t", t.as_bytes()).expect("tracks");
    let layers = [tracks];
    let mut held = recorded_reports(&layers);
    let (mut streamed, untimed) = recorded_stream(&layers);
    assert_eq!(untimed, held.untimed);
    assert_eq!(streamed.total(), held.total());
    assert!(held.total() > 1000);
    let t0 = held.first_time().unwrap();
    assert_eq!(streamed.first_time(), Some(t0));
    let batches = held.batch_counts(t0, 30.0);
    assert_eq!(streamed.batch_counts(t0, 30.0), batches);
    for (k, n) in batches {
        let (a, b) = (held.take(n), streamed.take(n));
        assert_eq!(a.len(), n);
        let key = |r: &PositionReport| (r.convoy_id.to_string(), r.at, r.time, r.arrived);
        assert!(a.iter().map(key).eq(b.iter().map(key)), "batch {k}");
        assert!(b.iter().all(|r| batch_of(r.time.unwrap(), t0, 30.0) == k));
        assert!(streamed.heap.len() <= streamed.runs.len());
    }
    assert!(streamed.take(1).is_empty());
}

/// Convoys shared out over 1, 2 or 3 watchers raise the same alerts in
/// the same batches and the same order, and as many as `check` finds.
#[test]
fn shards_change_nothing_but_speed() {
    let (c, t) = crate::synth::make_large(&crate::synth::LargeCase::small());
    let corridors = crate::io::read_geojson("c", c.as_bytes()).expect("corridors");
    let tracks = crate::io::read_geojson("t", t.as_bytes()).expect("tracks");
    let opts = Options::default();
    // Time-driven rules too: every convoy falls silent at its trip's end.
    let rules = Options {
        silent_after_s: 600.0,
        stuck_after_s: 300.0,
        ..Options::default()
    };
    let with_rules = |shards| {
        let run = replay(
            std::slice::from_ref(&corridors),
            vec![tracks.clone()],
            &rules,
            30.0,
            shards,
        );
        run.batches
            .iter()
            .flat_map(|b| {
                b.alerts
                    .iter()
                    .map(move |a| (b.end_t.to_bits(), a.convoy_id.clone(), a.alert_type))
            })
            .collect::<Vec<_>>()
    };
    let single = with_rules(1);
    let silent = single.iter().filter(|a| a.2 == AlertType::Silent).count();
    // Each convoy once at its trip's end, but for those ending within 600 s
    // of the replay's last batch, and those whose trip ends at a corridor's
    // end (arrived, not silent).
    assert!((10..=60).contains(&silent), "{silent}");
    assert_eq!(with_rules(2), single);
    assert_eq!(with_rules(3), single);
    let seen = |shards| {
        let run = replay(
            std::slice::from_ref(&corridors),
            vec![tracks.clone()],
            &opts,
            30.0,
            shards,
        );
        assert_eq!(run.reports, 6_000);
        run.batches
            .iter()
            .flat_map(|b| {
                b.alerts
                    .iter()
                    .map(move |a| (b.end_t.to_bits(), a.convoy_id.clone(), a.stretch.key()))
            })
            .collect::<Vec<_>>()
    };
    let one = seen(1);
    assert_eq!(seen(2), one);
    assert_eq!(seen(3), one);
    let checked = crate::analysis::check(
        &crate::analysis::Scenario::new(vec![corridors.clone()]),
        &crate::analysis::assemble_convoys(std::slice::from_ref(&tracks)),
        &crate::analysis::CheckOptions {
            gap_s: 0.0,
            ..Default::default()
        },
    );
    assert!(!one.is_empty());
    let stretches: usize = checked.iter().map(|c| c.deviations.len()).sum();
    assert_eq!(one.len(), stretches);
}
