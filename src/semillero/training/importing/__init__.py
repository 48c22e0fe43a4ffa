"""The training import kinds (see data-formats.md): training areas, programmes,
course runs and levy contributions in `reference`, enrolments (with the trainee
upsert and the vectorised path for million-row files) in `enrolments`."""
