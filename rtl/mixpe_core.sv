// The MixPE core: the shift-and-add PE array with dequantization once per reduction unit; and, by
// PeKind, the INT8 and FP16 baseline cores built around the same array and interface.
//
// mixpe_array reduces over one unit at a time (a weight group, an MX block, an aligned FP16
// block, or all of K for per-channel groups): its first/last flags mark the unit's ends, and each
// unit sum leaves the north edge tagged with its row and bank. Around it:
// - West edge, per row: mixpe_row_side computes the unit's activation sum S_u once for all
//   columns and keeps the unit's activation scale and the row scale.
// - North edge, per column: mixpe_column_dequant takes the column's results, applies
//   D_u = P_u - z_u S_u and the unit's scale, accumulates in FP32 per row, and presents
//   rne_fp32(y * r_m) after the output's last unit (docs/numerics.md, section 5).
//
// PeKind (mixpe_pe's kinds) chooses the design; ports and timing are the same for every kind, so
// one driver runs them all and every output appears in the same cycle (docs/cycle-model.md):
// - 0 (the default), MixPE: as above. WeightBits 2, 3, 4 or 8.
// - 1, the INT8 baseline (docs/numerics.md, 12.1): each weight code is expanded to INT8 at its
//   column's north edge, code x the group's integer multiplier wgt_mult_i
//   (mixpe_weight_expand_int8, combinational, before the array's edge register), into an array of
//   integer multiplier PEs (WeightBits 8); the column adds the units' integer sums of an output
//   and dequantizes the whole sum once (mixpe_column_dequant). WeightBits (the stored codes) 2..4;
//   zero_point_i is not used and S_u is not needed.
// - 2, the FP16 baseline (12.2): act_i carries FP16 bit patterns (ActBits 16); each weight is
//   dequantized to FP16 at the north edge, rne_fp16((wgt_i - wgt_zero_i) x wgt_scale_fp16_i)
//   (mixpe_weight_to_fp16, combinational), into an array of FP16 MAC PEs with FP32 unit sums
//   (AccBits 32); the column adds the units' FP32 sums per row. WeightBits 2..8. No row side:
//   act_scale_*, row_scale_i and the weight-side scales and zero point are not used.
// wgt_mult_i, wgt_scale_fp16_i and wgt_zero_i exist for every kind; the kinds that do not use
// them ignore them.
//
// Interface (docs/array-interface.md):
// - act_*: as mixpe_array's, one reduction unit after another; the bank bit alternates between
//   consecutive units of the schedule. act_scale_*, row_scale_i are taken with a unit's last
//   element.
// - wgt_*: as mixpe_array's; wgt_mult_i, wgt_scale_fp16_i and wgt_zero_i go with each weight, in
//   the cycle of its wgt_i (constant over a unit). wside_*: the weight-side values of one unit of
//   column c, given in the cycle the column receives the unit's first weight (or earlier, once the
//   bank is free).
// - y_*: finished FP32 outputs, per column, with their row.
// - wgt_fp4_i: the layer's weight codes are E2M1 (MXFP4, NVFP4); set with the first input.
// Scale values are split into an unsigned significand and a signed exponent:
// value = sig * 2^exp. The element unit exponents are folded into the exponents.
module mixpe_core #(
  parameter int unsigned Rows       = 16,  // PE rows
  parameter int unsigned Cols       = 16,  // PE columns
  parameter int unsigned ActBits    = 8,   // signed activation width (INT8, aligned FP16: 16;
                                           // PeKind 2: 16, FP16 bit patterns)
  parameter int unsigned WeightBits = 4,   // weight code width, as wgt_i carries it: 2, 3, 4 or 8
                                           // (PeKind 1: 2..4; PeKind 2: 2..8)
  parameter int unsigned AccBits    = 32,  // signed unit-sum width (P_u, S_u; PeKind 1: the sum
                                           // over all of K; PeKind 2: 32, FP32)
  parameter int unsigned Fp4Weights = 0,   // 1: E2M1 weight mode (wgt_fp4_i) built in
  parameter int unsigned SigBits    = 11,  // scale significand width (FP16: 11)
  parameter int unsigned ExpBits    = 10,  // signed scale exponent width
  parameter int unsigned PeKind     = 0,   // 0 MixPE, 1 INT8 baseline, 2 FP16 baseline (above)
  localparam int unsigned RowBits   = Rows > 1 ? $clog2(Rows) : 1,
  localparam int unsigned ZeroBits  = WeightBits,
  localparam int unsigned MultBits  = 4    // the INT8 baseline's group multipliers
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,

  input  logic                  wgt_fp4_i,

  // West edge: activation streams and their per-unit side values.
  input  logic                  act_valid_i      [Rows],
  input  logic                  act_first_i      [Rows],  // first element of a unit
  input  logic                  act_last_i       [Rows],  // last element of a unit
  input  logic                  act_bank_i       [Rows],
  input  logic [ActBits-1:0]    act_i            [Rows],
  input  logic [SigBits-1:0]    act_scale_sig_i  [Rows],
  input  logic [ExpBits-1:0]    act_scale_exp_i  [Rows],
  input  logic                  act_scale_nan_i  [Rows],
  input  logic [31:0]           row_scale_i      [Rows],  // r_m, FP32

  // North edge: weight streams, each weight's group values (in the cycle of its wgt_i; the kinds
  // that do not use them ignore them), and the per-unit side values.
  input  logic                  wgt_valid_i      [Cols],
  input  logic [WeightBits-1:0] wgt_i            [Cols],
  input  logic [MultBits-1:0]   wgt_mult_i       [Cols],  // PeKind 1: integer group multiplier
  input  logic [15:0]           wgt_scale_fp16_i [Cols],  // PeKind 2: group scale, FP16
  input  logic [ZeroBits-1:0]   wgt_zero_i       [Cols],  // PeKind 2: zero point, two's compl.
  input  logic                  wside_valid_i    [Cols],
  input  logic                  wside_bank_i     [Cols],
  input  logic [SigBits-1:0]    wgt_scale_sig_i  [Cols],
  input  logic [ExpBits-1:0]    wgt_scale_exp_i  [Cols],
  input  logic                  wgt_scale_nan_i  [Cols],
  input  logic [ZeroBits-1:0]   zero_point_i     [Cols],
  input  logic                  unit_first_i     [Cols],
  input  logic                  unit_last_i      [Cols],

  // Finished outputs, one stream per column.
  output logic                  y_valid_o        [Cols],
  output logic [RowBits-1:0]    y_row_o          [Cols],
  output logic [31:0]           y_o              [Cols]
);

  // The kinds of PE (PeKind), as in mixpe_pe.
  localparam int unsigned PeShiftAdd   = 0;
  localparam int unsigned PeMultiplier = 1;
  localparam int unsigned PeFp16Mac    = 2;

  // The weights the array's PEs take: the codes (MixPE), INT8 (PeKind 1) or FP16 (PeKind 2).
  localparam int unsigned ArrayWeightBits = PeKind == PeMultiplier ? 8 :
                                            PeKind == PeFp16Mac    ? 16 : WeightBits;

  // Elaboration-time parameter checks (the PEs and the edge units check their own widths).
  if (PeKind != PeShiftAdd && PeKind != PeMultiplier && PeKind != PeFp16Mac) begin : g_bad_kind
    $error("mixpe_core: PeKind must be 0 (MixPE), 1 (INT8 baseline) or 2 (FP16 baseline)");
  end
  if (PeKind != PeShiftAdd && Fp4Weights != 0) begin : g_bad_fp4
    $error("mixpe_core: the baseline cores have no FP4 weight mode");
  end
  if (PeKind == PeFp16Mac && (ActBits != 16 || AccBits != 32)) begin : g_bad_fp16_widths
    $error("mixpe_core: the FP16 baseline takes ActBits 16 (FP16) and AccBits 32 (FP32)");
  end

  ////////////////////////////////
  // Weight dequantization      //
  ////////////////////////////////

  // The baselines dequantize each weight on its way into the array, combinationally, before the
  // array's edge register: no cycle is added.
  logic [ArrayWeightBits-1:0] array_wgt [Cols];

  for (genvar c = 0; c < Cols; c++) begin : g_weight_edge
    if (PeKind == PeMultiplier) begin : g_expand_int8
      mixpe_weight_expand_int8 #(
        .WeightBits (WeightBits),
        .MultBits   (MultBits)
      ) u_expand (
        .code_i   (wgt_i[c]),
        .mult_i   (wgt_mult_i[c]),
        .weight_o (array_wgt[c])
      );
      logic unused_fp16_side;
      assign unused_fp16_side = ^{wgt_scale_fp16_i[c], wgt_zero_i[c]};
    end else if (PeKind == PeFp16Mac) begin : g_to_fp16
      mixpe_weight_to_fp16 #(
        .WeightBits (WeightBits)
      ) u_to_fp16 (
        .code_i   (wgt_i[c]),
        .zero_i   (wgt_zero_i[c]),
        .scale_i  (wgt_scale_fp16_i[c]),
        .weight_o (array_wgt[c])
      );
      logic unused_mult;
      assign unused_mult = ^wgt_mult_i[c];
    end else begin : g_codes
      assign array_wgt[c] = wgt_i[c];
      logic unused_element_side;
      assign unused_element_side = ^{wgt_mult_i[c], wgt_scale_fp16_i[c], wgt_zero_i[c]};
    end
  end

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
    .WeightBits (ArrayWeightBits),
    .AccBits    (AccBits),
    .Fp4Weights (Fp4Weights),
    .PeKind     (PeKind)
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
    .wgt_i       (array_wgt),
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
    if (PeKind != PeFp16Mac) begin : g_sums
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
    end else begin : g_none
      // The FP16 baseline's columns add FP32 unit sums: no activation-side values. Its banks read
      // as written, so the columns' check that a unit's row values exist always holds.
      for (genvar b = 0; b < 2; b++) begin : g_bank
        assign row_written[r][b]   = 1'b1;
        assign act_sum[r][b]       = '0;
        assign act_scale_sig[r][b] = '0;
        assign act_scale_exp[r][b] = '0;
        assign act_scale_nan[r][b] = 1'b0;
        assign row_scale[r][b]     = '0;
      end
      logic unused_row_side;
      assign unused_row_side = ^{act_scale_sig_i[r], act_scale_exp_i[r], act_scale_nan_i[r],
                                 row_scale_i[r]};
    end
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
      .ExpBits  (ExpBits),
      .PeKind   (PeKind)
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

// Simulation-only checks; synthesis (yosys defines SYNTHESIS) sees none of this.
`ifndef SYNTHESIS
  // A unit's weight-side values travel with its first weight (docs/array-interface.md): values
  // without a weight belong to no unit.
  /* verilator lint_off SYNCASYNCNET */
  for (genvar c = 0; c < Cols; c++) begin : g_edge_checks
    always_ff @(posedge clk_i) begin
      if (rst_ni && wside_valid_i[c]) begin
        assert (wgt_valid_i[c])
          else $error("mixpe_core: weight-side values without a weight in column %0d", c);
      end
    end
  end
  /* verilator lint_on SYNCASYNCNET */
`endif  // SYNTHESIS

endmodule
