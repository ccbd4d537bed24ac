// The MixPE core: the shift-and-add PE array with dequantization once per reduction unit.
//
// mixpe_array reduces over one unit at a time (a weight group, an MX block, an aligned FP16
// block, or all of K for per-channel groups): its first/last flags mark the unit's ends, and each
// exact integer unit sum P_u leaves the north edge tagged with its row and bank. Around it:
// - West edge, per row: mixpe_row_side computes the unit's activation sum S_u once for all
//   columns and keeps the unit's activation scale and the row scale.
// - North edge, per column: mixpe_column_dequant takes the column's results, applies
//   D_u = P_u - z_u S_u and the unit's scale, accumulates in FP32 per row, and presents
//   rne_fp32(y * r_m) after the output's last unit (docs/numerics.md, section 5).
//
// Interface (docs/array-interface.md):
// - act_*: as mixpe_array's, one reduction unit after another; the bank bit alternates between
//   consecutive units of the schedule. act_scale_*, row_scale_i are taken with a unit's last
//   element.
// - wgt_*: as mixpe_array's. wside_*: the weight-side values of one unit of column c, given in
//   the cycle the column receives the unit's first weight (or earlier, once the bank is free).
// - y_*: finished FP32 outputs, per column, with their row.
// - wgt_fp4_i: the layer's weight codes are E2M1 (MXFP4, NVFP4); set with the first input.
// Scale values are split into an unsigned significand and a signed exponent:
// value = sig * 2^exp. The element unit exponents are folded into the exponents.
module mixpe_core #(
  parameter int unsigned Rows       = 16,  // PE rows
  parameter int unsigned Cols       = 16,  // PE columns
  parameter int unsigned ActBits    = 8,   // signed activation width (INT8, aligned FP16: 16)
  parameter int unsigned WeightBits = 4,   // weight code width: 2, 3, 4 or 8
  parameter int unsigned AccBits    = 32,  // signed unit-sum width (P_u, S_u)
  parameter int unsigned Fp4Weights = 0,   // 1: E2M1 weight mode (wgt_fp4_i) built in
  parameter int unsigned SigBits    = 11,  // scale significand width (FP16: 11)
  parameter int unsigned ExpBits    = 10,  // signed scale exponent width
  localparam int unsigned RowBits   = Rows > 1 ? $clog2(Rows) : 1,
  localparam int unsigned ZeroBits  = WeightBits
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,

  input  logic                  wgt_fp4_i,

  // West edge: activation streams and their per-unit side values.
  input  logic                  act_valid_i     [Rows],
  input  logic                  act_first_i     [Rows],  // first element of a unit
  input  logic                  act_last_i      [Rows],  // last element of a unit
  input  logic                  act_bank_i      [Rows],
  input  logic [ActBits-1:0]    act_i           [Rows],
  input  logic [SigBits-1:0]    act_scale_sig_i [Rows],
  input  logic [ExpBits-1:0]    act_scale_exp_i [Rows],
  input  logic                  act_scale_nan_i [Rows],
  input  logic [31:0]           row_scale_i     [Rows],  // r_m, FP32

  // North edge: weight streams and their per-unit side values.
  input  logic                  wgt_valid_i     [Cols],
  input  logic [WeightBits-1:0] wgt_i           [Cols],
  input  logic                  wside_valid_i   [Cols],
  input  logic                  wside_bank_i    [Cols],
  input  logic [SigBits-1:0]    wgt_scale_sig_i [Cols],
  input  logic [ExpBits-1:0]    wgt_scale_exp_i [Cols],
  input  logic                  wgt_scale_nan_i [Cols],
  input  logic [ZeroBits-1:0]   zero_point_i    [Cols],
  input  logic                  unit_first_i    [Cols],
  input  logic                  unit_last_i     [Cols],

  // Finished outputs, one stream per column.
  output logic                  y_valid_o       [Cols],
  output logic [RowBits-1:0]    y_row_o         [Cols],
  output logic [31:0]           y_o             [Cols]
);

  ////////////////////////////////
  // PE array                   //
  ////////////////////////////////

  logic               result_valid [Cols];
  logic [AccBits-1:0] result       [Cols];
  logic               result_bank  [Cols];
  logic [RowBits-1:0] result_row   [Cols];

  mixpe_array #(
    .Rows       (Rows),
    .Cols       (Cols),
    .ActBits    (ActBits),
    .WeightBits (WeightBits),
    .AccBits    (AccBits),
    .Fp4Weights (Fp4Weights)
  ) u_array (
    .clk_i,
    .rst_ni,
    .wgt_fp4_i,
    .act_valid_i,
    .act_first_i,
    .act_last_i,
    .act_bank_i,
    .act_i,
    .wgt_valid_i,
    .wgt_i,
    .out_valid_o (result_valid),
    .out_data_o  (result),
    .out_bank_o  (result_bank),
    .out_row_o   (result_row)
  );

  ////////////////////////////////
  // Row side (west edge)       //
  ////////////////////////////////

  logic               row_written   [Rows][2];
  logic [AccBits-1:0] act_sum       [Rows][2];
  logic [SigBits-1:0] act_scale_sig [Rows][2];
  logic [ExpBits-1:0] act_scale_exp [Rows][2];
  logic               act_scale_nan [Rows][2];
  logic [31:0]        row_scale     [Rows][2];

  for (genvar r = 0; r < Rows; r++) begin : g_row_side
    mixpe_row_side #(
      .ActBits (ActBits),
      .SumBits (AccBits),
      .SigBits (SigBits),
      .ExpBits (ExpBits)
    ) u_row_side (
      .clk_i,
      .rst_ni,
      .act_valid_i     (act_valid_i[r]),
      .act_first_i     (act_first_i[r]),
      .act_last_i      (act_last_i[r]),
      .act_bank_i      (act_bank_i[r]),
      .act_i           (act_i[r]),
      .act_scale_sig_i (act_scale_sig_i[r]),
      .act_scale_exp_i (act_scale_exp_i[r]),
      .act_scale_nan_i (act_scale_nan_i[r]),
      .row_scale_i     (row_scale_i[r]),
      .bank_written_o  (row_written[r]),
      .act_sum_o       (act_sum[r]),
      .act_scale_sig_o (act_scale_sig[r]),
      .act_scale_exp_o (act_scale_exp[r]),
      .act_scale_nan_o (act_scale_nan[r]),
      .row_scale_o     (row_scale[r])
    );
  end

  ////////////////////////////////
  // Column dequantization      //
  ////////////////////////////////

  for (genvar c = 0; c < Cols; c++) begin : g_column_dequant
    mixpe_column_dequant #(
      .Rows     (Rows),
      .SumBits  (AccBits),
      .ZeroBits (ZeroBits),
      .SigBits  (SigBits),
      .ExpBits  (ExpBits)
    ) u_column_dequant (
      .clk_i,
      .rst_ni,
      .result_valid_i  (result_valid[c]),
      .result_i        (result[c]),
      .result_bank_i   (result_bank[c]),
      .result_row_i    (result_row[c]),
      .row_written_i   (row_written),
      .act_sum_i       (act_sum),
      .act_scale_sig_i (act_scale_sig),
      .act_scale_exp_i (act_scale_exp),
      .act_scale_nan_i (act_scale_nan),
      .row_scale_i     (row_scale),
      .wside_valid_i   (wside_valid_i[c]),
      .wside_bank_i    (wside_bank_i[c]),
      .wgt_scale_sig_i (wgt_scale_sig_i[c]),
      .wgt_scale_exp_i (wgt_scale_exp_i[c]),
      .wgt_scale_nan_i (wgt_scale_nan_i[c]),
      .zero_point_i    (zero_point_i[c]),
      .unit_first_i    (unit_first_i[c]),
      .unit_last_i     (unit_last_i[c]),
      .y_valid_o       (y_valid_o[c]),
      .y_row_o         (y_row_o[c]),
      .y_o             (y_o[c])
    );
  end

endmodule
