//! The loop's own tests: panics caught at the task boundary, keys while too small, pastes and
//! ctrl-z, quitting during a search, the progress channel followed and drawn under the store's
//! key prefix.

use super::*;
use crate::store::{
    EventStream, KnowledgeHits, KnowledgeQuery, LoadOptions, MemoryStore, StoreError, UserData,
    UserPage,
};

/// What a fake progress channel answers each subscription with.
type Subscribe = Box<dyn Fn() -> Result<EventStream, StoreError> + Send + Sync>;

/// The demo with what a test changes of it: loading a user panics once armed (a bug on a data
/// path), asking how many users there are is told (what a search asks first, once it holds
/// its stop signal), the progress channel answers as `subscribe` says, and key and channel names
/// begin with `key_prefix`.
#[derive(Default)]
struct Fake {
    panics_on_load: std::sync::atomic::AtomicBool,
    counted: Option<Arc<tokio::sync::Notify>>,
    subscribe: Option<Subscribe>,
    key_prefix: &'static str,
    /// Says nothing of how many users there are (as live stores).
    uncounted: bool,
}

/// [`Fake`] over the demo.
struct FakeDemo(MemoryStore, Fake);

#[async_trait::async_trait]
impl Store for FakeDemo {
    fn describe(&self) -> String {
        self.0.describe()
    }
    fn key_prefix(&self) -> &str {
        self.1.key_prefix
    }
    fn user_count(&self) -> Option<usize> {
        if let Some(n) = &self.1.counted {
            n.notify_one();
        }
        if self.1.uncounted {
            return None;
        }
        self.0.user_count()
    }
    async fn users(&self, cursor: Option<&str>, limit: usize) -> Result<UserPage, StoreError> {
        self.0.users(cursor, limit).await
    }
    async fn load_user(&self, user: &str, o: &LoadOptions) -> Result<UserData, StoreError> {
        if self
            .1
            .panics_on_load
            .load(std::sync::atomic::Ordering::SeqCst)
        {
            panic!("index out of bounds reading {user}")
        }
        self.0.load_user(user, o).await
    }
    async fn health(&self) -> Vec<crate::store::Health> {
        self.0.health().await
    }
    async fn subscribe(&self, user: Option<&str>) -> Result<EventStream, StoreError> {
        match &self.1.subscribe {
            Some(answer) => answer(),
            None => self.0.subscribe(user).await,
        }
    }
    async fn search_knowledge(&self, q: &KnowledgeQuery) -> Result<KnowledgeHits, StoreError> {
        self.0.search_knowledge(q).await
    }
}

fn fake(f: Fake) -> Arc<FakeDemo> {
    Arc::new(FakeDemo(MemoryStore::demo(), f))
}

#[tokio::test]
async fn a_panic_in_a_load_is_that_loads_error_and_the_app_goes_on() {
    let panicking = fake(Fake::default());
    let store: Arc<dyn Store> = panicking.clone();
    let (mut s, store) = crate::app::update::tests::app_over(store, false).await;
    panicking
        .1
        .panics_on_load
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let (tx, mut rx) = unbounded_channel();
    let mut ctx = store;
    for effect in update(&mut s, Action::Select) {
        spawn(effect, &mut ctx, &tx);
    }
    let action = rx.recv().await.expect("the task answers");
    assert!(
        matches!(&action, Action::UserFailed(_, TaskError::Other(msg))
            if msg.contains("index out of bounds reading u001")),
        "{action:?}"
    );
    update(&mut s, action);
    assert_eq!(s.user.loading, None);
    // Said where the user would be (the screen has no user to show), once.
    let (user, why) = s.user.failed.clone().expect("shown");
    assert!(
        user == "u001" && why.contains("internal error"),
        "{user}: {why}"
    );
    // The app goes on: another page of work still runs.
    for effect in update(&mut s, Action::Refresh) {
        spawn(effect, &mut ctx, &tx);
    }
    assert!(rx.recv().await.is_some());
}

#[tokio::test]
async fn a_panic_following_progress_is_the_feeds_error_and_the_app_goes_on() {
    let store: Arc<dyn Store> = fake(Fake {
        subscribe: Some(Box::new(|| panic!("progress decoder fell over"))),
        ..Fake::default()
    });
    let (mut s, _) = crate::app::update::tests::app_over(store.clone(), false).await;
    let (tx, mut rx) = unbounded_channel();
    follow_caught(store, tx).await;
    let action = rx.recv().await.expect("the follower answers");
    assert!(
        matches!(&action, Action::Failed(Task::Progress, TaskError::Other(msg))
            if msg.contains("progress decoder fell over")),
        "{action:?}"
    );
    update(&mut s, action);
    let msg = s.status.message.clone().expect("shown");
    assert!(
        msg.error && msg.text.contains("internal error"),
        "{}",
        msg.text
    );
}

