"""pyqtgraph views of a comparison: series items made once per entity and updated with setData."""
