"""Signals that cancel an export (cancel_signals): SIGTERM / SIGHUP act like Ctrl-C once; what the process was told
to ignore (nohup, background jobs) stays ignored; inside no_interrupt a signal only sets the flag."""

from __future__ import annotations

import os
import signal

import pytest

from exportcore import cancel_signals


@pytest.fixture(autouse=True)
def _handlers_back():
    before = {s: signal.getsignal(s) for s in cancel_signals.CANCEL_SIGNALS}
    yield
    for s, handler in before.items():
        signal.signal(s, handler)


def test_the_first_signal_interrupts_and_later_ones_only_set_the_flag():
    flag = cancel_signals.install()
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGTERM)
    assert flag.is_set()
    os.kill(os.getpid(), signal.SIGHUP)  # a second signal must not interrupt the cleanup of the first
    cancel_signals.restore()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_an_ignored_signal_stays_ignored_and_is_put_back():
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    flag = cancel_signals.install()
    os.kill(os.getpid(), signal.SIGHUP)
    assert not flag.is_set()
    cancel_signals.restore()
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN


def test_inside_no_interrupt_a_signal_is_only_noted():
    flag = cancel_signals.install()
    with cancel_signals.no_interrupt():
        os.kill(os.getpid(), signal.SIGTERM)
    assert flag.is_set()
    cancel_signals.restore()


def test_nested_installs_restore_in_order():
    outer = cancel_signals.install()
    cancel_signals.install()
    cancel_signals.restore()
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGTERM)
    assert outer.is_set()
    cancel_signals.restore()
