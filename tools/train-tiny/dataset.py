"""Procedural "shapes" dataset for the tiny-shapes text-to-image model.

Each sample is a 64x64 RGB image of one flat-coloured shape (circle, square, triangle,
star) of a named size at a named position on a flat background of another named colour,
with the caption that describes it, e.g. "a large red circle on the left, blue background".
Images are rasterized on the fly with numpy (2x2 supersampling for antialiased edges), so
the stream is unbounded and reproducible from a seed; nothing is downloaded.

A fixed set of (colour, shape, position) triples is held out of training so that the
evaluation prompts (`held_out_prompts`) are captions the model never saw verbatim.
"""

import math
from dataclasses import dataclass

import numpy as np

IMAGE_SIZE = 64

# Well separated in RGB so that a nearest-palette classifier is unambiguous.
COLOURS = {
    "red": (220, 30, 30),
    "green": (30, 170, 60),
    "blue": (30, 70, 220),
    "yellow": (245, 225, 40),
    "purple": (140, 50, 190),
    "orange": (250, 140, 20),
    "white": (245, 245, 245),
    "black": (15, 15, 15),
}
SHAPES = ("circle", "square", "triangle", "star")
# Centre of the shape in pixels (x, y), y growing downwards as in image files.
POSITIONS = {
    "left": (18, 32),
    "right": (46, 32),
    "top": (32, 18),
    "bottom": (32, 46),
    "centre": (32, 32),
}
POSITION_PHRASES = {
    "left": "on the left",
    "right": "on the right",
    "top": "at the top",
    "bottom": "at the bottom",
    "centre": "in the centre",
}
# Radius of the shape's nominal circle in pixels; each shape scales it so that the
# shapes of one size have comparable areas.
SIZES = {"small": 8.0, "large": 14.0}
SHAPE_RADIUS_SCALE = {"circle": 1.0, "square": 0.9 * math.sqrt(2.0), "triangle": 1.3, "star": 1.25}
STAR_INNER_RATIO = 0.45

POSITION_JITTER = 2.0  # pixels, uniform
SIZE_JITTER = 0.1  # relative, uniform


@dataclass(frozen=True)
class Scene:
    """The named attributes of one image; `caption` renders them as a training caption."""

    ATTRIBUTES = ("size", "colour", "shape", "position", "background")

    size: str
    colour: str
    shape: str
    position: str
    background: str

    @property
    def caption(self):
        return self.partial_caption(())

    def partial_caption(self, omitted):
        """The caption without the attributes named in `omitted` ("a red shape at the top").

        Training on such captions (attribute dropout) makes the text encoder describe each
        attribute on its own instead of memorising whole captions, which is what lets the
        model compose held-out (colour, shape, position) triples.
        """
        words = ["a"]
        words += [] if "size" in omitted else [self.size]
        words += [] if "colour" in omitted else [self.colour]
        words += ["shape"] if "shape" in omitted else [self.shape]
        words += [] if "position" in omitted else [POSITION_PHRASES[self.position]]
        caption = " ".join(words)
        return caption if "background" in omitted else f"{caption}, {self.background} background"


def is_held_out(colour, shape, position):
    """True for the (colour, shape, position) triples reserved for evaluation.

    One triple in five, spread so that every colour, shape and position still occurs in
    training with the other attributes; only the exact combination is withheld.
    """
    c = list(COLOURS).index(colour)
    s = SHAPES.index(shape)
    p = list(POSITIONS).index(position)
    return (c + 2 * s + 3 * p) % 5 == 0


def training_triples():
    return [
        (c, s, p)
        for c in COLOURS
        for s in SHAPES
        for p in POSITIONS
        if not is_held_out(c, s, p)
    ]


def held_out_scenes(count=48, seed=1234):
    """Evaluation scenes: every held-out triple, with sizes and backgrounds drawn from a seed."""
    rng = np.random.default_rng(seed)
    triples = [(c, s, p) for c in COLOURS for s in SHAPES for p in POSITIONS if is_held_out(c, s, p)]
    scenes = []
    while len(scenes) < count:
        for c, s, p in triples:
            if len(scenes) == count:
                break
            backgrounds = [b for b in COLOURS if b != c]
            scenes.append(
                Scene(
                    size=list(SIZES)[rng.integers(len(SIZES))],
                    colour=c,
                    shape=s,
                    position=p,
                    background=backgrounds[rng.integers(len(backgrounds))],
                )
            )
    return scenes


