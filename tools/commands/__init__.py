"""The commands users run (`python -m tools <command>`, `make plan|check|verify`): one module
each, with `add_arguments(parser)` and `run(args)`. They call the pipeline
(`crossaccount.pipeline`) and the renderers (`tools.render`), never each other."""
