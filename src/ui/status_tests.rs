//! The status bar on live stores with long labels at 80 and 120 columns (what may be trusted
//! always shown, the rest giving way), messages of several lines, and the save prompt.

use std::time::Duration;

use super::tests::rows;
use crate::app::Action;
use crate::app::action::InputKey;
use crate::app::state::{Message, State, StoreStatus};
use crate::app::task::Task;
use crate::app::update::tests::{demo_app, open, session, settle, type_text};
use crate::engine::Engine;

/// The status bar's row at `w` columns.
pub(super) fn bar(s: &State, w: u16) -> String {
    let h = if w >= 120 { 40 } else { 24 };
    rows(s, w, h)
        .pop()
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

fn store(name: &str, host: &str, up: bool) -> StoreStatus {
    StoreStatus {
        name: name.into(),
        host: host.into(),
        up,
        last_error: (!up).then(|| format!("{name} {host}: users: connection refused")),
        latency: up.then(|| Duration::from_micros(640)),
    }
}

/// `tui --redact` on live stores (Redis down, Postgres up), the policy tuned.
fn live_redacted(pg_host: &str) -> State {
    let engine = Engine::default();
    let redis = "127.0.0.1:56379";
    let source = format!("redis {redis} · postgres {pg_host}");
    let mut s = State::new(session(&engine), source, false, "default".into(), true);
    s.status.stores = vec![
        store("redis", redis, false),
        store("postgres", pg_host, true),
    ];
    s.session.policy = s
        .session
        .policy
        .clone()
        .with_overrides(&["budget.total=3700".into()])
        .expect("valid");
    s
}

/// Both stores up, at every width: an address and a latency give way by one rule, the last
/// store's first, so a store never keeps its latency or its address while the one before it
/// has lost its own.
#[test]
fn the_stores_give_way_by_one_rule_at_every_width() {
    let engine = Engine::default();
    let source = "redis 127.0.0.1:6411 · postgres 127.0.0.1:5432/probe".to_string();
    let mut s = State::new(session(&engine), source, false, "default".into(), false);
    s.status.stores = vec![
        store("redis", "127.0.0.1:6411", true),
        store("postgres", "127.0.0.1:5432/probe", true),
    ];
    let mut widths_with_both = 0;
    for w in 80u16..=160 {
        let line = bar(&s, w);
        let (redis, pg) = line
            .split_once("● up postgres")
            .unwrap_or_else(|| panic!("{w}: {line}"));
        let redis_host = redis.contains("127.0.0.1:6411");
        let redis_ms = redis.contains(" ms");
        let pg_host = pg.contains("127.0.0.1:5432");
        let pg_ms = pg.contains(" ms");
        assert!(!pg_host || redis_host, "{w}: {line}");
        assert!(!pg_ms || redis_ms, "{w}: {line}");
        widths_with_both += usize::from(pg_ms);
    }
    assert!(widths_with_both > 0, "some width shows every latency");
}

#[test]
fn the_status_bar_keeps_what_may_be_trusted_at_80_and_120_columns() {
    let hosts = [
        "127.0.0.1:56432/ctxlens_probe_fleet_with_a_long_name",
        "db-primary.eu-west-1.rds.example-corporation.internal:5432/fleet",
    ];
    for w in [80u16, 120] {
        let mut shown = Vec::new();
        for host in hosts {
            let mut s = live_redacted(host);
            shown.push(bar(&s, w));
            s.status.loading = crate::app::task::Loading::of(&[Task::Users, Task::Stats]);
            shown.push(bar(&s, w));
            s.status.loading.clear();
            s.status.stores.iter_mut().for_each(|st| st.up = true);
            s.status.message = Some(Message {
                text: "stores are back".into(),
                error: false,
                until: u64::MAX,
            });
            shown.push(bar(&s, w));
        }
        for line in &shown {
            for must in [
                "REDACTED",
                "redis",
                "postgres",
                "policy prolaunch*",
                "READ-ONLY",
            ] {
                assert!(line.contains(must), "{w}: {must} in {line:?}");
            }
            assert!(line.contains("● DOWN redis") || line.contains("● up redis"));
            assert!(line.contains("● up postgres"), "{line:?}");
            assert!(!line.contains("fleet"), "no database name: {line:?}");
            assert_eq!(line.matches("redis").count(), 1, "said once: {line:?}");
        }
        if w == 120 {
            assert!(
                shown[0].contains("127.0.0.1:56432 0.6 ms"),
                "{:?}",
                shown[0]
            );
            assert!(shown[3].contains("db-primary.eu-west…:5432"), "{shown:?}");
        }
        insta::assert_snapshot!(format!("status_bar_live_{w}"), shown.join("\n"));
    }
}

#[test]
fn a_snapshot_or_demo_badge_stays_beside_long_store_labels() {
    let engine = Engine::default();
    let mut s = State::new(
        session(&engine),
        "SNAPSHOT".into(),
        true,
        "default".into(),
        true,
    );
    s.status.stores.push(store(
        "files",
        "/home/someone/with/a/very/long/path/to/snapshots/u001-2025-01-14.json",
        true,
    ));
    let line = bar(&s, 80);
    for must in [
        " SNAPSHOT ",
        "REDACTED",
        "● up memory",
        "● up files",
        "READ-ONLY",
    ] {
        assert!(line.contains(must), "{must} in {line:?}");
    }
}

#[tokio::test]
async fn a_message_of_several_lines_keeps_its_line_breaks_and_its_stored_text_inert() {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u005").await;
    settle(&mut s, &ctx, Action::Palette).await;
    type_text(&mut s, &ctx, "explain price").await;
    settle(&mut s, &ctx, Action::Input(InputKey::Enter)).await;
    let text = s.status.message.as_ref().map(|m| m.text.clone());
    assert!(
        text.as_deref()
            .is_some_and(|t| t.contains("names several knowledge rows (3); give one id:\n")),
        "{text:?}"
    );
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = rows(&s, w, h);
        let all = screen.join("\n");
        assert!(!all.contains('␊'), "{all}");
        let listed = screen.iter().filter(|r| r.contains("│  kn:")).count();
        assert!(listed >= 2, "one row per line of the listing: {all}");
        assert!(
            screen.iter().any(|r| r
                .contains("│explain: \"price\" names several knowledge rows (3); give one id:")),
            "the first line whole, the rest below it: {all}"
        );
    }
    // Stored text inside a message was made inert as one line where the message was made: it
    // stays one line, its controls visible; the message's own newlines break lines.
    let stored = crate::text::inert_line("two\nlines\u{1b}]0;owned\u{7}");
    s.status.message = Some(Message {
        text: format!(
            "\"x\" names several knowledge rows; give one id:\n  kn:1  {stored}\n  kn:2  b\u{1b}[2J"
        ),
        error: true,
        until: u64::MAX,
    });
    let screen = rows(&s, 80, 24);
    let all = screen.join("\n");
    assert!(
        screen
            .iter()
            .any(|r| r.contains("kn:1  two␊lines␛]0;owned␇")),
        "{all}"
    );
    assert!(screen.iter().any(|r| r.contains("│  kn:2  b␛[2J")), "{all}");
}

