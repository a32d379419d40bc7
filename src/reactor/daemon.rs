//! Ports `exabgp/reactor/daemon.py`: the pid file, dropping root privileges, and daemonising.

use super::sys;
use std::io::Write;
use std::path::PathBuf;

/// The `exabgp.daemon.*` settings the reactor needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Daemon {
    /// `exabgp.daemon.pid`: where to write the pid (`None`: no pid file).
    pub pid: Option<PathBuf>,
    /// `exabgp.daemon.user`: the unprivileged user to run as when started as root.
    pub user: String,
    /// `exabgp.daemon.daemonize`: detach from the terminal.
    pub daemonize: bool,
    /// `exabgp.daemon.umask`.
    pub umask: u32,
    saved_pid: bool,
}

impl Daemon {
    pub fn new(pid: Option<PathBuf>, user: String, daemonize: bool, umask: u32) -> Daemon {
        Daemon {
            pid,
            user,
            daemonize,
            umask,
            saved_pid: false,
        }
    }

    /// Writes our pid to the pid file, refusing if it names another running process.
    pub fn savepid(&mut self) -> bool {
        let Some(path) = self.pid.clone() else {
            return true;
        };
        if let Ok(text) = std::fs::read_to_string(&path) {
            if let Ok(other) = text.trim().parse::<i32>() {
                if other != std::process::id() as i32 && sys::process_exists(other) {
                    log::error!(
                        target: "daemon", "PIDfile already exists and program still running {}",
                        path.display()
                    );
                    return false;
                }
            }
        }
        let written = std::fs::File::create(&path)
            .and_then(|mut file| writeln!(file, "{}", std::process::id()));
        if written.is_err() {
            log::error!(target: "daemon", "Can not create PIDfile {}", path.display());
            return false;
        }
        self.saved_pid = true;
        log::info!(
            target: "daemon", "Created PIDfile {} with value {}",
            path.display(),
            std::process::id()
        );
        true
    }

    /// Removes the pid file if we wrote it.
    pub fn removepid(&mut self) {
        let Some(path) = &self.pid else {
            return;
        };
        if !self.saved_pid {
            return;
        }
        match std::fs::remove_file(path) {
            Ok(()) => log::debug!(target: "daemon", "Removed PIDfile {}", path.display()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => log::error!(target: "daemon", "Can not remove PIDfile {}", path.display()),
        }
        self.saved_pid = false;
    }

    /// Runs as `user` when started as root. Returns false if we would be left with root privileges
    /// (unknown user, failed call), which ExaBGP refuses.
    pub fn drop_privileges(&self) -> bool {
        let (uid, gid) = sys::ids();
        if uid != 0 && gid != 0 {
            return true;
        }
        let Some((new_uid, new_gid)) = lookup_user(&self.user) else {
            return false;
        };
        if (new_uid, new_gid) == (uid, gid) {
            return true;
        }
        if sys::set_ids(new_uid, new_gid).is_err() {
            return false;
        }
        sys::ids() == (new_uid, new_gid) && sys::effective_uid() == new_uid
    }

    /// Detaches from the terminal (fork, setsid, fork) unless already run by init or a supervisor.
    /// Must be called before any thread is started.
    pub fn daemonise(&self) {
        sys::set_umask(self.umask);
        if !self.daemonize {
            return;
        }
        if std::os::unix::process::parent_id() == 1 {
            return;
        }
        let detached = sys::fork_and_exit_parent()
            .and_then(|_| sys::new_session())
            .and_then(|_| sys::fork_and_exit_parent())
            .and_then(|_| sys::silence());
        if let Err(error) = detached {
            log::error!(target: "daemon", "can not fork: {error}");
        }
    }
}

/// The uid and gid of `user`, from `/etc/passwd` (name:password:uid:gid:...).
fn lookup_user(user: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != user {
            return None;
        }
        let _password = fields.next()?;
        Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pid_file_written_refused_while_running_and_removed() {
        let path = std::env::temp_dir().join(format!("exabgp-rs-test-{}.pid", std::process::id()));
        let mut daemon = Daemon::new(Some(path.clone()), "nobody".into(), false, 0o137);
        assert!(daemon.savepid());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{}\n", std::process::id())
        );
        // pid 1 (init) is always running: a pid file naming it must not be overwritten.
        std::fs::write(&path, "1\n").unwrap();
        let mut other = Daemon::new(Some(path.clone()), "nobody".into(), false, 0o137);
        assert!(!other.savepid());
        std::fs::write(&path, format!("{}\n", std::process::id())).unwrap();
        daemon.removepid();
        assert!(!path.exists());
    }

    #[test]
    fn root_is_uid_zero_in_passwd() {
        assert_eq!(lookup_user("root"), Some((0, 0)));
        assert_eq!(lookup_user("no-such-user-exabgp-rs"), None);
    }
}
