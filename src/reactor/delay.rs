//! Ports the role of `exabgp/reactor/delay.py` on the async side. ExaBGP's reconnection back-off
//! itself is sans-IO (`bgp::timer::Delay`, armed by the peer as the `IdleHold` timer); here the
//! bridge adds the jitter RFC 4271 §10 asks for to the timers the contract allows it on.

use crate::bgp::timer::Timer;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// The duration to really wait for `timer` armed with `after`: ConnectRetry and IdleHold are
/// multiplied by a random factor between 0.75 and 1 (RFC 4271 §10, so that peers restarting
/// together do not retry in lock-step); Hold and Keepalive are kept exact (the contract forbids
/// jitter on them: the peer computes them from the negotiated hold time).
pub fn jitter(timer: Timer, after: Duration) -> Duration {
    match timer {
        Timer::ConnectRetry | Timer::IdleHold => after.mul_f64(0.75 + 0.25 * random_unit()),
        Timer::Hold | Timer::Keepalive => after,
    }
}

/// A number in [0, 1) from std's randomly keyed hasher (no RNG crate needed for this).
fn random_unit() -> f64 {
    let bits = RandomState::new().build_hasher().finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_only_where_allowed_and_within_rfc_bounds() {
        let second = Duration::from_secs(1);
        for _ in 0..100 {
            let waited = jitter(Timer::ConnectRetry, Duration::from_secs(120));
            assert!(
                waited >= Duration::from_secs(90) && waited <= Duration::from_secs(120),
                "{waited:?}"
            );
            let waited = jitter(Timer::IdleHold, second);
            assert!(
                waited >= second.mul_f64(0.75) && waited <= second,
                "{waited:?}"
            );
        }
        assert_eq!(
            jitter(Timer::Hold, Duration::from_secs(90)),
            Duration::from_secs(90)
        );
        assert_eq!(
            jitter(Timer::Keepalive, Duration::from_secs(30)),
            Duration::from_secs(30)
        );
        assert_eq!(jitter(Timer::IdleHold, Duration::ZERO), Duration::ZERO);
    }
}
