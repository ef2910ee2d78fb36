//! A gate that lets `n` holders through at once and, when full, the one that came last next:
//! the users list's pages are counted newest request first, so the page a person just jumped
//! to (`G`, a scroll) is counted before the pages read on the way there.

use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

/// At most `n` [`Turn`]s at once; waiters are let in newest first.
#[derive(Debug)]
pub struct NewestFirst {
    state: Mutex<Gate>,
}

#[derive(Debug)]
struct Gate {
    free: usize,
    waiting: Vec<oneshot::Sender<Turn>>,
}

/// A holder's turn: handed to the newest waiter when dropped (a waiter gone by then drops it
/// again, and it goes to the next), else given back to the gate.
#[derive(Debug)]
pub struct Turn(Arc<NewestFirst>);

impl NewestFirst {
    pub fn new(n: usize) -> Arc<Self> {
        Arc::new(NewestFirst {
            state: Mutex::new(Gate {
                free: n,
                waiting: Vec::new(),
            }),
        })
    }

    /// Waits for a turn.
    pub async fn turn(self: &Arc<Self>) -> Turn {
        let rx = {
            let mut g = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if g.free > 0 {
                g.free -= 1;
                return Turn(self.clone());
            }
            let (tx, rx) = oneshot::channel();
            g.waiting.push(tx);
            rx
        };
        match rx.await {
            Ok(turn) => turn,
            // The gate holds every sender until it hands a turn over: not reached.
            Err(_) => Turn(self.clone()),
        }
    }

    fn release(self: &Arc<Self>) {
        let next = {
            let mut g = self.state.lock().unwrap_or_else(|p| p.into_inner());
            match g.waiting.pop() {
                Some(tx) => tx,
                None => {
                    g.free += 1;
                    return;
                }
            }
        };
        // Refused (the waiter's task is gone), the turn comes back and is dropped: handed on.
        let _ = next.send(Turn(self.clone()));
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.0.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Full, the gate lets in the waiter that came last; a waiter that gave up is passed
    /// over, and no turn is lost (the gate is free again once all are done).
    #[tokio::test]
    async fn the_newest_waiter_goes_first() {
        let gate = NewestFirst::new(1);
        let held = gate.turn().await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for name in ["first", "second", "gives up", "last"] {
            let (mine, order) = (gate.clone(), order.clone());
            let task = tokio::spawn(async move {
                let _turn = mine.turn().await;
                order.lock().expect("order").push(name);
            });
            // Each is waiting before the next asks.
            while gate.state.lock().expect("gate").waiting.len() < tasks.len() + 1 {
                tokio::task::yield_now().await;
            }
            tasks.push(task);
        }
        tasks.remove(2).abort();
        drop(held);
        for t in tasks {
            t.await.expect("a task");
        }
        assert_eq!(*order.lock().expect("order"), ["last", "second", "first"]);
        // Every turn came back: the gate is free again.
        assert_eq!(gate.state.lock().expect("gate").free, 1);
    }
}
