"""The 2-D playground: points on a plane (generated, uploaded or painted), derived inputs, a small MLP
trained an epoch at a time, its maps over the plane (the output and every hidden neuron), a neuron in
plain words, CSV and saved-state files, ONNX export, and the setup as a share link.

Imports core.store (the safetensors header check) and its own modules; must never import streamlit,
ui, pages or runners.
"""
