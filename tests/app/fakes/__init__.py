"""Fake exportcore child processes speaking the real JSON-lines protocols (docs/interfaces.md)."""
