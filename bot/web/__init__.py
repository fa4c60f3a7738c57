"""Webhooks: ``stretchbot serve`` (PTB without an Updater, behind a small Starlette app run by
uvicorn, as PTB's custom-webhook example does) and ``stretchbot set-webhook`` and friends."""
