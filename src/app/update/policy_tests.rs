//! `:policy`: loading a policy over tuning, saved or not, and tuning made while one loads.

use super::command_tests::{command, message};
use super::tests::demo_app;
use super::*;

/// Over unsaved tuning, `:policy` reads the policy but keeps the tuning (saying how to save it
/// or to load over it); a name that is no policy is said so, not offered to load over the
/// tuning; `:policy!` loads over it.
#[tokio::test]
async fn policy_keeps_unsaved_tuning_unless_told_to_drop_it() {
    let (mut s, ctx) = demo_app().await;
    // Untuned: loads at once.
    let effects = command(&mut s, &ctx, "policy layered-adr").await;
    assert_eq!(effects, [Effect::LoadPolicy("layered-adr".into())]);
    for effect in effects {
        let answer = crate::tui::effects::run(effect, ctx.clone()).await;
        update(&mut s, answer);
    }
    assert_eq!(s.session.policy.name, "layered-adr");
    command(&mut s, &ctx, "set budget.total=3000").await;
    assert!(s.unsaved());
    let tuned = s.session.policy.clone();
    let effects = command(&mut s, &ctx, "policy prolaunch").await;
    assert_eq!(effects, [Effect::LoadPolicy("prolaunch".into())]);
    for effect in effects {
        let answer = crate::tui::effects::run(effect, ctx.clone()).await;
        update(&mut s, answer);
    }
    assert_eq!(s.session.policy, tuned, "the tuning is kept");
    let (text, error) = message(&s);
    assert!(
        error
            && text.contains(
                "policy prolaunch from \"prolaunch\" read, not loaded: the tuning is not saved"
            )
            && text.contains(":policy! \"prolaunch\" drops it"),
        "{text}"
    );
    // No such policy: said so, nothing offered.
    for effect in command(&mut s, &ctx, "policy nosuch").await {
        let answer = crate::tui::effects::run(effect, ctx.clone()).await;
        update(&mut s, answer);
    }
    let (text, error) = message(&s);
    assert!(
        error && text.contains("nosuch") && !text.contains(":policy!"),
        "{text}"
    );
    assert_eq!(s.session.policy, tuned);
    let effects = command(&mut s, &ctx, "policy! prolaunch").await;
    assert_eq!(effects, [Effect::LoadPolicy("prolaunch".into())]);
    for effect in effects {
        let answer = crate::tui::effects::run(effect, ctx.clone()).await;
        update(&mut s, answer);
    }
    assert_eq!(s.session.policy.name, "prolaunch");
    assert!(!s.unsaved());
    // Saved while the policy loaded: nothing is lost by loading it, so it loads.
    command(&mut s, &ctx, "set budget.total=3100").await;
    assert!(s.unsaved());
    let effects = command(&mut s, &ctx, "policy layered-adr").await;
    s.tune.saved = Some(Box::new(s.session.policy.clone()));
    assert!(!s.unsaved(), "saved meanwhile");
    for effect in effects {
        let answer = crate::tui::effects::run(effect, ctx.clone()).await;
        update(&mut s, answer);
    }
    assert_eq!(s.session.policy.name, "layered-adr");
}

/// A policy load says it is loading while it does (a slow file), and tuning made meanwhile is
/// not dropped by it arriving: the load is refused, said so; untuned, it applies.
#[tokio::test]
async fn tuning_made_while_a_policy_loads_is_not_dropped_by_it() {
    let (mut s, ctx) = demo_app().await;
    let layered = || Box::new(crate::engine::Policy::preset("layered-adr").expect("preset"));
    let effects = command(&mut s, &ctx, "policy layered-adr").await;
    assert_eq!(effects, [Effect::LoadPolicy("layered-adr".into())]);
    assert!(
        s.status.loading.contains(&crate::app::task::Task::Policy),
        "loading is shown"
    );
    command(&mut s, &ctx, "set budget.total=3000").await;
    let tuned = s.session.policy.clone();
    update(
        &mut s,
        Action::PolicyLoaded(layered(), "layered-adr".into()),
    );
    assert_eq!(s.session.policy, tuned, "the tuning made meanwhile stays");
    assert!(
        !s.status.loading.contains(&crate::app::task::Task::Policy),
        "no longer loading"
    );
    let (text, error) = message(&s);
    assert!(
        error
            && text.contains("tuned while it loaded")
            && text.contains(":policy! \"layered-adr\""),
        "{text}"
    );
    // Asked again over the tuning, and nothing tuned meanwhile: it applies.
    command(&mut s, &ctx, "policy! layered-adr").await;
    update(
        &mut s,
        Action::PolicyLoaded(layered(), "layered-adr".into()),
    );
    assert_eq!(s.session.policy.name, "layered-adr");
    assert!(!s.unsaved());
    // Two loads asked for, the first slower: the last asked for stays, whatever the order
    // they arrive in.
    command(&mut s, &ctx, "policy layered-adr").await;
    command(&mut s, &ctx, "policy prolaunch").await;
    let prolaunch = Box::new(crate::engine::Policy::preset("prolaunch").expect("preset"));
    update(&mut s, Action::PolicyLoaded(prolaunch, "prolaunch".into()));
    assert_eq!(s.session.policy.name, "prolaunch");
    update(
        &mut s,
        Action::PolicyLoaded(layered(), "layered-adr".into()),
    );
    assert_eq!(
        s.session.policy.name, "prolaunch",
        "an earlier ask arriving late is dropped"
    );
    let loading = |s: &State| s.status.loading.contains(&crate::app::task::Task::Policy);
    // The last asked for fails first: nothing is awaited; the earlier one arriving is dropped.
    command(&mut s, &ctx, "policy layered-adr").await;
    command(&mut s, &ctx, "policy nope").await;
    update(
        &mut s,
        Action::PolicyFailed("nope".into(), "no such preset".into()),
    );
    assert!(!loading(&s));
    update(
        &mut s,
        Action::PolicyLoaded(layered(), "layered-adr".into()),
    );
    assert_eq!(s.session.policy.name, "prolaunch");
    assert!(!loading(&s), "nothing is said to load");
    // An earlier one fails: the last is still awaited, said to load, and applies.
    command(&mut s, &ctx, "policy nope").await;
    command(&mut s, &ctx, "policy layered-adr").await;
    update(
        &mut s,
        Action::PolicyFailed("nope".into(), "no such preset".into()),
    );
    assert!(loading(&s), "the last one still loads");
    update(
        &mut s,
        Action::PolicyLoaded(layered(), "layered-adr".into()),
    );
    assert_eq!(s.session.policy.name, "layered-adr");
    assert!(!loading(&s));
}
