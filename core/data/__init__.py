"""The images: the dataset registry (shipped MNIST, local copies, downloads), a Dataset in memory,
the user's own pictures (a zip read safely, pictures built one by one, kept on disk within their
budget) and a drawing or upload prepared like the training images.

Imports only core.basics; must never import engine, pretrained, lens, coach, store or runners.
"""
