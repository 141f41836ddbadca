import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"


def test_core_never_imports_streamlit():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.relative_to(CORE)}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert not offenders
    assert len(list(CORE.rglob("*.py"))) >= 40  # the check really looked into every wing
