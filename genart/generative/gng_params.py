"""The Growing Neural Gas settings and their rules, in one place (no numba here: cheap to import).

Each setting's range is an annotated type; `GNGParams` (neupy's names and defaults) is made of them,
and so are the gas fields of `genart gng`'s settings (`genart.generative.methods.gng.GNGSettings`),
which add their own defaults, upper limits and help. Whatever is validated by either model is a
valid gas: `GNGSettings.gas()` hands the engine a frozen view without checking a second time.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

StartNodes = Annotated[int, Field(ge=2)]
WinnerStep = Annotated[float, Field(gt=0.0, le=1.0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]  # neighbour_step, after_split_error_decay_rate
EdgeAge = Annotated[int, Field(ge=1)]
NodeCount = Annotated[int, Field(ge=2)]
Signals = Annotated[int, Field(ge=1)]  # n_iter_before_neuron_added
DecayRate = Annotated[float, Field(gt=0.0, le=1.0)]
Distance = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Epochs = Annotated[int, Field(ge=1)]
Seed = Annotated[int, Field(ge=0)]


class GNGParams(BaseModel):
    """Growing Neural Gas settings; names and defaults follow neupy's GrowingNeuralGas.

    Validated when made (a value out of range raises pydantic's ValidationError, a ValueError),
    frozen after.

    Examples
    --------
    >>> GNGParams(max_nodes=100).max_nodes
    100
    >>> from pydantic import ValidationError
    >>> try:
    ...     GNGParams(max_nodes=1)
    ... except ValidationError as exc:
    ...     print(exc.errors()[0]["loc"], exc.errors()[0]["type"])
    ('max_nodes',) greater_than_equal
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_start_nodes: StartNodes = 2
    step: WinnerStep = 0.2
    neighbour_step: Share = 0.05
    max_edge_age: EdgeAge = 100
    max_nodes: NodeCount = 1000
    n_iter_before_neuron_added: Signals = 1000
    after_split_error_decay_rate: Share = 0.5
    error_decay_rate: DecayRate = 0.995
    min_distance_for_update: Distance = 0.0
    epochs: Epochs = 100
    shuffle: bool = False
    seed: Seed = 0
