//! The screens' own keys: Users figures and sort, Report `enter`, Live, Prompt diff, Journey
//! moves, Layers one layer at a time; snapshot files offline; what `--redact` masks on them.

use super::habit_tests::{key, tuned_u062};
use super::tests::{demo_app, open, settle, type_text};
use super::{Effect, update};
use crate::app::action::{Action, InputKey};
use crate::app::state::{Screen, State};
use crate::app::tune;
use crate::store::{NoOwner, Unlisted};

mod users;

#[tokio::test]
async fn enter_on_a_most_affected_user_opens_its_tune_diff() {
    let (mut s, store) = tuned_u062().await;
    open(&mut s, &store, "u001").await;
    settle(&mut s, &store, Action::ShowReport).await;
    let summary = s.report.summary.clone().expect("a report");
    let lines = crate::app::report_view::lines(&summary);
    let at = lines
        .iter()
        .position(|l| l.user.as_deref() == Some("u020"))
        .expect("u020 among the most affected");
    assert!(
        lines[..at]
            .iter()
            .any(|l| l.plain().starts_with("Change: ")),
        "the answer comes first"
    );
    while s.report.cursor < at {
        settle(&mut s, &store, Action::Down).await;
    }
    settle(&mut s, &store, Action::Select).await;
    assert_eq!(s.ui.screen, Screen::Tune);
    assert_eq!(
        s.user.view.as_ref().map(|v| v.data().user_id.as_str()),
        Some("u020")
    );
    settle(&mut s, &store, Action::Back).await;
    assert_eq!(s.ui.screen, Screen::Report, "esc goes back to the report");
}

#[tokio::test]
async fn live_pauses_and_resumes_in_order() {
    let (mut s, store) = demo_app().await;
    settle(&mut s, &store, Action::ShowLive).await;
    let ev = |n: u32| {
        Action::Progress(crate::store::ProgressEvent {
            user_id: "u001".into(),
            milestone: "M1".into(),
            progress: f64::from(n),
            timestamp: format!("2025-01-15T12:00:{n:02}Z"),
        })
    };
    settle(&mut s, &store, ev(1)).await;
    settle(&mut s, &store, Action::Pause).await;
    settle(&mut s, &store, ev(2)).await;
    settle(&mut s, &store, ev(3)).await;
    assert_eq!((s.live.events.len(), s.live.held.len()), (1, 2));
    settle(&mut s, &store, Action::Pause).await;
    let order: Vec<f64> = s
        .live
        .events
        .iter()
        .filter_map(|e| match e {
            crate::app::state::LiveEntry::Event(e) => Some(e.progress),
            crate::app::state::LiveEntry::Unreadable(_) => None,
        })
        .collect();
    assert_eq!(order, [3.0, 2.0, 1.0], "newest first");
    settle(&mut s, &store, Action::ToggleAll).await;
    assert!(s.live.all);
    // Three events fit on the page: nothing to scroll. Once more than a page, j scrolls.
    settle(&mut s, &store, Action::Down).await;
    assert_eq!(s.live.scroll, 0);
    for n in 4..40 {
        settle(&mut s, &store, ev(n)).await;
    }
    settle(&mut s, &store, Action::Down).await;
    assert_eq!(s.live.scroll, 1);
    // Scrolled away from the newest, the view stays on the events it shows as more arrive
    // (another user's counts when every user's are listed), and through a pause.
    let first_shown = |s: &State| match super::live_shown(s).get(s.live.scroll) {
        Some(crate::app::state::LiveEntry::Event(e)) => e.progress,
        other => panic!("{other:?}"),
    };
    let before = first_shown(&s);
    settle(&mut s, &store, ev(40)).await;
    let mut other = ev(41);
    if let Action::Progress(e) = &mut other {
        e.user_id = "u002".into();
    }
    settle(&mut s, &store, other).await;
    assert_eq!((s.live.scroll, first_shown(&s)), (3, before));
    settle(&mut s, &store, Action::Pause).await;
    settle(&mut s, &store, ev(42)).await;
    settle(&mut s, &store, Action::Pause).await;
    assert_eq!((s.live.scroll, first_shown(&s)), (4, before));
    // At the top, it follows the newest.
    settle(&mut s, &store, Action::Top).await;
    settle(&mut s, &store, ev(43)).await;
    assert_eq!((s.live.scroll, first_shown(&s)), (0, 43.0));
}

