"""Support of benchmarks/load.py: its data, its locust users, its websocket clients."""
