"""Check 2, SPARQL-based constraints (SHACL §5): run by the engine over the data graph in one query per
constraint, instead of by pySHACL, which re-parses the query text for every focus node (30 meetings cost 10 s)
with a parser that is not safe to use from several threads."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from ..namespaces import SH
from ..terms import RDF_TYPE, Resource, pick_label, text
from ..vocabulary import SparqlConstraint, Vocabulary
from .outcome import ValidationResult

_THIS = re.compile(r"\$this\b")
_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


def sparql_results(data: Iterable[ox.Triple], vocabulary: Vocabulary) -> list[ValidationResult]:
    """The results of every SPARQL constraint of the shapes on ``data``."""
    constraints = vocabulary.sparql_constraints
    if not constraints:
        return []
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in data)
    types: dict[Resource, set[str]] = {}
    for quad in store.quads_for_pattern(None, RDF_TYPE, None, None):
        if isinstance(quad.object, ox.NamedNode) and not isinstance(quad.subject, ox.Triple):
            types.setdefault(quad.subject, set()).add(quad.object.value)
    return [r for c in constraints for r in _run(store, c, _focus_nodes(c, types, vocabulary))]


def _focus_nodes(constraint: SparqlConstraint, types: dict[Resource, set[str]], vocabulary: Vocabulary) -> set[Resource]:
    """Instances of the target classes, or of their subclasses (``sh:targetClass`` follows ``rdfs:subClassOf``)."""
    return {node for node, classes in types.items() if vocabulary.classes_of(classes) & constraint.targets}


def _run(store: ox.Store, constraint: SparqlConstraint, focus: set[Resource]) -> list[ValidationResult]:
    """Pre-binding ``$this`` (SHACL §5.3.1) is done by selecting it as a variable and keeping the focus nodes'
    rows: the same answers for constraints whose every pattern mentions ``$this``, as ours do."""
    if not focus:
        return []
    solutions = store.query(_THIS.sub("?this", constraint.select))
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    results = []
    for row in solutions:
        this = row["this"]
        if not isinstance(this, ox.NamedNode | ox.BlankNode) or this not in focus:
            continue
        bound = {name: row[name] for name in names if row[name] is not None}
        value = bound.get("value")
        results.append(ValidationResult(
            severity=constraint.severity, focus_node=this, message=_message(constraint, bound),
            value=value if value is not None and not isinstance(value, ox.Triple) else None,
            source_shape=constraint.shape, constraint=SH.SPARQLConstraintComponent))
    return results


def _message(constraint: SparqlConstraint, bound: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]) -> str:
    """The constraint's message with ``{?var}`` replaced by the solution's values (SHACL §5.3.2)."""
    template = pick_label(list(constraint.messages)) or "does not conform to a SPARQL constraint"
    return _PLACEHOLDER.sub(lambda m: text(bound[m.group(1)]) if m.group(1) in bound else m.group(), template)
