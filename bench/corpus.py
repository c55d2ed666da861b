"""Build the benchmark corpus: real code from pinned PyPI archives plus the FreshBooks cases.

    python bench/corpus.py [--size medium|large|all] [--cases DIR] [--cache-dir DIR] [--force]

Every pin is downloaded once with `pip download --no-deps` into the cache directory (default
`bench/.cache/archives/`). Wheels are asked for one fixed target (CPython 3.11, manylinux2014
x86_64), whatever this machine is, so the same pins always give the same files; the few pins
taken as sdists (for their test suites) are plain tarballs. Every archive's sha256 is checked
against `bench/corpus.lock.json` (a new pin is added to it on first download).

Only the `.py` files are extracted, into `bench/corpus/<size>/<name>/`. Files under directories
that scanners prune by convention (`build`, `dist`, `site-packages`, ...) and files over 2 MB
(fbscopes' default `--max-file-size`) are left out, so every tool sees the same tree. The
FreshBooks eval cases are then copied to `<corpus>/freshbooks_cases/<case>/`. A manifest
(`bench/corpus/<size>.manifest.json`) records the pins, each archive's sha256 and the counts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEFAULT_CACHE = BENCH / ".cache"
CORPUS_ROOT = BENCH / "corpus"
LOCK_FILE = BENCH / "corpus.lock.json"
DEFAULT_CASES = REPO.parent / "shared" / "eval" / "cases"
CASES_DIRNAME = "freshbooks_cases"
MAX_FILE_BYTES = 2_000_000
PRUNED_DIRS = frozenset(
    {"build", "dist", "site-packages", "dist-packages", "__pycache__", "node_modules"}
    | {"venv", ".venv", ".git", ".tox", ".nox", ".eggs"}
)
WHEEL_TARGET = [
    "--only-binary=:all:",
    "--python-version=3.11",
    "--implementation=cp",
    "--abi=cp311",
    "--platform=manylinux_2_17_x86_64",
    "--platform=manylinux2014_x86_64",
]
SDIST_TARGET = ["--no-binary=:all:"]


@dataclass(frozen=True)
class Pin:
    """One PyPI release; `kind` is "wheel" or "sdist" (an sdist brings its test suite)."""

    name: str
    version: str
    kind: str = "wheel"

    @property
    def key(self) -> str:
        return f"{self.name}=={self.version} ({self.kind})"


MEDIUM: tuple[Pin, ...] = (
    Pin("requests", "2.32.3"),
    Pin("urllib3", "2.3.0"),
    Pin("idna", "3.10"),
    Pin("certifi", "2025.1.31"),
    Pin("charset-normalizer", "3.4.1"),
    Pin("httpx", "0.28.1"),
    Pin("httpcore", "1.0.7"),
    Pin("h11", "0.14.0"),
    Pin("anyio", "4.8.0"),
    Pin("rich", "13.9.4"),
    Pin("markdown-it-py", "3.0.0"),
    Pin("click", "8.1.8"),
    Pin("jinja2", "3.1.5"),
    Pin("markupsafe", "3.0.2"),
    Pin("pyyaml", "6.0.2"),
    Pin("flask", "3.1.0"),
    Pin("werkzeug", "3.1.3"),
    Pin("itsdangerous", "2.2.0"),
    Pin("attrs", "25.1.0"),
)
LARGE: tuple[Pin, ...] = (
    *MEDIUM,
    Pin("django", "5.1.6", "sdist"),
    Pin("sympy", "1.13.3"),
    Pin("botocore", "1.36.26"),
    Pin("boto3", "1.36.26"),
    Pin("ansible-core", "2.18.3"),
    Pin("pydantic", "2.10.6"),
)
SIZES: dict[str, tuple[Pin, ...]] = {"medium": MEDIUM, "large": LARGE}


@dataclass
class Archive:
    """A downloaded archive and what was taken from it."""

    name: str
    version: str
    kind: str
    filename: str
    sha256: str
    files: int = 0
    lines: int = 0
    dropped_large: int = 0


@dataclass
class Corpus:
    """A built corpus: its root, counts and manifest."""

    size: str
    root: Path
    files: int
    lines: int
    case_files: int
    cases_dir: str
    archives: list[Archive]
    fingerprint: str
    tree_sha256: str = ""  # over every path and byte of the built corpus: same pins, same value

    def manifest(self) -> dict[str, Any]:
        data = asdict(self)
        data["root"] = str(self.root)
        return data


# --------------------------------------------------------------------------- download


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_lock() -> dict[str, dict[str, str]]:
    if not LOCK_FILE.exists():
        return {}
    data: dict[str, dict[str, str]] = json.loads(LOCK_FILE.read_text())
    return data


def save_lock(lock: dict[str, dict[str, str]]) -> None:
    LOCK_FILE.write_text(json.dumps(dict(sorted(lock.items())), indent=2) + "\n")


def pip_download(pin: Pin, dest: Path) -> Path:
    """Download one pin into its own folder under `dest` and return the archive's path."""
    folder = dest / f"{pin.name}-{pin.version}-{pin.kind}"
    found = archives_in(folder)
    if len(found) == 1:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    target = WHEEL_TARGET if pin.kind == "wheel" else SDIST_TARGET
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"]
    command += [*target, "--dest", str(folder), f"{pin.name}=={pin.version}"]
    print(f"  downloading {pin.key}", flush=True)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    found = archives_in(folder)
    if len(found) != 1:
        raise SystemExit(f"expected one archive for {pin.key} in {folder}, found {found}")
    return found[0]


