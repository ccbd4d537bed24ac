// IEEE 754 binary32 adder of the FP32 dequantization accumulator: y = rne_fp32(y + t_u)
// (docs/numerics.md, sections 1 and 5).
//
// sum_o is the exact sum rounded once, to nearest, ties to even. Subnormal inputs and outputs are
// kept (no flush to zero); an exact zero sum is +0 unless both operands are -0; a sum whose rounded
// magnitude is beyond the largest finite value is +-Inf; every NaN result is the canonical quiet
// NaN 0x7FC00000, whatever the payloads and signs of NaN inputs. Purely combinational.
//
// Datapath: order the operands by magnitude, align the smaller one in 27 bits (24-bit significand
// plus guard, round and sticky), add or subtract in 28 bits (one carry bit), normalize with a
// leading-zero count whose left shift stops at the smallest exponent (that is how subnormal results
// come out), round, and let the rounding carry run into the exponent field.
module mixpe_fp32_add (
  input  logic [31:0] a_i,   // FP32 operand
  input  logic [31:0] b_i,   // FP32 operand
  output logic [31:0] sum_o  // rne_fp32(a_i + b_i)
);

  localparam logic [31:0] CanonicalNaN = 32'h7FC0_0000;  // the only NaN this unit produces
  localparam logic [7:0]  ExpMax       = 8'hFF;          // exponent field of Inf and NaN

  ////////////////////////////////
  // Operand decode             //
  ////////////////////////////////

  logic a_inf, a_nan, b_inf, b_nan;

  always_comb begin
    a_inf = (a_i[30:23] == ExpMax) && (a_i[22:0] == '0);
    a_nan = (a_i[30:23] == ExpMax) && (a_i[22:0] != '0);
    b_inf = (b_i[30:23] == ExpMax) && (b_i[22:0] == '0);
    b_nan = (b_i[30:23] == ExpMax) && (b_i[22:0] != '0);
  end

  ////////////////////////////////
  // Swap: |big| >= |small|     //
  ////////////////////////////////

  // With the sign bit dropped, the order of the bit patterns is the order of the magnitudes.
  logic [31:0] op_big;     // the operand of larger magnitude
  logic [30:0] small_mag;  // the other operand's magnitude (its sign matters only via eff_sub)
  logic        big_sign;
  logic [7:0]  big_exp, small_exp;  // effective exponents: 1 for subnormals and zero
  logic [23:0] big_sig, small_sig;  // significands with the hidden bit (0 for subnormals)

  always_comb begin
    if (a_i[30:0] >= b_i[30:0]) begin
      op_big    = a_i;
      small_mag = b_i[30:0];
    end else begin
      op_big    = b_i;
      small_mag = a_i[30:0];
    end
    big_sign  = op_big[31];
    big_exp   = (op_big[30:23] == 8'd0) ? 8'd1 : op_big[30:23];
    small_exp = (small_mag[30:23] == 8'd0) ? 8'd1 : small_mag[30:23];
    big_sig   = {op_big[30:23] != 8'd0, op_big[22:0]};
    small_sig = {small_mag[30:23] != 8'd0, small_mag[22:0]};
  end

  ////////////////////////////////
  // Alignment                  //
  ////////////////////////////////

  // Both operands become 27 bits: the 24-bit significand, then guard, round and sticky. The
  // smaller one moves right by the exponent difference; every bit shifted past the sticky position
  // is ORed into it. A difference of 27 or more leaves only the sticky bit, so the shift is clamped
  // at 27.
  logic [7:0]  exp_diff;
  logic [4:0]  align_shift;
  logic [53:0] small_wide;  // the shifted significand [53:27] and the bits shifted out [26:0]
  logic [26:0] big_ext, small_ext;

  always_comb begin
    exp_diff    = big_exp - small_exp;
    align_shift = (exp_diff > 8'd27) ? 5'd27 : exp_diff[4:0];
    small_wide  = {small_sig, 30'd0} >> align_shift;
    big_ext     = {big_sig, 3'b000};
    small_ext   = {small_wide[53:28], small_wide[27] | (|small_wide[26:0])};
  end

  ////////////////////////////////
  // Add / subtract             //
  ////////////////////////////////

  // Subtraction cannot go negative: big_ext >= small_ext by the swap (with a difference of 1 or
  // more the aligned operand is below 2^26 <= big_ext). The sticky bit stands for "something
  // nonzero at or below this position" in a difference too: the bits above it are exact.
  logic        eff_sub;  // the signs differ: the magnitudes are subtracted
  logic [27:0] raw_sum;  // [27] carry out of an addition

  always_comb begin
    eff_sub = a_i[31] ^ b_i[31];
    if (eff_sub) begin
      raw_sum = {1'b0, big_ext} - {1'b0, small_ext};
    end else begin
      raw_sum = {1'b0, big_ext} + {1'b0, small_ext};
    end
  end

  ////////////////////////////////
  // Normalization              //
  ////////////////////////////////

  // A carry out moves the sum right by one (the dropped bit joins the sticky bit). Otherwise the
  // sum moves left by its leading-zero count, but never below the effective exponent 1: a sum that
  // runs out of exponent first stays unnormalized and is a subnormal (or zero). A left shift of
  // more than one happens only for an exponent difference of 0 or 1, where no bit was shifted out,
  // so the shifted-in zeros are exact.
  logic [4:0]  lead_zeros;  // leading zeros of raw_sum[26:0]; 27 for a zero sum
  logic [7:0]  max_lshift;  // the left shift that reaches the effective exponent 1
  logic [4:0]  norm_shift;
  logic [26:0] norm_sig;    // [26] hidden bit, [25:3] mantissa, [2] guard, [1] round, [0] sticky
  logic [8:0]  norm_exp;    // effective exponent, up to 255 after a carry out

  always_comb begin
    lead_zeros = 5'd27;
    for (int unsigned i = 0; i < 27; i++) begin
      if (raw_sum[i]) begin
        lead_zeros = 5'(26 - i);
      end
    end
    max_lshift = big_exp - 8'd1;
    norm_shift = ({3'd0, lead_zeros} > max_lshift) ? max_lshift[4:0] : lead_zeros;
    if (raw_sum[27]) begin
      norm_sig = {raw_sum[27:2], raw_sum[1] | raw_sum[0]};
      norm_exp = {1'b0, big_exp} + 9'd1;
    end else begin
      norm_sig = raw_sum[26:0] << norm_shift;
      norm_exp = {1'b0, big_exp} - {4'd0, norm_shift};
    end
  end

  ////////////////////////////////
  // Rounding                   //
  ////////////////////////////////

  // Round to nearest, ties to even, on {exponent field, mantissa}: a carry out of the mantissa
  // increments the exponent, which turns the largest subnormal into the smallest normal and the
  // largest finite value into Inf (0x7F800000) with no extra logic.
  logic        round_up;
  logic [7:0]  exp_field;  // 0 for a subnormal or zero result
  logic [30:0] rounded;    // magnitude bits of the rounded result
  logic        overflow;   // exponent 255 already before rounding

  always_comb begin
    round_up  = norm_sig[2] & (norm_sig[3] | norm_sig[1] | norm_sig[0]);
    exp_field = norm_sig[26] ? norm_exp[7:0] : 8'd0;
    overflow  = norm_exp[8] | (norm_exp[7:0] == ExpMax);
    rounded   = {exp_field, norm_sig[25:3]} + {30'd0, round_up};
  end

  ////////////////////////////////
  // Result and special values  //
  ////////////////////////////////

  // A sum of finite operands never rounds to zero: every sum below the smallest normal is exact.
  // So a zero result is an exact zero, and IEEE's RNE sign rule applies: -0 only for (-0) + (-0).
  always_comb begin
    if (a_nan || b_nan || (a_inf && b_inf && eff_sub)) begin
      sum_o = CanonicalNaN;
    end else if (a_inf || b_inf) begin
      sum_o = op_big;  // the infinite operand: |Inf| is above every finite magnitude
    end else if (overflow) begin
      sum_o = {big_sign, ExpMax, 23'd0};
    end else if (rounded == '0) begin
      sum_o = {a_i[31] & b_i[31], 31'd0};
    end else begin
      sum_o = {big_sign, rounded};
    end
  end

  ////////////////////////////////
  // Assertions                 //
  ////////////////////////////////

// Simulation-only checks; synthesis (yosys defines SYNTHESIS) sees none of this.
`ifndef SYNTHESIS
  always_comb begin
    // The swap ordered the magnitudes, so a subtraction never borrows out.
    assert (!(eff_sub && raw_sum[27]))
      else $error("mixpe_fp32_add: negative difference, operands not ordered by magnitude");
    // Normalization leaves the hidden bit set unless the exponent reached its minimum or the
    // sum is an exact zero.
    assert (norm_sig[26] || norm_exp == 9'd1 || raw_sum == '0)
      else $error("mixpe_fp32_add: unnormalized sum above the smallest exponent");
  end
`endif  // SYNTHESIS

endmodule
