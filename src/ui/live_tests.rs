//! The Live screen's upper panel: what a snapshot file cannot tell, a cache that cannot be
//! read, and every finding reachable at 80×24.

use super::screen_tests::text;
use crate::app::update::tests::{app_over_files, demo_app, open, settle, snapshot_u1};
use crate::app::{Action, State};

/// The demo on Live at 80×24, every user's events listed.
async fn every_users_live() -> (State, crate::tui::effects::EffectContext) {
    let (mut s, ctx) = demo_app().await;
    s.ui.size = (80, 24);
    settle(&mut s, &ctx, Action::ShowLive).await;
    s.live.all = true;
    (s, ctx)
}

/// A message on u001's channel that could not be read, saying `why`.
async fn unreadable(
    s: &mut State,
    ctx: &crate::tui::effects::EffectContext,
    why: impl Into<String>,
) {
    let bad = crate::store::BadEvent {
        user: Some("u001".into()),
        why: why.into(),
        nobodys_channel: None,
    };
    let u = crate::app::state::Unreadable::of(bad, "2025-01-15T12:00:01Z".into());
    settle(s, ctx, Action::ProgressUnreadable(u)).await;
}

/// The Live screen says what a snapshot file cannot tell (TTLs, events) instead of guessing,
/// and names a cached context that could not be read instead of calling it absent.
#[tokio::test]
async fn live_says_what_it_cannot_know_and_what_it_could_not_read() {
    let mut v = snapshot_u1();
    v["cached_context"] = serde_json::json!({"milestone": "M4", "layers": {}});
    let (mut s, ctx, _dir) = app_over_files(&[("u1.json", v.to_string())]).await;
    settle(&mut s, &ctx, Action::Select).await;
    settle(&mut s, &ctx, Action::ShowLive).await;
    let t = text(&s, 120, 40);
    assert!(t.contains("unknown: a snapshot file holds no TTLs"), "{t}");
    assert!(t.contains("snapshot files hold no events"), "{t}");
    assert!(!t.contains("has no TTL"), "no finding made up: {t}");

    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u032").await;
    settle(&mut s, &ctx, Action::ShowLive).await;
    let t = text(&s, 120, 40);
    assert!(t.contains("unreadable: cached context is not JSON"), "{t}");
    assert!(!t.contains("no cached context"), "{t}");
}

/// A cached context that is not compared with the replay says why, never "equals": one written
/// for another user is named as such (a finding), and one that answered another question than
/// the replay asks says so.
#[tokio::test]
async fn a_cache_not_compared_says_why_and_another_users_cache_is_named() {
    use crate::store::{KnowledgeParams, LoadOptions, MemoryStore, load_snapshot};
    let p = crate::engine::Policy::preset("prolaunch").expect("preset");
    let (snap, _) = load_snapshot(
        &MemoryStore::demo(),
        "u001",
        &LoadOptions::default(),
        KnowledgeParams::of(&p),
    )
    .await
    .expect("demo user");
    let file: serde_json::Value = serde_json::from_str(&snap.to_json()).expect("json");
    let live = |v: serde_json::Value| async move {
        let (mut s, ctx, _dir) = app_over_files(&[("u.json", v.to_string())]).await;
        settle(&mut s, &ctx, Action::Select).await;
        settle(&mut s, &ctx, Action::ShowLive).await;
        text(&s, 120, 40)
    };
    let t = live(file.clone()).await;
    assert!(t.contains("none: the cache equals a fresh replay"), "{t}");
    assert!(!t.contains("not of the tuning"), "{t}");
    // Tuned, the cache is still compared with the baseline's replay: said so.
    let (mut s, ctx, _dir) = app_over_files(&[("u.json", file.to_string())]).await;
    settle(&mut s, &ctx, Action::Select).await;
    settle(&mut s, &ctx, Action::ShowTune).await;
    settle(&mut s, &ctx, Action::Increase).await;
    settle(&mut s, &ctx, Action::ShowLive).await;
    let t = text(&s, 120, 40);
    assert!(
        t.contains("fresh replay of the baseline (prolaunch), not of the tuning"),
        "{t}"
    );
    let mut other = file.clone();
    other["user_id"] = "u001b".into();
    let t = live(other).await;
    assert!(
        t.contains("written for user \"u001\", not this user"),
        "{t}"
    );
    assert!(!t.contains("equals a fresh replay"), "{t}");
    let mut edited = file;
    let turns = edited["session"].as_array_mut().expect("turns");
    let newest = turns.last_mut().expect("a turn");
    for field in ["user", "content"] {
        if newest.get(field).is_some() {
            newest[field] = "an edited question".into();
        }
    }
    let t = live(edited).await;
    assert!(
        t.contains("not compared: the replay asks another question"),
        "{t}"
    );
    assert!(!t.contains("equals a fresh replay"), "{t}");
}