#[tokio::test]
async fn while_too_small_to_draw_only_quitting_acts() {
    let (mut s, _) = crate::app::update::tests::demo_app().await;
    let mut pending = vec![];
    update(&mut s, Action::Resize(60, 20));
    for c in ['j', '2', ':', '/', 'R'] {
        assert_eq!(
            map_event(&s, &mut pending, press(c, KeyModifiers::NONE)),
            None
        );
    }
    assert_eq!(
        map_event(&s, &mut pending, press('q', KeyModifiers::NONE)),
        Some(Action::Quit)
    );
    update(&mut s, Action::Resize(80, 24));
    assert_eq!(
        map_event(&s, &mut pending, press('2', KeyModifiers::NONE)),
        Some(Action::ShowLayers)
    );
}

/// With unsaved tuning, `q` while too small asks, the question is drawn, and discard or
/// cancel answer it there (saving, which asks for a file, waits for the room).
#[tokio::test]
async fn while_too_small_the_quit_question_shows_and_is_answered() {
    use crate::app::state::Overlay;
    let (mut s, _) = crate::app::update::tests::demo_app().await;
    let mut pending = vec![];
    s.session.policy.budget.total = Some(3000);
    assert!(s.modified());
    update(&mut s, Action::Resize(50, 12));
    let quit = map_event(&s, &mut pending, press('q', KeyModifiers::NONE)).expect("q acts");
    update(&mut s, quit);
    assert_eq!(s.ui.overlay, Overlay::ConfirmQuit);
    let said = crate::ui::tests::rows(&s, 50, 12).join(" ");
    let said = said.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains("d discards it and quits, c cancels"),
        "{said}"
    );
    assert_eq!(
        map_event(&s, &mut pending, press('s', KeyModifiers::NONE)),
        None,
        "saving waits for the room"
    );
    let cancel = map_event(&s, &mut pending, press('c', KeyModifiers::NONE)).expect("c acts");
    update(&mut s, cancel);
    assert_eq!(s.ui.overlay, Overlay::None);
    // The question put away, the screen says `q` asks again, not that it quits.
    let said = crate::ui::tests::rows(&s, 50, 12).join(" ");
    let said = said.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains("q quits, asking first: the tuning is not saved."),
        "{said}"
    );
    let quit = map_event(&s, &mut pending, press('q', KeyModifiers::NONE)).expect("q acts");
    update(&mut s, quit);
    let discard = map_event(&s, &mut pending, press('d', KeyModifiers::NONE)).expect("d acts");
    update(&mut s, discard);
    assert_eq!(s.ui.quit, crate::app::state::Quit::Now);
}

fn press(c: char, modifiers: KeyModifiers) -> Event {
    Event::Key(crossterm::event::KeyEvent::new(KeyCode::Char(c), modifiers))
}

#[tokio::test]
async fn a_paste_is_one_paste_action_whatever_is_open_and_ctrl_z_suspends() {
    let (mut s, _) = crate::app::update::tests::demo_app().await;
    let text = "user u005\nq";
    for palette in [false, true] {
        if palette {
            update(&mut s, Action::Palette);
        }
        // Half of `g g` typed before it.
        let mut pending = vec![KeyName::from("g")];
        assert_eq!(
            map_event(&s, &mut pending, Event::Paste(text.into())),
            Some(Action::Paste(text.into())),
            "palette open: {palette}"
        );
        assert!(pending.is_empty(), "a paste ends a key sequence");
    }
    // ctrl-z is looked for before the keymap and the input line: it suspends from anywhere.
    assert!(is_suspend_key(&press('z', KeyModifiers::CONTROL)));
    assert!(!is_suspend_key(&press('z', KeyModifiers::NONE)));
    assert!(!is_suspend_key(&Event::Paste("\u{1a}".into())));
}

