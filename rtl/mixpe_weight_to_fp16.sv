// Per-element weight dequantization to FP16, the north-edge unit of the FP16 baseline array (one
// per column, in front of an array of FP16 MAC PEs: mixpe_pe with PeKind 2):
//   weight_o = rne_fp16((code_i - zero_i) * scale_i)
// for a signed WeightBits code and zero point and the FP16 scale of the weight's group. This is the
// multiply a conventional W4A16 design does on every weight before its FP16 multiply-accumulate;
// MixPE does the equivalent once per group instead (mixpe_group_dequant, one per column), and
// docs/area.md compares the two. Purely combinational: the array's north-edge register follows it.
//
// It is the cheapest form of that multiply: the weight operand is the narrow integer code - zero
// (|code - zero| < 2^WeightBits), not a converted FP16 value, so a WeightBits x 11-bit significand
// product; a general FP16 x FP16 multiplier would be larger. Golden model: MixpeWeightToFp16 in
// model/baseline_pe.h; tests/rtl_baseline_units_test.cc checks every code, zero point and FP16
// scale at WeightBits 4.
//
// Arithmetic: the scale is S * 2^(e - 25), S its 11-bit significand, e = max(E, 1); the exact
// product P = |code - zero| * S has the same weight. With p the position of P's leading one the
// result's biased exponent is p + e - 10; its last bit sits on the grid of biased exponent
// u = max(p + e - 10, 1). q = P on that grid, rounded to nearest, ties to even, and the FP16 bits
// are (u - 1) * 2^10 + q: the normal encoding, the carry into the next binade and the subnormal
// encoding alike (as in rtl/mixpe_int_to_fp32.sv). Subnormal results are exact (P * 2^(e - 25) is
// a multiple of 2^-24), so only normal results shift right and round, by at most WeightBits.
//
// Special values: a zero result has the XOR of the signs (code - zero = 0 counts as +0, so it takes
// the scale's sign); a NaN scale, and an Inf scale times code - zero = 0, give the quiet NaN 0x7E00
// whatever the scale's payload and sign; an Inf scale times a nonzero difference is +-Inf, and so
// is a product whose rounded magnitude is beyond 65504.
//
module mixpe_weight_to_fp16 #(
  parameter int unsigned WeightBits = 4  // signed width of the weight code and the zero point
) (
  input  logic [WeightBits-1:0] code_i,   // weight code, signed
  input  logic [WeightBits-1:0] zero_i,   // zero point, signed (0 for symmetric weights)
  input  logic [15:0]           scale_i,  // FP16 scale of the weight's group
  output logic [15:0]           weight_o  // FP16: rne_fp16((code_i - zero_i) * scale_i)
);

  if (WeightBits < 2 || WeightBits > 8) begin : g_bad_params
    $error("mixpe_weight_to_fp16: WeightBits must be in [2, 8]");
  end

  localparam int unsigned ProdBits = WeightBits + 11;
  localparam logic [15:0] QuietNaN = 16'h7E00;
  localparam logic [4:0]  ExpMax   = 5'h1F;  // exponent field of Inf and NaN

  logic [WeightBits:0]   diff;       // code - zero, signed, exact
  logic                  sign;       // of every result but NaN, zeros included
  logic [WeightBits-1:0] diff_mag;   // |code - zero| < 2^WeightBits
  logic [4:0]            scale_exp;  // e = max(E, 1)
  logic [10:0]           scale_sig;  // S: hidden bit (0 for subnormals), mantissa
  logic                  scale_inf, scale_nan;
  logic [ProdBits-1:0]   product;    // P, exact
  int                    lead;       // p: position of P's leading one
  int                    grid_exp;   // u
  int                    shift;      // u - e: right shift of P onto the grid (<= 0: exact)
  logic [ProdBits-1:0]   q;          // P on the grid, before and after rounding
  logic                  guard;      // the first bit shifted out
  logic                  sticky;     // any later bit shifted out
  logic [15:0]           bits;       // (u - 1) * 2^10 + q

  always_comb begin
    ////////////////////////////////
    // Operands, exact product    //
    ////////////////////////////////
    diff      = {code_i[WeightBits-1], code_i} - {zero_i[WeightBits-1], zero_i};
    sign      = diff[WeightBits] ^ scale_i[15];
    diff_mag  = WeightBits'(diff[WeightBits] ? -diff : diff);
    scale_exp = (scale_i[14:10] == 5'd0) ? 5'd1 : scale_i[14:10];
    scale_sig = {scale_i[14:10] != 5'd0, scale_i[9:0]};
    scale_inf = (scale_i[14:10] == ExpMax) && (scale_i[9:0] == 10'd0);
    scale_nan = (scale_i[14:10] == ExpMax) && (scale_i[9:0] != 10'd0);
    product   = ProdBits'(diff_mag) * ProdBits'(scale_sig);

    ////////////////////////////////
    // Onto the result grid       //
    ////////////////////////////////
    lead = 0;
    for (int unsigned i = 0; i < ProdBits; i++) begin
      if (product[i]) lead = 32'(i);
    end
    grid_exp = lead + 32'(scale_exp) - 10;
    if (grid_exp < 1) grid_exp = 1;
    shift  = grid_exp - 32'(scale_exp);
    guard  = 1'b0;
    sticky = 1'b0;
    if (shift <= 0) begin
      q = product << (-shift);
    end else begin
      q      = product >> shift;
      guard  = product[shift-1];
      sticky = |(product & ((ProdBits'(1) << (shift - 1)) - ProdBits'(1)));
    end

    ////////////////////////////////
    // Round, encode              //
    ////////////////////////////////
    if (guard && (sticky || q[0])) q = q + ProdBits'(1);
    bits = 16'(32'(grid_exp - 1) << 10) + 16'(q);

    if (scale_nan || (scale_inf && diff_mag == '0)) begin
      weight_o = QuietNaN;
    end else if (scale_inf || bits >= 16'h7C00) begin
      weight_o = {sign, 15'h7C00};  // +-Inf
    end else if (product == '0) begin
      weight_o = {sign, 15'd0};
    end else begin
      weight_o = {sign, bits[14:0]};
    end
  end

  ////////////////////////////////
  // Assertions                 //
  ////////////////////////////////

// Simulation-only checks; synthesis (yosys defines SYNTHESIS) sees none of this.
`ifndef SYNTHESIS
  always_comb begin
    // Only normal results round, and by at most WeightBits places; subnormal ones are exact.
    assert (shift <= int'(WeightBits))
      else $error("mixpe_weight_to_fp16: right shift %0d beyond WeightBits", shift);
    assert (!(grid_exp == 1 && (guard || sticky)))
      else $error("mixpe_weight_to_fp16: a subnormal result was rounded");
    // The rounded significand carries at most into the next binade.
    assert (q <= (ProdBits'(1) << 11))
      else $error("mixpe_weight_to_fp16: rounded significand out of range");
  end
`endif  // SYNTHESIS

endmodule
