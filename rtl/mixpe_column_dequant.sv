// Dequantization of one array column, once per reduction unit (docs/numerics.md, section 5).
//
// The column's results leave the array's north edge one at a time, each an exact unit sum P_u
// tagged with its row and bank. This unit pairs it with
// - the row's activation-side values of that bank (mixpe_row_side: S_u, activation scale, row
//   scale), read from the row's bank registers, and
// - the column's weight-side values of that bank (weight scale, zero point, and whether the unit
//   is the first or last of its output), written here by the controller ahead of the unit's
//   results,
// and hands the unit to mixpe_group_dequant, which keeps one FP32 running sum per row and
// presents each finished output with its row index. A result arriving in cycle t is captured at
// the end of t, accumulated at the end of t+1, and (for an output's last unit) presented in t+2.
module mixpe_column_dequant #(
  parameter int unsigned Rows     = 16,  // rows of the array: outputs accumulated at once
  parameter int unsigned SumBits  = 32,  // signed width of P_u and S_u
  parameter int unsigned ZeroBits = 4,   // signed zero point width
  parameter int unsigned SigBits  = 11,  // unsigned scale significand width (each side)
  parameter int unsigned ExpBits  = 10,  // signed exponent width
  localparam int unsigned RowBits = Rows > 1 ? $clog2(Rows) : 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  // The column's results from the array.
  input  logic                result_valid_i,
  input  logic [SumBits-1:0]  result_i,        // P_u
  input  logic                result_bank_i,
  input  logic [RowBits-1:0]  result_row_i,

  // Every row's activation-side banks (mixpe_row_side).
  input  logic                row_written_i    [Rows][2],
  input  logic [SumBits-1:0]  act_sum_i        [Rows][2],
  input  logic [SigBits-1:0]  act_scale_sig_i  [Rows][2],
  input  logic [ExpBits-1:0]  act_scale_exp_i  [Rows][2],
  input  logic                act_scale_nan_i  [Rows][2],
  input  logic [31:0]         row_scale_i      [Rows][2],

  // Weight-side values of one unit for this column, written into bank wside_bank_i.
  input  logic                wside_valid_i,
  input  logic                wside_bank_i,
  input  logic [SigBits-1:0]  wgt_scale_sig_i,
  input  logic [ExpBits-1:0]  wgt_scale_exp_i,
  input  logic                wgt_scale_nan_i,
  input  logic [ZeroBits-1:0] zero_point_i,
  input  logic                unit_first_i,    // the unit is its output's first: y restarts
  input  logic                unit_last_i,     // the unit is its output's last: y is presented

  // Finished outputs.
  output logic                y_valid_o,
  output logic [RowBits-1:0]  y_row_o,
  output logic [31:0]         y_o              // FP32
);

  ////////////////////////////////
  // Weight-side banks          //
  ////////////////////////////////

  // Edge registers, as for every input of the core.
  logic                wside_valid_q, wside_bank_q, wside_nan_q, wside_first_q, wside_last_q;
  logic [SigBits-1:0]  wside_sig_q;
  logic [ExpBits-1:0]  wside_exp_q;
  logic [ZeroBits-1:0] wside_zero_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wside_valid_q <= 1'b0;
    end else begin
      wside_valid_q <= wside_valid_i;
    end
  end

  always_ff @(posedge clk_i) begin
    wside_bank_q  <= wside_bank_i;
    wside_sig_q   <= wgt_scale_sig_i;
    wside_exp_q   <= wgt_scale_exp_i;
    wside_nan_q   <= wgt_scale_nan_i;
    wside_zero_q  <= zero_point_i;
    wside_first_q <= unit_first_i;
    wside_last_q  <= unit_last_i;
  end

  logic                bank_written [2];
  logic [SigBits-1:0]  bank_sig     [2];
  logic [ExpBits-1:0]  bank_exp     [2];
  logic                bank_nan     [2];
  logic [ZeroBits-1:0] bank_zero    [2];
  logic                bank_first   [2];
  logic                bank_last    [2];

  for (genvar b = 0; b < 2; b++) begin : g_bank
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        bank_written[b] <= 1'b0;
      end else if (wside_valid_q && wside_bank_q == 1'(b)) begin
        bank_written[b] <= 1'b1;
      end
    end
    always_ff @(posedge clk_i) begin
      if (wside_valid_q && wside_bank_q == 1'(b)) begin
        bank_sig[b]   <= wside_sig_q;
        bank_exp[b]   <= wside_exp_q;
        bank_nan[b]   <= wside_nan_q;
        bank_zero[b]  <= wside_zero_q;
        bank_first[b] <= wside_first_q;
        bank_last[b]  <= wside_last_q;
      end
    end
  end

  ////////////////////////////////
  // Clock gating               //
  ////////////////////////////////

  // The dequantization datapath works only when a result arrives: it is clocked in that cycle
  // (capture) and the two after (accumulate, then retire the output flag), and otherwise holds
  // its state with its clock stopped. A standard latch-based clock gate: the enable is sampled
  // while the clock is low, so the gated clock has no glitches. Besides the power a real design
  // saves this way, it spares the simulator the datapath's logic in idle cycles.
  logic unit_valid_q;  // a captured unit is being accumulated
  logic y_valid;       // an output is presented
  logic gate_enable, gate_enable_latched, dequant_clk;

  assign gate_enable = result_valid_i | unit_valid_q | y_valid;

  always_latch begin
    if (!clk_i) gate_enable_latched = gate_enable;
  end
  assign dequant_clk = clk_i & gate_enable_latched;

  ////////////////////////////////
  // Unit capture               //
  ////////////////////////////////

  // The result and its side values, taken from the row's and the column's banks.
  localparam int unsigned ScaleBits = 2 * SigBits;

  logic                 first_q, last_q, nan_q;
  logic [RowBits-1:0]   row_q;
  logic [SumBits-1:0]   product_sum_q, act_sum_q;
  logic [ZeroBits-1:0]  zero_point_q;
  logic [SigBits-1:0]   act_sig_q, wgt_sig_q;
  logic [ExpBits-1:0]   act_exp_q, wgt_exp_q;
  logic [31:0]          row_scale_q;

  always_ff @(posedge dequant_clk or negedge rst_ni) begin
    if (!rst_ni) begin
      unit_valid_q <= 1'b0;
    end else begin
      unit_valid_q <= result_valid_i;
    end
  end

  always_ff @(posedge dequant_clk) begin
    if (result_valid_i) begin
      row_q         <= result_row_i;
      product_sum_q <= result_i;
      act_sum_q     <= act_sum_i[result_row_i][result_bank_i];
      act_sig_q     <= act_scale_sig_i[result_row_i][result_bank_i];
      act_exp_q     <= act_scale_exp_i[result_row_i][result_bank_i];
      nan_q         <= act_scale_nan_i[result_row_i][result_bank_i] | bank_nan[result_bank_i];
      row_scale_q   <= row_scale_i[result_row_i][result_bank_i];
      wgt_sig_q     <= bank_sig[result_bank_i];
      wgt_exp_q     <= bank_exp[result_bank_i];
      zero_point_q  <= bank_zero[result_bank_i];
      first_q       <= bank_first[result_bank_i];
      last_q        <= bank_last[result_bank_i];
    end
  end

  ////////////////////////////////
  // Dequantization             //
  ////////////////////////////////

  logic [ScaleBits-1:0] scale;      // activation significand x weight significand, exact
  logic [ExpBits-1:0]   scale_exp;  // activation exponent + weight exponent

  always_comb begin
    scale     = ScaleBits'(act_sig_q) * ScaleBits'(wgt_sig_q);
    scale_exp = act_exp_q + wgt_exp_q;
  end

  mixpe_group_dequant #(
    .SumBits   (SumBits),
    .ZeroBits  (ZeroBits),
    .ScaleBits (ScaleBits),
    .ExpBits   (ExpBits),
    .Outputs   (Rows)
  ) u_dequant (
    .clk_i            (dequant_clk),
    .rst_ni,
    .unit_valid_i     (unit_valid_q),
    .out_index_i      (row_q),
    .unit_first_i     (first_q),
    .unit_last_i      (last_q),
    .product_sum_i    (product_sum_q),
    .activation_sum_i (act_sum_q),
    .zero_point_i     (zero_point_q),
    .scale_i          (scale),
    .scale_exp_i      (scale_exp),
    .scale_nan_i      (nan_q),
    .row_scale_i      (row_scale_q),
    .y_valid_o        (y_valid),
    .y_index_o        (y_row_o),
    .y_o
  );

  assign y_valid_o = y_valid;

// Simulation-only checks; synthesis (yosys defines SYNTHESIS) sees none of this.
`ifndef SYNTHESIS
  logic [ExpBits:0] scale_exp_wide;
  assign scale_exp_wide = {act_exp_q[ExpBits-1], act_exp_q} + {wgt_exp_q[ExpBits-1], wgt_exp_q};
  /* verilator lint_off SYNCASYNCNET */
  always_ff @(posedge clk_i) begin
    if (rst_ni && result_valid_i) begin
      // A result needs the side values of its unit: both banks it reads must have been written.
      assert (bank_written[result_bank_i])
        else $error("mixpe_column_dequant: result of bank %0d before its weight-side values",
                    result_bank_i);
      assert (row_written_i[result_row_i][result_bank_i])
        else $error("mixpe_column_dequant: result of row %0d bank %0d before its row values",
                    result_row_i, result_bank_i);
    end
    if (rst_ni && unit_valid_q) begin
      assert (scale_exp_wide[ExpBits] == scale_exp_wide[ExpBits-1])
        else $error("mixpe_column_dequant: scale exponent overflow");
    end
  end
  /* verilator lint_on SYNCASYNCNET */
`endif  // SYNTHESIS

endmodule