#[tokio::test]
async fn the_prompt_diff_marks_what_tuning_removed() {
    let (mut s, store) = tuned_u062().await;
    settle(&mut s, &store, Action::ShowPrompt).await;
    settle(&mut s, &store, Action::ToggleDiff).await;
    let lines = super::prompt_lines(&s);
    let removed = lines.iter().filter(|l| l.starts_with("- ")).count();
    assert!(removed > 5, "{removed}");
    assert!(lines.iter().any(|l| l.starts_with("  ## ")), "headers kept");
    // n goes to the first changed stretch (a row of a `-` or `+` line), N back.
    s.ui.size = (80, 24);
    s.user.scroll = 0;
    settle(&mut s, &store, Action::NextMatch).await;
    let view = super::nav::prompt_rows(&s);
    let first = view.rows[s.user.scroll].0;
    assert!(s.user.scroll > 0, "moved");
    assert!(
        view.lines[first].starts_with("- ") || view.lines[first].starts_with("+ "),
        "{}",
        view.lines[first]
    );
    settle(&mut s, &store, Action::PrevMatch).await;
    let said = s.status.message.clone().expect("a message").text;
    assert!(said.contains("no more changes"), "{said}");
    settle(&mut s, &store, Action::ToggleDiff).await;
    assert!(super::prompt_lines(&s).iter().all(|l| !l.starts_with("- ")));
    // Without the diff and without a search, n says how to search (not an error).
    settle(&mut s, &store, Action::NextMatch).await;
    let said = s.status.message.clone().expect("a message");
    assert!(
        !said.error && said.text.contains("/ searches"),
        "{:?}",
        said
    );
}

#[tokio::test]
async fn journey_keys_move_along_the_graph() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    settle(&mut s, &store, Action::ShowJourney).await;
    let id = |s: &State| {
        s.session.engine.milestones.defs()[s.user.milestone]
            .id
            .clone()
    };
    assert_eq!(id(&s), "M9", "the current milestone first");
    let mut path = Vec::new();
    for a in [
        Action::Left,
        Action::Left,
        Action::Up,
        Action::Right,
        Action::Down,
    ] {
        settle(&mut s, &store, a).await;
        path.push(id(&s));
    }
    assert_eq!(path, ["M7", "M6", "M4", "M9", "M9"]);
}

#[tokio::test]
async fn layers_show_one_layer_at_a_time_keeping_the_selection() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    let selected = |s: &State| {
        let a = s
            .user
            .view
            .as_ref()
            .and_then(|v| v.tuned.clone())
            .expect("replayed");
        match super::selected_row(s, &a) {
            Some(super::LayerRow::Item(i)) => i.id.clone(),
            _ => String::new(),
        }
    };
    settle(&mut s, &store, Action::Bottom).await;
    let last = selected(&s);
    assert_eq!(last, "kn:58");
    let mut seen = Vec::new();
    for _ in 0..4 {
        settle(&mut s, &store, Action::NextPane).await;
        seen.push((s.user.layer, selected(&s)));
    }
    assert_eq!(
        seen,
        [
            (Some(0), "s2#7".to_string()),
            (Some(1), "mb:331".to_string()),
            (Some(2), "kn:57".to_string()),
            (None, "kn:57".to_string()),
        ]
    );
    settle(&mut s, &store, Action::PrevPane).await;
    assert_eq!(s.user.layer, Some(2));
    let fields = tune::fields(&s.session.policy);
    assert!(!fields.is_empty());
}

#[tokio::test]
async fn snapshot_files_open_offline_on_every_screen() {
    use crate::store::snapshots::SnapshotStore;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/snapshot-u1.json");
    let files = SnapshotStore::open(&[path], "snapshot-u1.json").expect("reads");
    let (mut s, store) = super::tests::app_over(std::sync::Arc::new(files), false).await;
    assert_eq!(s.status.source, "SNAPSHOT");
    assert_eq!(s.users.rows.len(), 1);
    settle(&mut s, &store, Action::Select).await;
    let v = s.user.view.as_ref().expect("opened");
    assert!(v.tuned.is_some(), "replayed");
    for screen in [
        Action::ShowBudget,
        Action::ShowJourney,
        Action::ShowPrompt,
        Action::ShowReport,
    ] {
        settle(&mut s, &store, screen).await;
    }
    assert_eq!(s.report.summary.as_ref().map(|r| r.users), Some(1));
}