#[tokio::test]
async fn the_save_prompt_says_what_it_writes() {
    let (mut s, ctx) = demo_app().await;
    settle(&mut s, &ctx, Action::Palette).await;
    type_text(&mut s, &ctx, "set budget.total=3700").await;
    settle(&mut s, &ctx, Action::Input(InputKey::Enter)).await;
    settle(&mut s, &ctx, Action::Quit).await;
    settle(&mut s, &ctx, Action::Input(InputKey::Char('s'))).await;
    let line = bar(&s, 80);
    assert!(
        line.starts_with("save tuned policy to: prolaunch-tuned.toml"),
        "{line}"
    );
    // At 80 columns the keys show whole: the suggestion's note gives way first.
    assert!(
        line.trim_end()
            .ends_with("enter writes and quits · esc stays"),
        "{line}"
    );
    let wide = bar(&s, 120);
    assert!(
        wide.contains("typing replaces it · enter writes and quits · esc stays"),
        "{wide:?}"
    );
    // A longer name (the first taken): the prompt gives way to the keys, which show whole.
    let kept = s.ui.input.clone();
    s.ui.input = Some(crate::app::state::Input::suggesting(
        crate::app::state::InputKind::Save,
        "prolaunch-tuned-2.toml",
    ));
    let line = bar(&s, 80);
    assert!(
        line.starts_with("save to: prolaunch-tuned-2.toml")
            && line
                .trim_end()
                .ends_with("enter writes and quits · esc stays"),
        "{line}"
    );
    assert!(
        bar(&s, 120).starts_with("save tuned policy to: prolaunch-tuned-2.toml"),
        "{}",
        bar(&s, 120)
    );
    s.ui.input = kept;
    // Typed over, the suggestion is gone; a key that edits keeps it.
    settle(&mut s, &ctx, Action::Input(InputKey::Char('x'))).await;
    assert_eq!(s.ui.input.as_ref().map(|i| i.text()), Some("x"));
    settle(&mut s, &ctx, Action::Input(InputKey::Esc)).await;
    settle(&mut s, &ctx, Action::Quit).await;
    settle(&mut s, &ctx, Action::Input(InputKey::Char('s'))).await;
    settle(&mut s, &ctx, Action::Input(InputKey::Backspace)).await;
    settle(&mut s, &ctx, Action::Input(InputKey::Char('l'))).await;
    assert_eq!(
        s.ui.input.as_ref().map(|i| i.text()),
        Some("prolaunch-tuned.toml")
    );
}

