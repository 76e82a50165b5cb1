"""Random networks, the functions over them, and the SVG figures they draw.

Expected values come from small networks written out by hand, or from
networkx called directly, never from the functions under test.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import networkx
import pytest
import yaml

from exercises.expressions import evaluate
from exercises.figures import figure_references, network_layout, network_svg
from exercises.loader import load_definition
from exercises.networks import (
    any_order_pattern,
    cut_routers,
    disjoint_paths,
    draw_network,
    farthest_routers,
    independent_paths,
    links_text,
    min_cut_links,
    min_link_cut,
    natural_key,
    neighbors,
    survives,
    validate_network_spec,
)
from exercises.variants import build_variant
from graders.base import GradingContext, Verdict
from graders.registry import get_grader

SPEC: dict[str, Any] = {
    "type": "network",
    "routers": 8,
    "extra_links": 4,
    "hosts": 2,
    "host_links": 2,
}

# Two triangles r1-r2-r3 and r4-r5-r6 joined by the single link r3-r4, with
# host h1 on r1 and host h2 on both r5 and r6.
BOWTIE = {
    "routers": ["r1", "r2", "r3", "r4", "r5", "r6"],
    "hosts": ["h1", "h2"],
    "nodes": ["r1", "r2", "r3", "r4", "r5", "r6", "h1", "h2"],
    "edges": [
        ["r1", "r2"],
        ["r1", "r3"],
        ["r1", "h1"],
        ["r2", "r3"],
        ["r3", "r4"],
        ["r4", "r5"],
        ["r4", "r6"],
        ["r5", "r6"],
        ["r5", "h2"],
        ["r6", "h2"],
    ],
}

# Triangles x-p-m and m-q-y that share router m, so every path from x to y
# passes through m, but two of them need no common link.
FIGURE_EIGHT = {
    "routers": ["m", "p", "q", "x", "y"],
    "hosts": [],
    "nodes": ["m", "p", "q", "x", "y"],
    "edges": [["m", "p"], ["m", "q"], ["m", "x"], ["m", "y"], ["p", "x"], ["q", "y"]],
}


def draw(seed: int, spec: dict[str, Any] = SPEC) -> dict[str, Any]:
    return draw_network(spec, random.Random(seed))


def graph_of(net: dict[str, Any]) -> networkx.Graph:
    graph = networkx.Graph()
    graph.add_nodes_from(net["nodes"])
    graph.add_edges_from(tuple(edge) for edge in net["edges"])
    return graph


# Drawing


def test_drawing_is_deterministic_per_seed() -> None:
    for seed in range(20):
        assert draw(seed) == draw(seed)


def test_drawing_differs_between_seeds() -> None:
    drawn = {repr(draw(seed)["edges"]) for seed in range(20)}

    assert len(drawn) == 20


def test_drawn_network_is_connected() -> None:
    for seed in range(50):
        assert networkx.is_connected(graph_of(draw(seed))), seed


def test_drawn_network_has_requested_size() -> None:
    for seed in range(20):
        net = draw(seed)
        graph = graph_of(net)

        assert net["routers"] == [f"r{n}" for n in range(1, 9)]
        assert net["hosts"] == ["h1", "h2"]
        assert len(net["edges"]) == 7 + 4 + 2 * 2
        assert len(graph.edges) == len(net["edges"])
        assert all(graph.degree(host) == 2 for host in net["hosts"])
        assert not graph.has_edge("h1", "h2")


def test_drawn_edges_sorted_in_node_order() -> None:
    net = draw(3)
    position = {node: index for index, node in enumerate(net["nodes"])}
    pairs = [(position[a], position[b]) for a, b in net["edges"]]

    assert all(a < b for a, b in pairs)
    assert pairs == sorted(pairs)


def test_drawn_network_is_json_data() -> None:
    net = draw(5)

    assert yaml.safe_load(yaml.safe_dump(net)) == net
    assert all(isinstance(edge, list) for edge in net["edges"])


def test_drawing_uses_given_names() -> None:
    spec = {
        "routers": 4,
        "names": ["lon", "par", "ams", "fra", "vie"],
        "hosts": 1,
        "host_names": ["atlas", "boreas"],
    }
    net = draw(1, spec)

    assert set(net["routers"]) < set(spec["names"])
    assert len(net["routers"]) == 4
    assert net["hosts"][0] in spec["host_names"]


def test_natural_order_of_names() -> None:
    names = ["r10", "r2", "h1", "r1", "core"]

    assert sorted(names, key=natural_key) == ["core", "h1", "r1", "r2", "r10"]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ({"routers": 1}, "routers: must be a whole number from 2"),
        ({"routers": True}, "routers: must be a whole number"),
        (
            {"routers": 4, "extra_links": 4},
            "extra_links: must be a whole number from 0 to 3",
        ),
        ({"routers": 4, "hosts": 11}, "hosts: must be a whole number from 0 to 10"),
        (
            {"routers": 4, "host_links": 5},
            "host_links: must be a whole number from 1 to 4",
        ),
        ({"routers": 3, "names": ["a", "b"]}, "names: lists 2 names, fewer than"),
        ({"routers": 2, "names": ["a", "a", "b"]}, "names: lists a name twice"),
        ({"routers": 2, "names": ["a b", "c"]}, "names: must be a list of names"),
        ({"routers": 2, "names": ["a-b", "c"]}, "names: must be a list of names"),
        (
            {"routers": 2, "names": ["h1", "x"], "hosts": 1},
            "host_names: h1 also name routers",
        ),
    ],
)
def test_network_spec_problems(spec: dict[str, Any], problem: str) -> None:
    problems = list(validate_network_spec(spec))

    assert any(found.startswith(problem) for found in problems), problems


def test_valid_network_spec_has_no_problems() -> None:
    assert list(validate_network_spec(SPEC)) == []


# Functions over a network


def test_min_link_cut_of_bowtie() -> None:
    assert min_link_cut(BOWTIE, "r1", "r5") == 1
    assert min_link_cut(BOWTIE, "r1", "r2") == 2
    assert min_link_cut(BOWTIE, "h2", "r4") == 2
    assert min_link_cut(BOWTIE, "h1", "h2") == 1


def test_min_cut_links_is_a_cut() -> None:
    links = min_cut_links(BOWTIE, "r2", "r6")

    assert links == [["r3", "r4"]]
    assert not survives(BOWTIE, "r2", "r6", links)


def test_cut_routers_of_bowtie() -> None:
    assert cut_routers(BOWTIE) == ["r1", "r3", "r4"]


def test_survives_after_failures() -> None:
    assert survives(BOWTIE, "r1", "r3", [["r1", "r3"]])
    assert not survives(BOWTIE, "r1", "r3", [["r3", "r1"], ["r2", "r3"]])
    assert survives(BOWTIE, "h1", "h2", [["r1", "r5"]])
    assert not survives(BOWTIE, "h1", "h2", [["r4", "r3"]])


def test_disjoint_and_independent_paths() -> None:
    assert disjoint_paths(BOWTIE, "r4", "h2") == 2
    assert disjoint_paths(BOWTIE, "r1", "r6") == 1
    assert independent_paths(BOWTIE, "r4", "h2") == 2
    assert independent_paths(BOWTIE, "r1", "r2") == 2


def test_paths_through_shared_router() -> None:
    assert disjoint_paths(FIGURE_EIGHT, "x", "y") == 2
    assert independent_paths(FIGURE_EIGHT, "x", "y") == 1


def test_neighbors_in_network_order() -> None:
    assert neighbors(BOWTIE, "r3") == ["r1", "r2", "r4"]
    assert neighbors(BOWTIE, "h2") == ["r5", "r6"]


def test_functions_match_networkx_on_drawn_networks() -> None:
    for seed in range(30):
        net = draw(seed)
        graph = graph_of(net)

        assert min_link_cut(net, "h1", "h2") == networkx.edge_connectivity(
            graph, "h1", "h2"
        )
        assert cut_routers(net) == sorted(
            networkx.articulation_points(graph), key=natural_key
        )
        assert independent_paths(net, "h1", "h2") == networkx.node_connectivity(
            graph, "h1", "h2"
        )


def test_functions_reject_unknown_nodes() -> None:
    with pytest.raises(ValueError, match="'r9' is not a node"):
        min_link_cut(BOWTIE, "r1", "r9")
    with pytest.raises(ValueError, match="must differ"):
        disjoint_paths(BOWTIE, "r1", "r1")
    with pytest.raises(ValueError, match="keys routers, nodes and edges"):
        cut_routers({"routers": []})
    with pytest.raises(ValueError, match="must be in its nodes"):
        cut_routers({"routers": ["a", "b"], "nodes": ["a"], "edges": []})
    with pytest.raises(ValueError, match="must be a pair of node names"):
        cut_routers({"routers": ["a"], "nodes": ["a"], "edges": [["a"]]})


def test_farthest_routers_first_in_order() -> None:
    assert farthest_routers(BOWTIE) == ["r1", "r5"]
    assert farthest_routers(FIGURE_EIGHT) == ["p", "q"]


def test_farthest_routers_match_networkx() -> None:
    for seed in range(20):
        net = draw(seed)
        lengths = dict(networkx.all_pairs_shortest_path_length(graph_of(net)))
        a, b = farthest_routers(net)
        longest = max(lengths[x][y] for x in net["routers"] for y in net["routers"])

        assert lengths[a][b] == longest


def test_links_text() -> None:
    assert links_text([]) == ""
    assert links_text([["r1", "r2"]]) == "r1-r2"
    assert links_text([["r1", "r2"], ["r2", "h1"], ["r3", "r4"]]) == (
        "r1-r2, r2-h1 and r3-r4"
    )


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("r1, r10, r3", True),
        ("r3 r1 r10", True),
        ("r10, r3 and r1", True),
        ("r1, r10, and r3", True),
        ("r1, r1, r3", False),
        ("r1, r10", False),
        ("r1, r10, r3, r4", False),
        ("r1r10r3", False),
        ("r1, r10, r30", False),
    ],
)
def test_any_order_pattern(text: str, matches: bool) -> None:
    pattern = any_order_pattern(["r1", "r10", "r3"])

    assert bool(re.fullmatch(pattern, text)) is matches


def test_any_order_pattern_of_nothing() -> None:
    pattern = any_order_pattern([])

    assert re.fullmatch(pattern, "none")
    assert not re.fullmatch(pattern, "r1")


def test_any_order_pattern_escapes_names() -> None:
    pattern = any_order_pattern(["a.b"])

    assert re.fullmatch(pattern, "a.b")
    assert not re.fullmatch(pattern, "axb")


def test_functions_available_in_expressions() -> None:
    names = {"net": BOWTIE}

    assert evaluate("min_link_cut(net, 'h1', 'h2')", names) == 1
    assert evaluate("cut_routers(net)", names) == ["r1", "r3", "r4"]
    assert evaluate("survives(net, 'r1', 'r2', [['r1', 'r2']])", names) is True


# SVG figures


def test_svg_is_well_formed_and_complete() -> None:
    svg = network_svg(BOWTIE)
    root = ElementTree.fromstring(svg)
    tag = "{http://www.w3.org/2000/svg}"

    assert root.tag == f"{tag}svg"
    assert len(root.findall(f"{tag}line")) == len(BOWTIE["edges"])
    assert len(root.findall(f"{tag}circle")) == len(BOWTIE["routers"])
    # One background rectangle, and one square per host.
    assert len(root.findall(f"{tag}rect")) == 1 + len(BOWTIE["hosts"])
    labels = [text.text for text in root.findall(f"{tag}text")]
    assert labels == BOWTIE["nodes"]


def test_svg_is_deterministic() -> None:
    assert network_svg(draw(4)) == network_svg(draw(4))
    assert network_svg(draw(4)) != network_svg(draw(5))


def test_svg_escapes_labels() -> None:
    net = {
        "routers": ["<script>", "a&b"],
        "hosts": [],
        "nodes": ["<script>", "a&b"],
        "edges": [["<script>", "a&b"]],
    }
    svg = network_svg(net, title='"quoted" <title>')
    root = ElementTree.fromstring(svg)

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert [text.text for text in root.iter("{http://www.w3.org/2000/svg}text")] == [
        "<script>",
        "a&b",
    ]


def test_layout_keeps_nodes_apart() -> None:
    for seed in range(20):
        positions = network_layout(draw(seed))
        points = list(positions.values())
        closest = min(
            ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
            for index, a in enumerate(points)
            for b in points[index + 1 :]
        )

        assert closest > 30, seed


def test_figure_references_in_statement() -> None:
    text = (
        "See ![Net](figures/network.svg) and figures/two-hosts.svg, not x/figures/a.svg"
    )

    assert figure_references(text) == ["network", "two-hosts"]


# Loader checks of parameters and figures


def write_exercise(folder: Path, data: dict[str, Any], statement: str) -> Path:
    path = folder / "fault-tolerance" / data["slug"] / "exercise.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    (path.parent / "statement.md").write_text(statement, encoding="utf-8")
    return path


def network_exercise(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": "cut-between-hosts",
        "title": "Cut between hosts",
        "topic": "fault-tolerance",
        "kind": "numeric",
        "points": 1,
        "answer_hint": "A whole number.",
        "parameters": {"net": dict(SPEC)},
        "figures": {"network": {"network": "net"}},
        "grading": {"answer": "min_link_cut(net, 'h1', 'h2')"},
    }
    data.update(changes)
    return data


STATEMENT = "![Your network](figures/network.svg)\n\nHow many?"


def load_problems(tmp_path: Path, data: dict[str, Any], statement: str) -> list[str]:
    definition, problems = load_definition(write_exercise(tmp_path, data, statement))
    return problems


def test_loader_accepts_network_and_figure(tmp_path: Path) -> None:
    path = write_exercise(tmp_path, network_exercise(), STATEMENT)
    definition, problems = load_definition(path)

    assert problems == []
    assert definition is not None
    assert definition.figures == {"network": {"network": "net"}}
    assert definition.as_dict()["figures"] == {"network": {"network": "net"}}


def test_loader_rejects_bad_network_spec(tmp_path: Path) -> None:
    data = network_exercise(parameters={"net": {"type": "network", "routers": 50}})

    problems = load_problems(tmp_path, data, STATEMENT)

    assert len(problems) == 1
    assert problems[0].endswith(
        "fault-tolerance/cut-between-hosts/exercise.yaml: "
        "parameters.net.routers: must be a whole number from 2 to 40"
    )


def test_loader_rejects_unknown_network_key(tmp_path: Path) -> None:
    spec = {**SPEC, "layout": "circle"}
    data = network_exercise(parameters={"net": spec})

    problems = load_problems(tmp_path, data, STATEMENT)

    assert any("parameters.net.layout: unknown key" in p for p in problems)


@pytest.mark.parametrize(
    ("figures", "problem"),
    [
        ({"Network": {"network": "net"}}, "figures.Network: name must be"),
        ({"network": {"graph": "net"}}, "figures.network: must have exactly"),
        ({"network": {"network": 3}}, "figures.network.network: must be an"),
        ({"network": {"network": "nett"}}, "figures.network: 'nett'"),
        ({"network": {"network": "[1, 2]"}}, "figures.network: expected a network"),
        (
            {"network": {"network": "{'routers': [1], 'nodes': [1], 'edges': []}"}},
            "figures.network: the nodes and routers of a network must be names",
        ),
        ([], "figures: must be a mapping"),
    ],
)
def test_loader_rejects_bad_figures(tmp_path: Path, figures: Any, problem: str) -> None:
    problems = load_problems(tmp_path, network_exercise(figures=figures), "Text.")

    assert any(problem in found for found in problems), problems


def test_loader_rejects_undeclared_figure(tmp_path: Path) -> None:
    statement = "![Hosts](figures/hosts.svg)"

    problems = load_problems(tmp_path, network_exercise(), statement)

    assert any(
        "statement: figures/hosts.svg is not declared under figures" in p
        for p in problems
    ), problems


def test_definition_without_figures_keeps_hash(tmp_path: Path) -> None:
    data = network_exercise()
    del data["figures"]
    definition, problems = load_definition(write_exercise(tmp_path, data, "How many?"))

    assert problems == []
    assert definition is not None
    assert "figures" not in definition.as_dict()


# Rare mistakes in the bank's network exercises, on seeds found by search


def bank_definition(slug: str) -> Any:
    root = Path(__file__).resolve().parents[2] / "exercises"
    definition, problems = load_definition(
        root / "fault-tolerance" / slug / "exercise.yaml", root
    )
    assert problems == []
    return definition


def grade_answer(definition: Any, seed: int, answer: str) -> Any:
    variant = build_variant(definition, seed)
    context = GradingContext(
        slug=definition.slug,
        kind=definition.kind,
        version=1,
        points=definition.points,
        spec=definition.grading,
        params=variant.params,
    )
    return get_grader(definition.kind).grade(context, answer)


def find_seed(definition: Any, condition: Any) -> tuple[int, dict[str, Any]]:
    for seed in range(2000):
        params = build_variant(definition, seed).params
        if condition(params):
            return seed, params
    raise AssertionError("no seed in 0..1999 meets the condition")


def ends_graph(params: dict[str, Any]) -> tuple[networkx.Graph, str, str]:
    net, ends = params["net"], params["ends"]
    return graph_of(net), net["routers"][ends[0]], net["routers"][ends[1]]


def test_link_cut_below_links_at_ends() -> None:
    definition = bank_definition("network-link-cut")

    def cut_below_degrees(params: dict[str, Any]) -> bool:
        graph, a, b = ends_graph(params)
        fewer = min(graph.degree(a), graph.degree(b))
        return bool(networkx.edge_connectivity(graph, a, b) < fewer)

    seed, params = find_seed(definition, cut_below_degrees)
    graph, a, b = ends_graph(params)
    fewer = min(graph.degree(a), graph.degree(b))
    result = grade_answer(definition, seed, str(fewer))

    assert result.verdict == Verdict.WRONG_ANSWER
    assert "fewer failures are enough here" in result.feedback


def test_disjoint_paths_counted_by_router() -> None:
    definition = bank_definition("network-disjoint-paths")

    def counts_differ(params: dict[str, Any]) -> bool:
        graph, a, b = ends_graph(params)
        return networkx.node_connectivity(graph, a, b) < networkx.edge_connectivity(
            graph, a, b
        )

    seed, params = find_seed(definition, counts_differ)
    graph, a, b = ends_graph(params)
    by_router = networkx.node_connectivity(graph, a, b)
    result = grade_answer(definition, seed, str(by_router))

    assert result.verdict == Verdict.WRONG_ANSWER
    assert "That counts paths that share no router." in result.feedback