def archives_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    suffixes = (".whl", ".tar.gz", ".zip")
    return sorted(p for p in folder.iterdir() if p.name.endswith(suffixes))


def verified_archive(pin: Pin, dest: Path, lock: dict[str, dict[str, str]]) -> tuple[Path, Archive]:
    """Download (or reuse) `pin`, check it against the lock file, and describe it."""
    path = pip_download(pin, dest)
    digest = sha256_file(path)
    locked = lock.get(pin.key)
    if locked is None:
        lock[pin.key] = {"filename": path.name, "sha256": digest}
        print(f"  locked {pin.key}: {path.name} sha256={digest[:16]}...")
    elif (locked["filename"], locked["sha256"]) != (path.name, digest):
        raise SystemExit(
            f"{pin.key}: {path.name} sha256={digest} does not match the lock file "
            f"({locked['filename']} sha256={locked['sha256']}); delete {path.parent} to retry"
        )
    return path, Archive(pin.name, pin.version, pin.kind, path.name, digest)


# --------------------------------------------------------------------------- extraction


def python_members(archive: Path) -> Iterator[tuple[PurePosixPath, bytes]]:
    """(relative path, bytes) of every `.py` file in a wheel or sdist, in name order."""
    if archive.name.endswith(".whl") or archive.name.endswith(".zip"):
        yield from _zip_members(archive)
    else:
        yield from _tar_members(archive)


def _zip_members(archive: Path) -> Iterator[tuple[PurePosixPath, bytes]]:
    with zipfile.ZipFile(archive) as zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            path = PurePosixPath(info.filename)
            if info.is_dir() or path.suffix != ".py":
                continue
            if any(part.endswith(".dist-info") for part in path.parts):
                continue
            yield path, zf.read(info)


def _tar_members(archive: Path) -> Iterator[tuple[PurePosixPath, bytes]]:
    with tarfile.open(archive) as tf:
        for member in sorted(tf.getmembers(), key=lambda m: m.name):
            path = PurePosixPath(member.name)
            if not member.isfile() or path.suffix != ".py" or len(path.parts) < 2:
                continue
            handle = tf.extractfile(member)
            if handle is not None:
                yield PurePosixPath(*path.parts[1:]), handle.read()  # drop "Name-1.0/"


def keep(path: PurePosixPath) -> bool:
    parts = path.parts
    safe = not path.is_absolute() and ".." not in parts
    return safe and not any(part in PRUNED_DIRS for part in parts[:-1])


