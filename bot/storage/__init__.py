"""Storage adapters: the TinyDB store (the embedded default), its files and quarantine."""
