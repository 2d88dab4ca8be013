"""SIGTERM/SIGINT as SystemExit, so a test's `finally` (or `with`) still removes the namespaces it made.

ctest's timeout, or a CI run stopped by hand, sends SIGTERM; timeout(1) then signals the whole process
group too. The second signal is ignored, or it would cut short the clean-up the first one started.
"""
import signal


def install():
    def stop(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise SystemExit(f"stopped by signal {signum}")
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
