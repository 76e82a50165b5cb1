"""Random router networks drawn per student, and functions that analyse them.

A network is plain JSON data, so it can be stored, sent to a worker and
compared like any other parameter::

    {"routers": ["r1", "r2", "r3"], "hosts": ["h1"],
     "nodes": ["r1", "r2", "r3", "h1"],
     "edges": [["r1", "r2"], ["r2", "r3"], ["r1", "h1"]]}

``nodes`` lists the routers, then the hosts, each group in natural order
(``r2`` before ``r10``). Each edge names its nodes in that order, and edges
are sorted by it, so one seed always gives identical data.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Iterable
from typing import Any

import networkx

MAX_ROUTERS = 40
MAX_HOSTS = 10

Network = dict[str, list[Any]]


def natural_key(name: str) -> tuple[str, int, str]:
    """Sort ``r2`` before ``r10`` by comparing the trailing number as a number."""
    match = re.fullmatch(r"(.*?)(\d+)", name)
    if match is None:
        return (name, -1, name)
    return (match.group(1), int(match.group(2)), name)


def validate_network_spec(spec: dict[str, Any]) -> Iterable[str]:
    """Yield the problems of a ``network`` parameter, as ``key: message``."""
    routers = spec.get("routers")
    if not _is_int(routers) or not 2 <= routers <= MAX_ROUTERS:
        yield f"routers: must be a whole number from 2 to {MAX_ROUTERS}"
        return
    extra_links = spec.get("extra_links", 0)
    spare = routers * (routers - 1) // 2 - (routers - 1)
    if not _is_int(extra_links) or not 0 <= extra_links <= spare:
        yield (
            f"extra_links: must be a whole number from 0 to {spare}, the links "
            f"that {routers} routers can have beyond a tree"
        )
    hosts = spec.get("hosts", 0)
    if not _is_int(hosts) or not 0 <= hosts <= MAX_HOSTS:
        yield f"hosts: must be a whole number from 0 to {MAX_HOSTS}"
    host_links = spec.get("host_links", 1)
    if not _is_int(host_links) or not 1 <= host_links <= routers:
        yield f"host_links: must be a whole number from 1 to {routers}"
    yield from _validate_names(spec, "names", routers)
    if _is_int(hosts):
        yield from _validate_names(spec, "host_names", hosts)
    host_count = hosts if _is_int(hosts) else 0
    router_names = _names_or_default(spec.get("names"), "r", routers)
    host_names = _names_or_default(spec.get("host_names"), "h", host_count)
    clash = router_names & host_names
    if clash:
        yield f"host_names: {', '.join(sorted(map(str, clash)))} also name routers"


def draw_network(spec: dict[str, Any], rng: random.Random) -> Network:
    """Draw a connected network of routers, with hosts attached to routers.

    The routers first form a random tree, so the network is connected. Then
    ``extra_links`` more router links are drawn among the missing ones.
    Each host links to ``host_links`` different routers.
    """
    count = spec["routers"]
    if "names" in spec:
        routers = rng.sample(spec["names"], count)
    else:
        routers = [f"r{number}" for number in range(1, count + 1)]
        rng.shuffle(routers)
    edges = {
        _pair(routers[index], routers[rng.randrange(index)])
        for index in range(1, count)
    }
    ordered = sorted(routers, key=natural_key)
    missing = [
        pair for pair in itertools.combinations(ordered, 2) if _pair(*pair) not in edges
    ]
    edges.update(
        _pair(*pair) for pair in rng.sample(missing, spec.get("extra_links", 0))
    )

    host_count = spec.get("hosts", 0)
    if "host_names" in spec:
        hosts = rng.sample(spec["host_names"], host_count)
    else:
        hosts = [f"h{number}" for number in range(1, host_count + 1)]
    for host in sorted(hosts, key=natural_key):
        for router in rng.sample(ordered, spec.get("host_links", 1)):
            edges.add(_pair(host, router))
    return _network(ordered, sorted(hosts, key=natural_key), edges)


def network_graph(net: Any) -> networkx.Graph:
    """Build a networkx graph from a network, raising ValueError when malformed."""
    if not isinstance(net, dict) or not {"routers", "nodes", "edges"} <= net.keys():
        raise ValueError("expected a network with the keys routers, nodes and edges")
    members = [*net["routers"], *net.get("hosts", [])]
    if not all(isinstance(name, str) for name in [*net["nodes"], *members]):
        raise ValueError("the nodes and routers of a network must be names")
    if not set(members) <= set(net["nodes"]):
        raise ValueError("every router and host of a network must be in its nodes")
    graph = networkx.Graph()
    graph.add_nodes_from(net["nodes"])
    for edge in net["edges"]:
        if not isinstance(edge, list | tuple) or len(edge) != 2:
            raise ValueError(f"edge {edge!r} must be a pair of node names")
        if not all(node in graph for node in edge):
            raise ValueError(f"edge {edge!r} must name two nodes of the network")
        graph.add_edge(*edge)
    return graph


def min_link_cut(net: Network, a: str, b: str) -> int:
    """Return the fewest link failures that leave no path between ``a`` and ``b``."""
    graph = _graph_with(net, a, b)
    return int(networkx.edge_connectivity(graph, a, b))


def min_cut_links(net: Network, a: str, b: str) -> list[list[str]]:
    """Return the links of one minimum cut between ``a`` and ``b``, sorted.

    Several cuts can be minimal, and networkx picks one of them. The choice
    is fixed for a given network, because the graph is always built from
    the nodes and edges in their stored order.
    """
    graph = _graph_with(net, a, b)
    cut = networkx.minimum_edge_cut(graph, a, b)
    return _sorted_links(net, [list(edge) for edge in cut])


def disjoint_paths(net: Network, a: str, b: str) -> int:
    """Count the paths between ``a`` and ``b`` that share no link."""
    graph = _graph_with(net, a, b)
    return sum(1 for _ in networkx.edge_disjoint_paths(graph, a, b))


def independent_paths(net: Network, a: str, b: str) -> int:
    """Count the paths between ``a`` and ``b`` that share no node but the ends.

    A direct link between ``a`` and ``b`` counts as one such path.
    """
    graph = _graph_with(net, a, b)
    return sum(1 for _ in networkx.node_disjoint_paths(graph, a, b))


def cut_routers(net: Network) -> list[str]:
    """Return the routers whose failure alone disconnects the network.

    The routers come in network order. They are the articulation points.
    """
    points = set(networkx.articulation_points(network_graph(net)))
    return [router for router in net["routers"] if router in points]


def survives(net: Network, a: str, b: str, failed_links: list[list[str]]) -> bool:
    """Tell whether a path joins ``a`` and ``b`` once ``failed_links`` are down.

    A failed link may be written in either order. A link that is not in the
    network changes nothing.
    """
    graph = _graph_with(net, a, b)
    for link in failed_links:
        if len(link) == 2 and graph.has_edge(*link):
            graph.remove_edge(*link)
    return bool(networkx.has_path(graph, a, b))


def neighbors(net: Network, node: str) -> list[str]:
    """Return the nodes linked directly to ``node``, in network order."""
    graph = _graph_with(net, node)
    return [other for other in net["nodes"] if graph.has_edge(node, other)]


def farthest_routers(net: Network) -> list[str]:
    """Return the two routers whose shortest path has the most links.

    Among pairs that are equally far apart, the pair that comes first in
    network order wins, so the choice is fixed for a given network.
    """
    graph = network_graph(net)
    routers = net["routers"]
    if len(routers) < 2:
        raise ValueError("a network needs two routers to pick the farthest pair")
    longest, pair = -1, routers[:2]
    for index, first in enumerate(routers):
        lengths = networkx.single_source_shortest_path_length(graph, first)
        for second in routers[index + 1 :]:
            if lengths.get(second, -1) > longest:
                longest, pair = lengths[second], [first, second]
    return pair


def links_text(links: list[list[str]]) -> str:
    """Write links as ``r1-r4, r2-r5 and r3-r6`` for a statement."""
    names = [f"{a}-{b}" for a, b in links]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def any_order_pattern(names: list[str]) -> str:
    """Build a regular expression that matches ``names`` listed in any order.

    Names may be separated by commas, spaces or "and", each name must appear
    exactly once, and an empty list matches "none". The pattern is meant for
    ``re.fullmatch`` on an answer that short_text has normalized.
    """
    if not names:
        return r"(none|no routers?|no links?|nothing|-)"
    escaped = [re.escape(name) for name in sorted(set(names))]
    choice = "(?:" + "|".join(escaped) + ")"
    every_name = "".join(rf"(?=.*(?<![\w-]){name}(?![\w-]))" for name in escaped)
    separator = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s+)"
    return f"{every_name}{choice}(?:{separator}{choice}){{{len(escaped) - 1}}}"


NETWORK_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min_link_cut": min_link_cut,
    "min_cut_links": min_cut_links,
    "disjoint_paths": disjoint_paths,
    "independent_paths": independent_paths,
    "cut_routers": cut_routers,
    "survives": survives,
    "neighbors": neighbors,
    "farthest_routers": farthest_routers,
    "links_text": links_text,
    "any_order_pattern": any_order_pattern,
}


def _graph_with(net: Network, *nodes: str) -> networkx.Graph:
    graph = network_graph(net)
    for node in nodes:
        if node not in graph:
            raise ValueError(f"{node!r} is not a node of the network")
    if len(nodes) == 2 and nodes[0] == nodes[1]:
        raise ValueError(f"the two nodes must differ, but both are {nodes[0]!r}")
    return graph


def _network(
    routers: list[str], hosts: list[str], edges: set[tuple[str, str]]
) -> Network:
    nodes = [*routers, *hosts]
    return {
        "routers": routers,
        "hosts": hosts,
        "nodes": nodes,
        "edges": _sorted_links({"nodes": nodes}, [list(edge) for edge in edges]),
    }


def _sorted_links(net: dict[str, Any], links: list[list[str]]) -> list[list[str]]:
    position = {node: index for index, node in enumerate(net["nodes"])}
    ordered = [sorted(link, key=position.__getitem__) for link in links]
    return sorted(ordered, key=lambda link: (position[link[0]], position[link[1]]))


def _pair(a: str, b: str) -> tuple[str, str]:
    first, second = sorted((a, b), key=natural_key)
    return (first, second)


def _validate_names(spec: dict[str, Any], key: str, count: Any) -> Iterable[str]:
    if key not in spec:
        return
    names = spec[key]
    if not isinstance(names, list) or not all(
        isinstance(name, str) and re.fullmatch(r"[A-Za-z0-9_]+", name) for name in names
    ):
        # No hyphens, because links_text() writes a link as "a-b".
        yield f"{key}: must be a list of names made of letters, digits and _"
    elif len(set(names)) != len(names):
        yield f"{key}: lists a name twice"
    elif _is_int(count) and len(names) < count:
        yield f"{key}: lists {len(names)} names, fewer than the {count} drawn"


def _names_or_default(names: Any, prefix: str, count: int) -> set[str]:
    if isinstance(names, list):
        return {str(name) for name in names}
    return {f"{prefix}{number}" for number in range(1, count + 1)}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
