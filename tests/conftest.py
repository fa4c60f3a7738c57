"""Suite-wide settings."""

from __future__ import annotations

import os

# PTB 22 warns, when it builds a RetryAfter, that retry_after will become a timedelta; with
# warnings as errors that would break every flood-limit test. Opt in to the new behaviour.
os.environ.setdefault("PTB_TIMEDELTA", "true")
