"""Neural Playground's plain Python package: no Streamlit anywhere in it, laid out in wings.

Each wing (a subpackage) imports only wings below it; this line is the order, bottom first
(tests/core/test_wings.py reads it and checks every import against it):

    basics < data < pretrained < engine < lens < coach < store < runners < playground

The two entry points sit at the top, beside the wings, and nothing in a wing imports them:
cli.py (headless training, `python -m core.cli`) and recipes.py (the five article systems,
`python -m core.recipes`, also run by the Recipes page). core must never import streamlit,
ui or pages, and importing it starts nothing (the app makes its runner on first use).
"""
