//! Ports `exabgp/bgp/timer.py`: the FSM timers by name and the keepalive interval (RFC 4271 §4.4, §8, §10).
//! Hold-time negotiation and its 0-or-at-least-3 rule live in `Negotiated::new` (RFC 4271 §4.2, §6.2).
//!
//! ExaBGP's ReceiveTimer and SendTimer read the clock; here the peer coroutine only names a timer
//! and a duration (`Effect::Arm`) and the bridge turns that into a real deadline.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The timers the peer coroutine arms; when one fires the bridge sends `Event::Timer(name)`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Timer {
    /// How long a TCP connection attempt may take (RFC 4271 §8.2.2 ConnectRetryTimer).
    ConnectRetry,
    /// Time allowed without hearing from the peer: the large initial value while waiting for the
    /// OPEN, then the negotiated hold time (RFC 4271 §4.2, §8.2.2).
    Hold,
    /// When to send the next KEEPALIVE (negotiated hold time / 3, RFC 4271 §4.4, §10).
    Keepalive,
    /// Back-off before reconnecting after a session ended (ExaBGP's `reactor/delay.py`).
    IdleHold,
}

impl Timer {
    pub fn name(self) -> &'static str {
        match self {
            Timer::ConnectRetry => "connect-retry",
            Timer::Hold => "hold",
            Timer::Keepalive => "keepalive",
            Timer::IdleHold => "idle-hold",
        }
    }
}

/// RFC 4271 §10 suggested ConnectRetryTime.
pub const CONNECT_RETRY: Duration = Duration::from_secs(120);
/// RFC 4271 §8.2.2: "a large value (4 minutes)" for the hold timer while in OpenSent.
pub const LARGE_HOLD: Duration = Duration::from_secs(240);

/// The interval between KEEPALIVEs: a third of the hold time, none when it is zero (RFC 4271 §4.4, §10).
pub fn keepalive_interval(hold_time: u16) -> Option<Duration> {
    (hold_time != 0).then(|| Duration::from_secs(u64::from(hold_time / 3).max(1)))
}

/// ExaBGP's reconnection back-off (`reactor/delay.py`): 0, then `1 + previous * 1.2` seconds, at most 60.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Delay {
    next: u64,
}

impl Delay {
    /// The delay to wait now, and the one after grows.
    pub fn increase(&mut self) -> Duration {
        let now = self.next;
        self.next = (1 + self.next * 12 / 10).min(60);
        Duration::from_secs(now)
    }

    /// Back to no delay (a session came up, or an operator asked for a reconnection).
    pub fn reset(&mut self) {
        self.next = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keepalive_is_a_third_of_hold_time() {
        assert_eq!(keepalive_interval(90), Some(Duration::from_secs(30)));
        assert_eq!(keepalive_interval(3), Some(Duration::from_secs(1)));
        assert_eq!(keepalive_interval(0), None);
    }

    #[test]
    fn delay_grows_like_exabgp() {
        // ExaBGP: next = min(int(1 + next * 1.2), 60), starting at 0.
        let mut delay = Delay::default();
        let seconds: Vec<u64> = (0..8).map(|_| delay.increase().as_secs()).collect();
        assert_eq!(seconds, vec![0, 1, 2, 3, 4, 5, 7, 9]);
        for _ in 0..30 {
            delay.increase();
        }
        assert_eq!(delay.increase().as_secs(), 60);
        delay.reset();
        assert_eq!(delay.increase().as_secs(), 0);
    }
}
