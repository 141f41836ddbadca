"""core/ is laid out in wings (subpackages) in one order, each importing only wings below it.

Every import of core.X counts: module level, inside functions, and under TYPE_CHECKING. The two
entry points at core/'s root (cli.py, recipes.py) are the top; nothing in a wing imports them.
"""
import ast
import re
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"
MAX_FILES_PER_WING = 15
MAX_LINES = 310  # "files under ~300 lines"


def wing_order() -> list[str]:
    """The order written in core/__init__.py's docstring ("basics < data < ..."), bottom first."""
    docstring = ast.get_docstring(ast.parse((CORE / "__init__.py").read_text()))
    line = next(line for line in docstring.splitlines() if line.count(" < ") >= 3)
    return [name.strip(" .") for name in line.split(" < ")]


def wing_of_file(path: Path) -> str:
    relative = path.relative_to(CORE)
    return relative.parts[0] if len(relative.parts) > 1 else "top"


def wing_of_module(module: str, names: list[str]) -> list[str]:
    """The wing(s) an import of core.X names (from core import a, b: each name's own wing)."""
    parts = module.split(".")
    if len(parts) > 1:
        return [parts[1] if (CORE / parts[1]).is_dir() else "top"]
    return [name if (CORE / name).is_dir() else "top" for name in names]


def core_imports(path: Path) -> list[tuple[str, int]]:
    """(wing imported, line) for every core import in the file, wherever it is written."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "core":
            found += [(wing, node.lineno) for wing in wing_of_module(node.module, [a.name for a in node.names])]
        elif isinstance(node, ast.Import):
            found += [(wing_of_module(a.name, [])[0], node.lineno) for a in node.names
                      if a.name.split(".")[0] == "core" and "." in a.name]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            raise AssertionError(f"{path}: relative import; write core.<wing>.<module>")
    return found


def arrows() -> dict[tuple[str, str], list[str]]:
    """(from wing, to wing) -> where, for every import between two different wings."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(CORE.rglob("*.py")):
        source = wing_of_file(path)
        for target, line in core_imports(path):
            if target != source:
                found.setdefault((source, target), []).append(f"{path.relative_to(CORE)}:{line}")
    return found


def circles(edges: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Pairs of wings that reach each other through imports (a circle of any length)."""
    reach = {a: {b for x, b in edges if x == a} for a, _ in edges}
    changed = True
    while changed:  # transitive closure: a handful of wings, a few rounds
        changed = False
        for targets in reach.values():
            more = set().union(*(reach.get(target, set()) for target in targets)) - targets
            if more:
                targets |= more
                changed = True
    return sorted((a, b) for a in reach for b in reach[a] if a < b and a in reach.get(b, set()))


def test_every_wing_imports_only_wings_below_it():
    order = wing_order() + ["top"]
    wings = {path.name for path in CORE.iterdir() if (path / "__init__.py").is_file()}
    assert set(order) - {"top"} == wings, "core/__init__.py's order names every wing, and only wings"
    found = arrows()
    upward = {edge: where for edge, where in found.items() if order.index(edge[1]) > order.index(edge[0])}
    loops = circles(set(found))
    print(f"upward arrows: {sum(map(len, upward.values()))}, circles: {len(loops)}")
    assert not upward, f"imports that run up the order {' < '.join(order)}: {upward}"
    assert not loops


def test_wings_stay_small():
    counts = {path.name: len(list(path.glob("*.py"))) for path in CORE.iterdir() if path.is_dir()
              and path.name != "__pycache__"}
    lengths = {str(path.relative_to(CORE)): len(path.read_text().splitlines()) for path in CORE.rglob("*.py")}
    longest = max(lengths, key=lengths.get)
    print(f"most files in a wing: {max(counts.values())}, longest file: {longest} ({lengths[longest]} lines)")
    assert max(counts.values()) <= MAX_FILES_PER_WING, counts
    assert lengths[longest] <= MAX_LINES


def test_wing_docstrings_say_what_they_own_and_import_nothing():
    for init in [CORE / "__init__.py", *CORE.glob("*/__init__.py")]:
        tree = ast.parse(init.read_text())
        assert re.search(r"never import", ast.get_docstring(tree) or ""), f"{init} says what it must never import"
        assert not [node for node in tree.body if not isinstance(node, ast.Expr)], f"{init}: a docstring only"
