"""Features: reminders, sessions, coaching and the account, over the core and the ports."""
