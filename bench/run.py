"""The whole build at several sizes, against the best bare tool for each of its main stages.

For each size N (services):

1. End to end: the whole build (`envanter.run.pipeline.build`) of an inventory of N services, in a
   fresh Python process, timed from interpreter start to exit. N = 54 is the real seed
   (data/source/ibb-sosyal-hizmetler-2025.txt with its corrections), built --seed-runs times
   (median reported, with min and max); any other N is a synthetic inventory (bench/generate.py,
   written as CSV beside its .meta.yaml, with an English reference; built without corrections)
   built --runs times. The input is written by a separate process first, not timed. The child
   reports the stage times the pipeline records (`BuildResult.stages`), services, triples and
   files. Memory: every second the parent sums Pss (/proc/PID/smaps_rollup; VmRSS where that
   is missing) over the child's whole process tree (the build forks workers): the peak of that
   sum is "peak memory"; the child's own rusage (os.wait4) gives the largest single process's
   RSS. (Reading smaps_rollup walks the process's page tables, some 20 ms for a process of 2 GB:
   sampled ten times a second, it took most of a core from a national build's two workers.)

2. Bare tools on the same N, each in a fresh process, timed inside it around the work only
   (imports and input preparation excluded; the process's wall time and peak memory are
   recorded too):
   - morph-kgc (its own venv, bench/.venv-morph, made on first use): `materialize_set` of an RML
     translation of mappings/*.yaml (bench/rml.py) over the tidy tables the end-to-end build
     wrote (dist/data/tables/*.csv), plus writing its triples as N-Triples. Includes morph-kgc
     parsing the RML (also reported alone, measured in a separate call). Ontology not included.
   - pySHACL: `pyshacl.validate` (inference none) of the whole dist/data/dataset.nt, already
     parsed into an rdflib Graph, against shapes/profile.ttl. Parsing it (rdflib) is reported as
     "load" but is not part of the bare figure.
   - pyoxigraph: parsing dist/data/dataset.nt into a list in memory, then serializing it as
     Turtle (with the mappings' prefixes), N-Triples and JSON-LD into files.
   - Jinja2: rendering every page our build renders with site/*.j2, and writing it to a file,
     in one process. The pages' contexts are computed first, untimed, by envanter's own SiteWriter
     (a build in one process and one batch, into a throwaway folder) with its template
     environment replaced by a recorder; then each page's compiled template is rendered with its context and written
     (with the recorded contexts frozen out of the cyclic GC's way). The pages come out
     byte-identical to the build's. Not included: sitemap.xml and robots.txt (no template),
     copying static/.

   At N = 54 a sanity check compares morph-kgc's triples with what our mappings make.

3. The host's speed, in a fresh process before and after each size's end-to-end runs
   (child_probe): a fixed piece of pure Python, the first touch of fresh memory, creating small
   files in the work folder. The same code's figures move with these from day to day, and within
   a run: the growth table is given again over the host's slowing down between the sizes (the
   ratio of the probe's Python seconds, each size's the mean of before and after).

4. A table per size (stage seconds, wall, peak memory, the bare tools and their sum, the ratio
   end-to-end / bare sum) and the growth of each figure per service between consecutive sizes;
   all figures, with the machine and package versions, go to --json FILE.

Nothing is deleted until everything is measured (see `set_aside`): a run's output that must
make room for the next is moved aside, and removed at the end with the work folder (when it is
a temporary one). A run up to 100,000 services keeps some 30 GB there until then.

    python bench/run.py --sizes 54,1000,10000,100000 --json FILE [--workdir DIR] [--no-bare]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# Only the standard library at the top: the morph-kgc child runs this file in another venv.
ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
MORPH_VENV = BENCH / ".venv-morph"
MORPH_REQUIREMENTS = BENCH / "requirements-morph.txt"
SEED_SERVICES = 54  # as bench/common.py (not imported here: it needs envanter)
RESULT = "BENCH-RESULT "  # the prefix of a child's one result line on stdout
SAMPLE_S = 1.0
HEARTBEAT_S = 30.0
PROBE_LOOP = 300_000  # the host probe's dictionary entries, in …
PROBE_ROUNDS = 7  # … rounds
PROBE_MEMORY = 512 * 1024**2  # … bytes of fresh memory touched
PROBE_FILES = 2_000  # … small files created
BARE = ("morph-kgc", "pySHACL", "pyoxigraph", "Jinja2")
STARTED = time.perf_counter()

Row = dict[str, Any]


def log(message: str) -> None:
    elapsed = time.perf_counter() - STARTED
    print(f"[{elapsed:8.1f} s] {message}", file=sys.stderr, flush=True)


# --- measuring a child process ---------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    """The process and all its descendants (by scanning /proc: the kernel may not offer
    /proc/PID/task/TID/children)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])  # the name in () may hold spaces
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def memory_kib(pid: int) -> int:
    """The process's proportional set size (shared pages split among their users), or its RSS
    where smaps_rollup is missing; 0 once it is gone."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1])
        except (OSError, ValueError):
            continue
    return 0


def run_measured(argv: list[str], label: str) -> Row:
    """Run a child; its wall time, peak tree PSS, largest process RSS and its result line."""
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as stdout:
        start = time.perf_counter()
        # stdout to a file: the parent blocks in wait4, so a pipe could fill up and stall.
        proc = subprocess.Popen(argv, stdout=stdout, cwd=ROOT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            last = time.perf_counter()
            while not done.is_set():
                kib = sum(memory_kib(pid) for pid in process_tree(proc.pid))
                peak[0] = max(peak[0], kib)
                if time.perf_counter() - last >= HEARTBEAT_S:
                    last = time.perf_counter()
                    log(
                        f"  … {label}: {last - start:.0f} s, tree PSS {kib / 1024:.0f} MiB "
                        f"(peak {peak[0] / 1024:.0f} MiB)"
                    )
                # (Five a second at first: a build of the seed is over within a second or two.)
                done.wait(SAMPLE_S if time.perf_counter() - start > 5 else 0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # wait4 rather than Popen.wait: the child's rusage (its own and its reaped children's).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        stdout.seek(0)
        lines = [line for line in stdout.read().splitlines() if line.startswith(RESULT)]
    measured: Row = {
        "wall_s": round(wall, 3),
        "peak_pss_mib": round(peak[0] / 1024, 1),
        "max_rss_mib": round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
        # CPU seconds, user and system, of the child and every process it reaped (its workers,
        # Pagefind): on a shared host, less moved by the others' load than the wall time.
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
    }
    if proc.returncode != 0 or not lines:
        measured["error"] = f"{label} failed (exit status {proc.returncode}; see above)"
        log(f"  ! {measured['error']}")
        return measured
    measured.update(json.loads(lines[-1][len(RESULT) :]))
    return measured


def run_plain(argv: list[str], label: str) -> None:
    """An untimed step (input preparation): it must succeed."""
    if subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL).returncode != 0:
        raise SystemExit(f"{label} failed (see above)")


def child_argv(kind: str, n: int, workdir: Path, python: str = sys.executable) -> list[str]:
    script = str(Path(__file__).resolve())
    argv = [python, script, "--child", kind, "--size", str(n), "--workdir", str(workdir)]
    return argv + (["--per-inventory", str(PER_INVENTORY)] if PER_INVENTORY else [])


# --per-inventory M: each synthetic size N is N/M inventories of M services, built as one
# publication (run/inventories.py); None: one inventory of N services.
PER_INVENTORY: int | None = None


def inventory_count(n: int) -> int:
    """How many inventories a synthetic size of n services is."""
    return max(1, n // PER_INVENTORY) if PER_INVENTORY else 1


# --- the morph-kgc venv ----------------------------------------------------------------------


def morph_python() -> str:
    """bench/.venv-morph's interpreter, the venv made (or brought up to date) when needed:
    morph-kgc pins a pyoxigraph that conflicts with ours, so it cannot share our venv."""
    python = MORPH_VENV / "bin" / "python"
    marker = MORPH_VENV / ".installed"
    wanted = MORPH_REQUIREMENTS.read_text(encoding="utf-8")
    if python.exists() and marker.exists() and marker.read_text(encoding="utf-8") == wanted:
        return str(python)
    log(f"setting up {MORPH_VENV.relative_to(ROOT)} for morph-kgc (first use; a minute or so)")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(MORPH_VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", str(MORPH_REQUIREMENTS)], check=True
    )
    marker.write_text(wanted, encoding="utf-8")
    return str(python)


def versions(python: str, packages: list[str]) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, sys\n"
        "out = {}\n"
        "for p in sys.argv[1:]:\n"
        "    try: out[p] = m.version(p)\n"
        "    except m.PackageNotFoundError: out[p] = 'not installed'\n"
        "print(json.dumps(out))"
    )
    done = subprocess.run([python, "-c", code, *packages], capture_output=True, text=True)
    return json.loads(done.stdout) if done.returncode == 0 else {}


def machine(morph: str | None) -> Row:
    meminfo = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()
    info: Row = {
        "cpu_count": os.cpu_count(),
        "cpus_available": len(os.sched_getaffinity(0)),
        "memory_gib": round(int(meminfo[1]) / 1024**2, 1),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "packages": versions(sys.executable, ["pyoxigraph", "pyshacl", "rdflib", "jinja2"]),
    }
    if morph:
        info["morph_venv_packages"] = versions(
            morph, ["morph-kgc", "pyoxigraph", "pandas", "duckdb", "rdflib"]
        )
    return info


# --- the children (each runs in a fresh process: `run.py --child KIND --size N ...`) --------


def emit(result: Row) -> None:
    print(RESULT + json.dumps(result), flush=True)


def child_paths() -> None:
    for folder in (ROOT / "bench", ROOT / "src"):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))


def child_options(n: int, workdir: Path) -> Any:
    """The BuildOptions of size n (the seed at 54), writing into workdir/dist-n."""
    child_paths()
    from common import build_options, many_options, synthetic_options

    out = workdir / f"dist-{n}"
    if n == SEED_SERVICES:
        return build_options(out)
    if PER_INVENTORY:
        return many_options(workdir / f"input-{n}", out)
    return synthetic_options(n, workdir / f"input-{n}", out)


def child_probe(n: int, workdir: Path) -> None:
    """How fast the host is just now, at what the build spends its time on: the same code took
    from 287 s to 779 s on different days (see docs/performance.md), so every size's figures
    come with these, measured in a fresh process before and after its end-to-end runs."""
    import mmap

    # Pure Python of the build's kind: strings made, hashed into a dict, sorted; the median of
    # a few rounds (one round alone moved by a fifth from one second to the next).
    rounds = []
    for _ in range(PROBE_ROUNDS):
        start = time.perf_counter()
        table: dict[str, int] = {}
        for i in range(PROBE_LOOP):
            table[f"hizmet-{i * 7919 % PROBE_LOOP}"] = i
        ordered = sorted(table)
        rounds.append(time.perf_counter() - start)
        del table, ordered
    python_s = statistics.median(rounds)
    # Memory touched for the first time: one write a page of fresh anonymous memory.
    page = mmap.PAGESIZE
    memory = mmap.mmap(-1, PROBE_MEMORY)
    start = time.perf_counter()
    for offset in range(0, PROBE_MEMORY, page):
        memory[offset] = 1
    fault_us = (time.perf_counter() - start) / (PROBE_MEMORY // page) * 1e6
    memory.close()
    # Small files created in the work folder (kept until the end, as everything: see set_aside).
    folder = workdir / f".probe-{n}-{time.time_ns()}"
    folder.mkdir()
    body = b"x" * 2048
    start = time.perf_counter()
    for k in range(PROBE_FILES):
        with open(folder / f"{k}.html", "wb") as f:
            f.write(body)
    file_us = (time.perf_counter() - start) / PROBE_FILES * 1e6
    emit(
        {
            "python_s": round(python_s, 3),
            "page_fault_us": round(fault_us, 2),
            "file_create_us": round(file_us, 1),
            "folder": str(folder),
        }
    )


def child_input(n: int, workdir: Path) -> None:
    """Write the synthetic inventory of n services and its reference (not timed)."""
    child_paths()
    from common import synthetic_input, synthetic_inventories

    if PER_INVENTORY:
        synthetic_inventories(n, inventory_count(n), workdir / f"input-{n}")
    else:
        synthetic_input(n, workdir / f"input-{n}")


def child_build(n: int, workdir: Path) -> None:
    """The whole build, as `envanter build` runs it."""
    options = child_options(n, workdir)
    from envanter.run.pipeline import build

    start = time.perf_counter()

    def progress(message: str) -> None:
        print(f"    [build {time.perf_counter() - start:7.1f} s] {message}", file=sys.stderr)

    result = build(options, progress)
    emit(
        {
            "stages": {k: round(v, 3) for k, v in result.stages.items()},
            "batch_stages": {k: round(v, 3) for k, v in result.batch_stages.items()},
            "services": result.services,
            "triples": result.triples,
            "files": len(result.files),
        }
    )


def child_morph_prep(n: int, workdir: Path) -> None:
    """Translate mappings/*.yaml into RML over dist-n's tables (not timed)."""
    options = child_options(n, workdir)
    from envanter.config import load_source_metadata
    from envanter.run.reading import build_parameters
    from rml import translate

    metadata = load_source_metadata(options.source)
    year = options.reference_year or metadata.reference_year
    params = build_parameters(options.source, metadata, year)
    tables = options.out / "data" / "tables"
    translate(options.mappings, tables, params, workdir / f"bare-{n}", options.base_uri)


def child_morph(n: int, workdir: Path, processes: int) -> None:
    """morph-kgc: materialise the RML mapping, write its triples as N-Triples."""
    import morph_kgc  # in bench/.venv-morph
    from morph_kgc.args_parser import load_config_from_argument
    from morph_kgc.mapping.mapping_parser import retrieve_mappings

    folder = workdir / f"bare-{n}"
    config = (
        "[CONFIGURATION]\noutput_format = N-TRIPLES\n"
        f"number_of_processes = {processes}\nlogging_level = WARNING\n"
        f"[DataSource]\nmappings = {folder / 'mapping.rml.ttl'}\n"
    )
    # How long parsing the RML takes alone (it is part of the timed call below too).
    start = time.perf_counter()
    retrieve_mappings(load_config_from_argument(config))
    mappings_s = time.perf_counter() - start
    out = folder / "morph.nt"
    start = time.perf_counter()
    triples = morph_kgc.materialize_set(config)
    with out.open("w", encoding="utf-8") as f:
        f.writelines(f"{t} .\n" for t in triples)
    seconds = time.perf_counter() - start
    emit(
        {
            "seconds": round(seconds, 3),
            "mappings_s": round(mappings_s, 3),
            "triples": len(triples),
            "processes": processes,
        }
    )


def child_shacl(n: int, workdir: Path) -> None:
    """pySHACL on the whole graph in one process; loading it with rdflib timed apart."""
    options = child_options(n, workdir)
    import pyshacl
    from rdflib import RDF, SH, Graph

    from envanter.check.shacl import load_shapes

    shapes = load_shapes([options.shapes / "profile.ttl"], options.base_uri)
    start = time.perf_counter()
    data = Graph()
    data.parse(options.out / "data" / "dataset.nt", format="nt")
    loaded = time.perf_counter()
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
    )
    done = time.perf_counter()
    found = len(set(results.subjects(RDF.type, SH.ValidationResult)))
    emit(
        {
            "seconds": round(done - loaded, 3),
            "load_s": round(loaded - start, 3),
            "triples": len(data),
            "conforms": bool(conforms),
            "results": found,
        }
    )


def child_oxigraph(n: int, workdir: Path) -> None:
    """pyoxigraph: parse the N-Triples dump into memory, write Turtle, N-Triples and JSON-LD."""
    options = child_options(n, workdir)
    import pyoxigraph as ox

    from envanter.rdf.graph import Mapper, load_mappings

    prefixes = Mapper(options.base_uri, load_mappings(options.mappings)[0], {}).prefixes
    out = workdir / f"bare-{n}" / "oxigraph"
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    quads = list(ox.parse(path=options.out / "data" / "dataset.nt", format=ox.RdfFormat.N_TRIPLES))
    parsed = time.perf_counter()
    ox.serialize(quads, out / "dataset.ttl", ox.RdfFormat.TURTLE, prefixes=prefixes)
    ox.serialize(quads, out / "dataset.nt", ox.RdfFormat.N_TRIPLES)
    ox.serialize(quads, out / "dataset.jsonld", ox.RdfFormat.JSON_LD)
    done = time.perf_counter()
    emit(
        {
            "seconds": round(done - start, 3),
            "parse_s": round(parsed - start, 3),
            "serialize_s": round(done - parsed, 3),
            "triples": len(quads),
        }
    )


class Recorder:
    """Stands in for SiteWriter's Jinja environment: records each page's template and context instead
    of rendering it (SiteWriter.write then writes an empty file, in a throwaway folder)."""

    def __init__(self) -> None:
        self.pages: list[tuple[str, dict[str, Any]]] = []

    def get_template(self, name: str) -> Recorder.Template:
        return Recorder.Template(name, self.pages)

    class Template:
        def __init__(self, name: str, pages: list[tuple[str, dict[str, Any]]]) -> None:
            self.name, self.pages = name, pages

        def render(self, **context: Any) -> str:
            self.pages.append((self.name, context))
            return ""

        def generate(self, **context: Any) -> Iterator[str]:  # (a large page: see SiteWriter.write)
            self.pages.append((self.name, context))
            return iter(())


def child_jinja(n: int, workdir: Path) -> None:
    """Jinja2: every page of the site rendered and written, one process, contexts precomputed."""
    options = child_options(n, workdir)
    from dataclasses import replace

    from envanter.publication import site as site_module
    from envanter.run.executor import Serial
    from envanter.run.pipeline import build

    # The pages' contexts as the build makes them: the build, in this process and one batch (its
    # pages then all rendered here), into a throwaway folder, its SiteWriter's Jinja environment
    # replaced by the recorder.
    recorder, sites = Recorder(), []
    make_site = site_module.SiteWriter.__init__

    def recording(self: Any, *args: Any, **kwargs: Any) -> None:
        make_site(self, *args, **kwargs)
        sites.append((self, self.env))
        self.env = recorder

    site_module.SiteWriter.__init__ = recording  # type: ignore[method-assign]
    folder = workdir / f"bare-{n}"
    build(replace(options, out=folder / "jinja-capture"), executor=Serial(10_000_000))
    [(site, env)] = sites
    templates = {name: env.get_template(name) for name, _ in recorder.pages}  # compiled
    out = folder / "jinja"

    def target(context: dict[str, Any]) -> Path:  # where SiteWriter.write puts a page
        path: str = context["path"]
        return out / (path if context["lang"] == "tr" else f"en/{path}")

    pages = [(templates[name], context, target(context)) for name, context in recorder.pages]
    folders: set[Path] = set()
    # The recorded contexts of every page are all alive at once, as they never are in a build:
    # keep Python's cyclic GC from scanning them again and again while rendering.
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    for template, context, target in pages:
        # (The site's filters read the page being written, as SiteWriter.write sets it.)
        site.page = site_module.Page(context["lang"], context["root"], context["home"])
        html = template.render(**context)
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_text(html, encoding="utf-8")
    seconds = time.perf_counter() - start
    emit({"seconds": round(seconds, 3), "pages": len(pages)})


def child_check(n: int, workdir: Path) -> None:
    """morph-kgc's triples against our graph's: what the mappings make, and the ontology."""
    from dataclasses import replace

    options = child_options(n, workdir)
    import pyoxigraph as ox

    from common import build_serially
    from envanter.rdf.graph import (
        GraphMaker,
        pack_rows,
        packed_batches,
        stable_blank_nodes,
        unpack_rows,
    )
    from envanter.run.pipeline import prepare_tables

    folder = workdir / f"bare-{n}"
    graph = set(build_serially(replace(options, out=folder / "check-dist")).triples)
    prepared = prepare_tables(options)
    # The mappings alone, over every service's rows at once, with no ontology folder.
    shared, names, batches = packed_batches(prepared.tables, lambda services: max(1, services))
    rows = unpack_rows(pack_rows(batches[0])) if batches else {}
    with tempfile.TemporaryDirectory() as empty:
        maker = GraphMaker(
            shared, names, options.mappings, Path(empty), prepared.base, prepared.params
        )
        mapped = set(maker.shared()) | set(maker.batch(rows))
    ontology: set[Any] = set()
    for path in sorted(options.ontology.glob("*.ttl")):
        parsed = ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=prepared.base + "def/")
        ontology.update(stable_blank_nodes((q.triple for q in parsed), path.stem))
    path = workdir / f"bare-{n}" / "morph.nt"
    morph = {q.triple for q in ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)}
    emit(
        {
            "graph": len(graph),
            "ontology": len(ontology),
            "graph_minus_ontology": len(graph - ontology),
            "mappings_only": len(mapped),
            "mapped_also_in_ontology": len(mapped & ontology),
            "morph": len(morph),
            "only_morph": len(morph - mapped),
            "only_ours": len(mapped - morph),
            "examples_only_morph": sorted(str(t) for t in morph - mapped)[:5],
            "examples_only_ours": sorted(str(t) for t in mapped - morph)[:5],
        }
    )


def run_child(args: argparse.Namespace) -> None:
    n, workdir = args.size, args.workdir
    children: dict[str, Callable[[], None]] = {
        "input": lambda: child_input(n, workdir),
        "probe": lambda: child_probe(n, workdir),
        "build": lambda: child_build(n, workdir),
        "morph-prep": lambda: child_morph_prep(n, workdir),
        "morph": lambda: child_morph(n, workdir, args.morph_processes),
        "shacl": lambda: child_shacl(n, workdir),
        "oxigraph": lambda: child_oxigraph(n, workdir),
        "jinja": lambda: child_jinja(n, workdir),
        "check": lambda: child_check(n, workdir),
    }
    if args.child not in children:
        raise SystemExit(f"unknown child {args.child!r}")
    children[args.child]()


# --- the parent ------------------------------------------------------------------------------


def set_aside(folder: Path, trash: list[Path]) -> None:
    """Move a folder out of the way, to be deleted once everything is measured.

    Nothing is deleted while the benchmark runs: on ext4 without a journal (as on the machine
    measured), creating a file skips every inode deleted in the last minute or more, so for
    minutes after thousands of files are deleted each new file takes up to ten times longer.
    (Deleting the seed's output before each of its runs made each run slower than the last.)
    """
    if folder.exists():
        aside = folder.with_name(f".{folder.name}.{time.time_ns()}")
        folder.rename(aside)
        trash.append(aside)


def probe(n: int, workdir: Path, trash: list[Path]) -> Row:
    """The host's speed, measured in a fresh process (child_probe)."""
    log(f"[{n}] probing the host's speed")
    row = run_measured(child_argv("probe", n, workdir), f"probe {n}")
    if "folder" in row:
        trash.append(Path(row.pop("folder")))
        log(
            f"[{n}] host: Python {row['python_s']:.2f} s, first touch of a page "
            f"{row['page_fault_us']:.1f} µs, a small file {row['file_create_us']:.0f} µs"
        )
    return row


def end_to_end(n: int, workdir: Path, runs: int, trash: list[Path]) -> Row:
    """The build of size n, `runs` times; the median run's figures, with every run's wall."""
    measured = []
    for k in range(1, runs + 1):
        # A fresh output folder: the build would otherwise rename the old one and delete it in
        # a detached `rm` process, running alongside this run.
        set_aside(workdir / f"dist-{n}", trash)
        log(f"[{n}] end to end, run {k}/{runs}")
        row = run_measured(child_argv("build", n, workdir), f"build {n}")
        log(
            f"[{n}] end to end, run {k}/{runs}: {row['wall_s']:.2f} s, peak {row['peak_pss_mib']:.0f} MiB"
        )
        measured.append(row)
    ok = [r for r in measured if "error" not in r]
    if not ok:
        # Every attempt kept (what each run recorded before it failed); the table says "failed".
        return {
            "error": measured[-1]["error"],
            "runs": len(measured),
            "failed_runs": len(measured),
            "attempts": measured,
        }
    walls = [r["wall_s"] for r in ok]
    median = sorted(ok, key=lambda r: r["wall_s"])[len(ok) // 2]
    return {
        **median,
        "runs": len(measured),
        "failed_runs": len(measured) - len(ok),
        "median_wall_s": round(statistics.median(walls), 3),
        "min_wall_s": min(walls),
        "max_wall_s": max(walls),
        "walls_s": walls,
        "max_peak_pss_mib": max(r["peak_pss_mib"] for r in ok),
    }


def bare(n: int, workdir: Path, morph: str, processes: int) -> dict[str, Row]:
    """Each bare tool on size n, on what the end-to-end build of n left in workdir/dist-n."""
    results: dict[str, Row] = {}
    steps: list[tuple[str, list[str]]] = []
    log(f"[{n}] bare: translating the mappings into RML (not timed)")
    try:
        run_plain(child_argv("morph-prep", n, workdir), "the RML translation")
        morph_argv = child_argv("morph", n, workdir, morph)
        steps.append(("morph-kgc", [*morph_argv, "--morph-processes", str(processes)]))
    except SystemExit as e:
        results["morph-kgc"] = {"error": str(e)}
    steps += [
        ("pySHACL", child_argv("shacl", n, workdir)),
        ("pyoxigraph", child_argv("oxigraph", n, workdir)),
        ("Jinja2", child_argv("jinja", n, workdir)),
    ]
    for name, argv in steps:
        log(f"[{n}] bare {name}")
        results[name] = run_measured(argv, f"{name} {n}")
        if "seconds" in results[name]:
            log(f"[{n}] bare {name}: {results[name]['seconds']:.2f} s timed")
    return results


def bare_sum(size: Row) -> float | None:
    stages = size.get("bare") or {}
    if not stages or any("seconds" not in stages.get(name, {}) for name in BARE):
        return None
    return round(sum(stages[name]["seconds"] for name in BARE), 3)


def figures(size: Row) -> dict[str, float]:
    """Every figure of a size by name, for the growth table."""
    out: dict[str, float] = {}
    e2e = size.get("e2e", {})
    for stage, seconds in e2e.get("stages", {}).items():
        out[f"stage: {stage}"] = seconds
    for stage, seconds in e2e.get("batch_stages", {}).items():
        out[f"batches: {stage}"] = seconds
    if "wall_s" in e2e:
        out["end to end wall"] = e2e["wall_s"]
        out["peak memory (tree PSS)"] = e2e["peak_pss_mib"]
    for name, row in (size.get("bare") or {}).items():
        if "seconds" in row:
            out[f"bare: {name}"] = row["seconds"]
    if size.get("bare_sum"):
        out["bare sum"] = size["bare_sum"]
    return out


def host_speed(size: Row) -> float | None:
    """The probe's Python seconds around a size's end-to-end runs: the mean of before and after."""
    found = [
        s["python_s"] for s in (size.get("host"), size.get("host_after")) if s and "python_s" in s
    ]
    return statistics.mean(found) if found else None


def growth(sizes: list[Row]) -> list[Row]:
    """For consecutive sizes a < b: each figure's cost(b) / cost(a), and that over b / a (the
    growth per service: 1.00 is linear)."""
    out = []
    for a, b in itertools.pairwise(sizes):
        fa, fb = figures(a), figures(b)
        scale = b["size"] / a["size"]
        # The host's own slowing down between the two sizes (its probe's pure Python), by which
        # every figure is divided once more in "per_service_host".
        probes = [host_speed(s) for s in (a, b)]
        host = probes[1] / probes[0] if probes[0] and probes[1] else None
        rows: dict[str, Row] = {}
        for key in fa:
            if key in fb and fa[key] > 0:
                ratio = fb[key] / fa[key]
                rows[key] = {"ratio": round(ratio, 2), "per_service": round(ratio / scale, 2)}
                if host is not None:
                    rows[key]["per_service_host"] = round(ratio / scale / host, 2)
        out.append(
            {
                "from": a["size"],
                "to": b["size"],
                "host_slowdown": round(host, 2) if host else None,
                "figures": rows,
            }
        )
    return out


def table(sizes: list[Row], grown: list[Row]) -> str:
    """The figures as plain text: one column per size."""
    width, column = 30, 16
    head = f"{'':{width}}" + "".join(f"{s['size']:>{column},}" for s in sizes)
    lines = ["End to end (a fresh process; stages as the pipeline records them), seconds", head]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"{label:{width}}" + "".join(f"{v:>{column}}" for v in values))

    def num(value: Any, fmt: str = ".2f") -> str:
        return "—" if value is None else format(value, fmt)

    e2es: list[Row] = [s.get("e2e", {}) for s in sizes]
    bares: list[Row] = [s.get("bare") or {} for s in sizes]
    stage_names: list[str] = []
    for e in e2es:
        stage_names += [name for name in e.get("stages", {}) if name not in stage_names]
    for name in stage_names:
        row(f"  {name}", [num(e.get("stages", {}).get(name)) for e in e2es])
    totals = [sum(e["stages"].values()) if "stages" in e else None for e in e2es]
    row("  stages total", [num(t) for t in totals])
    batch_names: list[str] = []
    for e in e2es:
        batch_names += [name for name in e.get("batch_stages", {}) if name not in batch_names]
    if batch_names:
        lines.append("  of which the services' batches, worker seconds summed over the batches:")
    for name in batch_names:
        row(f"    {name}", [num(e.get("batch_stages", {}).get(name)) for e in e2es])
    if any("error" in e for e in e2es):
        row("  the build", ["failed" if "error" in e else "ok" for e in e2es])
    row("process wall (median run)", [num(e.get("median_wall_s")) for e in e2es])
    row(
        "  min–max of the runs",
        [
            f"{e['min_wall_s']:.2f}–{e['max_wall_s']:.2f}" if "min_wall_s" in e else "—"
            for e in e2es
        ],
    )
    row("  runs", [num(e.get("runs"), "d") for e in e2es])
    row(  # interpreter start-up, imports and exit, in the median run
        "  outside the stages",
        [
            num(e["wall_s"] - t) if t is not None and "wall_s" in e else "—"
            for e, t in zip(e2es, totals, strict=True)
        ],
    )
    row("peak memory, tree PSS MiB", [num(e.get("peak_pss_mib"), ".0f") for e in e2es])
    row("largest process RSS MiB", [num(e.get("max_rss_mib"), ".0f") for e in e2es])
    for key in ("services", "triples", "files"):
        row(key, [num(e.get(key), ",") for e in e2es])
    lines.append("  the host before and after (a fresh process; see child_probe):")

    def around(key: str, fmt: str) -> list[str]:
        return [
            "/".join(num((s.get(when) or {}).get(key), fmt) for when in ("host", "host_after"))
            for s in sizes
        ]

    row(f"    Python, {PROBE_LOOP:,} entries s", around("python_s", ".2f"))
    row("    first touch of a page µs", around("page_fault_us", ".1f"))
    row("    a small file created µs", around("file_create_us", ".0f"))

    lines += ["", "Bare tools (a fresh process each; timed around the work), seconds", head]
    labels = {
        "morph-kgc": ("morph-kgc materialise", "mappings_s", "    (of which RML parsing)"),
        "pySHACL": ("pySHACL validate", "load_s", "    (rdflib load, not summed)"),
        "pyoxigraph": ("pyoxigraph parse+serialize", "", ""),
        "Jinja2": ("Jinja2 render+write", "", ""),
    }
    for name in BARE:
        label, detail, detail_label = labels[name]
        row(f"  {label}", [num(b.get(name, {}).get("seconds")) for b in bares])
        if detail:
            row(detail_label, [num(b.get(name, {}).get(detail)) for b in bares])
    row("bare sum", [num(s.get("bare_sum")) for s in sizes])
    row("end to end / bare sum", [num(s.get("ratio")) for s in sizes])

    if grown:
        lines += [
            "",
            "Growth per service between sizes: (cost(b) / cost(a)) / (b / a); 1.00 is linear",
            f"{'':{width}}" + "".join(f"{g['from']:,}→{g['to']:,}".rjust(column) for g in grown),
        ]
        keys: list[str] = []
        for g in grown:
            keys += [k for k in g["figures"] if k not in keys]
        for key in keys:
            row(f"  {key}", [num(g["figures"].get(key, {}).get("per_service")) for g in grown])
        if sizes[0]["seed"]:
            lines.append("  (the seed is the real inventory, the other sizes synthetic ones)")
        lines += [
            "",
            "… and over the host's slowing down between the sizes (its probe's Python seconds)",
            f"{'':{width}}" + "".join(f"{g['from']:,}→{g['to']:,}".rjust(column) for g in grown),
        ]
        row("  the host's slowdown", [num(g.get("host_slowdown")) for g in grown])
        for key in keys:
            row(
                f"  {key}",
                [num(g["figures"].get(key, {}).get("per_service_host")) for g in grown],
            )
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Progress goes to stderr, the table to stdout.",
    )
    parser.add_argument(
        "--sizes",
        default="54,1000",
        help="comma-separated service counts; 54 is the real seed, others synthetic "
        "(default 54,1000)",
    )
    parser.add_argument("--json", type=Path, help="write every figure here too")
    parser.add_argument(
        "--runs", type=int, default=1, help="end-to-end runs per synthetic size (default 1)"
    )
    parser.add_argument(
        "--seed-runs", type=int, default=5, help="end-to-end runs of the seed (default 5)"
    )
    parser.add_argument("--no-bare", action="store_true", help="skip the bare-tool stages")
    parser.add_argument(
        "--bare-max",
        type=int,
        metavar="N",
        help="skip the bare-tool stages for sizes above N (default: no limit)",
    )
    parser.add_argument(
        "--morph-processes",
        type=int,
        default=os.cpu_count() or 1,
        metavar="P",
        help="morph-kgc worker processes (default: the CPU count)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        metavar="DIR",
        help="keep inputs, builds and outputs in DIR: gigabytes of small files, so a fast local "
        "disk (default: a temporary folder under TMPDIR, removed at the end)",
    )
    parser.add_argument(
        "--per-inventory",
        type=int,
        metavar="M",
        help="build each synthetic size N as N/M inventories of M services each, of different "
        "institutions, published as one (bench/generate.py --inventories; default: one "
        "inventory of N services)",
    )
    # A child: one measured step in a fresh process (see the child_* functions).
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    return parser.parse_args()


def compile_sources() -> None:
    """envanter's modules byte-compiled before anything is timed, as an installed package has
    them: with PYTHONDONTWRITEBYTECODE set, every build would otherwise compile them all anew
    at import (and a build with more, smaller modules would seem slower for it)."""
    import compileall

    import envanter

    compileall.compile_dir(Path(envanter.__file__).parent, quiet=1)


def main() -> None:
    global PER_INVENTORY
    args = parse_args()
    PER_INVENTORY = args.per_inventory
    if args.child:
        run_child(args)
        return
    sizes = [int(s) for s in args.sizes.split(",")]

    def bare_wanted(n: int) -> bool:
        return not args.no_bare and (args.bare_max is None or n <= args.bare_max)

    morph = morph_python() if any(bare_wanted(n) for n in sizes) else None
    compile_sources()
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="envanter-bench-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    log(f"work folder {workdir}")
    report: Row = {
        "machine": machine(morph),
        "settings": {
            "sizes": sizes,
            "runs": args.runs,
            "seed_runs": args.seed_runs,
            "bare": not args.no_bare,
            "bare_max": args.bare_max,
            "morph_processes": args.morph_processes,
            "per_inventory": args.per_inventory,
            "inventories": {str(n): inventory_count(n) for n in sizes if n != SEED_SERVICES},
            "sample_interval_s": SAMPLE_S,
        },
        "sizes": [],
        "growth": [],
    }
    results: list[Row] = report["sizes"]
    trash: list[Path] = []  # what is deleted at the end (see set_aside)
    per_service = 0.0  # the disk a service took in the last synthetic size, bytes
    try:
        for n in sizes:
            check_disk(workdir, n, per_service)
            free_before = shutil.disk_usage(workdir).free
            measured = measure_size(n, workdir, args, morph if bare_wanted(n) else None, trash)
            # Nothing is deleted until the end (see set_aside): what the size took is the drop.
            measured["disk_mib"] = round((free_before - shutil.disk_usage(workdir).free) / 2**20)
            if n != SEED_SERVICES:  # the seed's five runs and fixed pages say little of scale
                per_service = measured["disk_mib"] * 2**20 / n
            results.append(measured)
            report["growth"] = growth(results)
            if args.json:  # after every size: a long run stopped half-way keeps what it did
                args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    finally:
        log("removing what the runs set aside" + ("" if args.workdir else " and the work folder"))
        for folder in trash:
            shutil.rmtree(folder, ignore_errors=True)
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(results, report["growth"]))
    for size in results:
        check = size.get("morph_check")
        if check and "error" not in check:
            print(
                f"\nSanity check at {size['size']}: morph-kgc {check['morph']:,} distinct triples; "
                f"our mappings alone {check['mappings_only']:,} (only in morph-kgc "
                f"{check['only_morph']}, only in ours {check['only_ours']}); our graph "
                f"{check['graph']:,} = {check['ontology']:,} ontology + "
                f"{check['graph_minus_ontology']:,} others ({check['mapped_also_in_ontology']} "
                "triples the mappings make are in the ontology too)"
            )
    if args.json:
        log(f"wrote {args.json}")


def check_disk(workdir: Path, n: int, per_service: float) -> None:
    """Stop before a size that would fill the disk: its builds and bare outputs are all kept
    until the end, about as many bytes a service as the last synthetic size took."""
    need = per_service * n * 1.2
    free = shutil.disk_usage(workdir).free
    log(f"[{n}] {free / 2**30:.1f} GiB free in the work folder's file system")
    if need > free:
        raise SystemExit(
            f"[{n}] not enough disk: about {need / 2**30:.1f} GiB needed "
            f"({per_service / 1024:.0f} KiB a service, as the size before it took), "
            f"{free / 2**30:.1f} GiB free; free some space or pass fewer --sizes"
        )


def measure_size(
    n: int, workdir: Path, args: argparse.Namespace, morph: str | None, trash: list[Path]
) -> Row:
    """Everything for size n: input, end to end, and (given morph-kgc's python) bare tools."""
    size: Row = {"size": n, "seed": n == SEED_SERVICES}
    if n != SEED_SERVICES:
        log(f"[{n}] writing the synthetic input, {inventory_count(n)} inventories (not timed)")
        run_plain(child_argv("input", n, workdir), "writing the synthetic input")
    runs = args.seed_runs if n == SEED_SERVICES else args.runs
    size["host"] = probe(n, workdir, trash)
    size["e2e"] = end_to_end(n, workdir, runs, trash)
    size["host_after"] = probe(n, workdir, trash)
    if morph is None or "error" in size["e2e"]:
        return size
    size["bare"] = bare(n, workdir, morph, args.morph_processes)
    size["bare_sum"] = bare_sum(size)
    if size["bare_sum"]:
        size["ratio"] = round(size["e2e"]["median_wall_s"] / size["bare_sum"], 2)
    if n == SEED_SERVICES and "seconds" in size["bare"]["morph-kgc"]:
        log(f"[{n}] sanity check: morph-kgc's triples against ours")
        size["morph_check"] = run_measured(child_argv("check", n, workdir), "check")
    return size


if __name__ == "__main__":
    main()