/// ctrl-c while the optimizer runs: the loop ends and so does the search, which would otherwise
/// go on on its blocking thread (the process could not exit until it was done).
#[tokio::test]
async fn quitting_during_a_search_stops_it() {
    let counted = Arc::new(tokio::sync::Notify::new());
    let store = fake(Fake {
        counted: Some(counted.clone()),
        ..Fake::default()
    });
    let (mut s, ctx) = crate::app::update::tests::app_over(store, false).await;
    // Unstopped, a search of this many trials would run for hours.
    s.optimize.trials = 1_000_000;
    s.ui.size = (120, 40);
    let stop = ctx.optimizer_stop.clone();
    let mut terminal =
        Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("a test terminal");
    let (keys, typed) = unbounded_channel();
    let run = typed_loop(&mut terminal, &mut s, ctx, typed, false);
    let drive = async {
        // Tune, and the optimizer on it.
        for c in ['5', 'o'] {
            keys.send(Ok(press(c, KeyModifiers::NONE))).expect("typed");
        }
        counted.notified().await;
        keys.send(Ok(press('c', KeyModifiers::CONTROL)))
            .expect("typed");
    };
    let (ended, ()) = tokio::join!(run, drive);
    assert_eq!(ended.expect("the loop ends"), Ended::Quit);
    assert_eq!(
        s.optimize.running,
        Some(1),
        "it was running when q was pressed"
    );
    // Every search has let go of its stop signal: it ended. (A bound, should it not.)
    let ended = tokio::time::timeout(Duration::from_secs(300), stop.closed()).await;
    if ended.is_err() {
        // Stopped here, so that the failure is reported instead of the runtime waiting.
        stop.send_replace(u64::MAX);
    }
    assert!(ended.is_ok(), "the search was stopped when the loop ended");
}

/// The loop over `s` with the keys sent to `typed` as the terminal's events; `waiting`: whether
/// more are said to be in once one is read (else each is read alone).
async fn typed_loop(
    terminal: &mut Terminal<ratatui::backend::TestBackend>,
    s: &mut State,
    ctx: EffectContext,
    mut typed: tokio::sync::mpsc::UnboundedReceiver<std::io::Result<Event>>,
    waiting: bool,
) -> color_eyre::Result<Ended> {
    let events = futures_util::stream::poll_fn(move |cx| typed.poll_recv(cx));
    let mut stops = signals::Stops::none();
    let (themes, opts) = (Default::default(), TuiOptions::default());
    event_loop(
        terminal,
        s,
        ctx,
        &themes,
        &opts,
        &mut stops,
        (events, || waiting),
    )
    .await
}

fn channel(subscribe: Subscribe) -> Arc<dyn Store> {
    fake(Fake {
        subscribe: Some(subscribe),
        ..Fake::default()
    })
}

/// A progress event of `u001` at `milestone`.
fn event(milestone: &str) -> Result<crate::store::ProgressEvent, crate::store::BadEvent> {
    let json = format!(
        r#"{{"milestone":"{milestone}","progress":0.5,"timestamp":"2025-01-15T12:00:00Z"}}"#
    );
    crate::store::parse_progress("u001", json.as_bytes())
}

#[tokio::test]
async fn an_unreadable_progress_message_is_listed_on_live_naming_its_channel() {
    // A message that is not JSON, then an event; then the channel ends.
    let store = channel(Box::new(|| {
        let bad = crate::store::parse_progress("u001", b"hello \x1b[2J");
        Ok(Box::pin(futures_util::stream::iter([bad, event("M2")])))
    }));
    let (mut s, _) = crate::app::update::tests::app_over(store.clone(), false).await;
    let (tx, mut rx) = unbounded_channel();
    assert_eq!(
        effects::follow_progress(store, tx).await,
        effects::Followed::Lost,
        "a stream that ends is a connection lost"
    );
    // Heard on another screen: the store marked down, nothing popped over that screen.
    s.ui.screen = crate::app::state::Screen::Report;
    while let Ok(action) = rx.try_recv() {
        update(&mut s, action);
    }
    assert!(s.live.channel_store.is_some(), "an outage of its store");
    assert_eq!(s.status.message, None, "not said over the Report screen");
    assert!(
        s.live
            .trouble
            .as_deref()
            .is_some_and(|t| t.contains("the subscription ended")),
        "said on Live: {:?}",
        s.live.trouble
    );
    let entries: Vec<_> = s.live.events.iter().collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    match entries[1] {
        crate::app::state::LiveEntry::Unreadable(u) => {
            assert_eq!(u.user.as_deref(), Some("u001"));
            assert!(u.why.starts_with("payload is not JSON"), "{u:?}");
        }
        other => panic!("the unreadable message first: {other:?}"),
    }
    assert!(matches!(entries[0], crate::app::state::LiveEntry::Event(e) if e.milestone == "M2"));
}

