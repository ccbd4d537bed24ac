// ArrayEdgeNodes: a NoC node mapping the component tests use (docs/cosim.md, section 6). The
// co-simulation top maps the array onto the config's mesh instead (docs/memory-model.md, "NoC").
#pragma once

namespace mixpe {

// A core with a rows x cols PE array: a mesh of (cols + 1)
// columns and (rows + 1) rows, the DRAM controller at the north-west corner (0, 0), the west edge
// of array row r (activations in) at (0, r + 1), the north edge of array column c (weights in) at
// (c + 1, 0); the PE array covers the other nodes. XY routes from the corner run along the edges,
// so a multicast to every row or every column is one chain of links.
struct ArrayEdgeNodes {
  int rows = 0;
  int cols = 0;
  int mesh_columns() const { return cols + 1; }
  int mesh_rows() const { return rows + 1; }
  int Controller() const { return 0; }
  int RowWest(int r) const { return (r + 1) * (cols + 1); }
  int ColumnNorth(int c) const { return c + 1; }
};

}  // namespace mixpe
