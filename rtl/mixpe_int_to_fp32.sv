// Rounds a signed integer times a power of two to FP32: fp32_o = rne_fp32(value_i * 2^exp_i).
//
// The dequantization step of docs/numerics.md (section 5) forms each group's term as an exact
// integer D * s_a * s_w with a power-of-two exponent; this unit rounds it once, to nearest, ties
// to even, with subnormal results kept and overflow to +-Inf. Zero gives +0.
//
// Method: with p the position of the leading one of |value|, the result's exponent is
// E = p + exp. Its last bit has weight 2^u, u = max(E - 23, -149) (normal, or the subnormal grid);
// q = |value| * 2^(exp - u) rounded to an integer, and the FP32 bits are (u + 149) * 2^23 + q:
// that one sum gives the normal encoding (q in [2^23, 2^24]), the carry into the next binade
// (q = 2^24) and the subnormal encoding (u = -149, q < 2^23) alike.
module mixpe_int_to_fp32 #(
  parameter int unsigned ValueBits = 40,  // signed integer width, at most 62
  parameter int unsigned ExpBits   = 10   // signed exponent width, at most 16
) (
  input  logic [ValueBits-1:0] value_i,  // signed integer
  input  logic [ExpBits-1:0]   exp_i,    // signed exponent
  output logic [31:0]          fp32_o    // rne_fp32(value_i * 2^exp_i)
);

  if (ValueBits < 2 || ValueBits > 62 || ExpBits < 2 || ExpBits > 16) begin : g_bad_params
    $error("mixpe_int_to_fp32: ValueBits must be in [2, 62] and ExpBits in [2, 16]");
  end

  logic                 sign;
  logic [ValueBits-1:0] magnitude;
  int                   lead;        // position of the leading one of magnitude
  int                   exponent;    // exp_i, sign-extended
  int                   ulp_exp;     // u: exponent of the result's last bit
  int                   shift;       // right shift of magnitude onto the 2^u grid (< 0: left)
  int                   biased;      // u + 149
  logic [63:0]          magnitude_wide;
  logic [63:0]          q;           // the significand on the 2^u grid, before and after rounding
  logic                 guard;       // the first bit shifted out
  logic                 sticky;      // any later bit shifted out
  logic [63:0]          bits;        // (u + 149) * 2^23 + q

  always_comb begin
    sign           = value_i[ValueBits-1];
    magnitude      = sign ? ValueBits'(-value_i) : value_i;  // -2^(n-1) still fits unsigned
    magnitude_wide = 64'(magnitude);
    exponent       = 32'($signed(exp_i));

    lead = 0;
    for (int unsigned i = 0; i < ValueBits; i++) begin
      if (magnitude[i]) lead = 32'(i);
    end

    ulp_exp = lead + exponent - 23;
    if (ulp_exp < -149) ulp_exp = -149;
    shift = ulp_exp - exponent;

    ////////////////////////////////
    // Align to the result grid   //
    ////////////////////////////////
    guard  = 1'b0;
    sticky = 1'b0;
    if (shift <= 0) begin
      // Exact: the value has no bits below the grid (q < 2^24, see above).
      q = magnitude_wide << (-shift);
    end else if (shift > 32'(ValueBits)) begin
      q      = '0;
      sticky = |magnitude;
    end else begin
      q      = magnitude_wide >> shift;
      guard  = magnitude_wide[shift-1];
      sticky = |(magnitude_wide & ((64'd1 << (shift - 1)) - 64'd1));
    end

    ////////////////////////////////
    // Round, encode              //
    ////////////////////////////////
    if (guard && (sticky || q[0])) q = q + 64'd1;
    biased = ulp_exp + 149;  // >= 0
    bits   = (64'(32'(biased)) << 23) + q;

    if (magnitude == '0) begin
      fp32_o = 32'h0000_0000;
    end else if (bits >= 64'h7F80_0000) begin
      fp32_o = {sign, 31'h7F80_0000};  // overflow: +-Inf
    end else begin
      fp32_o = {sign, bits[30:0]};
    end
  end

endmodule