/// Live resumes by itself: after the outage the channel is subscribed again (with backoff;
/// the test's clock is paused, so the waits pass at once).
#[tokio::test(start_paused = true)]
async fn the_progress_channel_is_followed_again_when_the_store_is_back() {
    // Away for the first three subscriptions (an outage), then one event, and it stays open.
    let away = std::sync::atomic::AtomicUsize::new(3);
    let store = channel(Box::new(move || {
        use std::sync::atomic::Ordering::SeqCst;
        if away
            .fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(StoreError::Unavailable {
                store: "redis 127.0.0.1:1".into(),
                what: "subscribe".into(),
                cause: "connection refused".into(),
            });
        }
        let events = futures_util::stream::iter([event("M3")]);
        Ok(Box::pin(events.chain(futures_util::stream::pending())))
    }));
    let (tx, mut rx) = unbounded_channel();
    let task = tokio::spawn(effects::keep_following(store, tx));
    let mut failures = 0;
    loop {
        match rx.recv().await.expect("the follower answers") {
            Action::Failed(Task::Progress, _) => failures += 1,
            Action::Progress(ev) => {
                assert_eq!(ev.milestone, "M3");
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(failures, 3, "each failed subscription said so");
    task.abort();
}

/// A store without a progress channel is said once, not retried.
#[tokio::test(start_paused = true)]
async fn a_store_without_a_channel_is_not_subscribed_again() {
    let store = channel(Box::new(|| {
        Err(StoreError::Config {
            store: "postgres".into(),
            what: "progress channel".into(),
            cause: "no Redis configured (--redis-url)".into(),
        })
    }));
    let (tx, mut rx) = unbounded_channel();
    effects::keep_following(store, tx).await;
    assert!(matches!(
        rx.recv().await,
        Some(Action::Failed(Task::Progress, _))
    ));
    assert!(
        rx.recv().await.is_none(),
        "said once, then the follower ended"
    );
}

/// With a key prefix (`--key-prefix app:`), the Live screen names the channels as the store does:
/// the one it waits on, and each event's.
#[tokio::test]
async fn live_names_the_channels_under_the_stores_key_prefix() {
    let store = fake(Fake {
        key_prefix: "app:",
        ..Fake::default()
    });
    let session = crate::app::update::tests::session(&Engine::default());
    let mut s = start_state(store.as_ref(), session, false, &TuiOptions::default());
    // Live needs no user: drawn as soon as the state is built.
    s.ui.screen = Screen::Live;
    let screen = |s: &State| {
        let t = crate::ui::tests::draw(s, 120, 40, &Theme::default());
        format!("{:?}", t.backend())
    };
    let waiting = screen(&s);
    assert!(
        waiting.contains("from the app:progress:* channel"),
        "{waiting}"
    );
    update(&mut s, Action::Progress(event("M2").expect("an event")));
    let shown = screen(&s);
    assert!(shown.contains("app:progress:u001"), "{shown}");
}

/// A fleet whose size the store does not tell is sampled on the Report screen; one smaller
/// than the sample was read whole, and the report does not call it a sample.
#[tokio::test]
async fn a_small_uncounted_fleet_is_not_called_a_sample() {
    let store: Arc<dyn Store> = fake(Fake {
        uncounted: true,
        ..Fake::default()
    });
    let (mut s, ctx) = crate::app::update::tests::app_over(store, false).await;
    crate::app::update::tests::settle(&mut s, &ctx, Action::ShowReport).await;
    let summary = s.report.summary.as_deref().expect("a report");
    assert_eq!(summary.users, 71);
    assert!(!summary.source.contains("sample"), "{}", summary.source);
}

/// A flood of progress events is taken in many to a frame, not one frame per event: 10,000
/// queued events are in after three frames' batches (at most BATCH_MAX each), in order.
#[tokio::test]
async fn a_flood_of_events_is_taken_in_by_the_batch_between_frames() {
    let (mut s, mut ctx) = crate::app::update::tests::demo_app().await;
    let (tx, mut rx) = unbounded_channel();
    for _ in 0..10_000 {
        tx.send(Action::Progress(event("M2").expect("an event")))
            .expect("queued");
    }
    let unbounded = Duration::MAX;
    let taken: Vec<usize> = (0..4)
        .map(|_| take_in(&mut s, &mut rx, &mut ctx, &tx, unbounded))
        .collect();
    assert_eq!(taken, [BATCH_MAX, BATCH_MAX, 10_000 - 2 * BATCH_MAX, 0]);
    assert_eq!(s.live.received, 10_000);
    // A quit stops the batch: what follows waits (the loop then ends).
    tx.send(Action::Quit).expect("queued");
    tx.send(Action::Progress(event("M3").expect("an event")))
        .expect("queued");
    assert_eq!(take_in(&mut s, &mut rx, &mut ctx, &tx, unbounded), 1);
    assert_eq!(s.ui.quit, crate::app::state::Quit::Now);
    assert_eq!(s.live.received, 10_000);
}

/// A Tune field stepped by a burst of keys (a key held down) is replayed once, after the burst
/// (a replay a key took seconds), and the result is the one of every step made in order: the
/// policy stepped each time, its replay, the screen a later key of the burst opens.
#[tokio::test]
async fn a_field_stepped_in_a_burst_is_replayed_once_to_the_same_result() {
    use crate::app::update::tests::{open, settle};
    let (mut s, ctx) = crate::app::update::tests::demo_app().await;
    s.ui.size = (120, 40);
    open(&mut s, &ctx, "u062").await;
    settle(&mut s, &ctx, Action::ShowTune).await;
    let engine = ctx.engine.clone();
    let field = crate::app::tune::fields(&s.session.policy)[s.tune.cursor].clone();
    let mut expected = s.session.policy.clone();
    for _ in 0..40 {
        expected = crate::app::tune::step(&expected, &field, 1).expect("a step");
    }
    let mut terminal =
        Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("a test terminal");
    let (keys, typed) = unbounded_channel();
    for _ in 0..40 {
        keys.send(Ok(press('l', KeyModifiers::NONE)))
            .expect("typed");
    }
    // Then Layers, whose rows are the replay's; then quit, throwing the tuning away.
    for c in ['2', 'q', 'd'] {
        keys.send(Ok(press(c, KeyModifiers::NONE))).expect("typed");
    }
    let ended = typed_loop(&mut terminal, &mut s, ctx, typed, true).await;
    assert_eq!(ended.expect("the loop ends"), Ended::Quit);
    assert_eq!(s.session.policy, expected, "every step made, in order");
    assert_eq!(s.user.replay_held, None, "nothing left held");
    assert!(!s.ui.burst);
    assert_eq!(s.ui.screen, Screen::Layers);
    let v = s.user.view.as_ref().expect("the user");
    assert_eq!(
        v.tuned.as_ref(),
        Some(&v.user.assemble(&engine, &expected)),
        "the replay is of the last step"
    );
}

/// Keys typed faster than frames are drawn (a burst, a key held down) are taken in together and
/// drawn once — one frame per key took seconds to catch up with a few thousand — and each acts
/// in order. Read one at a time (nothing said to be waiting), each is a frame.
#[tokio::test]
async fn a_burst_of_keys_is_taken_in_before_the_next_frame() {
    for waiting in [true, false] {
        let (mut s, ctx) = crate::app::update::tests::demo_app().await;
        s.ui.size = (120, 40);
        let mut terminal =
            Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("a test terminal");
        let (keys, typed) = unbounded_channel();
        for _ in 0..60 {
            keys.send(Ok(press('j', KeyModifiers::NONE)))
                .expect("typed");
        }
        keys.send(Ok(press('q', KeyModifiers::NONE)))
            .expect("typed");
        let ended = typed_loop(&mut terminal, &mut s, ctx, typed, waiting).await;
        assert_eq!(ended.expect("the loop ends"), Ended::Quit);
        assert_eq!(s.users.cursor, 60, "every key acted, in order");
        let frames = terminal.get_frame().count();
        if waiting {
            assert!(frames < 10, "{frames} frames for one burst");
        } else {
            assert!(frames > 60, "{frames} frames, one a key");
        }
    }
}

/// A tick that takes an expired status message away draws a frame: not drawn, the message
/// would stay on screen until something else is (seconds past its time).
#[tokio::test]
async fn a_tick_that_takes_a_message_away_is_drawn() {
    let (mut s, _) = crate::app::update::tests::demo_app().await;
    assert!(s.status.loading.is_empty() && s.ui.screen != Screen::Live);
    s.status.message = Some(crate::app::state::Message {
        text: "copied".into(),
        error: false,
        until: s.ui.tick + 3,
    });
    let mut drawn = Vec::new();
    for _ in 0..6 {
        let before = said(&s);
        update(&mut s, Action::Tick);
        drawn.push(tick_shows(&s, before));
    }
    assert!(s.status.message.is_none(), "expired");
    assert_eq!(
        drawn.iter().filter(|d| **d).count(),
        1,
        "one frame, when it goes: {drawn:?}"
    );
}