#[tokio::test]
async fn under_redact_live_masks_what_the_milestone_map_does_not_know() {
    let (mut s, store) = crate::app::update::tests::demo_app_with(true).await;
    settle(&mut s, &store, Action::ShowLive).await;
    for milestone in ["M3", "zqv secret stage"] {
        let ev = Action::Progress(crate::store::ProgressEvent {
            user_id: "u001".into(),
            milestone: milestone.into(),
            progress: 50.0,
            timestamp: "2025-01-15T12:00:00Z".into(),
        });
        settle(&mut s, &store, ev).await;
    }
    let bad = crate::store::BadEvent {
        user: Some("u001".into()),
        why: "timestamp: \"zqv o'clock\" is neither RFC 3339 nor epoch seconds".into(),
        nobodys_channel: None,
    };
    let unreadable = crate::app::state::Unreadable::of(bad, "2025-01-15T12:00:01Z".into());
    settle(&mut s, &store, Action::ProgressUnreadable(unreadable)).await;
    let shown: Vec<String> = s
        .live
        .events
        .iter()
        .map(|e| match e {
            crate::app::state::LiveEntry::Event(e) => e.milestone.clone(),
            crate::app::state::LiveEntry::Unreadable(u) => u.why.clone(),
        })
        .collect();
    assert_eq!(
        shown,
        [
            "timestamp: \"••• •'•••••\" is neither RFC 3339 nor epoch seconds",
            "••• •••••• •••••",
            "M3",
        ],
        "newest first; a known milestone stays"
    );
}

#[tokio::test]
async fn under_redact_a_rows_milestone_of_then_is_masked_unless_the_map_knows_it() {
    let (mut s, store) = crate::app::update::tests::demo_app_with(true).await;
    let stats = |m: &str| crate::app::action::UserStats {
        tokens: 10,
        budget: 4000,
        truncation_rate: 0.0,
        milestone: Some(m.into()),
        last_activity: None,
    };
    let at = s.users.stats_at;
    let computed = vec![
        ("u001".to_string(), Ok(stats("zqv stage"))),
        ("u002".to_string(), Ok(stats("M2"))),
    ];
    settle(
        &mut s,
        &store,
        Action::StatsComputed(false, at, computed, None),
    )
    .await;
    let milestone = |id: &str| {
        s.users
            .rows
            .iter()
            .find(|r| r.summary.user_id == id)
            .and_then(|r| r.stats.as_ref())
            .and_then(|st| st.milestone.clone())
    };
    assert_eq!(milestone("u001").as_deref(), Some("••• •••••"));
    assert_eq!(milestone("u002").as_deref(), Some("M2"));
}

/// On Tune, `n`/`N` go from one changed field to the next, and the fields' title counts them
/// and says where the view is when they do not all fit (80×24).
#[tokio::test]
async fn n_goes_to_the_changed_tune_fields() {
    let (mut s, store) = tuned_u062().await;
    s.ui.size = (80, 24);
    settle(&mut s, &store, Action::Palette).await;
    type_text(&mut s, &store, "set strategy=skip").await;
    settle(&mut s, &store, key(InputKey::Enter)).await;
    settle(&mut s, &store, Action::ShowTune).await;
    let changed = tune::changed_fields(&s.session.baseline, &s.session.policy);
    assert_eq!(changed.len(), 2, "budget.total and strategy");
    let fields = tune::fields(&s.session.policy);
    let keys: Vec<&str> = changed.iter().map(|&i| fields[i].key.as_str()).collect();
    assert_eq!(keys, ["budget.total", "strategy"]);
    s.tune.cursor = 0;
    settle(&mut s, &store, Action::NextMatch).await;
    assert_eq!(
        s.tune.cursor, changed[1],
        "budget.total is field 0: n goes on"
    );
    settle(&mut s, &store, Action::NextMatch).await;
    assert_eq!(s.tune.cursor, changed[1]);
    let said = s.status.message.clone().expect("a message").text;
    assert!(said.contains("no more changed fields"), "{said}");
    settle(&mut s, &store, Action::PrevMatch).await;
    assert_eq!(s.tune.cursor, changed[0]);
    let screen = format!(
        "{:?}",
        crate::ui::tests::draw(&s, 80, 24, &crate::ui::theme::Theme::default()).backend()
    );
    assert!(screen.contains("2 changed (n/N)"), "{screen}");
    let body = crate::app::layout::Areas::new(s.ui.size).body;
    let shown = crate::app::layout::table_rows(crate::app::layout::tune_split(body, &s).0);
    assert!(shown < fields.len(), "the fields do not all fit at 80×24");
    assert!(
        screen.contains(&format!(" · 1-{shown}/{} ", fields.len())),
        "{screen}"
    );
}