def count_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def extract(archive_path: Path, archive: Archive, dest: Path) -> None:
    """Write the kept `.py` files of one archive under `dest/<name>/`, updating its counts."""
    base = dest / archive.name
    for rel, data in python_members(archive_path):
        if not keep(rel):
            continue
        if len(data) > MAX_FILE_BYTES:
            archive.dropped_large += 1
            continue
        target = base.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        archive.files += 1
        archive.lines += count_lines(data)


def copy_cases(cases: Path, dest: Path) -> tuple[int, int]:
    """Copy every case folder into `dest/freshbooks_cases/`; return (.py files, lines)."""
    target = dest / CASES_DIRNAME
    shutil.copytree(cases, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    files = sorted(target.rglob("*.py"))
    return len(files), sum(count_lines(p.read_bytes()) for p in files)


def tree_digest(root: Path) -> str:
    """sha256 over the relative paths and bytes of every file under `root`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# --------------------------------------------------------------------------- build


def manifest_path(size: str) -> Path:
    return CORPUS_ROOT / f"{size}.manifest.json"


def fingerprint(pins: tuple[Pin, ...], cases_digest: str) -> str:
    text = json.dumps([[p.name, p.version, p.kind] for p in pins] + [cases_digest, MAX_FILE_BYTES])
    return hashlib.sha256(text.encode()).hexdigest()


def load_manifest(size: str, expected_fingerprint: str) -> Corpus | None:
    """The existing corpus of `size` if it was built from the same pins and cases."""
    path = manifest_path(size)
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    root = Path(data["root"])
    if data.get("fingerprint") != expected_fingerprint or not data.get("tree_sha256"):
        return None
    if not root.is_dir():
        return None
    data["root"] = root
    data["archives"] = [Archive(**a) for a in data["archives"]]
    return Corpus(**data)


def build(size: str, cases: Path, cache: Path, lock: dict[str, dict[str, str]]) -> Corpus:
    pins = SIZES[size]
    root = CORPUS_ROOT / size
    print(f"building the {size} corpus in {root}", flush=True)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    archives = []
    for pin in pins:
        path, archive = verified_archive(pin, cache / "archives", lock)
        extract(path, archive, root)
        archives.append(archive)
    save_lock(lock)
    case_files, case_lines = copy_cases(cases, root)
    corpus = Corpus(
        size=size,
        root=root,
        files=sum(a.files for a in archives) + case_files,
        lines=sum(a.lines for a in archives) + case_lines,
        case_files=case_files,
        cases_dir=str(cases),
        archives=archives,
        fingerprint=fingerprint(pins, tree_digest(cases)),
        tree_sha256=tree_digest(root),
    )
    manifest_path(size).write_text(json.dumps(corpus.manifest(), indent=2) + "\n")
    return corpus


def ensure_corpus(
    size: str, cases: Path = DEFAULT_CASES, cache: Path = DEFAULT_CACHE, force: bool = False
) -> Corpus:
    """The corpus of `size`, built only when missing or when its pins or cases changed."""
    if not cases.is_dir():
        raise SystemExit(f"FreshBooks cases not found at {cases} (use --cases DIR)")
    expected = fingerprint(SIZES[size], tree_digest(cases))
    existing = None if force else load_manifest(size, expected)
    return existing or build(size, cases, cache, load_lock())


def describe(corpus: Corpus) -> str:
    lines = [
        f"{corpus.size} corpus: {corpus.files} .py files, {corpus.lines} lines ({corpus.root})"
    ]
    for a in corpus.archives:
        note = f", {a.dropped_large} files > 2 MB left out" if a.dropped_large else ""
        lines.append(f"  {a.name}=={a.version} ({a.kind}): {a.files} files, {a.lines} lines{note}")
    lines.append(f"  FreshBooks cases: {corpus.case_files} files (from {corpus.cases_dir})")
    lines.append(f"  tree sha256: {corpus.tree_sha256}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--size", choices=[*SIZES, "all"], default="medium")
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    sizes = list(SIZES) if args.size == "all" else [args.size]
    for size in sizes:
        corpus = ensure_corpus(size, args.cases.resolve(), args.cache_dir.resolve(), args.force)
        print(describe(corpus))


if __name__ == "__main__":
    main()