/// Every finding can be read on Live at 80×24: the panel grows, counts them, and past its
/// height `tab` gives it the moves; `tab` again gives them back to the events.
#[tokio::test]
async fn live_shows_every_finding_scrolling_after_tab() {
    let mut v = snapshot_u1();
    let rows = v["journey"].as_array_mut().expect("journey rows");
    for i in 1..=12 {
        rows.push(serde_json::json!({
            "id": format!("mb:{}", 100 + i),
            "kind": "milestone_data",
            "milestone": format!("Z{i}"),
            "data": {"summary": format!("row {i}")},
            "timestamp": "2025-01-10T10:00:00Z"
        }));
    }
    let (mut s, ctx, _dir) = app_over_files(&[("u1.json", v.to_string())]).await;
    s.ui.size = (80, 24);
    settle(&mut s, &ctx, Action::Select).await;
    settle(&mut s, &ctx, Action::ShowLive).await;
    let n = crate::app::live_view::findings(&s);
    assert!(n >= 12, "one finding per unknown milestone: {n}");
    let t = text(&s, 80, 24);
    assert!(t.contains(&format!("{n} findings")), "{t}");
    assert!(t.contains("tab scrolls"), "{t}");
    assert!(t.contains("Z1\""), "the first finding shows: {t}");
    assert!(!t.contains("Z12\""), "the last is below: {t}");
    // j scrolls the events (none here), not the panel.
    settle(&mut s, &ctx, Action::Down).await;
    assert_eq!(s.live.panel_scroll, 0);
    settle(&mut s, &ctx, Action::NextPane).await;
    settle(&mut s, &ctx, Action::Bottom).await;
    let t = text(&s, 80, 24);
    assert!(t.contains("Z12\""), "the last finding shows: {t}");
    assert!(t.contains("j/k scroll · tab events"), "{t}");
    settle(&mut s, &ctx, Action::Top).await;
    assert_eq!(s.live.panel_scroll, 0);
    settle(&mut s, &ctx, Action::PrevPane).await;
    assert!(!s.live.on_panel);
}

/// A channel longer than its column is cut in its middle so that every event's milestone and
/// progress show, in one column, at 80 columns.
#[tokio::test]
async fn a_long_channel_never_pushes_the_progress_off_the_row() {
    let (mut s, ctx) = every_users_live().await;
    for (user, milestone, progress) in [
        ("customer-7f3a9c1e-4b2d-4e8a-9f61-2c5d8e7a1b40", "M4", 75.0),
        ("u001", "M2", 10.0),
    ] {
        let ev = crate::store::ProgressEvent {
            user_id: user.into(),
            milestone: milestone.into(),
            progress,
            timestamp: "2025-01-15T10:00:00Z".into(),
        };
        settle(&mut s, &ctx, Action::Progress(ev)).await;
    }
    let t = text(&s, 80, 24);
    let long = t
        .lines()
        .find(|l| l.contains("progress:custom"))
        .unwrap_or_else(|| panic!("{t}"));
    let short = t
        .lines()
        .find(|l| l.contains("progress:u001"))
        .unwrap_or_else(|| panic!("{t}"));
    assert!(
        long.contains("…") && long.contains("1b40 M4  75.0%"),
        "{long}"
    );
    let column = |l: &str, m: &str| l.find(m).map(|at| l[..at].chars().count());
    assert_eq!(
        column(long, " M4 "),
        column(short, " M2 "),
        "one column:\n{long}\n{short}"
    );
}

