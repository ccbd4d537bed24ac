// Rows x Cols output-stationary systolic array of mixpe_pe.
//
// Interface (docs/array-interface.md has the timing diagrams):
// - West edge, one stream per row r: activation a[m][k] with valid and first/last-of-reduction
//   flags. Row r must be driven one cycle after row r-1 for the same k (skewed injection).
// - North edge, one stream per column c: weight code w[k][n], column c one cycle after column c-1.
//   The PE at (r, c) then sees a[.][k] and w[k][.] in the same cycle.
// - Every input passes one edge register before it reaches a PE (one cycle of latency).
// - North edge, one result stream per column: out_valid_o[c] marks a finished output in
//   out_data_o[c]. Results of one tile leave column c in row order, one every two cycles. There is
//   no back-pressure: the sink takes every valid result in the cycle it appears.
// - Each result carries a tag: the bank bit its activation stream carried and its row.
// Unused rows or columns of a partial tile are simply never made valid.
//
// PeKind chooses the PE (mixpe_pe): 0, the default, MixPE's shift-and-add PE; 1 the conventional
// integer multiplier PE (the INT8 baseline); 2 the conventional FP16 MAC PE (the FP16 baseline:
// FP16 activation and weight bit patterns, FP32 results; ActBits 16, WeightBits 16, AccBits 32).
// The interface and its timing are the same for every kind.
module mixpe_array #(
  parameter int unsigned Rows       = 16,  // PE rows: one activation stream each
  parameter int unsigned Cols       = 16,  // PE columns: one weight stream each
  parameter int unsigned ActBits    = 8,   // signed activation width
  parameter int unsigned WeightBits = 4,   // two's-complement weight width: 2, 3, 4 or 8
  parameter int unsigned AccBits    = 32,  // signed accumulator and result width
  parameter int unsigned Fp4Weights = 0,   // 1: E2M1 weight mode (wgt_fp4_i) built in
  parameter int unsigned PeKind     = 0,   // 0 shift-and-add (MixPE), 1 multiplier, 2 FP16 MAC
  localparam int unsigned RowBits   = Rows > 1 ? $clog2(Rows) : 1
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,

  // Layer mode: weight codes are E2M1 (FP4). Change it only while the array is idle.
  input  logic                  wgt_fp4_i,

  // West edge: activation streams, one per row.
  input  logic                  act_valid_i [Rows],
  input  logic                  act_first_i [Rows],  // first element of a reduction
  input  logic                  act_last_i  [Rows],  // last element of a reduction
  input  logic                  act_bank_i  [Rows],  // tag bit handed on with the result
  input  logic [ActBits-1:0]    act_i       [Rows],

  // North edge: weight streams, one per column.
  input  logic                  wgt_valid_i [Cols],
  input  logic [WeightBits-1:0] wgt_i       [Cols],

  // North edge: finished outputs, one stream per column.
  output logic                  out_valid_o [Cols],
  output logic [AccBits-1:0]    out_data_o  [Cols],
  output logic                  out_bank_o  [Cols],  // the bank bit of the result's reduction
  output logic [RowBits-1:0]    out_row_o   [Cols]   // the row that computed it
);

  if (Rows < 1 || Rows > 256 || Cols < 1 || Cols > 256) begin : g_bad_shape
    $error("mixpe_array: Rows and Cols must be in [1, 256]");
  end

  // Nets between PEs. Activations flow east: act_*[r][c] enters PE (r, c) from the west.
  // Weights flow south: wgt_*[r][c] enters PE (r, c) from the north. Results drain north:
  // drain_*[r][c] leaves PE (r, c) toward row r-1; row Rows has no PEs and feeds nothing.
  logic                  act_valid [Rows][Cols+1];
  logic                  act_first [Rows][Cols+1];
  logic                  act_last  [Rows][Cols+1];
  logic                  act_bank  [Rows][Cols+1];
  logic [ActBits-1:0]    act       [Rows][Cols+1];
  logic                  wgt_valid [Rows+1][Cols];
  logic [WeightBits-1:0] wgt       [Rows+1][Cols];
  logic                  drain_valid [Rows+1][Cols];
  logic [AccBits-1:0]    drain_data  [Rows+1][Cols];
  logic                  drain_bank  [Rows+1][Cols];
  logic [RowBits-1:0]    drain_row   [Rows+1][Cols];

  // The FP4 mode, registered once and fanned out: a static setting, not a per-cycle signal.
  logic wgt_fp4_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wgt_fp4_q <= 1'b0;
    end else begin
      wgt_fp4_q <= wgt_fp4_i;
    end
  end

  // Edge registers: every input is flopped once before it reaches a PE, so no PE logic depends
  // combinationally on the array's ports (shorter input paths, and cheaper to simulate).
  for (genvar r = 0; r < Rows; r++) begin : g_west_edge
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        act_valid[r][0] <= 1'b0;
      end else begin
        act_valid[r][0] <= act_valid_i[r];
      end
    end
    always_ff @(posedge clk_i) begin
      act_first[r][0] <= act_first_i[r];
      act_last[r][0]  <= act_last_i[r];
      act_bank[r][0]  <= act_bank_i[r];
      act[r][0]       <= act_i[r];
    end
  end

  for (genvar c = 0; c < Cols; c++) begin : g_north_edge
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        wgt_valid[0][c] <= 1'b0;
      end else begin
        wgt_valid[0][c] <= wgt_valid_i[c];
      end
    end
    always_ff @(posedge clk_i) begin
      wgt[0][c] <= wgt_i[c];
    end
    assign drain_valid[Rows][c] = 1'b0;
    assign drain_data[Rows][c]  = '0;
    assign drain_bank[Rows][c]  = 1'b0;
    assign drain_row[Rows][c]   = '0;
    assign out_valid_o[c]       = drain_valid[0][c];
    assign out_data_o[c]        = drain_data[0][c];
    assign out_bank_o[c]        = drain_bank[0][c];
    assign out_row_o[c]         = drain_row[0][c];
  end

  for (genvar r = 0; r < Rows; r++) begin : g_row
    for (genvar c = 0; c < Cols; c++) begin : g_col
      mixpe_pe #(
        .ActBits    (ActBits),
        .WeightBits (WeightBits),
        .AccBits    (AccBits),
        .Fp4Weights (Fp4Weights),
        .RowBits    (RowBits),
        .RowIndex   (r),
        .PeKind     (PeKind)
      ) u_pe (
        .clk_i,
        .rst_ni,
        .wgt_fp4_i     (wgt_fp4_q),
        .act_valid_i   (act_valid[r][c]),
        .act_first_i   (act_first[r][c]),
        .act_last_i    (act_last[r][c]),
        .act_bank_i    (act_bank[r][c]),
        .act_i         (act[r][c]),
        .act_valid_o   (act_valid[r][c+1]),
        .act_first_o   (act_first[r][c+1]),
        .act_last_o    (act_last[r][c+1]),
        .act_bank_o    (act_bank[r][c+1]),
        .act_o         (act[r][c+1]),
        .wgt_valid_i   (wgt_valid[r][c]),
        .wgt_i         (wgt[r][c]),
        .wgt_valid_o   (wgt_valid[r+1][c]),
        .wgt_o         (wgt[r+1][c]),
        .drain_valid_i (drain_valid[r+1][c]),
        .drain_data_i  (drain_data[r+1][c]),
        .drain_bank_i  (drain_bank[r+1][c]),
        .drain_row_i   (drain_row[r+1][c]),
        .drain_valid_o (drain_valid[r][c]),
        .drain_data_o  (drain_data[r][c]),
        .drain_bank_o  (drain_bank[r][c]),
        .drain_row_o   (drain_row[r][c])
      );
    end
  end

endmodule
