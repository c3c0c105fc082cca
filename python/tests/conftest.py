"""Helpers the test files share."""


class Stop(Exception):
    """Raised by a progress callback to abort the call it reports on."""


def stop_at(k):
    """A progress callback that raises Stop when its first argument (the steps done) reaches k."""
    def progress(done, *rest):
        if done == k:
            raise Stop
    return progress
