"""The shared vocabulary every other wing reads: each user choice defined once (choices), the frozen
run settings that check them (config), a run's status, what an upload may claim (limits), the
PLAYGROUND_* settings, where files go (paths) and how they are saved (atomic).

The bottom wing: it must never import another wing of core.
"""
