"""Every user-facing string and keyboard, per feature, ready for translation."""
