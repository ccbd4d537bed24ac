// Dequantization of one array column (docs/numerics.md, sections 5 and 12).
//
// The column's results leave the array's north edge one at a time, each a reduction unit's sum
// tagged with its row and bank. This unit pairs it with
// - the row's activation-side values of that bank (mixpe_row_side: S_u, activation scale, row
//   scale), read from the row's bank registers, and
// - the column's weight-side values of that bank (weight scale, zero point, and whether the unit
//   is the first or last of its output), written here by the controller ahead of the unit's
//   results,
// and turns the units of each output into its FP32 value, keeping one running sum per row. How
// depends on the core's PE kind (PeKind, as mixpe_pe's):
// - 0, MixPE: each unit's exact integer sum P_u is dequantized on its own by mixpe_group_dequant,
//   D_u = P_u - z_u S_u times the unit's scale, rounded to FP32 and added to the row's FP32 sum;
//   after the output's last unit, rne_fp32(y * r_m) is presented (section 5).
// - 1, the INT8 baseline (section 12.1): the units' exact integer sums are added in integers, per
//   row (SumBits wide; the hardware config sizes it for the whole of K, pe.max_k), and only the
//   whole sum P is dequantized, once, after the output's last unit, as mode 0 dequantizes a single
//   unit with zero point 0: y = rne_fp32(rne_fp32(P * S_a * S_w) * r_m), with the scales and the
//   row scale of the output's last unit (the driver gives the same for every unit of an output:
//   S_w the channel scale, S_a 1). Zero points and S_u are not used.
// - 2, the FP16 baseline (section 12.2): each unit's sum is already FP32 (the FP16 MAC PE's); they
//   are added in FP32 (mixpe_fp32_add), per row, from +0 in unit order, and the sum is presented as
//   it is after the output's last unit: no scale, no row scale. Only the weight-side first and last
//   flags are used; the row-side inputs are not (mixpe_core builds no row side for this kind).
// Every mode has the same timing: a result arriving in cycle t is captured at the end of t,
// accumulated at the end of t+1, and (for an output's last unit) presented in t+2.
module mixpe_column_dequant #(
  parameter int unsigned Rows     = 16,  // rows of the array: outputs accumulated at once
  parameter int unsigned SumBits  = 32,  // signed width of P_u and S_u
  parameter int unsigned ZeroBits = 4,   // signed zero point width
  parameter int unsigned SigBits  = 11,  // unsigned scale significand width (each side)
  parameter int unsigned ExpBits  = 10,  // signed exponent width
  parameter int unsigned PeKind   = 0,   // the array's PE kind: 0 MixPE, 1 INT8, 2 FP16 (above)
  localparam int unsigned RowBits = Rows > 1 ? $clog2(Rows) : 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  // The column's results from the array.
  input  logic                result_valid_i,
  input  logic [SumBits-1:0]  result_i,        // the unit's sum: P_u (PeKind 2: FP32)
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

  // The kinds of PE (PeKind), as in mixpe_pe.
  localparam int unsigned PeShiftAdd   = 0;
  localparam int unsigned PeMultiplier = 1;
  localparam int unsigned PeFp16Mac    = 2;

  if (PeKind != PeShiftAdd && PeKind != PeMultiplier && PeKind != PeFp16Mac) begin : g_bad_kind
    $error("mixpe_column_dequant: PeKind must be 0 (MixPE), 1 (INT8) or 2 (FP16)");
  end
  if (PeKind == PeFp16Mac && SumBits != 32) begin : g_bad_fp32_sum
    $error("mixpe_column_dequant: the FP16 baseline's unit sums are FP32: SumBits must be 32");
  end

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

  if (PeKind == PeFp16Mac) begin : g_fp32_sum

    ////////////////////////////////
    // FP32 sum of unit sums      //
    ////////////////////////////////

    logic [31:0]        sum_q [Rows];  // the running FP32 sum of each row
    logic [31:0]        sum_base, sum_next;
    logic               y_valid_d, y_valid_q;
    logic [31:0]        y_q;
    logic [RowBits-1:0] y_row_q;

    assign sum_base = first_q ? 32'h0000_0000 : sum_q[row_q];

    mixpe_fp32_add u_add (
      .a_i   (sum_base),
      .b_i   (product_sum_q),
      .sum_o (sum_next)
    );

    always_ff @(posedge dequant_clk) begin
      if (unit_valid_q) sum_q[row_q] <= sum_next;
    end

    // The output's last unit: its sum is presented in the next cycle, as it is.
    assign y_valid_d = unit_valid_q & last_q;

    always_ff @(posedge dequant_clk or negedge rst_ni) begin
      if (!rst_ni) begin
        y_valid_q <= 1'b0;
      end else begin
        y_valid_q <= y_valid_d;
      end
    end

    always_ff @(posedge dequant_clk) begin
      if (y_valid_d) begin
        y_q     <= sum_next;
        y_row_q <= row_q;
      end
    end

    assign y_valid = y_valid_q;
    assign y_row_o = y_row_q;
    assign y_o     = y_q;

    // No scale, zero point or row side: the unit sums are already FP32 values.
    logic unused_side;
    assign unused_side = ^{act_sum_q, zero_point_q, act_sig_q, wgt_sig_q, act_exp_q, wgt_exp_q,
                           nan_q, row_scale_q};

  end else begin : g_dequant

    ////////////////////////////////
    // Dequantization             //
    ////////////////////////////////

    // What mixpe_group_dequant takes: each unit (PeKind 0), or an output's whole integer sum once
    // (PeKind 1).
    logic                unit_valid, unit_first, unit_last;
    logic [SumBits-1:0]  product_sum, activation_sum;
    logic [ZeroBits-1:0] zero_point;

    if (PeKind == PeMultiplier) begin : g_int_sum
      // The exact integer sum of each row's units so far; one bit wider to detect overflow.
      logic [SumBits-1:0] int_sum_q [Rows];
      logic [SumBits-1:0] int_base;
      logic [SumBits:0]   int_wide;

      always_comb begin
        int_base = first_q ? '0 : int_sum_q[row_q];
        int_wide = {int_base[SumBits-1], int_base} + {product_sum_q[SumBits-1], product_sum_q};
      end

      always_ff @(posedge dequant_clk) begin
        if (unit_valid_q) int_sum_q[row_q] <= int_wide[SumBits-1:0];
      end

      // The whole sum, dequantized once with the last unit: a single unit of zero point 0.
      assign unit_valid     = unit_valid_q & last_q;
      assign unit_first     = 1'b1;
      assign unit_last      = 1'b1;
      assign product_sum    = int_wide[SumBits-1:0];
      assign activation_sum = '0;
      assign zero_point     = '0;

      // Symmetric weights: no zero point, so no activation sum.
      logic unused_zero;
      assign unused_zero = ^{act_sum_q, zero_point_q};

