"""The population sources of this process: built once from settings, shared, closed at exit.

A remote source is a long-lived thing: its token bucket keeps us under the rate the service
allows, its circuit breaker remembers that the service is down, and its httpx client keeps
keep-alive connections. Built anew per answer, all three reset (an officer's retry hammers a
dead service again, every answer opens a connection and none is closed). So every user — sync
runs, commune and police answers, port checks — asks this module, which builds each source once
per process (under a lock: web threads and the worker share it), rebuilds it only when the
settings it was built from change (tests change them) or in a forked child (an httpx client must
not cross a fork), and closes it at exit.

`reset()` closes and forgets everything (tests; a settings change is picked up by itself).
"""
from __future__ import annotations

import atexit
import os
import threading

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

__all__ = ["remote_source", "local_source", "answers_source", "port_source", "reset"]

_lock = threading.Lock()
_remote = None          # HttpPopulationSource
_remote_key = None      # (pid, url, token, rate) it was built for
_local = None           # LocalExtractSource (stateless, shared all the same)


def remote_source():
    """The HTTP population source of this process (LIENTHONG_POPULATION_URL must be set)."""
    global _remote, _remote_key
    # Timeout and circuit breaker: optional settings (defaults: the client's), e.g. a test's short ones.
    tuning = {k: getattr(settings, name) for k, name in (("timeout", "POPULATION_TIMEOUT"),
                                                         ("failure_threshold", "POPULATION_BREAKER_FAILURES"),
                                                         ("reset_timeout", "POPULATION_BREAKER_RESET"))
              if hasattr(settings, name)}
    key = (os.getpid(), settings.POPULATION_URL, settings.POPULATION_TOKEN, float(settings.POPULATION_RATE),
           tuple(sorted(tuning.items())))
    with _lock:
        if _remote is not None and _remote_key == key:
            return _remote
        if not settings.POPULATION_URL:
            raise RuntimeError("LIENTHONG_POPULATION_URL is not set: no remote population source")
        from lienthong.population.client import HttpPopulationSource

        old, old_pid = _remote, (_remote_key[0] if _remote_key else None)
        _remote = HttpPopulationSource(settings.POPULATION_URL, settings.POPULATION_TOKEN,
                                       rate_per_second=settings.POPULATION_RATE, **tuning)
        _remote_key = key
    if old is not None and old_pid == os.getpid():  # a parent's client is the parent's to close
        old.close()
    return _remote


def local_source():
    """The population extract in this database."""
    global _local
    with _lock:
        if _local is None:
            from lienthong.population.local import LocalExtractSource

            _local = LocalExtractSource()
        return _local


def answers_source():
    """Where commune and police answers are re-verified: the local extract, unless the deployment asks
    for the remote service (LIENTHONG_SYNC_ANSWERS_VIA_HTTP=1; it costs rate-limited requests)."""
    if settings.POPULATION_URL and settings.SYNC_ANSWERS_VIA_HTTP:
        return remote_source()
    return local_source()


def port_source():
    """What the port's crew checks ask: the local extract. It answers in milliseconds and keeps
    working when the national service is unreachable from the port."""
    return local_source()


def reset() -> None:
    """Close and forget every source of this process (the next call builds them again)."""
    global _remote, _remote_key, _local
    with _lock:
        old, old_pid = _remote, (_remote_key[0] if _remote_key else None)
        _remote, _remote_key, _local = None, None, None
    if old is not None and old_pid == os.getpid():
        old.close()


atexit.register(reset)


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting.startswith("POPULATION_") or setting == "SYNC_ANSWERS_VIA_HTTP":
        reset()
