"""YAML scripts for `genart run`: a whole piece (pictures → scenes → posters and a movie), cached.

`source` reads the YAML with positions, `model` is the format (from the registries),
`validate` and `check` find mistakes before any work, `plan` lists the cached stages,
`stages` and `movie` do their work, `cache` keys and records it, `watch` re-runs on saves.
"""
