"""Shared by the flow cases (api-flow.run, api-flow-merge.run, api-broken-flow.run): commands
written one at a time, each after the previous one was acknowledged, so the UPDATEs leave in
the order the case expects them."""
import time

from exarun import Helper


def run(commands, pause=0.2):
    helper = Helper()
    time.sleep(pause)
    for command in commands:
        helper.say(command)
        helper.acks(1)
        time.sleep(pause)
    helper.until_shutdown()
