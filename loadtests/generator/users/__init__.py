"""Locust user classes, one module per product area: timeline, chat, payments.

Imported only inside Locust processes: importing Locust monkey-patches the interpreter.
"""