/// An event's reason or milestone longer than the row ends in `…` at 80 columns: what is cut
/// is seen to be cut, and a milestone gives way to the progress figure.
#[tokio::test]
async fn a_long_reason_or_milestone_ends_in_an_ellipsis() {
    let (mut s, ctx) = every_users_live().await;
    unreadable(
        &mut s,
        &ctx,
        format!("milestone: {} is not a string", "x".repeat(300)),
    )
    .await;
    let ev = crate::store::ProgressEvent {
        user_id: "u002".into(),
        milestone: format!("M{}", "y".repeat(120)),
        progress: 5.0,
        timestamp: "2025-01-15T10:00:00Z".into(),
    };
    settle(&mut s, &ctx, Action::Progress(ev)).await;
    let t = text(&s, 80, 24);
    let line = t
        .lines()
        .find(|l| l.contains("progress:u002"))
        .unwrap_or_else(|| panic!("{t}"));
    // The milestone is cut, marked, and gives way to the figure, which always shows.
    assert!(line.contains("y…   5.0%│"), "{line}");
    // The reason wraps under itself, four rows at most, the last cut with the mark.
    let rows: Vec<&str> = t
        .lines()
        .skip_while(|l| !l.contains("unreadable: "))
        .take(5)
        .collect();
    assert!(rows[3].contains("…│"), "{rows:#?}");
    assert!(!rows[4].contains("xxx"), "{rows:#?}");
    assert!(!t.contains("not a string"), "{t}");
}

/// An unreadable message's reason wraps under itself: at 80 columns all of a reason of a few
/// rows can be read on Live, none of it cut.
#[tokio::test]
async fn an_unreadable_messages_reason_wraps_whole_at_80_columns() {
    let (mut s, ctx) = every_users_live().await;
    unreadable(
        &mut s,
        &ctx,
        "payload is not JSON: control character (\\u0000-\\u001F) found while parsing a \
         string at line 1 column 27",
    )
    .await;
    let t = text(&s, 80, 24);
    let said: String = t
        .lines()
        .skip_while(|l| !l.contains("unreadable: "))
        .take(4)
        .map(|l| l.trim_matches(|c| c == '│' || c == ' ').to_string())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(said.contains("at line 1 column 27"), "{t}");
    assert!(!said.contains('…'), "{t}");
}

/// An events title longer than the row (paused, the channel lost, every user) ends in `…` at
/// 80 columns: what is cut is seen to be cut.
#[tokio::test]
async fn a_long_events_title_ends_in_an_ellipsis() {
    let (mut s, ctx) = every_users_live().await;
    let ev = crate::store::ProgressEvent {
        user_id: "u002".into(),
        milestone: "M2".into(),
        progress: 5.0,
        timestamp: "2025-01-15T10:00:00Z".into(),
    };
    settle(&mut s, &ctx, Action::Progress(ev)).await;
    s.live.paused = true;
    s.live.trouble = Some("connection refused".into());
    let t = text(&s, 80, 24);
    let title = t
        .lines()
        .find(|l| l.contains(" Events "))
        .unwrap_or_else(|| panic!("{t}"));
    assert!(
        title.contains("⚠ channel lost") && title.contains("… ─"),
        "{title}"
    );
}

/// Opening a file that could not be read says why (its line and column), instead of blank
/// screens under an empty header.
#[tokio::test]
async fn opening_an_unreadable_file_says_why() {
    let good = snapshot_u1().to_string();
    let (mut s, ctx, _dir) =
        app_over_files(&[("a.json", good), ("broken.json", "not json".into())]).await;
    let at = s
        .users
        .shown
        .iter()
        .position(|&i| s.users.rows[i].summary.user_id.contains("broken"))
        .expect("the broken file is listed");
    s.users.cursor = at;
    settle(&mut s, &ctx, Action::Select).await;
    for screen in [
        Action::ShowLayers,
        Action::ShowBudget,
        Action::ShowJourney,
        Action::ShowPrompt,
        Action::ShowLive,
    ] {
        settle(&mut s, &ctx, screen.clone()).await;
        let t = text(&s, 120, 40);
        assert!(t.contains("Could not open broken.json."), "{screen:?}: {t}");
    }
}

