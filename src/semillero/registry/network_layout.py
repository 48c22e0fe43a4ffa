"""Positions for drawing the cooperation network as SVG on the server.

A circle layout grouped by organization type: simple, deterministic (the same data
gives the same picture) and readable up to a few hundred organizations, without any
JavaScript in the browser.
"""

import math
from dataclasses import dataclass, field

from .models import OrganizationType
from .selectors import Network, NetworkEdge, NetworkNode

# Up to this many organizations the drawing carries their codes; beyond, names are in
# each node's tooltip and in the table, which stays the accessible reading.
MAX_LABELLED_NODES = 40


@dataclass(frozen=True)
class PlacedNode:
    node: NetworkNode
    x: float
    y: float
    r: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor of the label: start on the right half, end on the left

    @property
    def type(self) -> str:
        return self.node.organization.type


@dataclass(frozen=True)
class PlacedEdge:
    edge: NetworkEdge
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass
class NetworkDrawing:
    size: int
    nodes: list[PlacedNode] = field(default_factory=list)
    edges: list[PlacedEdge] = field(default_factory=list)
    legend: list[tuple[str, str, int]] = field(default_factory=list)  # type, label, n
    labelled: bool = True


def node_radius(agreements: int) -> float:
    return round(min(4 + 2 * math.sqrt(agreements), 16), 1)


def edge_width(weight: int) -> float:
    return round(min(1 + math.log2(weight), 6), 2)


def circle_layout(
    network: Network, *, size: int = 640, margin: int = 90
) -> NetworkDrawing:
    """Place nodes on a circle, types in the order of OrganizationType with a gap
    between groups; node size grows with agreements, edge width with shared ones."""
    drawing = NetworkDrawing(
        size=size, labelled=len(network.nodes) <= MAX_LABELLED_NODES
    )
    if not network.nodes:
        return drawing
    groups: dict[str, list[NetworkNode]] = {}
    for node in network.nodes:  # already sorted by type, then name
        groups.setdefault(node.organization.type, []).append(node)
    gap = 1 if len(groups) > 1 else 0
    slots = len(network.nodes) + gap * len(groups)
    centre = size / 2
    radius = centre - margin
    positions: dict[int, PlacedNode] = {}
    slot = 0
    for org_type, nodes in groups.items():
        for node in nodes:
            angle = 2 * math.pi * slot / slots - math.pi / 2  # start at the top
            cos, sin = math.cos(angle), math.sin(angle)
            r = node_radius(node.agreements)
            if len(network.nodes) == 1:
                x, y = centre, centre
            else:
                x, y = centre + radius * cos, centre + radius * sin
            label_distance = radius + r + 6
            placed = PlacedNode(
                node=node,
                x=round(x, 1),
                y=round(y, 1),
                r=r,
                label_x=round(centre + label_distance * cos, 1),
                label_y=round(centre + label_distance * sin + 4, 1),
                anchor="start" if cos >= 0 else "end",
            )
            positions[node.organization.pk] = placed
            drawing.nodes.append(placed)
            slot += 1
        slot += gap
        drawing.legend.append((org_type, OrganizationType(org_type).label, len(nodes)))
    for edge in network.edges:
        a, b = positions[edge.source.pk], positions[edge.target.pk]
        drawing.edges.append(
            PlacedEdge(
                edge=edge, x1=a.x, y1=a.y, x2=b.x, y2=b.y, width=edge_width(edge.weight)
            )
        )
    return drawing