// Simulation-only checks; synthesis (yosys defines SYNTHESIS) sees none of this.
`ifndef SYNTHESIS
      /* verilator lint_off SYNCASYNCNET */
      always_ff @(posedge clk_i) begin
        // The hardware config sizes SumBits for a sum over all of K (pe.max_k bounds K here).
        if (rst_ni && unit_valid_q) begin
          assert (int_wide[SumBits] == int_wide[SumBits-1])
            else $error("mixpe_column_dequant: integer sum overflow in row %0d", row_q);
        end
      end
      /* verilator lint_on SYNCASYNCNET */
`endif  // SYNTHESIS
    end else begin : g_per_unit
      assign unit_valid     = unit_valid_q;
      assign unit_first     = first_q;
      assign unit_last      = last_q;
      assign product_sum    = product_sum_q;
      assign activation_sum = act_sum_q;
      assign zero_point     = zero_point_q;
    end

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
      .unit_valid_i     (unit_valid),
      .out_index_i      (row_q),
      .unit_first_i     (unit_first),
      .unit_last_i      (unit_last),
      .product_sum_i    (product_sum),
      .activation_sum_i (activation_sum),
      .zero_point_i     (zero_point),
      .scale_i          (scale),
      .scale_exp_i      (scale_exp),
      .scale_nan_i      (nan_q),
      .row_scale_i      (row_scale_q),
      .y_valid_o        (y_valid),
      .y_index_o        (y_row_o),
      .y_o
    );

  end

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
    if (rst_ni && unit_valid_q && PeKind != PeFp16Mac) begin
      assert (scale_exp_wide[ExpBits] == scale_exp_wide[ExpBits-1])
        else $error("mixpe_column_dequant: scale exponent overflow");
    end
  end
  /* verilator lint_on SYNCASYNCNET */
`endif  // SYNTHESIS

endmodule
