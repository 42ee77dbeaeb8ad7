"""The difference between two versions of a process: a list in plain Dutch and markers on
the diagram."""
