"""Who trains: Job, JobListener and JobRunner (worker threads, a queue), the Ray runner (its actors
and cluster), the run recorder (the JobListener writing every job into the store) and the app's
one runner, made on first use.

The top wing: imports any wing below it; must never import core.cli or core.recipes.
"""