def _polygon_mask(px, py, cx, cy, radius, vertex_count, radii, phase):
    """Inside test for a polygon that is star-shaped around its centre.

    Vertices sit at equal angular steps starting at `phase` with radii cycling through
    `radii`; a point is inside when it is closer to the centre than the polygon edge on
    the ray through it.
    """
    dx, dy = px - cx, py - cy
    step = 2.0 * math.pi / vertex_count
    theta = np.mod(np.arctan2(dy, dx) - phase, 2.0 * math.pi)
    k = np.minimum((theta // step).astype(np.int64), vertex_count - 1)
    r = radius * np.asarray(radii, dtype=np.float64)
    r0, r1 = r[k % len(r)], r[(k + 1) % len(r)]
    a0, a1 = phase + k * step, phase + (k + 1) * step
    x0, y0 = r0 * np.cos(a0), r0 * np.sin(a0)
    x1, y1 = r1 * np.cos(a1), r1 * np.sin(a1)
    ex, ey = x1 - x0, y1 - y0
    # Distance from the centre to the edge along the ray at angle theta.
    ux, uy = np.cos(theta + phase), np.sin(theta + phase)
    denominator = ux * ey - uy * ex
    edge = np.abs((x0 * y1 - y0 * x1) / np.where(np.abs(denominator) < 1e-12, 1e-12, denominator))
    return dx * dx + dy * dy <= edge * edge


def shape_coverage(shape, cx, cy, radius, supersample=2):
    """Fraction of each pixel covered by the shape, as a (64, 64) float array."""
    n = IMAGE_SIZE * supersample
    coords = (np.arange(n) + 0.5) / supersample
    px, py = np.meshgrid(coords, coords)
    r = radius * SHAPE_RADIUS_SCALE[shape]
    up = -math.pi / 2.0  # image y points down, so -90 degrees is "up"
    if shape == "circle":
        inside = (px - cx) ** 2 + (py - cy) ** 2 <= r * r
    elif shape == "square":
        inside = _polygon_mask(px, py, cx, cy, r, 4, [1.0], math.pi / 4.0)
    elif shape == "triangle":
        # Centred on its bounding box rather than its circumcentre, so the named
        # position is where the triangle visibly sits.
        inside = _polygon_mask(px, py, cx, cy + 0.25 * r, r, 3, [1.0], up)
    elif shape == "star":
        inside = _polygon_mask(px, py, cx, cy + 0.1 * r, r, 10, [1.0, STAR_INNER_RATIO], up)
    else:
        raise ValueError(f"unknown shape {shape!r}; expected one of {SHAPES}")
    return inside.reshape(IMAGE_SIZE, supersample, IMAGE_SIZE, supersample).mean(axis=(1, 3))


def render(scene, rng=None):
    """The uint8 (64, 64, 3) image of a scene; `rng` adds the position and size jitter."""
    cx, cy = POSITIONS[scene.position]
    radius = SIZES[scene.size]
    if rng is not None:
        cx += rng.uniform(-POSITION_JITTER, POSITION_JITTER)
        cy += rng.uniform(-POSITION_JITTER, POSITION_JITTER)
        radius *= 1.0 + rng.uniform(-SIZE_JITTER, SIZE_JITTER)
    coverage = shape_coverage(scene.shape, cx, cy, radius)[..., None]
    fg = np.asarray(COLOURS[scene.colour], dtype=np.float64)
    bg = np.asarray(COLOURS[scene.background], dtype=np.float64)
    return np.round(coverage * fg + (1.0 - coverage) * bg).astype(np.uint8)


def random_scene(rng, triples):
    colour, shape, position = triples[rng.integers(len(triples))]
    backgrounds = [b for b in COLOURS if b != colour]
    return Scene(
        size=list(SIZES)[rng.integers(len(SIZES))],
        colour=colour,
        shape=shape,
        position=position,
        background=backgrounds[rng.integers(len(backgrounds))],
    )


class ShapesStream:
    """An endless, seeded stream of training batches (held-out triples excluded).

    `batch(n)` returns (images, captions): float32 (n, 3, 64, 64) in [-1, 1] (the range
    the autoencoder and the diffusers pipeline use) and the n captions.
    """

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.triples = training_triples()

    def scenes(self, n):
        return [random_scene(self.rng, self.triples) for _ in range(n)]

    def images(self, scenes):
        """The scenes rendered with this stream's jitter, as float32 (n, 3, 64, 64) in [-1, 1]."""
        images = np.stack([render(s, self.rng) for s in scenes])
        return images.astype(np.float32).transpose(0, 3, 1, 2) / 127.5 - 1.0

    def batch(self, n):
        scenes = self.scenes(n)
        return self.images(scenes), [s.caption for s in scenes]


if __name__ == "__main__":
    import argparse
    import sys

    from PIL import Image

    parser = argparse.ArgumentParser(description="Writes a contact sheet of dataset samples.")
    parser.add_argument("--out", default="/tmp/shapes-samples.png")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=32)
    args = parser.parse_args()
    stream = ShapesStream(args.seed)
    scenes = stream.scenes(args.count)
    tiles = [render(s, stream.rng) for s in scenes]
    columns = 8
    rows = (len(tiles) + columns - 1) // columns
    sheet = np.zeros((rows * IMAGE_SIZE, columns * IMAGE_SIZE, 3), dtype=np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, columns)
        sheet[r * IMAGE_SIZE : (r + 1) * IMAGE_SIZE, c * IMAGE_SIZE : (c + 1) * IMAGE_SIZE] = tile
    Image.fromarray(sheet).resize((sheet.shape[1] * 2, sheet.shape[0] * 2), Image.NEAREST).save(args.out)
    for s in scenes:
        print(s.caption)
    print(f"{len(training_triples())} training triples, {len(held_out_scenes())} held-out prompts", file=sys.stderr)
