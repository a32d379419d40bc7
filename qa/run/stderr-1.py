#!/usr/bin/env python3
"""Every line the daemon writes (the subscribed messages, JSON or text) is copied to stderr,
which the daemon logs, until the daemon stops."""
import sys

from exarun import answer_of, complain

for line in sys.stdin:
    line = line.rstrip('\n')
    if answer_of(line) == 'shutdown':
        break
    complain(line)
