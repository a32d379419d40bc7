//! Ports `exabgp/reactor/interrupt.py`: the signals the reactor acts on.
//!
//! TERM and INT (^C) shut down (peers get a Cease), ALRM restarts every peer, HUP and USR1 reload
//! the configuration, USR2 reloads it and restarts the helper processes. ExaBGP shuts down on HUP;
//! here it reloads, as daemons conventionally do (`docs/deviations.md`). The helpers subscribed to
//! `signal` are told the signal's number and [`name`] before the reactor acts on it.

use crate::reactor::api::response::json::signal_name;
use async_signal::{Signal as Sig, Signals};
use futures_lite::StreamExt;
use std::io;

/// What a received signal asks the reactor to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Shutdown,
    Restart,
    Reload,
    FullReload,
}

impl Signal {
    /// The action's name as ExaBGP logs it.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Shutdown => "shutdown",
            Signal::Restart => "restart",
            Signal::Reload => "reload",
            Signal::FullReload => "full reload",
        }
    }

    fn from_signal(signal: Sig) -> Option<Received> {
        let (action, number) = match signal {
            Sig::Term => (Signal::Shutdown, Some(libc::SIGTERM)),
            // Python's KeyboardInterrupt: ExaBGP stops without telling the helpers
            Sig::Int => (Signal::Shutdown, None),
            Sig::Hup => (Signal::Reload, Some(libc::SIGHUP)),
            Sig::Alarm => (Signal::Restart, Some(libc::SIGALRM)),
            Sig::Usr1 => (Signal::Reload, Some(libc::SIGUSR1)),
            Sig::Usr2 => (Signal::FullReload, Some(libc::SIGUSR2)),
            _ => return None,
        };
        Some(Received { action, number })
    }
}

/// A signal the reactor acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Received {
    pub action: Signal,
    /// The signal's number, which the helpers subscribed to `signal` are told (none for SIGINT).
    pub number: Option<i32>,
}

/// The process's signal handlers, read as an async stream.
pub struct Interrupt {
    signals: Signals,
}

impl Interrupt {
    /// Installs the handlers; signals arriving before `next` is awaited are queued, not lost.
    pub fn new() -> io::Result<Interrupt> {
        let signals = Signals::new([
            Sig::Term,
            Sig::Int,
            Sig::Hup,
            Sig::Alarm,
            Sig::Usr1,
            Sig::Usr2,
        ])?;
        Ok(Interrupt { signals })
    }

    /// Waits for the next signal. Cancel-safe: a signal is only taken off the queue when returned.
    pub async fn next(&mut self) -> Received {
        loop {
            let received = match self.signals.next().await {
                Some(Ok(received)) => received,
                Some(Err(_)) => continue,
                // The stream never ends while the handlers are installed.
                None => return futures_lite::future::pending().await,
            };
            if let Some(signal) = Signal::from_signal(received) {
                let label = signal.number.map_or("SIGINT", signal_name);
                log::warn!(target: "reactor", "{label} received, scheduling {}", signal.action.name());
                return signal;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_map_to_reactor_actions() {
        let action = |sig| Signal::from_signal(sig).map(|received| received.action);
        assert_eq!(action(Sig::Term), Some(Signal::Shutdown));
        assert_eq!(action(Sig::Int), Some(Signal::Shutdown));
        assert_eq!(action(Sig::Hup), Some(Signal::Reload));
        assert_eq!(action(Sig::Usr1), Some(Signal::Reload));
        assert_eq!(action(Sig::Usr2), Some(Signal::FullReload));
        assert_eq!(action(Sig::Alarm), Some(Signal::Restart));
        assert_eq!(action(Sig::Pipe), None);
    }

    #[test]
    fn helpers_are_told_the_signal_by_name() {
        let told = |sig| {
            Signal::from_signal(sig)
                .and_then(|received| received.number)
                .map(signal_name)
        };
        assert_eq!(told(Sig::Term), Some("SIGTERM"));
        assert_eq!(told(Sig::Hup), Some("SIGHUP"));
        assert_eq!(told(Sig::Alarm), Some("SIGALRM"));
        assert_eq!(told(Sig::Usr1), Some("SIGUSR1"));
        assert_eq!(told(Sig::Usr2), Some("SIGUSR2"));
        // ^C is not told, as in ExaBGP
        assert_eq!(told(Sig::Int), None);
        assert_eq!(signal_name(0), "none");
        // Linux's numbers, which helpers see as the code
        #[cfg(target_os = "linux")]
        assert_eq!(
            [
                libc::SIGHUP,
                libc::SIGUSR1,
                libc::SIGUSR2,
                libc::SIGALRM,
                libc::SIGTERM
            ],
            [1, 10, 12, 14, 15]
        );
    }
}