/// Two files of one user in a folder: the report names each as the Users list does
/// (`u1@b.json`), and `enter` opens that one, not the first file of the id.
#[tokio::test]
async fn enter_on_an_affected_user_of_two_files_opens_that_file() {
    let a = super::tests::snapshot_u1();
    let mut b = a.clone();
    let turns = b["session"].as_array_mut().expect("turns");
    turns.truncate(2);
    let (mut s, store, _dir) =
        super::tests::app_over_files(&[("a.json", a.to_string()), ("b.json", b.to_string())]).await;
    s.session.policy = s
        .session
        .policy
        .clone()
        .with_overrides(&["budget.total=150".into()])
        .expect("valid");
    settle(&mut s, &store, Action::ShowReport).await;
    let summary = s.report.summary.clone().expect("a report");
    let lines = crate::app::report_view::lines(&summary);
    let users: Vec<String> = lines.iter().filter_map(|l| l.user.clone()).collect();
    assert!(
        users.iter().all(|u| u.starts_with("u1@")),
        "each named with its file: {users:?}"
    );
    let at = lines
        .iter()
        .position(|l| l.user.as_deref() == Some("u1@b.json"))
        .unwrap_or_else(|| panic!("b.json: {users:?}"));
    while s.report.cursor < at {
        settle(&mut s, &store, Action::Down).await;
    }
    settle(&mut s, &store, Action::Select).await;
    assert_eq!(
        s.user.view.as_ref().map(|v| v.data().user_id.as_str()),
        Some("u1@b.json")
    );
}

/// Launched with `--set`, the baseline the Report runs is named with those flags (they are in
/// it), and untuned the candidate is that same policy, not a second "prolaunch".
#[tokio::test]
async fn the_report_names_a_baseline_launched_with_flags() {
    let (mut s, _store) = demo_app().await;
    let launched = s
        .session
        .baseline
        .clone()
        .with_overrides(&["budget.total=3000".to_string()])
        .expect("valid");
    s.session.baseline = launched.clone();
    s.session.policy = launched;
    let names = |effects: Vec<Effect>| {
        effects.into_iter().find_map(|e| match e {
            Effect::RunReport {
                candidate,
                baseline,
                ..
            } => Some((candidate.name.clone(), baseline.name.clone())),
            _ => None,
        })
    };
    let ran = names(update(&mut s, Action::ShowReport)).expect("a report runs");
    let label = "prolaunch --set budget.total=3000".to_string();
    assert_eq!(ran, (label.clone(), label));
}

/// A page naming keys no user can own (their user id is not UTF-8) says so on the status bar:
/// named, escaped and inert, never lost without a word.
#[tokio::test]
async fn keys_no_user_can_own_are_named_on_the_status_bar() {
    let (mut s, _store) = demo_app().await;
    s.status.message = None;
    let page = crate::store::UserPage {
        users: vec![],
        next_cursor: None,
        unlisted: vec![
            Unlisted {
                key: "session:bad\\xFFid:s1".into(),
                why: NoOwner::NotUtf8,
            },
            Unlisted {
                key: "session:u\u{1b}[2J1".into(),
                why: NoOwner::NoSessionPart,
            },
        ],
    };
    s.users.asked = Some(None);
    update(&mut s, Action::UsersLoaded(None, page));
    let m = s.status.message.clone().expect("a message");
    assert!(!m.error, "a note about the data, not an error");
    assert_eq!(
        m.text,
        "note: session:bad\\xFFid:s1: not listed: its user id is not UTF-8, so it is no user's (and 1 more)"
    );
    // A key with no session part names why, its name inert.
    let page = crate::store::UserPage {
        users: vec![],
        next_cursor: None,
        unlisted: vec![Unlisted {
            key: "session:u\u{1b}[2J1".into(),
            why: NoOwner::NoSessionPart,
        }],
    };
    s.users.asked = Some(None);
    update(&mut s, Action::UsersLoaded(None, page));
    let m = s.status.message.clone().expect("a message");
    assert_eq!(
        m.text,
        "note: session:u␛[2J1: not listed: no ':' separates a user id from a session id \
         (session:{user}:{session}), so it is no user's"
    );
}

/// A message on a channel whose name is not UTF-8 is nobody's: never among the events of the
/// open user, not even one whose id is empty; listed among every user's.
#[tokio::test]
async fn an_event_of_no_user_is_not_the_empty_ids() {
    let mut u = super::tests::snapshot_u1();
    u["user_id"] = "".into();
    let (mut s, store, _dir) = super::tests::app_over_files(&[("empty.json", u.to_string())]).await;
    settle(&mut s, &store, Action::Select).await;
    let open = s.user.view.as_ref().map(|v| v.data().user_id.clone());
    assert_eq!(open.as_deref(), Some(""));
    settle(&mut s, &store, Action::ShowLive).await;
    let nobodys = crate::store::BadEvent {
        user: None,
        why: "progress:\\xFF: the channel's name is not UTF-8: not any user's".into(),
        nobodys_channel: Some("progress:\\xFF".into()),
    };
    let u = crate::app::state::Unreadable::of(nobodys, "2025-01-15T12:00:01Z".into());
    settle(&mut s, &store, Action::ProgressUnreadable(u)).await;
    assert_eq!(s.live.events.len(), 1);
    assert!(
        crate::app::update::live_shown(&s).is_empty(),
        "not the open user's"
    );
    s.live.all = true;
    assert_eq!(crate::app::update::live_shown(&s).len(), 1, "every user's");
}
