// Per-output dequantization once per group (docs/numerics.md, section 5): for each reduction unit
// u of an output, takes the unit's exact integer sums and accumulates
//   D_u = P_u - z_u * S_u
//   t_u = rne_fp32(D_u * scale_u * 2^scale_exp_u)      (mixpe_int_to_fp32)
//   y   = rne_fp32(y + t_u), y starting at +0          (mixpe_fp32_add)
// and presents rne_fp32(y * r_m) after the output's last unit (mixpe_fp32_mul), r_m being the
// output's row scale (per-token and tensor scales; 1.0 where there are none: y * 1.0 = y). One unit per cycle; `scale_i` is the exact
// product of the unit's activation and weight scale significands, `scale_exp_i` the sum of all
// exponents (scales and element units). A NaN scale makes the output NaN (0x7FC00000).
//
// The multiplications here happen once per group, not once per element, in a unit shared by a
// column of PEs; they are written as `*` (the PE's per-element product is the shift-and-add one).
//
// One unit serves `Outputs` outputs whose units arrive interleaved (in the array: the rows of a
// column, each unit's results one row after another): it keeps one running sum y per output,
// chosen by out_index_i.
module mixpe_group_dequant #(
  parameter int unsigned SumBits   = 28,  // signed width of P_u and S_u
  parameter int unsigned ZeroBits  = 8,   // signed width of the zero point
  parameter int unsigned ScaleBits = 22,  // unsigned width of the scale significand product
  parameter int unsigned ExpBits   = 10,  // signed width of the exponent
  parameter int unsigned Outputs   = 1,   // outputs accumulated at once
  localparam int unsigned IndexBits = Outputs > 1 ? $clog2(Outputs) : 1
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // One reduction unit of one output per cycle.
  input  logic                 unit_valid_i,
  input  logic [IndexBits-1:0] out_index_i,       // which output this unit belongs to
  input  logic                 unit_first_i,      // first unit of the output: y restarts at +0
  input  logic                 unit_last_i,       // last unit: y is presented next cycle
  input  logic [SumBits-1:0]   product_sum_i,     // P_u, signed
  input  logic [SumBits-1:0]   activation_sum_i,  // S_u, signed (shared by a row's outputs)
  input  logic [ZeroBits-1:0]  zero_point_i,      // z_u, signed (0 for symmetric weights)
  input  logic [ScaleBits-1:0] scale_i,           // scale significand product, unsigned
  input  logic [ExpBits-1:0]   scale_exp_i,       // exponent of the term, signed
  input  logic                 scale_nan_i,       // a NaN block scale covers this unit
  input  logic [31:0]          row_scale_i,       // r_m, FP32, taken with the last unit

  // The finished output.
  output logic                 y_valid_o,
  output logic [IndexBits-1:0] y_index_o,         // which output it is
  output logic [31:0]          y_o                // FP32: y * r_m
);

  localparam int unsigned CorrectedBits = SumBits + ZeroBits + 1;
  localparam int unsigned TermBits      = CorrectedBits + ScaleBits + 1;

  if (TermBits > 62) begin : g_bad_widths
    $error("mixpe_group_dequant: SumBits + ZeroBits + ScaleBits must be at most 60");
  end
  if (Outputs < 1 || Outputs > 256) begin : g_bad_outputs
    $error("mixpe_group_dequant: Outputs must be in [1, 256]");
  end

  ////////////////////////////////
  // Zero point, scale          //
  ////////////////////////////////

  logic signed [CorrectedBits-1:0] corrected;  // D_u, exact
  logic signed [TermBits-1:0]      term_int;   // D_u * scale, exact

  always_comb begin
    corrected = CorrectedBits'($signed(product_sum_i)) -
                CorrectedBits'($signed(zero_point_i)) * CorrectedBits'($signed(activation_sum_i));
    term_int  = TermBits'(corrected) * $signed({1'b0, scale_i});
  end

  logic [31:0] term_fp32;  // t_u before the NaN override

  mixpe_int_to_fp32 #(
    .ValueBits (TermBits),
    .ExpBits   (ExpBits)
  ) u_round (
    .value_i (term_int),
    .exp_i   (scale_exp_i),
    .fp32_o  (term_fp32)
  );

  ////////////////////////////////
  // FP32 accumulation          //
  ////////////////////////////////

  logic [31:0] y_q [Outputs];  // the running sum of each output
  logic [31:0] y_base;         // the running sum this unit adds to
  logic [31:0] term;           // t_u
  logic [31:0] y_sum;

  always_comb begin
    y_base = unit_first_i ? 32'h0000_0000 : y_q[out_index_i];
    term   = scale_nan_i ? 32'h7FC0_0000 : term_fp32;
  end

  mixpe_fp32_add u_add (
    .a_i   (y_base),
    .b_i   (term),
    .sum_o (y_sum)
  );

  always_ff @(posedge clk_i) begin
    if (unit_valid_i) y_q[out_index_i] <= y_sum;
  end

  // The output's last unit: its sum and row scale are held for the final multiplication.
  logic                 y_valid_d, y_valid_q;
  logic [31:0]          y_last_q, row_scale_q;
  logic [IndexBits-1:0] y_index_q;
  assign y_valid_d = unit_valid_i & unit_last_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      y_valid_q <= 1'b0;
    end else begin
      y_valid_q <= y_valid_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (y_valid_d) begin
      y_last_q    <= y_sum;
      row_scale_q <= row_scale_i;
      y_index_q   <= out_index_i;
    end
  end

  ////////////////////////////////
  // Row scale                  //
  ////////////////////////////////

  mixpe_fp32_mul u_row_scale (
    .a_i       (y_last_q),
    .b_i       (row_scale_q),
    .product_o (y_o)
  );

  assign y_valid_o = y_valid_q;
  assign y_index_o = y_index_q;

// Simulation-only checks; synthesis (yosys defines SYNTHESIS) sees none of this.
`ifndef SYNTHESIS
  /* verilator lint_off SYNCASYNCNET */
  always_ff @(posedge clk_i) begin
    if (rst_ni && unit_valid_i) begin
      assert (32'(out_index_i) < Outputs)
        else $error("mixpe_group_dequant: output index %0d out of range", out_index_i);
    end
  end
  /* verilator lint_on SYNCASYNCNET */
`endif  // SYNTHESIS

endmodule
