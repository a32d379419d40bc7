//! No ExaBGP file of its own: ExaBGP's `reactor/api/processes.py` blocks on a helper's full pipe
//! (its async mode has `WRITE_QUEUE_HIGH_WATER` / `LOW_WATER` and gives up after 10 s). Here a
//! helper that falls behind loses nothing: what feeds it pauses until it caught up. The peers
//! that feed it stop reading their sockets (TCP pushes back on the sender; keepalives still go
//! out, and the bridge holds the Hold timer while it is the one not reading) and sending routes.

use event_listener::{Event, EventListener};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

/// Bytes queued for one helper above which what feeds it pauses (about 8,000 JSON UPDATEs).
pub const HIGH_WATER: usize = 4 << 20;
/// Bytes queued below which it resumes: the gap keeps the peers from pausing and resuming on
/// every message.
pub const LOW_WATER: usize = 1 << 20;

/// The helpers that are behind, shared by every helper's [`Backlog`] and the API, which every
/// peer's bridge asks before reading.
#[derive(Default)]
pub struct Flow {
    behind: RefCell<BTreeSet<String>>,
    /// Notified whenever a helper falls behind or catches up.
    changed: Event,
}

impl Flow {
    /// Whether the helper named `process` is behind.
    pub fn behind(&self, process: &str) -> bool {
        self.behind.borrow().contains(process)
    }

    /// Whether no helper is behind (what every peer's bridge checks before reading).
    pub fn flowing(&self) -> bool {
        self.behind.borrow().is_empty()
    }

    /// Resolves the next time a helper falls behind or catches up.
    pub fn changed(&self) -> EventListener {
        self.changed.listen()
    }

    fn set(&self, process: &str, behind: bool) {
        let changed = if behind {
            self.behind.borrow_mut().insert(process.to_string())
        } else {
            self.behind.borrow_mut().remove(process)
        };
        if changed {
            self.changed.notify(usize::MAX);
        }
    }
}

/// The bytes queued for one run of a helper and not yet written to its stdin.
pub struct Backlog {
    process: String,
    queued: Cell<usize>,
    behind: Cell<bool>,
    /// The helper was stopped: its queue no longer holds anything back.
    retired: Cell<bool>,
    flow: Rc<Flow>,
}

impl Backlog {
    pub fn new(process: &str, flow: Rc<Flow>) -> Backlog {
        Backlog {
            process: process.to_string(),
            queued: Cell::new(0),
            behind: Cell::new(false),
            retired: Cell::new(false),
            flow,
        }
    }

    /// `len` bytes were queued; true if that put the helper behind.
    pub fn push(&self, len: usize) -> bool {
        let queued = self.queued.get() + len;
        self.queued.set(queued);
        if queued > HIGH_WATER && !self.behind.get() && !self.retired.get() {
            self.behind.set(true);
            self.flow.set(&self.process, true);
            return true;
        }
        false
    }

    /// `len` bytes were written to the helper; true if it caught up.
    pub fn pop(&self, len: usize) -> bool {
        let queued = self.queued.get().saturating_sub(len);
        self.queued.set(queued);
        if queued <= LOW_WATER && self.behind.get() {
            self.behind.set(false);
            self.flow.set(&self.process, false);
            return !self.retired.get();
        }
        false
    }

    /// The bytes waiting.
    pub fn queued(&self) -> usize {
        self.queued.get()
    }

    /// The helper stopped (or a new run of it replaces this one): nothing waits for it any more.
    pub fn retire(&self) {
        self.retired.set(true);
        if self.behind.replace(false) {
            self.flow.set(&self.process, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_lite::future;

    fn ready(listener: &mut EventListener) -> bool {
        future::block_on(future::poll_once(listener)).is_some()
    }

    #[test]
    fn a_helper_is_behind_above_the_high_mark_until_it_is_back_at_the_low_mark() {
        let flow = Rc::new(Flow::default());
        let slow = Backlog::new("slow", flow.clone());
        let fast = Backlog::new("fast", flow.clone());

        assert!(!slow.push(HIGH_WATER), "at the mark, not above it");
        assert!(flow.flowing());
        let mut changed = flow.changed();
        assert!(!ready(&mut changed));
        assert!(slow.push(1), "above the mark: behind");
        assert!(!slow.push(1), "told once");
        assert!(ready(&mut changed), "the peers are woken to pause");
        assert!(!flow.flowing());
        assert!(flow.behind("slow") && !flow.behind("fast"));
        assert!(!fast.push(10), "another helper's traffic changes nothing");

        // hysteresis: still behind until the low mark
        let mut changed = flow.changed();
        assert!(!slow.pop(HIGH_WATER - LOW_WATER));
        assert!(!flow.flowing());
        assert!(!ready(&mut changed));
        assert!(slow.pop(2), "at the low mark: caught up");
        assert!(ready(&mut changed), "the peers are woken to read again");
        assert!(flow.flowing());
        assert_eq!(slow.queued(), LOW_WATER);
    }

    #[test]
    fn a_retired_helper_holds_nothing_back() {
        let flow = Rc::new(Flow::default());
        let old = Backlog::new("helper", flow.clone());
        old.push(HIGH_WATER + 1);
        assert!(flow.behind("helper"));
        old.retire();
        assert!(flow.flowing());
        // its successor of the same name starts empty; the old writer draining is not counted
        let new = Backlog::new("helper", flow.clone());
        assert!(!old.pop(HIGH_WATER + 1));
        assert!(
            !old.push(HIGH_WATER + 1),
            "a retired queue never holds back"
        );
        assert!(flow.flowing());
        assert!(new.push(HIGH_WATER + 1));
        assert!(flow.behind("helper"));
    }
}
