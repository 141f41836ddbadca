"""The Draw page's answer in large type (no streamlit here, so it is easy to test)."""
from __future__ import annotations

import html


def answer_html(answer: str, confidence: float) -> str:
    """The model's answer, large enough to read from across a room, and how sure it is."""
    size = "7rem" if len(answer) <= 2 else "3rem"  # a digit fills the space; "automobile" must still fit
    # Class names can come from a user's folder names: escaped, so they are shown and never run as HTML.
    return (f'<div class="draw-answer-box" style="text-align:center">'
            f'<div style="font-size:1rem;opacity:0.7">The model says</div>'
            f'<div class="draw-answer" style="font-size:{size};font-weight:700;line-height:1.1">'
            f'{html.escape(answer)}</div>'
            f'<div class="draw-confidence" style="font-size:1.1rem">{confidence:.0%} sure</div></div>')
