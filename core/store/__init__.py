"""What is kept on disk: the run store (the one module that knows a run folder's files), model
bundles (safetensors + JSON, checked on load, packed into one file), disk quotas, exports, share
links, run comparison, the loaded-model cache, and fine-tuning from a saved run's weights.

Imports only wings below it (basics to coach); must never import runners (jobs and the run
recorder sit above the store and write into it).
"""
