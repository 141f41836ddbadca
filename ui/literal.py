"""Text a visitor typed (run names, file and class names) shown as text, never as markdown.

Streamlit renders markdown in captions, messages and help texts: a run named
`[Session expired](https://...)` would be a link on every visitor's Runs page, and `![x](https://...)`
a tracking image. Every character markdown (or Streamlit's :emoji:/:material: and $math$) could read
is escaped with a backslash. Plotly charts read a little HTML instead: `chart_text` escapes that.
"""
import html
import re

MARKDOWN_CHARACTERS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=^])")


def literal(text: str) -> str:
    """text with every markdown character escaped, for st.markdown, st.caption, st.error, help=..."""
    return MARKDOWN_CHARACTERS.sub(r"\\\1", " ".join(str(text).split()))


def chart_text(text: str) -> str:
    """text for a Plotly title, axis or tick label: Plotly reads <a href>, <b>, <br> there, so < > & are escaped."""
    return html.escape(str(text), quote=False)


def chart_texts(texts) -> list[str]:
    """chart_text for each of a list of names (class names on a chart's axis)."""
    return [chart_text(text) for text in texts]
