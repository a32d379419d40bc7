//! Ports `exabgp/reactor/delay.py`: the exponential back-off between outgoing connection attempts.

use std::time::Duration;

/// Longest wait between two attempts, in seconds (ExaBGP's cap).
const MAX_WAIT: u64 = 60;

/// The back-off state of one peer: each failure waits a little longer, up to a minute.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delay {
    next: u64,
}

impl Delay {
    pub fn new() -> Delay {
        Delay::default()
    }

    /// After a success or an operator action: the next attempt is immediate.
    pub fn reset(&mut self) {
        self.next = 0;
    }

    /// After a failed or closed session: returns how long to wait before trying again, and makes
    /// the following wait longer (0, 1, 2, 3, 4, 5, 7, 9, 11, 14, ... 60 seconds, as ExaBGP's
    /// `int(1 + next * 1.2)`).
    pub fn increase(&mut self) -> Duration {
        let wait = self.next;
        self.next = (1 + self.next * 6 / 5).min(MAX_WAIT);
        Duration::from_secs(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_like_exabgp_then_caps_and_resets() {
        let mut delay = Delay::new();
        let waits: Vec<u64> = (0..20).map(|_| delay.increase().as_secs()).collect();
        // By hand from Python's int(1 + n * 1.2) starting at 0.
        assert_eq!(
            waits,
            [0, 1, 2, 3, 4, 5, 7, 9, 11, 14, 17, 21, 26, 32, 39, 47, 57, 60, 60, 60]
        );
        delay.reset();
        assert_eq!(delay.increase(), Duration::ZERO);
        assert_eq!(delay.increase(), Duration::from_secs(1));
    }
}
