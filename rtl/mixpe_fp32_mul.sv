// IEEE 754 binary32 multiplier of the final per-output scaling: y = rne_fp32(y * r_m)
// (docs/numerics.md, sections 1 and 5).
//
// product_o is the exact product rounded once, to nearest, ties to even. Subnormal inputs and
// outputs are kept (no flush to zero); the sign is the XOR of the operand signs, for zeros too
// ((-0) * (+x) = -0, and a product too small for the smallest subnormal rounds to a zero of that
// sign); a product whose rounded magnitude is beyond the largest finite value is +-Inf; Inf * x is
// +-Inf for a nonzero x and NaN for a zero x; every NaN result is the canonical quiet NaN
// 0x7FC00000, whatever the payloads and signs of NaN inputs. Purely combinational.
//
// Datapath: normalize subnormal operands with a leading-zero count (their significands get the top
// bit set, their exponents go below 1), multiply the 24-bit significands exactly into 48 bits,
// normalize the product by at most one place, shift it right with sticky into the subnormal range
// when its exponent is below 1, round once, and let the rounding carry run into the exponent field.
module mixpe_fp32_mul (
  input  logic [31:0] a_i,       // FP32 operand
  input  logic [31:0] b_i,       // FP32 operand
  output logic [31:0] product_o  // rne_fp32(a_i * b_i)
);

  localparam logic [31:0] CanonicalNaN = 32'h7FC0_0000;  // the only NaN this unit produces
  localparam logic [7:0]  ExpMax       = 8'hFF;          // exponent field of Inf and NaN

  ////////////////////////////////
  // Operand decode             //
  ////////////////////////////////

  logic a_zero, a_inf, a_nan, b_zero, b_inf, b_nan;
  logic sign;  // sign of every result but NaN, zeros included

  always_comb begin
    a_zero = (a_i[30:23] == 8'd0) && (a_i[22:0] == '0);
    a_inf  = (a_i[30:23] == ExpMax) && (a_i[22:0] == '0);
    a_nan  = (a_i[30:23] == ExpMax) && (a_i[22:0] != '0);
    b_zero = (b_i[30:23] == 8'd0) && (b_i[22:0] == '0);
    b_inf  = (b_i[30:23] == ExpMax) && (b_i[22:0] == '0);
    b_nan  = (b_i[30:23] == ExpMax) && (b_i[22:0] != '0);
    sign   = a_i[31] ^ b_i[31];
  end

  ////////////////////////////////
  // Subnormal normalization    //
  ////////////////////////////////

  // Leading zeros of a 24-bit significand: 0 with the hidden bit set, 1..23 for a subnormal, 24
  // for zero (whose result the special-value mux decides).
  function automatic logic [4:0] lead_zeros24(logic [23:0] sig);
    lead_zeros24 = 5'd24;
    for (int unsigned i = 0; i < 24; i++) begin
      if (sig[i]) begin
        lead_zeros24 = 5'(23 - i);
      end
    end
  endfunction

  // A subnormal 0.m * 2^(1-127) is 1.m' * 2^(1-lz-127): its significand moves left by its
  // leading-zero count and its effective biased exponent becomes 1 - lz, down to -22. A normal
  // operand passes unchanged (lz = 0). After this every nonzero significand is in [2^23, 2^24).
  logic [4:0]        a_lz, b_lz;
  logic [23:0]       a_sig, b_sig;  // normalized significands, hidden bit at [23]
  logic signed [9:0] a_exp, b_exp;  // effective biased exponents, -22..254 for finite operands

  always_comb begin
    a_lz  = lead_zeros24({a_i[30:23] != 8'd0, a_i[22:0]});
    b_lz  = lead_zeros24({b_i[30:23] != 8'd0, b_i[22:0]});
    a_sig = {a_i[30:23] != 8'd0, a_i[22:0]} << a_lz;
    b_sig = {b_i[30:23] != 8'd0, b_i[22:0]} << b_lz;
    a_exp = (a_i[30:23] == 8'd0) ? 10'sd1 - $signed({5'd0, a_lz}) : $signed({2'd0, a_i[30:23]});
    b_exp = (b_i[30:23] == 8'd0) ? 10'sd1 - $signed({5'd0, b_lz}) : $signed({2'd0, b_i[30:23]});
  end

  ////////////////////////////////
  // Significand product        //
  ////////////////////////////////

  // The one multiplier of the dequantization datapath, written as '*' on purpose: this unit runs
  // once per output (the final scaling by r_m), not once per element, so a 24x24 multiplier is
  // cheap next to the array. (The per-element products of the PEs are shift-and-add, and
  // rtl_no_multiplier_test.sh keeps '*' out of those files.)
  //
  // Two significands in [2^23, 2^24) give a product in [2^46, 2^48): it is normalized by a left
  // shift of one when bit 47 is clear. The value is norm_prod / 2^47 * 2^(norm_exp - 127).
  logic [47:0]       sig_prod;   // exact product of the normalized significands
  logic [47:0]       norm_prod;  // [47] hidden bit, [46:24] mantissa, [23:0] guard and below
  logic signed [9:0] norm_exp;   // biased exponent of norm_prod, -171..382 for finite operands

  always_comb begin
    sig_prod = {24'd0, a_sig} * {24'd0, b_sig};
    if (sig_prod[47]) begin
      norm_prod = sig_prod;
      norm_exp  = a_exp + b_exp - 10'sd126;
    end else begin
      norm_prod = sig_prod << 1;
      norm_exp  = a_exp + b_exp - 10'sd127;
    end
  end

  ////////////////////////////////
  // Subnormal results          //
  ////////////////////////////////

  // An exponent below 1 is raised to 1 (the subnormal scale 2^-126) by shifting the significand
  // right by 1 - norm_exp; every bit shifted out joins the sticky bit. A shift of 25 already moves
  // the hidden bit below the guard position (guard 0, sticky 1: the product rounds to zero), as
  // does any larger one, so the shift is clamped at 25.
  logic        tiny;         // norm_exp < 1: a subnormal result, or a zero after rounding
  logic [9:0]  tiny_amount;  // 1 - norm_exp, 1..172 when tiny
  logic [4:0]  tiny_shift;
  logic [47:0] round_sig;    // norm_prod after the shift, laid out as norm_prod; [47] 0 when tiny
  logic [24:0] shifted_out;  // the bits shifted past [0]

  always_comb begin
    tiny        = norm_exp < 10'sd1;
    tiny_amount = 10'd1 - norm_exp;
    if (!tiny) begin
      tiny_shift = 5'd0;
    end else if (tiny_amount > 10'd25) begin
      tiny_shift = 5'd25;
    end else begin
      tiny_shift = tiny_amount[4:0];
    end
    {round_sig, shifted_out} = {norm_prod, 25'd0} >> tiny_shift;
  end

  ////////////////////////////////
  // Rounding                   //
  ////////////////////////////////

  // Round to nearest, ties to even, on {exponent field, mantissa}: a carry out of the mantissa
  // increments the exponent, which turns the largest subnormal into the smallest normal and the
  // largest finite value into Inf (0x7F800000) with no extra logic.
  logic        guard, sticky, round_up;
  logic [7:0]  exp_field;  // 0 for a subnormal or zero result
  logic        overflow;   // exponent above 254 already before rounding
  logic [30:0] rounded;    // magnitude bits of the rounded result

  always_comb begin
    guard     = round_sig[23];
    sticky    = (|round_sig[22:0]) | (|shifted_out);
    round_up  = guard & (round_sig[24] | sticky);
    exp_field = tiny ? 8'd0 : norm_exp[7:0];
    overflow  = norm_exp > 10'sd254;
    rounded   = {exp_field, round_sig[46:24]} + {30'd0, round_up};
  end

  ////////////////////////////////
  // Result and special values  //
  ////////////////////////////////

  // A zero operand gives an exact zero of sign a ^ b; a nonzero finite product that rounds to
  // zero (rounded == 0) keeps that sign as well, so both come out of the same bits.
  always_comb begin
    if (a_nan || b_nan || (a_inf && b_zero) || (a_zero && b_inf)) begin
      product_o = CanonicalNaN;
    end else if (a_inf || b_inf || overflow) begin
      product_o = {sign, ExpMax, 23'd0};
    end else if (a_zero || b_zero) begin
      product_o = {sign, 31'd0};
    end else begin
      product_o = {sign, rounded};
    end
  end

  ////////////////////////////////
  // Assertions                 //
  ////////////////////////////////

// Simulation-only checks; synthesis (yosys defines SYNTHESIS) sees none of this.
`ifndef SYNTHESIS
  logic finite_nonzero;  // both operands finite and nonzero: the datapath decides the result

  always_comb begin
    finite_nonzero = !(a_zero || b_zero || a_inf || b_inf || a_nan || b_nan);
    if (finite_nonzero) begin
      // The leading-zero count normalized both significands.
      assert (a_sig[23] && b_sig[23])
        else $error("mixpe_fp32_mul: significand not normalized");
      // The product of two normalized significands needs at most one normalizing shift.
      assert (norm_prod[47])
        else $error("mixpe_fp32_mul: product not normalized");
      // A subnormal shift clears the hidden bit; an exponent in range keeps it.
      assert (round_sig[47] == !tiny)
        else $error("mixpe_fp32_mul: hidden bit does not match the exponent range");
      // Without overflow, rounding reaches at most Inf (the carry out of the largest finite).
      assert (overflow || rounded <= {ExpMax, 23'd0})
        else $error("mixpe_fp32_mul: rounded magnitude beyond Inf");
    end
  end
`endif  // SYNTHESIS

endmodule
