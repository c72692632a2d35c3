"""Reading and writing: the only layer of territorial that touches files or the network."""

from territorial.io.raster import Raster, read_raster

__all__ = ["Raster", "read_raster"]
