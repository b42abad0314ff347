"""Helpers of benchmarks/chat.py: the servers' settings, a bare echo app, the data and the
websocket load client. Not a benchmark itself (`make bench` runs benchmarks/*.py only)."""
