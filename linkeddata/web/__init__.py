"""The HTTP layer: the only part of the package that knows FastAPI and Starlette."""
