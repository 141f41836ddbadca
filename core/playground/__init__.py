"""The 2-D playground's core: points on a plane, derived inputs, a small MLP trained an epoch at a time,
its maps over the plane (output and every hidden neuron), CSV and state files, ONNX export, share links.

Owns everything the 2-D playground page computes. Imports only torch, numpy, safetensors, onnx and
core.toy2d (the two-class shapes) / core.safetensors_header; never streamlit, never the page or ui/.
"""
