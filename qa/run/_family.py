"""Shared by api-ipv4.run and api-ipv6.run: a unicast and a MUP route of one AFI, announced
then withdrawn (the MUP withdrawal keeps its attributes)."""
import time

from exarun import Helper


def run(unicast, mup, pause):
    helper = Helper()
    time.sleep(pause)
    helper.each(['announce ' + unicast, 'announce ' + mup, 'withdraw ' + unicast, 'withdraw ' + mup], 0.2)
    helper.acks(4)
    helper.until_shutdown()
