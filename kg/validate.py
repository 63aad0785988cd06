"""SHACL validation of a built graph against ontology/shapes.ttl (pyshacl)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Namespace

SH = Namespace("http://www.w3.org/ns/shacl#")
ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[tuple[str, str, str]]   # (focus node, path, message)
    text: str


def shapes_path() -> Path:
    return ONTOLOGY_DIR / "shapes.ttl"


def validate(graph: Graph, shapes: str | Path | None = None) -> ValidationReport:
    """Run the shapes with RDFS inference from the ontology (so a kgo:City counts as a kgo:Region)."""
    import pyshacl

    shapes_graph = Graph().parse(shapes or shapes_path())
    ontology = Graph().parse(ONTOLOGY_DIR / "parkkg.ttl")
    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes_graph, ont_graph=ontology,
                                            inference="none", allow_warnings=True)
    violations = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        violations.append((str(results.value(result, SH.focusNode)),
                           str(results.value(result, SH.resultPath) or ""),
                           str(results.value(result, SH.resultMessage) or "")))
    violations.sort()
    if conforms:
        text = f"conforms: {len(graph)} triples checked against {Path(shapes or shapes_path()).name}"
    else:
        lines = [f"{len(violations)} violation(s):"]
        lines += [f"  {focus}\n    {path or '(node)'}: {message}" for focus, path, message in violations]
        text = "\n".join(lines)
    return ValidationReport(conforms, violations, text)
