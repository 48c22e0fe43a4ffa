"""The synthetic national dataset behind `semillero demo`.

Each part of the dataset is one module (`registry`, `accounts`, later training,
tracer studies…) listed in `generate.MODULES`; `generate.build_demo` runs the ones a
database does not have yet. Everything is seeded: the same seed and scale give the
same data.
"""
