"""Locust user classes, one module per product area (timeline; chat and payments to come).

Imported only inside Locust processes: importing Locust monkey-patches the interpreter.
"""
