"""Training: the networks, the events a run yields, train() and its epochs, augmentation, the device
and CPU share, a run's events summarised (RunHistory), the learning-rate finder, training a
pretrained network's head on cached features. (The 2-D playground's tiny network: core/playground.)

Imports only core.basics, core.data and core.pretrained; must never import lens, coach, store or
runners (nothing here knows about files on disk or worker threads).
"""
