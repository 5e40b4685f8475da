"""Infrastructure the optimizers, the frame pipeline and the command line share: where work runs
(worker processes or a Dask cluster, `execution`), the child processes genart starts and how they end
with it (`children`), stopping on Ctrl-C, SIGTERM and SIGHUP (`interrupt`), progress reports
(`progress`) and text safe to print (`terminal`). It imports no other part of genart but `genart.errors`
(and the scene model, for type hints only)."""
