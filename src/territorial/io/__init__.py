"""Reading and writing: the only layer of territorial that touches files or the network."""
