// The activation side of one array row's dequantization: per reduction unit, the row's activation
// sum S_u = sum_k a_k (needed by the zero-point correction D_u = P_u - z_u * S_u, docs/numerics.md
// section 5), computed once here at the west edge and shared by every column, and the unit's
// activation scale and the row scale r_m, taken with the unit's last element.
//
// Each unit's values go to one of two banks, chosen by the stream's bank bit: the columns read a
// unit's entry while the next unit is already streaming into the other bank. The schedule keeps
// units far enough apart that every column has read an entry before it is written again
// (docs/cycle-model.md).
module mixpe_row_side #(
  parameter int unsigned ActBits  = 8,   // signed activation width
  parameter int unsigned SumBits  = 32,  // signed width of S_u
  parameter int unsigned SigBits  = 11,  // unsigned activation scale significand width
  parameter int unsigned ExpBits  = 10   // signed exponent width
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  // The row's activation stream, as it enters the array.
  input  logic                act_valid_i,
  input  logic                act_first_i,
  input  logic                act_last_i,
  input  logic                act_bank_i,
  input  logic [ActBits-1:0]  act_i,
  // Side values of the unit, taken with its last element.
  input  logic [SigBits-1:0]  act_scale_sig_i,
  input  logic [ExpBits-1:0]  act_scale_exp_i,
  input  logic                act_scale_nan_i,
  input  logic [31:0]         row_scale_i,

  // The two banks.
  output logic                bank_written_o   [2],  // written at least once since reset
  output logic [SumBits-1:0]  act_sum_o        [2],  // S_u
  output logic [SigBits-1:0]  act_scale_sig_o  [2],
  output logic [ExpBits-1:0]  act_scale_exp_o  [2],
  output logic                act_scale_nan_o  [2],
  output logic [31:0]         row_scale_o      [2]
);

  if (SumBits < ActBits + 1 || SumBits > 64) begin : g_bad_widths
    $error("mixpe_row_side: SumBits must be in [ActBits + 1, 64]");
  end

  // Edge registers, as for every input of the core.
  logic               valid_q, first_q, last_q, bank_q, nan_q;
  logic [ActBits-1:0] act_q;
  logic [SigBits-1:0] sig_q;
  logic [ExpBits-1:0] exp_q;
  logic [31:0]        row_scale_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else begin
      valid_q <= act_valid_i;
    end
  end

  always_ff @(posedge clk_i) begin
    first_q     <= act_first_i;
    last_q      <= act_last_i;
    bank_q      <= act_bank_i;
    act_q       <= act_i;
    sig_q       <= act_scale_sig_i;
    exp_q       <= act_scale_exp_i;
    nan_q       <= act_scale_nan_i;
    row_scale_q <= row_scale_i;
  end

  ////////////////////////////////
  // Activation sum             //
  ////////////////////////////////

  logic [SumBits-1:0] sum_d, sum_q;
  logic [SumBits:0]   sum_wide;  // one extra bit to detect overflow
  logic [SumBits-1:0] sum_base;

  always_comb begin
    sum_base = first_q ? '0 : sum_q;
    sum_wide = {sum_base[SumBits-1], sum_base}
             + {{(SumBits + 1 - ActBits){act_q[ActBits-1]}}, act_q};
    sum_d    = valid_q ? sum_wide[SumBits-1:0] : sum_q;
  end

  always_ff @(posedge clk_i) begin
    sum_q <= sum_d;
  end

  ////////////////////////////////
  // Banks                      //
  ////////////////////////////////

  logic write;
  assign write = valid_q & last_q;

  for (genvar b = 0; b < 2; b++) begin : g_bank
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        bank_written_o[b] <= 1'b0;
      end else if (write && bank_q == 1'(b)) begin
        bank_written_o[b] <= 1'b1;
      end
    end
    always_ff @(posedge clk_i) begin
      if (write && bank_q == 1'(b)) begin
        act_sum_o[b]       <= sum_d;
        act_scale_sig_o[b] <= sig_q;
        act_scale_exp_o[b] <= exp_q;
        act_scale_nan_o[b] <= nan_q;
        row_scale_o[b]     <= row_scale_q;
      end
    end
  end

// Simulation-only checks; synthesis (yosys defines SYNTHESIS) sees none of this.
`ifndef SYNTHESIS
  /* verilator lint_off SYNCASYNCNET */
  always_ff @(posedge clk_i) begin
    if (rst_ni && valid_q) begin
      assert (sum_wide[SumBits] == sum_wide[SumBits-1])
        else $error("mixpe_row_side: activation sum overflow");
    end
  end
  /* verilator lint_on SYNCASYNCNET */
`endif  // SYNTHESIS

endmodule
