//! Ports `exabgp/reactor/keepalive.py` and the send side of `exabgp/bgp/timer.py`: when to send a
//! KEEPALIVE (RFC 4271 §4.4, §10). Sans-IO: it returns the effects, the bridge owns the clock.

use super::event::{Effect, Priority};
use crate::bgp::message::keepalive;
use crate::bgp::timer::{keepalive_interval, Timer};

/// The keepalive cadence of one session.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KeepAlive {
    interval: Option<std::time::Duration>,
}

impl KeepAlive {
    /// For a negotiated hold time (none is sent when it is zero, RFC 4271 §4.4).
    pub fn new(hold_time: u16) -> KeepAlive {
        KeepAlive {
            interval: keepalive_interval(hold_time),
        }
    }

    /// Sends a KEEPALIVE now and arms the timer for the next one. The message is `Urgent`: it
    /// never waits behind bulk UPDATEs, so a large table cannot starve the peer's hold timer.
    pub fn send(&self) -> Vec<Effect> {
        let mut effects = vec![Effect::Send {
            message: keepalive::encode(),
            priority: Priority::Urgent,
        }];
        if let Some(after) = self.interval {
            effects.push(Effect::Arm {
                timer: Timer::Keepalive,
                after,
            });
        }
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn cadence_is_a_third_of_hold_time() {
        let effects = KeepAlive::new(90).send();
        assert!(
            matches!(&effects[0], Effect::Send { priority: Priority::Urgent, message } if message[18] == 4)
        );
        assert_eq!(
            effects[1],
            Effect::Arm {
                timer: Timer::Keepalive,
                after: Duration::from_secs(30)
            }
        );
        assert_eq!(KeepAlive::new(0).send().len(), 1);
    }
}
