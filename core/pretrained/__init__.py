"""The pretrained ImageNet network (EfficientNet-Lite0, loaded weights-only, used as a frozen feature
extractor) and the feature cache: each picture's features computed once, kept by content hash.

Imports only core.basics and core.data; must never import engine (which builds this network as one
of its presets and trains heads on its features), lens, coach, store or runners.
"""