/// More events than the pane holds: its title says which rows are shown, as the findings panel
/// does, and follows the scroll.
#[tokio::test]
async fn the_events_title_says_which_rows_are_shown() {
    let (mut s, ctx) = demo_app().await;
    s.ui.size = (120, 40);
    settle(&mut s, &ctx, Action::ShowLive).await;
    s.live.all = true;
    for i in 0..60 {
        let ev = crate::store::ProgressEvent {
            user_id: format!("u{:03}", i % 70 + 1),
            milestone: "M2".into(),
            progress: f64::from(i),
            timestamp: format!("2025-01-15T10:{:02}:00Z", i % 60),
        };
        settle(&mut s, &ctx, Action::Progress(ev)).await;
    }
    let title = |s: &crate::app::state::State| {
        text(s, 120, 40)
            .lines()
            .find(|l| l.contains(" Events"))
            .map(str::to_string)
            .unwrap_or_default()
    };
    let top = title(&s);
    assert!(top.contains("· 60 shown of 60 received · rows 1-"), "{top}");
    settle(&mut s, &ctx, Action::Bottom).await;
    let bottom = title(&s);
    assert!(bottom.contains("/60") && bottom != top, "{bottom}");
}

/// Past the bound of events kept, the title still counts every event received, and says only
/// the newest are kept; a pause counts what it held the same way.
#[tokio::test]
async fn every_event_received_is_counted_past_the_bound_kept() {
    use crate::app::state::MAX_EVENTS;
    let (mut s, ctx) = demo_app().await;
    settle(&mut s, &ctx, Action::ShowLive).await;
    let ev = |n: usize| {
        Action::Progress(crate::store::ProgressEvent {
            user_id: "u001".into(),
            milestone: "M1".into(),
            progress: 50.0,
            timestamp: format!("2025-01-15T12:{:02}:{:02}Z", n / 60 % 60, n % 60),
        })
    };
    for n in 0..MAX_EVENTS + 50 {
        settle(&mut s, &ctx, ev(n)).await;
    }
    let t = text(&s, 200, 40);
    assert!(
        t.contains("200 shown of 250 received, the newest 200 kept"),
        "{t}"
    );
    settle(&mut s, &ctx, Action::Pause).await;
    for n in 0..MAX_EVENTS + 5 {
        settle(&mut s, &ctx, ev(n)).await;
    }
    let t = text(&s, 200, 40);
    assert!(t.contains("PAUSED, 205 new, the newest 200 held"), "{t}");
    assert!(t.contains("of 455 received, the newest 400 kept"), "{t}");
    settle(&mut s, &ctx, Action::Pause).await;
    assert_eq!((s.live.held_received, s.live.events.len()), (0, MAX_EVENTS));
    let t = text(&s, 200, 40);
    assert!(t.contains("of 455 received, the newest 200 kept"), "{t}");
}

/// Reasons wrapping under their events, the list still scrolls to its oldest event: the
/// bottom is counted in rows, and the last page is full.
#[tokio::test]
async fn the_oldest_event_is_reached_when_reasons_wrap() {
    let (mut s, ctx) = every_users_live().await;
    // Oldest first: message 0 is the oldest, at the bottom of the list.
    for n in 0..18 {
        unreadable(
            &mut s,
            &ctx,
            format!(
                "message {n:02} is not JSON: {}",
                "a reason of some words ".repeat(6)
            ),
        )
        .await;
    }
    let top = text(&s, 80, 24);
    assert!(
        top.contains("message 17") && !top.contains("message 00"),
        "{top}"
    );
    settle(&mut s, &ctx, Action::Bottom).await;
    let bottom = text(&s, 80, 24);
    assert!(bottom.contains("message 00"), "{bottom}");
    assert!(!bottom.contains("message 17"), "{bottom}");
    // A reason cut short of its end is marked, however little was left out.
    let rows =
        crate::app::live_view::reason_rows(&format!("x{}tail", " ".repeat(2_000)), (26, 56), 4);
    assert!(rows.last().is_some_and(|r| r.ends_with('…')), "{rows:?}");
}

