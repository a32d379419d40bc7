//! The contract between the peer coroutine and whatever drives it (the bridge, the `Stepper`):
//! what it yields, what it is resumed with. Ports the role of ExaBGP's `ACTION` values
//! (`reactor/peer.py`), with every side effect made explicit so the coroutine stays sans-IO.
//!
//! Driving rules:
//! - resume with `Resume::Ack` after `Yield::Do(effect)` once the effect is applied (or queued);
//! - resume with `Resume::Event(event)` after `Yield::Wait`, when something happened;
//! - after `Yield::Do(Effect::Poll)` the driver may resume with an event that is already there
//!   (or, when its write queue is over the high-water mark, wait for one), else with `Ack`;
//! - never resume after the coroutine completed (it returns an `Outcome`).
//!
//! Events and effects are serde types (bytes as lower-case hex) so a session can be recorded as
//! JSON lines and replayed through a `Stepper`.

use crate::bgp::fsm::State;
use crate::bgp::message::open::capability::negotiated::Negotiated;
use crate::bgp::message::update::Update;
use crate::bgp::message::{Frame, MessageType};
use crate::bgp::timer::Timer;
use crate::protocol::family::Family;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// What the coroutine hands to its driver.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Yield {
    /// Apply this effect, then resume with `Ack`.
    Do(Effect),
    /// Nothing to do until something happens: resume with the next `Event`.
    Wait,
}

/// What the driver resumes the coroutine with.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Resume {
    Ack,
    Event(Event),
}

/// Whether a message may be held back when the socket is slow.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Priority {
    /// OPEN, KEEPALIVE, NOTIFICATION, ROUTE-REFRESH requests: never held back by
    /// back-pressure, written before any queued bulk message (at a message boundary).
    Urgent,
    /// UPDATEs from the adj-rib-out and the End-of-RIB that follows them (it must not overtake
    /// them): the driver may stop answering `Effect::Poll` while its write queue is above its
    /// high-water mark.
    Bulk,
}

/// A side effect the driver performs. Results come back later as events.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// The FSM changed state (ExaBGP's `fsm.change`, and the API `fsm` message).
    Transition { from: State, to: State },
    /// Open an outgoing TCP connection to the neighbour; answered by `TcpConnected` or `TcpFailed`.
    Connect,
    /// Write a whole message (header included) on the current connection.
    Send {
        #[serde(with = "hex")]
        message: Bytes,
        priority: Priority,
    },
    /// From now on frame incoming messages up to this length (4096, or 65535 with RFC 8654).
    MessageSize(usize),
    /// Start (or restart) a timer; `Event::Timer(timer)` when it expires. The driver may add jitter
    /// to `ConnectRetry` and `IdleHold` (RFC 4271 §10), never to `Hold` or `Keepalive`.
    Arm { timer: Timer, after: Duration },
    /// Stop a timer; no `Event::Timer` may follow for it until it is armed again.
    Disarm(Timer),
    /// Something for the API helper processes.
    Deliver(ApiEvent),
    /// Close the current connection (pending or established) once the `Urgent` messages queued
    /// before this effect are flushed (bounded by a short timeout), dropping queued bulk ones.
    Close(String),
    /// Make the connection handed over by `Event::Incoming` the current one (the previous one,
    /// if any, was closed by a `Close` just before).
    Accept,
    /// Refuse the connection handed over by `Event::Incoming`: write this NOTIFICATION on it
    /// (RFC 4271 §6.8 collision resolution) and close it.
    Reject {
        #[serde(with = "hex")]
        notification: Bytes,
    },
    /// The coroutine has more bulk work: resume with `Ack` to let it go on, or with an event
    /// that is already waiting (timers and reads keep flowing while bulk sends are throttled).
    Poll,
}

/// Something that happened, fed to the coroutine.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    /// Start the peer (always the first event: genawaiter drops the first resume value).
    Start,
    /// Stop the peer for good: a NOTIFICATION Cease with this subcode is sent if an OPEN went out
    /// (2 Administrative Shutdown when the daemon exits, 3 Peer De-configured when removed).
    Stop { subcode: u8 },
    /// The outgoing connection asked by `Effect::Connect` is up.
    TcpConnected { local: SocketAddr, peer: SocketAddr },
    /// The outgoing connection failed.
    TcpFailed(String),
    /// The listener hands over an incoming connection from this neighbour; the coroutine answers
    /// `Effect::Accept` or `Effect::Reject` (collision detection, RFC 4271 §6.8).
    Incoming { local: SocketAddr, peer: SocketAddr },
    /// A message framed off the current connection.
    Message(#[serde(with = "frame")] Frame),
    /// The bytes on the connection could not be framed (`bgp::message::frame` error): the
    /// NOTIFICATION to send (RFC 4271 §6.1).
    BadFrame {
        code: u8,
        subcode: u8,
        #[serde(with = "hex")]
        data: Bytes,
    },
    /// A timer armed with `Effect::Arm` expired.
    Timer(Timer),
    /// A command from the API (or the reactor) for this peer.
    Api(Command),
    /// The current connection closed (by the peer, or on a read/write error).
    Closed(String),
}

