"""The few things a qa helper needs to talk to exabgp-rs (or ExaBGP) over its pipes.

A helper writes one command per line on stdout and reads the daemon's lines on stdin:
acknowledgements (`done`, `error`, as text or `{"answer": ...}` JSON), messages it
subscribed to, and `shutdown` when the daemon stops. Standard library only.
"""

import json
import os
import select
import signal
import sys
import time

# a daemon that stops closes our pipes: leave quietly, as ExaBGP's own helpers do
signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def answer_of(line):
    """'done', 'error' or 'shutdown' when the line is an acknowledgement, else None."""
    text = line.strip()
    if text.startswith('{'):
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value.get('answer') if isinstance(value, dict) else None
    return text if text in ('done', 'error', 'shutdown') else None


class Helper:
    def __init__(self):
        self.pending = b''
        self.closed = False

    def say(self, *commands):
        """Writes each command on its own line, all at once."""
        sys.stdout.write(''.join(command + '\n' for command in commands))
        sys.stdout.flush()

    def each(self, commands, pause):
        """Writes the commands one by one, `pause` seconds apart."""
        for command in commands:
            self.say(command)
            time.sleep(pause)

    def line(self, timeout):
        """The next line from the daemon, or None after `timeout` seconds or at the end."""
        deadline = time.monotonic() + timeout
        while b'\n' not in self.pending:
            left = deadline - time.monotonic()
            if self.closed or left <= 0:
                return None
            readable, _, _ = select.select([0], [], [], left)
            if not readable:
                return None
            chunk = os.read(0, 65536)
            if not chunk:
                self.closed = True
                return None
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b'\n')
        return line.decode('utf-8', 'replace')

    def acks(self, count=1, timeout=2.0):
        """True once `count` `done` arrived; False on `error` or when time is up."""
        deadline = time.monotonic() + timeout
        while count > 0:
            line = self.line(max(0.0, deadline - time.monotonic()))
            if line is None:
                return False
            answer = answer_of(line)
            if answer == 'shutdown':
                sys.exit(0)
            if answer == 'error':
                return False
            if answer == 'done':
                count -= 1
        return True

    def until_shutdown(self, limit=5.0):
        """Waits until the daemon says it stops, closes our input, or `limit` seconds pass."""
        deadline = time.monotonic() + limit
        while os.getppid() != 1 and time.monotonic() < deadline:
            line = self.line(0.5)
            if line is None:
                if self.closed:
                    return
                continue
            if 'shutdown' in line:
                return


def complain(message):
    sys.stderr.write(message + '\n')
    sys.stderr.flush()
