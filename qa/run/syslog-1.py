#!/usr/bin/env python3
"""Every line the daemon writes (the subscribed messages, JSON or text) goes to syslog, one
record each, until the daemon stops."""
import sys
import syslog

from exarun import answer_of

syslog.openlog('exabgp-helper', syslog.LOG_PID, syslog.LOG_USER)
for line in sys.stdin:
    line = line.rstrip('\n')
    if answer_of(line) == 'shutdown':
        break
    syslog.syslog(syslog.LOG_INFO, line)