/// Commands for an established (or establishing) peer, from the reactor and the API.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Command {
    /// The adj-rib-out has changes to send (announce, withdraw, flush).
    RibUpdated,
    /// Send our adj-rib-out again, for one family or all (`neighbor ... rib resend`, RFC 2918).
    Resend { family: Option<Family> },
    /// Send End-of-RIB for one family or every negotiated one (`manual-eor`, RFC 4724 §2).
    Eor { family: Option<Family> },
    /// Ask the peer to resend its routes for a family (ROUTE-REFRESH request, RFC 2918).
    RouteRefresh { family: Family },
    /// Send this whole message as built by the API (OPERATIONAL, ...) once established.
    Send {
        #[serde(with = "hex")]
        message: Bytes,
    },
    /// Close the session with NOTIFICATION Cease/subcode (`teardown`, ExaBGP's `Peer.teardown`);
    /// with `restart` the peer reconnects afterwards.
    Teardown { subcode: u8, restart: bool },
}

/// What the API helper processes are told (ExaBGP's `processes.connected/up/down/message/negotiated`).
/// Sent messages are not repeated here: every `Effect::Send` is a sent message.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ApiEvent {
    /// A TCP connection to the neighbour is up.
    Connected { local: SocketAddr, peer: SocketAddr },
    /// The session reached ESTABLISHED.
    Up,
    /// The session went down (only after it reached CONNECT or beyond, as ExaBGP).
    Down(String),
    /// The OPEN bodies (header removed) both sides sent: enough to rebuild `Negotiated`, which
    /// the coroutine hands along as it agreed it.
    Negotiated {
        #[serde(with = "hex")]
        sent: Bytes,
        #[serde(with = "hex")]
        received: Bytes,
        #[serde(skip)]
        negotiated: Decoded<Negotiated>,
    },
    /// A message received and accepted (decoded without a session-resetting error); an UPDATE
    /// comes with the value the coroutine decoded, so that nothing decodes it again.
    Received {
        kind: u8,
        #[serde(with = "hex")]
        body: Bytes,
        #[serde(skip)]
        update: Decoded<Update>,
    },
}

/// A value decoded from the bytes beside it, shared so that it is decoded once. It is not part
/// of the event's identity: any two are equal, and a recording keeps only the bytes (a replayed
/// event has none, and its user decodes the bytes).
#[derive(Clone)]
pub struct Decoded<T>(pub Option<Arc<T>>);

impl<T> Decoded<T> {
    pub fn new(value: T) -> Decoded<T> {
        Decoded(Some(Arc::new(value)))
    }

    pub fn get(&self) -> Option<&T> {
        self.0.as_deref()
    }
}

impl<T> Default for Decoded<T> {
    fn default() -> Decoded<T> {
        Decoded(None)
    }
}

impl<T> PartialEq for Decoded<T> {
    fn eq(&self, _: &Decoded<T>) -> bool {
        true
    }
}

impl<T> Eq for Decoded<T> {}

impl<T> std::fmt::Debug for Decoded<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Decoded" } else { "None" })
    }
}

/// Why the coroutine completed.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Stopped by `Event::Stop` or a teardown without restart.
    Stopped,
    /// The configured number of connection attempts was used up (ExaBGP's `tcp.attempts`).
    GaveUp,
}

/// Bytes as a lower-case hex string.
pub mod hex {
    use bytes::Bytes;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub use crate::util::hex::{from_hex as decode, lower as encode};

    pub fn serialize<S: Serializer>(bytes: &Bytes, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Bytes, D::Error> {
        let text = String::deserialize(deserializer)?;
        decode(&text)
            .map(Bytes::from)
            .ok_or_else(|| D::Error::custom("invalid hex string"))
    }
}

/// A `Frame` as `{"kind": 4, "body": "hex"}`.
mod frame {
    use super::*;
    use serde::{Deserializer, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Wire {
        kind: u8,
        #[serde(with = "hex")]
        body: Bytes,
    }

    pub fn serialize<S: Serializer>(frame: &Frame, serializer: S) -> Result<S::Ok, S::Error> {
        Wire {
            kind: frame.kind.0,
            body: frame.body.clone(),
        }
        .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Frame, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        Ok(Frame {
            kind: MessageType(wire.kind),
            body: wire.body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::hex;

    #[test]
    fn hex_round_trip() {
        assert_eq!(hex::encode(&[0x00, 0xff, 0x1a]), "00ff1a");
        assert_eq!(hex::decode("00ff1a"), Some(vec![0x00, 0xff, 0x1a]));
        assert_eq!(hex::decode("0"), None);
        assert_eq!(hex::decode("zz"), None);
        assert_eq!(hex::decode("é0"), None);
    }
}