/// Two files of one user: at 80 columns the header keeps the end of the id (the file's name),
/// so the before and the after files are told apart.
#[tokio::test]
async fn the_header_keeps_the_file_that_tells_two_moments_apart() {
    let u1 = crate::app::update::tests::snapshot_u1().to_string();
    let (mut s, ctx, _dir) = crate::app::update::tests::app_over_files(&[
        ("ticket-4711-customer-before.json", u1.clone()),
        ("ticket-4711-customer-after.json", u1),
    ])
    .await;
    crate::app::update::tests::open(&mut s, &ctx, "u1@ticket-4711-customer-before.json").await;
    let top = format!(
        "{:?}",
        crate::ui::tests::draw(&s, 80, 24, &crate::ui::theme::Theme::default()).backend()
    );
    let header = top.lines().nth(3).unwrap_or_default();
    assert!(header.contains("u1@…-before "), "{header}\n{top}");
}

/// The Users columns are sized by the whole list: a long id at its end does not move the
/// columns as the list scrolls to it.
#[tokio::test]
async fn users_columns_stay_put_as_the_list_scrolls() {
    let (mut s, _ctx) = demo_app().await;
    let last = *s.users.shown.last().expect("rows");
    s.users.rows[last].summary.user_id = "u071-a-much-longer-id".into();
    let column = |s: &State| -> Vec<usize> {
        let all = rows(s, 120, 40);
        let head = all
            .iter()
            .find(|r| r.contains("USER"))
            .unwrap_or_else(|| panic!("{all:#?}"))
            .clone();
        ["MILESTONE", "TOKENS"]
            .iter()
            .map(|h| head.find(h).unwrap_or_else(|| panic!("{h} in {head}")))
            .collect()
    };
    s.users.cursor = 0;
    let top = column(&s);
    s.users.cursor = s.users.shown.len() - 1;
    assert_eq!(column(&s), top);
}

/// A long error wraps as words, and the popup has every row the wrapping takes: a path that no
/// row holds is split, and its end is still on screen at 80×24.
#[tokio::test]
async fn a_long_error_is_shown_whole_at_80x24() {
    let (mut s, _) = demo_app().await;
    let path =
        "/nonexistent/dir/with/a/rather/long/path/that/will/not/fit/in/the/status/bar/policy.toml";
    s.status.message = Some(Message {
        text: format!(
            "unsaved tuning: :w saves it first, :policy! {path} drops it and loads {path}"
        ),
        error: true,
        until: u64::MAX,
    });
    let screen = rows(&s, 80, 24);
    let all = screen.join("\n");
    let inside: String = screen
        .iter()
        .filter_map(|r| r.split('│').nth(2))
        .map(str::trim_end)
        .collect();
    assert!(
        inside.ends_with("bar/policy.toml"),
        "the end is shown: {all}"
    );
    assert_eq!(
        inside.matches("policy.toml").count(),
        2,
        "both paths whole: {all}"
    );
}

/// A down store's error is shown whole where the bar has room for it, and cut to the room left
/// where it has not, never left out while some of it fits.
#[test]
fn a_down_stores_error_takes_the_room_there_is() {
    let engine = Engine::default();
    let source = "redis 127.0.0.1:6411 · postgres 127.0.0.1:5432/probe".to_string();
    let mut s = State::new(session(&engine), source, false, "default".into(), false);
    let why = "connect: failed to lookup address information: Name or service not known";
    let mut redis = store("redis", "127.0.0.1:6411", false);
    redis.last_error = Some(format!("redis 127.0.0.1:6411: {why}"));
    s.status.stores = vec![redis, store("postgres", "127.0.0.1:5432/probe", true)];
    let wide = bar(&s, 220);
    assert!(
        wide.contains(&format!("● DOWN redis 127.0.0.1:6411 ({why})")),
        "{wide}"
    );
    let line = bar(&s, 120);
    let (_, after) = line
        .split_once("● DOWN redis")
        .unwrap_or_else(|| panic!("{line}"));
    assert!(after.contains(" (connect: failed to l"), "{line}");
    assert!(after.contains("…)"), "cut, and said to be: {line}");
    assert!(
        unicode_width::UnicodeWidthStr::width(line.as_str()) <= 120,
        "{line}"
    );
}

