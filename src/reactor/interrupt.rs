//! Ports `exabgp/reactor/interrupt.py`: the signals the reactor acts on.
//!
//! TERM and INT (^C) shut down (peers get a Cease), ALRM restarts every peer, HUP and USR1 reload
//! the configuration, USR2 reloads it and restarts the helper processes. ExaBGP shuts down on HUP;
//! here it reloads, as daemons conventionally do (`docs/deviations.md`).

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

    fn from_signal(signal: Sig) -> Option<(Signal, &'static str)> {
        Some(match signal {
            Sig::Term => (Signal::Shutdown, "SIGTERM"),
            Sig::Int => (Signal::Shutdown, "SIGINT"),
            Sig::Hup => (Signal::Reload, "SIGHUP"),
            Sig::Alarm => (Signal::Restart, "SIGALRM"),
            Sig::Usr1 => (Signal::Reload, "SIGUSR1"),
            Sig::Usr2 => (Signal::FullReload, "SIGUSR2"),
            _ => return None,
        })
    }
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
    pub async fn next(&mut self) -> Signal {
        loop {
            let received = match self.signals.next().await {
                Some(Ok(received)) => received,
                Some(Err(_)) => continue,
                // The stream never ends while the handlers are installed.
                None => return futures_lite::future::pending().await,
            };
            if let Some((action, name)) = Signal::from_signal(received) {
                log::warn!(target: "reactor", "{name} received, scheduling {}", action.name());
                return action;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_map_to_reactor_actions() {
        let action = |sig| Signal::from_signal(sig).map(|(action, _)| action);
        assert_eq!(action(Sig::Term), Some(Signal::Shutdown));
        assert_eq!(action(Sig::Int), Some(Signal::Shutdown));
        assert_eq!(action(Sig::Hup), Some(Signal::Reload));
        assert_eq!(action(Sig::Usr1), Some(Signal::Reload));
        assert_eq!(action(Sig::Usr2), Some(Signal::FullReload));
        assert_eq!(action(Sig::Alarm), Some(Signal::Restart));
    }
}
