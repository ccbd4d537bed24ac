// Per-element weight expansion to INT8, the north-edge unit of the INT8 baseline array (one per
// column, in front of an array of multiplier PEs: mixpe_pe with PeKind 1 at W8 x A8): the second
// level of a two-level (DGQ-style) quantization, where low-bit weight codes are dequantized to
// INT8 by an integer multiplier of their group before the INT8 x INT8 multiply-accumulate:
//   weight_o = code_i * mult_i
// for a signed WeightBits code (two's complement) and an unsigned MultBits group multiplier in
// [1, 2^MultBits - 1], as an INT8 two's-complement value. Purely combinational: the array's
// north-edge register follows it.
//
// The product always fits eight bits, checked at elaboration: |code * mult| <= 2^(WeightBits-1)
// * (2^MultBits - 1), at most 8 * 15 = 120 at the default widths. A zero multiplier is not a
// group multiplier the format produces; it would give 0 (the unit has no valid input to qualify a
// check on it). The golden model is model/baseline_pe.h (MixpeWeightExpandInt8).
//
module mixpe_weight_expand_int8 #(
  parameter int unsigned WeightBits = 4,  // signed width of the weight code: 2, 3 or 4
  parameter int unsigned MultBits   = 4   // unsigned width of the group multiplier
) (
  input  logic [WeightBits-1:0] code_i,   // weight code, signed
  input  logic [MultBits-1:0]   mult_i,   // integer multiplier of the weight's group, >= 1
  output logic [7:0]            weight_o  // INT8: code_i * mult_i
);

  localparam int          MaxMult  = (1 << MultBits) - 1;
  // Wide enough for every product, and for the eight result bits.
  localparam int unsigned ProdBits = WeightBits + MultBits + 1 > 8 ? WeightBits + MultBits + 1 : 8;

  if (WeightBits < 2 || WeightBits > 4 || MultBits < 1) begin : g_bad_widths
    $error("mixpe_weight_expand_int8: WeightBits must be 2, 3 or 4, MultBits at least 1");
  end
  // The most negative code times the largest multiplier must still be an INT8 value.
  if ((1 << (WeightBits - 1)) * MaxMult > 128) begin : g_bad_range
    $error("mixpe_weight_expand_int8: code * mult does not fit eight bits at these widths");
  end

  // code_i sign-extended, mult_i zero-extended; the product is exact.
  logic signed [ProdBits-1:0] product;

  always_comb begin
    product  = $signed(code_i) * $signed({1'b0, mult_i});
    weight_o = product[7:0];
  end

  ////////////////////////////////
  // Assertions                 //
  ////////////////////////////////

// Simulation-only checks; synthesis (yosys defines SYNTHESIS) sees none of this.
`ifndef SYNTHESIS
  always_comb begin
    // The product is an INT8 value: what the elaboration check above guarantees for every input.
    assert (product[ProdBits-1:7] == {(ProdBits - 7){product[7]}})
      else $error("mixpe_weight_expand_int8: product %0d does not fit eight bits", product);
  end
`endif  // SYNTHESIS

endmodule