/// A message on a channel whose name is not UTF-8 shows that name escaped in the channel
/// column, as the reason beside it names it: its bytes are not lost to `�`.
#[tokio::test]
async fn a_channel_that_is_not_utf8_shows_its_bytes_escaped() {
    let (mut s, ctx) = every_users_live().await;
    let nobodys = crate::store::BadEvent {
        user: None,
        why: "progress:h2\\xFF: the channel's name is not UTF-8: not any user's event".into(),
        nobodys_channel: Some("progress:h2\\xFF".into()),
    };
    let u = crate::app::state::Unreadable::of(nobodys, "2025-01-15T12:00:01Z".into());
    settle(&mut s, &ctx, Action::ProgressUnreadable(u)).await;
    let t = text(&s, 120, 40);
    let row = t
        .lines()
        .find(|l| l.contains("unreadable:"))
        .unwrap_or_else(|| panic!("the message is listed: {t}"));
    assert!(
        row.contains("progress:h2\\xFF ") && !row.contains('\u{fffd}'),
        "{row}"
    );
    // A user whose id is those characters typed (a backslash, `xFF`) is another channel, and
    // reads as another: its backslash shown as ids show one.
    let typed = crate::store::BadEvent {
        user: Some("h2\\xFF".into()),
        why: "payload is not JSON".into(),
        nobodys_channel: None,
    };
    let u = crate::app::state::Unreadable::of(typed, "2025-01-15T12:00:02Z".into());
    settle(&mut s, &ctx, Action::ProgressUnreadable(u)).await;
    let t = text(&s, 120, 40);
    assert!(t.contains("progress:h2\\\\xFF "), "{t}");
}

/// An unreadable message on a user's channel is listed, naming the channel, its reason inert,
/// its time marked as the machine's.
#[tokio::test]
async fn live_lists_an_unreadable_event_naming_its_channel() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u064").await;
    settle(&mut s, &ctx, Action::ShowLive).await;
    for payload in ["expected value at line 1 column 1", "\u{1b}[2Jnot json"] {
        let bad = crate::store::BadEvent {
            user: Some("u064".into()),
            why: format!("payload is not JSON: {payload}"),
            nobodys_channel: None,
        };
        let u = crate::app::state::Unreadable::of(bad, "2025-01-15T12:00:00Z".into());
        settle(&mut s, &ctx, Action::ProgressUnreadable(u)).await;
    }
    let all = super::tests::rows(&s, 120, 40).join("\n");
    assert!(
        all.contains("2025-01-15T12:00:00Z* progress:u064     unreadable: payload is not JSON: expected value at line 1 column 1"),
        "{all}"
    );
    assert!(
        all.contains("unreadable: payload is not JSON: ␛[2Jnot json"),
        "{all}"
    );
    assert!(all.contains("2 shown of 2 received"), "{all}");
    // Its time is the machine's (the message has none): marked, and the title says so, also
    // at 80 columns.
    for (w, h) in [(120, 40), (80, 24)] {
        let all = super::tests::rows(&s, w, h).join("\n");
        assert!(
            all.contains(" · * arrival time, machine clock") && all.contains("Z* progress:u064"),
            "{w}×{h}: {all}"
        );
    }
    // Events the store stamped carry no mark, and the title no note, once no unreadable line
    // is shown.
    s.live
        .events
        .retain(|e| matches!(e, crate::app::state::LiveEntry::Event(_)));
    let ev = crate::store::ProgressEvent {
        user_id: "u064".into(),
        milestone: "M5".into(),
        progress: 50.0,
        timestamp: "2025-01-15T12:00:01Z".into(),
    };
    settle(&mut s, &ctx, Action::Progress(ev)).await;
    let all = super::tests::rows(&s, 120, 40).join("\n");
    assert!(
        all.contains("2025-01-15T12:00:01Z  progress:u064") && !all.contains("machine clock"),
        "{all}"
    );
}

/// The events title names the open user as ids are listed (a backslash as `\\`), as the
/// channel column does: `h\xff` typed never reads as a byte 0xFF.
#[tokio::test]
async fn the_events_title_names_the_user_as_ids_are_listed() {
    let mut v = snapshot_u1();
    v["user_id"] = "h\\xff".into();
    let (mut s, ctx, _dir) = app_over_files(&[("h.json", v.to_string())]).await;
    settle(&mut s, &ctx, Action::Select).await;
    settle(&mut s, &ctx, Action::ShowLive).await;
    let t = text(&s, 120, 40);
    assert!(
        t.contains("h\\\\xff's events") || t.contains(" · h\\\\xff · "),
        "{t}"
    );
    assert!(!t.contains(" h\\xff"), "{t}");
}
