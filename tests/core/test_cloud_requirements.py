"""deploy/cloud/requirements.txt: what Streamlit Community Cloud installs for the hosted entry point.

It cannot be installed here (PyTorch's CPU wheel index is out of reach of these machines), so this
checks what can be checked offline: every line parses, PyTorch comes as pinned CPU-only wheels from
PyTorch's CPU index, and every other package is pinned as in the root requirements.txt.
"""
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
CLOUD = ROOT / "deploy" / "cloud"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def read_requirements(path: Path) -> tuple[dict[str, Requirement], list[str]]:
    """(requirements by name, option lines such as --extra-index-url) of a requirements file."""
    requirements, options = {}, []
    for line in path.read_text().splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-"):
            options.append(line)
            continue
        requirement = Requirement(line)  # raises on a line pip could not read
        requirements[requirement.name.lower()] = requirement
    return requirements, options


def test_the_entry_point_has_its_own_dependency_file_next_to_it():
    assert (CLOUD / "streamlit_app.py").is_file() and (CLOUD / "requirements.txt").is_file()
    # Community Cloud takes the first dependency file it finds in the main file's folder, in this order.
    for earlier in ("uv.lock", "Pipfile", "environment.yml"):
        assert not (CLOUD / earlier).exists(), f"{earlier} would be installed instead of requirements.txt"


def test_pytorch_is_pinned_to_cpu_wheels_from_the_cpu_index():
    requirements, options = read_requirements(CLOUD / "requirements.txt")
    assert f"--extra-index-url {CPU_INDEX}" in options
    root, _ = read_requirements(ROOT / "requirements.txt")
    for name in ("torch", "torchvision"):
        (specifier,) = requirements[name].specifier
        assert specifier.operator == "==" and specifier.version.endswith("+cpu"), f"{name}: {specifier}"
        assert specifier.version.removesuffix("+cpu") in root[name].specifier, f"{name} differs from the root pin"


def test_every_other_package_is_pinned_as_in_the_root_file():
    cloud, _ = read_requirements(CLOUD / "requirements.txt")
    root, _ = read_requirements(ROOT / "requirements.txt")
    missing = sorted(set(root) - set(cloud))
    assert not missing, f"deploy/cloud/requirements.txt lacks {missing}, which the app needs (see requirements.txt)"
    differing = [name for name in root if name not in ("torch", "torchvision") and cloud[name] != root[name]]
    assert not differing, f"pinned differently from requirements.txt: {differing}"