/// The first key of a sequence (`g` of `g g`) shows in the bar until the sequence ends.
#[tokio::test]
async fn a_key_sequence_under_way_shows_its_keys() {
    let (mut s, ctx) = demo_app().await;
    assert!(!bar(&s, 120).contains('…'), "{}", bar(&s, 120));
    settle(&mut s, &ctx, Action::KeysPending("g".into())).await;
    assert!(bar(&s, 120).contains("  g…"), "{}", bar(&s, 120));
    assert!(
        bar(&s, 80).contains("  g…"),
        "kept at 80 columns: {}",
        bar(&s, 80)
    );
    settle(&mut s, &ctx, Action::KeysPending(String::new())).await;
    assert!(!bar(&s, 120).contains("g…"));
}

/// Live stores not answered for yet (the first health check under way) are said to be
/// checked, never shown without a state; once answered, their state replaces it.
#[tokio::test]
async fn stores_not_answered_for_yet_are_said_to_be_checked() {
    let (mut s, ctx) = demo_app().await;
    s.status.source = "redis 127.0.0.1:6479 · postgres 127.0.0.1:6431/db".into();
    s.status.stores.clear();
    let shown = bar(&s, 80);
    assert!(shown.contains("○ checking"), "{shown}");
    settle(
        &mut s,
        &ctx,
        Action::Health(vec![crate::store::Health {
            name: "redis".into(),
            host: "127.0.0.1:6479".into(),
            latency: None,
            error: Some("connect: no answer within 4 s".into()),
        }]),
    )
    .await;
    let shown = bar(&s, 120);
    assert!(
        shown.contains("● DOWN redis") && !shown.contains("checking"),
        "{shown}"
    );
}

/// A task that has waited seconds says how long (a store that answers its health check but
/// holds every query — a locked table — must not look idle); a quick one says only its name.
#[tokio::test]
async fn a_task_that_waits_says_how_long() {
    let (mut s, _ctx) = demo_app().await;
    s.status.loading.clear();
    s.ui.tick = 1_000;
    s.status.loading.start(Task::User, 1_000 - 125);
    s.status.loading.start(Task::Stats, 1_000 - 5);
    let shown = bar(&s, 120);
    assert!(shown.contains(" user 12 s, stats"), "{shown}");
    assert!(!shown.contains("stats 0 s"), "{shown}");
    s.status.loading.done(Task::User);
    let shown = bar(&s, 120);
    assert!(
        shown.contains(" stats") && !shown.contains("user"),
        "{shown}"
    );
}

/// While the quit dialog is open the bar hints nothing: its keys would not act there, and the
/// dialog lists its own (s / d / c).
#[tokio::test]
async fn the_quit_dialog_leaves_the_bar_without_hints() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u062").await;
    crate::app::update::tests::run_command(&mut s, &store, "set budget.total=2000").await;
    s.status.message = None;
    assert!(bar(&s, 120).contains("q quit"), "{}", bar(&s, 120));
    settle(&mut s, &store, Action::Quit).await;
    assert_eq!(s.ui.overlay, crate::app::state::Overlay::ConfirmQuit);
    let shown = bar(&s, 120);
    assert!(
        !shown.contains("quit") && !shown.contains("help"),
        "{shown}"
    );
}

/// The prompt diff with nothing tuned says so instead of a silent `-0 +0 lines`.
#[tokio::test]
async fn an_untuned_prompt_diff_says_nothing_is_tuned() {
    let (mut s, store) = demo_app().await;
    open(&mut s, &store, "u001").await;
    settle(&mut s, &store, Action::ShowPrompt).await;
    settle(&mut s, &store, Action::ToggleDiff).await;
    let shown = super::tests::rows(&s, 120, 40).join("\n");
    assert!(shown.contains("Prompt diff · nothing tuned"), "{shown}");
    assert!(!shown.contains("-0 +0 lines"), "{shown}");
}
