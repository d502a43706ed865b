"""Check 2, SPARQL-based constraints (SHACL §5): run by the engine over the data graph in one query per
constraint, instead of by pySHACL, which re-parses the query text for every focus node (30 meetings cost 10 s)
with a parser that is not safe to use from several threads."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from ..namespaces import SH
from ..terms import RDF_TYPE, Resource, pick_label, text
from ..vocabulary import SparqlConstraint, Targets, Vocabulary
from .outcome import ValidationResult

_THIS = re.compile(r"\$this\b")
_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


def sparql_results(data: Iterable[ox.Triple], vocabulary: Vocabulary) -> list[ValidationResult]:
    """The results of every SPARQL constraint of the shapes on ``data``."""
    constraints = vocabulary.sparql_constraints
    if not constraints:
        return []
    triples = list(data)
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return [r for c in constraints for r in _run(store, c, focus_nodes(c.targets, triples, vocabulary))]


def focus_nodes(targets: Targets, triples: list[ox.Triple], vocabulary: Vocabulary) -> set[Resource]:
    """The focus nodes of ``targets`` in ``triples`` (SHACL §2.1.3; ``sh:targetClass`` follows ``rdfs:subClassOf``)."""
    types: dict[Resource, set[str]] = {}
    found: set[Resource] = {n for n in targets.nodes if isinstance(n, ox.NamedNode | ox.BlankNode)}
    for t in triples:
        subject = t.subject
        if isinstance(subject, ox.Triple):
            continue
        if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            types.setdefault(subject, set()).add(t.object.value)
        if t.predicate.value in targets.subjects_of:
            found.add(subject)
        if t.predicate.value in targets.objects_of and isinstance(t.object, ox.NamedNode | ox.BlankNode):
            found.add(t.object)
    if targets.classes:
        found |= {node for node, classes in types.items() if vocabulary.classes_of(classes) & targets.classes}
    return found


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
        value = bound.get("value", this)  # SHACL §5.3.2: the focus node when ?value is not bound
        results.append(ValidationResult(
            severity=constraint.severity, focus_node=this, message=_message(constraint, bound),
            value=value if value is not None and not isinstance(value, ox.Triple) else None,
            source_shape=constraint.shape, constraint=SH.SPARQLConstraintComponent))
    return results


def _message(constraint: SparqlConstraint, bound: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]) -> str:
    """The constraint's message with ``{?var}`` replaced by the solution's values (SHACL §5.3.2)."""
    template = pick_label(list(constraint.messages)) or "does not conform to a SPARQL constraint"
    return _PLACEHOLDER.sub(lambda m: text(bound[m.group(1)]) if m.group(1) in bound else m.group(), template)
