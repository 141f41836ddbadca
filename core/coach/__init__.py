"""The coach: a run's curves read into at most two findings (reading.py), each with its evidence
(curves.py) and one fix applied to the run's settings (fixes.py).

Reads a RunHistory from core.engine; imports only basics, data, pretrained, engine and lens,
and must never import store or runners (the run recorder, above it, stores what it reads).
"""
