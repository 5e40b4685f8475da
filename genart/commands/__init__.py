"""Sub-commands of `genart`, one module each, each with a `register(subparsers)` function."""
