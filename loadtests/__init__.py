"""Measured runs: Locust drives the reference microblog over HTTP (`fanout loadtest`).

Start at loadtests.run (the whole run) and loadtests.locustfile (what runs inside Locust).
"""
