"""A Ray cluster on this machine for trying the Ray runner: a head node and two worker processes.

    .venv/bin/python deploy/ray_local_cluster.py          # or: make ray-local
    PLAYGROUND_RAY_ADDRESS=<printed address> make run     # in another terminal

Each worker node offers one CPU, so two runs train at once and the others wait in Ray's queue, as on
two small machines. Token authentication is on: the token is generated into ~/.ray/auth_token, which
the app on this machine reads. Ctrl-C stops the cluster.
"""
from __future__ import annotations

import os
import signal
import threading

os.environ.setdefault("RAY_AUTH_MODE", "token")

from ray.cluster_utils import Cluster  # noqa: E402


def main(worker_nodes: int = 2) -> None:
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False},
                      shutdown_at_exit=True)
    for _ in range(worker_nodes):
        cluster.add_node(num_cpus=1)
    print(f"Ray cluster with {worker_nodes} one-CPU worker nodes is up (token authentication on).", flush=True)
    print(f"Start the app with:  PLAYGROUND_RAY_ADDRESS={cluster.address} make run", flush=True)
    print("Ctrl-C stops the cluster.", flush=True)
    finished = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: finished.set())
    signal.signal(signal.SIGTERM, lambda *_: finished.set())
    finished.wait()
    cluster.shutdown()


if __name__ == "__main__":
    main()
