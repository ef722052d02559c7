"""Fanout reference microblog: the system under test (service layer, storage, HTTP API)."""
