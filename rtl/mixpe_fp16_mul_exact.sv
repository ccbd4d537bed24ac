// Exact product of two IEEE FP16 values as an FP32 value: product_o = a_i * b_i, with no rounding.
// The multiplier of the FP16 MAC PE (mixpe_pe with PeKind 2, the FP16 baseline MixPE is compared
// against), whose FP32 adder (mixpe_fp32_add) then rounds the sum once per element.
//
// Why no rounding is needed: an FP16 value is S * 2^(e - 25) with an 11-bit significand S (hidden
// bit, or 0 for subnormals) and e = max(E, 1) for its exponent field E in [0, 30]. The product is
// P * 2^(ea + eb - 50), P = Sa * Sb < 2^22, so at most 22 significant bits (FP32 holds 24), and
// every nonzero finite product lies in [2^-48, 65504^2 < 2^32], inside FP32's normal range
// [2^-126, 2^128): the result is always an exact FP32 normal, never a subnormal, never rounded,
// never overflowing. With p the position of P's leading one, the FP32 exponent field is
// p + ea + eb + 77 (in [79, 158]) and the mantissa is P shifted left by 23 - p (at least 2), minus
// its leading one.
//
// Special values (IEEE 754):
// - a NaN operand, or Inf times zero (either sign): the canonical quiet NaN 0x7FC00000, whatever
//   the payloads and signs of NaN inputs (mixpe_fp32_add makes every NaN the same one);
// - Inf times a nonzero value or Inf: Inf with the XOR of the signs;
// - a zero operand (and no NaN or Inf): a zero with the XOR of the signs, (-0) * (+x) = -0.
// Purely combinational.
module mixpe_fp16_mul_exact (
  input  logic [15:0] a_i,       // FP16 operand
  input  logic [15:0] b_i,       // FP16 operand
  output logic [31:0] product_o  // a_i * b_i, exact, as FP32
);

  localparam logic [31:0] CanonicalNaN = 32'h7FC0_0000;  // the only NaN this unit produces
  localparam logic [4:0]  ExpMax16     = 5'h1F;          // FP16 exponent field of Inf and NaN

  ////////////////////////////////
  // Operand decode             //
  ////////////////////////////////

  logic        a_inf, a_nan, b_inf, b_nan;
  logic        sign;          // of every result but NaN, zeros included
  logic [4:0]  a_exp, b_exp;  // e = max(E, 1)
  logic [10:0] a_sig, b_sig;  // S: hidden bit (0 for subnormals and zero), mantissa

  always_comb begin
    a_inf = (a_i[14:10] == ExpMax16) && (a_i[9:0] == '0);
    a_nan = (a_i[14:10] == ExpMax16) && (a_i[9:0] != '0);
    b_inf = (b_i[14:10] == ExpMax16) && (b_i[9:0] == '0);
    b_nan = (b_i[14:10] == ExpMax16) && (b_i[9:0] != '0);
    sign  = a_i[15] ^ b_i[15];
    a_exp = (a_i[14:10] == 5'd0) ? 5'd1 : a_i[14:10];
    b_exp = (b_i[14:10] == 5'd0) ? 5'd1 : b_i[14:10];
    a_sig = {a_i[14:10] != 5'd0, a_i[9:0]};
    b_sig = {b_i[14:10] != 5'd0, b_i[9:0]};
  end

  ////////////////////////////////
  // Exact product, normalized  //
  ////////////////////////////////

  logic [21:0] sig_product;  // P = Sa * Sb
  logic [4:0]  lead;         // p: position of P's leading one (0 for P = 0)
  logic [7:0]  exp_field;    // p + ea + eb + 77
  logic [23:0] normalized;   // P << (23 - p): leading one at [23], mantissa at [22:0]

  always_comb begin
    sig_product = 22'(a_sig) * 22'(b_sig);
    lead        = 5'd0;
    for (int unsigned i = 0; i < 22; i++) begin
      if (sig_product[i]) begin
        lead = 5'(i);
      end
    end
    exp_field  = 8'(lead) + 8'(a_exp) + 8'(b_exp) + 8'd77;
    normalized = {2'b00, sig_product} << (5'd23 - lead);
  end

  ////////////////////////////////
  // Result and special values  //
  ////////////////////////////////

  always_comb begin
    if (a_nan || b_nan || (a_inf && b_sig == '0) || (b_inf && a_sig == '0)) begin
      product_o = CanonicalNaN;
    end else if (a_inf || b_inf) begin
      product_o = {sign, 8'hFF, 23'd0};
    end else if (sig_product == '0) begin
      product_o = {sign, 31'd0};
    end else begin
      product_o = {sign, exp_field, normalized[22:0]};
    end
  end

  ////////////////////////////////
  // Assertions                 //
  ////////////////////////////////

// Simulation-only checks; synthesis (yosys defines SYNTHESIS) sees none of this.
`ifndef SYNTHESIS
  always_comb begin
    // For finite operands with a nonzero product: the normalization shift loses no bit (the
    // product is exact), and the product is an FP32 normal (no subnormal encoding, no overflow).
    if (a_i[14:10] != ExpMax16 && b_i[14:10] != ExpMax16 && sig_product != '0) begin
      assert (normalized[23] && (normalized >> (5'd23 - lead)) == {2'b00, sig_product})
        else $error("mixpe_fp16_mul_exact: product not normalized exactly");
      assert (exp_field >= 8'd79 && exp_field <= 8'd158)
        else $error("mixpe_fp16_mul_exact: product exponent out of the FP32 normal range");
    end
  end
`endif  // SYNTHESIS

endmodule
