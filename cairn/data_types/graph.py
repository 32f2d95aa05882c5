"""``Graph``: a model graph (nodes and edges), stored as ``media/graph/<key>_<step>_<hash>.graph.json``."""

from __future__ import annotations

from typing import Any

from cairn.data_types import base


class Node:
    """One node of a :class:`Graph` (a layer or operation)."""

    def __init__(self, id: Any = None, name: str | None = None, class_name: str | None = None,
                 size: Any = None, parameters: Any = None, output_shape: Any = None, is_output: Any = None,
                 num_parameters: int | None = None, node: Any = None) -> None:
        self.id, self.name, self.class_name = id, name, class_name
        self.size, self.parameters, self.output_shape = size, parameters, output_shape
        self.is_output, self.num_parameters = is_output, num_parameters

    def to_json(self) -> dict:
        keys = ("name", "id", "class_name", "size", "parameters", "output_shape", "is_output", "num_parameters")
        return {k: getattr(self, k) for k in keys if getattr(self, k) is not None}


class Edge:
    """A directed edge between two :class:`Node` objects."""

    def __init__(self, from_node: Node, to_node: Node) -> None:
        self.from_node, self.to_node = from_node, to_node

    def to_json(self) -> list:
        return [self.from_node.id, self.to_node.id]


class Graph(base.Media):
    """A graph of nodes and edges (``format`` names where it came from, e.g. ``"torch"``)."""

    _log_type = "graph-file"

    def __init__(self, format: str = "keras") -> None:
        self.format = format
        self.nodes: list[Node] = []
        self.nodes_by_id: dict = {}
        self.edges: list[Edge] = []
        self.loaded = False
        self.criterion = None
        self.criterion_passed = False
        self.root: Node | None = None

    def add_node(self, node: Node | None = None, **kwargs: Any) -> Node:
        """Add ``node`` (or ``Node(**kwargs)``); a node without id gets the next number."""
        node = node or Node(**kwargs)
        if node.id is None:
            node.id = len(self.nodes)
        self.nodes.append(node)
        self.nodes_by_id[node.id] = node
        return node

    def add_edge(self, from_node: Node, to_node: Node) -> Edge:
        """Add a directed edge ``from_node`` → ``to_node``."""
        edge = Edge(from_node, to_node)
        self.edges.append(edge)
        return edge

    def to_json(self, run: Any = None, key: str = "graph", summary: bool = False) -> dict:
        """The graph body; with ``run``, store it as a ``graph-file`` and return that descriptor."""
        body = {"format": self.format, "nodes": [n.to_json() for n in self.nodes],
                "edges": [e.to_json() for e in self.edges]}
        if run is None:
            return body
        return {"_type": "graph-file", **base.store_json(run, "graph", key, body, ".graph.json", summary)}
