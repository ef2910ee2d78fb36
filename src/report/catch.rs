//! Panics caught per user: one user's bad data fails that user, not its batch or the run, and
//! the caught panic stays off stderr (and out of the TUI's restoring panic hook).

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Once;
use std::task::{Context, Poll};

use futures_util::FutureExt;

thread_local! {
    /// Set while this thread runs code whose panics are caught and reported as data.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

/// Wraps the process's panic hook once: a panic raised while [`CATCHING`] is set skips it (the
/// panic is caught and reported as the user's failure); every other panic reaches it as before.
fn hush_caught_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Sets [`CATCHING`] for its lifetime; dropped while unwinding too, so the flag never leaks.
struct Catching;

impl Catching {
    fn start() -> Catching {
        CATCHING.with(|c| c.set(true));
        Catching
    }
}

impl Drop for Catching {
    fn drop(&mut self) {
        CATCHING.with(|c| c.set(false));
    }
}

/// A future polled with [`CATCHING`] set (each poll may run on another thread).
struct Hushed<F: Future>(Pin<Box<F>>);

impl<F: Future> Future for Hushed<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _catching = Catching::start();
        self.0.as_mut().poll(cx)
    }
}

/// Runs `fut`; a panic inside it becomes `Err` with the panic's message.
pub async fn future<F: Future>(fut: F) -> Result<F::Output, String> {
    hush_caught_panics();
    AssertUnwindSafe(Hushed(Box::pin(fut)))
        .catch_unwind()
        .await
        .map_err(message)
}

/// Runs `f`; a panic inside it becomes `Err` with the panic's message.
pub fn call<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    hush_caught_panics();
    std::panic::catch_unwind(AssertUnwindSafe(|| {
        let _catching = Catching::start();
        f()
    }))
    .map_err(message)
}

fn message(payload: Box<dyn Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic without a message".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_is_an_error_and_the_flag_is_cleared() {
        let r: Result<(), String> = call(|| panic!("bad row {}", 7));
        assert_eq!(r, Err("bad row 7".to_string()));
        assert!(!CATCHING.with(Cell::get), "cleared after unwinding");
        assert_eq!(call(|| 3), Ok(3));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let r = rt.block_on(future(async {
            if CATCHING.with(Cell::get) {
                panic!("in a future");
            }
        }));
        assert_eq!(r, Err("in a future".to_string()));
        assert!(!CATCHING.with(Cell::get));
    }
}
