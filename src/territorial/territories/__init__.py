"""Boundaries and hierarchies: levels, parents, children, lookup, custom territories, joins."""
