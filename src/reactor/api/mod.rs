//! Ports `exabgp/reactor/api/`: talking to helper processes. [`command`] parses what helpers
//! write, [`execute`] runs it against the peers of the [`registry`] ([`report`] answers the
//! `show` commands), [`fanout`] and [`response`] tell helpers what peers do, [`processes`]
//! runs them, and [`dispatch`] ties it all to the reactor through the small [`Hook`] the
//! reactor and the bridges call. All but `processes`, `dispatch`, `control`, `pipe` and
//! `unixsocket` are sans-IO.

pub mod backlog;
pub mod command;
pub mod control;
pub mod dispatch;
pub(crate) mod execute;
pub(crate) mod fanout;
pub mod pipe;
pub mod processes;
pub(crate) mod registry;
pub(crate) mod report;
pub mod response;
pub mod unixsocket;

use crate::bgp::neighbor::Neighbor;
use crate::reactor::peer::event::{ApiEvent, Command as PeerCommand};
use async_executor::LocalExecutor;
use bytes::Bytes;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// What the API asks of the reactor.
pub enum Request {
    /// Send `command` to every running peer whose neighbour `select` accepts.
    Peers {
        select: Box<dyn Fn(&Neighbor) -> bool>,
        command: PeerCommand,
    },
    /// A helper's `shutdown`.
    Shutdown,
    /// A helper's `reload` (or a neighbour it created or deleted).
    Reload,
    /// A helper's `restart`.
    Restart,
    /// A helper ended and `exabgp.api.terminate` is set: stop, telling the helpers no signal
    /// (ExaBGP's `_termination`).
    Terminate,
}

/// The reactor's side of the API: the reactor starts and stops it and carries out its
/// requests; every peer's bridge reports its events and sent messages.
pub trait Hook {
    /// Starts the helper processes (once the executor runs).
    fn start(&self, executor: &Rc<LocalExecutor<'static>>);
    /// The configuration was loaded again: the helpers follow its `process` blocks. One whose
    /// block changed is restarted only when `restart` (USR2, `restart`), as ExaBGP.
    fn reloaded(&self, restart: bool);
    /// The next request from the helpers' commands.
    fn next(&self) -> Pin<Box<dyn Future<Output = Request> + '_>>;
    /// Something happened on a peer's session.
    fn event(&self, neighbor: &Neighbor, event: &ApiEvent);
    /// A peer's FSM entered `state` (the `fsm` subscription).
    fn fsm(&self, neighbor: &Neighbor, state: crate::bgp::fsm::State);
    /// The reactor is about to act on a signal (its number), or on a helper's `shutdown`,
    /// `reload` or `restart` (0): ExaBGP tells each peer's helpers subscribed to `signal`.
    fn signal(&self, neighbor: &Neighbor, number: i32);
    /// A whole message (header included) a peer is sending.
    fn sent(&self, neighbor: &Neighbor, message: &Bytes);
    /// A peer stopped for good (removed by a reload, or out of connection attempts): `show`
    /// no longer lists it.
    fn ended(&self, neighbor: &Neighbor);
    /// Tells the helpers the daemon stops, and stops them.
    fn stop(&self) -> Pin<Box<dyn Future<Output = ()> + '_>>;
    /// Whether `neighbor`'s bridge leaves its socket unread for now: a helper that gets its
    /// messages is behind ([`backlog`]).
    fn paused(&self, _neighbor: &Neighbor) -> bool {
        false
    }
    /// Resolves the next time [`Hook::paused`] may have changed.
    fn flow(&self) -> Pin<Box<dyn Future<Output = ()> + '_>> {
        Box::pin(futures_lite::future::pending())
    }
}
